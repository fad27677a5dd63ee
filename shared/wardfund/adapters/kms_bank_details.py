"""KMS: campaign bank details sealed at rest, opened only by the roles allowed to.

Each campaign's details (name, sort code, account number) are encrypted with KMS `Encrypt`
under the stage's bank-details key, with the campaign's id in the encryption context: a
sealed value copied to another campaign's item does not open. The ciphertext is what the
table keeps; its name, sort code and last four digits are kept beside it for showing.

On a deployed stage the key is `BANK_DETAILS_KEY_ID` (the stateful stack's `alias/wardfund-
<stage>-bank-details`, its `BankDetailsKeyAlias` output; the payout functions are given the
key's ARN); IAM lets the payout functions and the national finance role decrypt, and the
operators' role only encrypt (it can request a change, not read one), each only with this
purpose in the encryption context (infra/constructs/bank_details_key.py).
On the local stack (`AWS_ENDPOINT_URL` set: moto) the key is made on first use under
`alias/wardfund-local-bank-details`. The same key encrypts the run's bank files in S3
(SSE-KMS), so reading those needs the same permission.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from botocore.exceptions import ClientError

from wardfund.domain.bank_details import BankDetails, BankDetailsRefused

KEY_ID = "BANK_DETAILS_KEY_ID"
LOCAL_ALIAS = "alias/wardfund-local-bank-details"
PURPOSE = "bank-details"
# The encryption context's keys; the stage's IAM grants hold callers to PURPOSE (infra/).
CAMPAIGN_KEY = "wardfund:campaign"
PURPOSE_KEY = "wardfund:purpose"
DENIED = ("AccessDeniedException", "AccessDenied")


class BankDetailsKeyMissing(RuntimeError):
    """No key is set for this stage (BANK_DETAILS_KEY_ID)."""


def _context(campaign_id: str) -> dict[str, str]:
    return {CAMPAIGN_KEY: campaign_id, PURPOSE_KEY: PURPOSE}


def bank_details_key_id() -> str:
    """The key to seal with: the stage's, or on the local stack a key made for it."""
    given = os.environ.get(KEY_ID, "").strip()
    if given:
        return given
    if not os.environ.get("AWS_ENDPOINT_URL"):
        raise BankDetailsKeyMissing(
            f"{KEY_ID} is not set: deploy the stage's stateful stack again (it outputs "
            "BankDetailsKeyAlias) or set it to the bank-details key's alias"
        )
    client: Any = boto3.client("kms")
    try:
        client.describe_key(KeyId=LOCAL_ALIAS)
    except ClientError as error:
        if error.response["Error"]["Code"] != "NotFoundException":
            raise
        made = client.create_key(Description="wardfund local: campaign bank details")
        client.create_alias(AliasName=LOCAL_ALIAS, TargetKeyId=made["KeyMetadata"]["KeyId"])
    return LOCAL_ALIAS


class KmsBankDetails:
    def __init__(self, client: Any = None) -> None:
        self.client: Any = client or boto3.client("kms")  # no KMS stubs in the dev group

    def seal(self, campaign_id: str, details: BankDetails) -> bytes:
        plain = json.dumps(
            {
                "account_name": details.account_name,
                "sort_code": details.sort_code,
                "account_number": details.account_number,
            }
        ).encode()
        sealed = self.client.encrypt(
            KeyId=bank_details_key_id(),
            Plaintext=plain,
            EncryptionContext=_context(campaign_id),
        )
        return bytes(sealed["CiphertextBlob"])

    def open(self, campaign_id: str, sealed: bytes) -> BankDetails:
        try:
            opened = self.client.decrypt(
                CiphertextBlob=sealed, EncryptionContext=_context(campaign_id)
            )
        except ClientError as error:
            if error.response["Error"]["Code"] in DENIED:
                raise BankDetailsRefused(
                    "only the national finance role (and the payout run) can read bank details: "
                    f"KMS refused these credentials ({error.response['Error']['Code']})"
                ) from error
            raise
        values = json.loads(opened["Plaintext"])
        return BankDetails(values["account_name"], values["sort_code"], values["account_number"])
