"""The KMS key that seals campaign bank details and the payout run's bank files (issue 15, item 1).

`campaign bank set` seals each campaign's details with `Encrypt` under this key, with the
campaign and the purpose (`wardfund:purpose=bank-details`) as the encryption context
(shared/wardfund/adapters/kms_bank_details.py); the run's two payment files (Bankline CSV,
Bacs Standard 18) are SSE-KMS under it. Its alias, `alias/wardfund-<stage>-bank-details`, is
the stateful stack's `BankDetailsKeyAlias` output, which the CLI reads as `BANK_DETAILS_KEY_ID`.

Who may use it is said by IAM, on each role (`statements` below), not by the key policy: the
roles are in the stateless stack, which depends on this one, so the key policy cannot name
them. The key policy is CDK's default (the account's IAM policies decide, as for any
customer managed key); no IAM policy in the app grants this key to anyone but:

* the payout functions (RunPayouts, PayCampaign: whichever finishes the run writes its bank
  files): `Decrypt` of bank details, and `GenerateDataKey` through S3 for the files;
* the national finance role: `Decrypt` of bank details (`campaign bank export`) and, through
  S3, of the files (`campaign bank files`);
* the operators' role: `Encrypt` of bank details only (`campaign bank set`).

Yearly automatic rotation is on; in prod the key is retained when it leaves the template
(bank details sealed under it would otherwise never open again).
"""

from __future__ import annotations

from aws_cdk import Aws, Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig


class BankDetailsKey(Construct):
    """`key` and its `alias` (`alias_name`: the alias resource's Ref, its name)."""

    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "Key",
            description=f"wardfund {config.stage}: campaign bank details and the payout run's "
            "bank files",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN if config.is_prod else RemovalPolicy.DESTROY,
            pending_window=Duration.days(c.BANK_DETAILS_KEY_PENDING_DAYS),
        )
        self.alias = self.key.add_alias(c.bank_details_key_alias(config.stage))

    @property
    def alias_name(self) -> str:
        return self.alias.alias_name


def _purpose() -> dict[str, dict[str, str]]:
    """Only with the bank-details purpose in the encryption context."""
    return {"StringEquals": {c.BANK_DETAILS_PURPOSE_CONDITION: c.BANK_DETAILS_PURPOSE}}


def _through_s3(bucket: s3.IBucket) -> dict[str, dict[str, str]]:
    """Only as S3 asks for it, for an object under bank-transfers/ of the bank-files bucket."""
    return {
        "StringEquals": {"kms:ViaService": f"s3.{Aws.REGION}.amazonaws.com"},
        "StringLike": {
            c.S3_OBJECT_CONTEXT_CONDITION: bucket.arn_for_objects(f"{c.BANK_TRANSFERS_PREFIX}/*")
        },
    }


def seal_statement(key_arn: str) -> iam.PolicyStatement:
    """`campaign bank set`: seal new details (the operators)."""
    return iam.PolicyStatement(actions=["kms:Encrypt"], resources=[key_arn], conditions=_purpose())


def open_statement(key_arn: str) -> iam.PolicyStatement:
    """Open sealed details (the payout functions, national finance)."""
    return iam.PolicyStatement(actions=["kms:Decrypt"], resources=[key_arn], conditions=_purpose())


def write_files_statement(key_arn: str, bucket: s3.IBucket) -> iam.PolicyStatement:
    """PutObject of an SSE-KMS bank file (single part: GenerateDataKey only)."""
    return iam.PolicyStatement(
        actions=["kms:GenerateDataKey"], resources=[key_arn], conditions=_through_s3(bucket)
    )


def read_files_statement(key_arn: str, bucket: s3.IBucket) -> iam.PolicyStatement:
    """GetObject of an SSE-KMS bank file."""
    return iam.PolicyStatement(
        actions=["kms:Decrypt"], resources=[key_arn], conditions=_through_s3(bucket)
    )


def grant_payout_function(role: iam.IRole, key_arn: str, bucket: s3.IBucket) -> None:
    """A payout function that may finish the run: opens the campaigns' details and writes the
    SSE-KMS bank files; seals nothing and reads no file back."""
    role.add_to_principal_policy(open_statement(key_arn))
    role.add_to_principal_policy(write_files_statement(key_arn, bucket))


def grant_national_finance(role: iam.IRole, key_arn: str, bucket: s3.IBucket) -> None:
    """Opens the campaigns' details and reads the bank files; seals nothing."""
    role.add_to_principal_policy(open_statement(key_arn))
    role.add_to_principal_policy(read_files_statement(key_arn, bucket))


def grant_operators(role: iam.IRole, key_arn: str) -> None:
    """Seals new details (`campaign bank set`); can open neither details nor files."""
    role.add_to_principal_policy(seal_statement(key_arn))
