"""Campaign bank details on DynamoDB: the current ones, a change waiting for its second
person, and the notice a change applied leaves for the treasurers' emails.

In the campaign's partition: `SK=BANK` (the details payouts go to) and `SK=BANK#PENDING`
(a requested change). Each holds the details sealed by KMS (`sealed`, binary) beside what
may be shown (name, sort code, last four digits). Approving is one transaction: the new
`BANK` item (on condition the current one is still the one the approver saw), the pending
item deleted (on condition it is still the one approved), and an `ALERT` item of kind
`bank_details_changed`, which the table's stream turns into the emails to every treasurer
and to national finance (it rides the alerts' stream filter: Lambda allows five).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from wardfund.adapters.dynamodb.table import ALERT_PK, Item, Table, campaign_pk, to_item
from wardfund.domain.bank_details import BankChange, BankDetailsRefused, CurrentBankDetails, Shown
from wardfund.domain.calendar import parse_utc_key, utc_key

CURRENT_SK = "BANK"
PENDING_SK = "BANK#PENDING"
CHANGED_KIND = "bank_details_changed"


def _bytes(value: Any) -> bytes:
    return bytes(getattr(value, "value", value))


def _shown(item: Item, prefix: str = "") -> Shown:
    return Shown(item[f"{prefix}account_name"], item[f"{prefix}sort_code"], item[f"{prefix}last4"])


def _shown_values(shown: Shown | None, prefix: str = "") -> dict[str, str]:
    if shown is None:
        return {}
    return {
        f"{prefix}account_name": shown.account_name,
        f"{prefix}sort_code": shown.sort_code,
        f"{prefix}last4": shown.last4,
    }


def current_from(campaign_id: str, item: Item) -> CurrentBankDetails:
    return CurrentBankDetails(
        campaign_id=campaign_id,
        shown=_shown(item),
        sealed=_bytes(item["sealed"]),
        changed_at=parse_utc_key(item["changed_at"]),
        requested_by=item.get("requested_by", ""),
        approved_by=item.get("approved_by", ""),
        version=int(item.get("version", 1)),
        requested_principal=item.get("requested_principal"),
        approved_principal=item.get("approved_principal"),
    )


def change_from(campaign_id: str, item: Item) -> BankChange:
    return BankChange(
        change_id=item["change_id"],
        campaign_id=campaign_id,
        shown=_shown(item),
        sealed=_bytes(item["sealed"]),
        requested_by=item["requested_by"],
        requested_at=parse_utc_key(item["requested_at"]),
        requested_principal=item.get("requested_principal"),
        modulus=item.get("modulus", "not_checked"),
        replaces=_shown(item, "old_") if item.get("old_sort_code") else None,
    )


class DynamoBankDetailsStore:
    def __init__(self, table: Table) -> None:
        self.table = table

    def current(self, campaign_id: str) -> CurrentBankDetails | None:
        item = self.table.get(campaign_pk(campaign_id), CURRENT_SK)
        return current_from(campaign_id, item) if item else None

    def pending(self, campaign_id: str) -> BankChange | None:
        item = self.table.get(campaign_pk(campaign_id), PENDING_SK)
        return change_from(campaign_id, item) if item else None

    def request(self, change: BankChange) -> None:
        """Keeps the change waiting; one at a time per campaign."""
        item = {
            "PK": campaign_pk(change.campaign_id),
            "SK": PENDING_SK,
            "change_id": change.change_id,
            "sealed": change.sealed,
            "requested_by": change.requested_by,
            "requested_at": utc_key(change.requested_at),
            "requested_principal": change.requested_principal,
            "modulus": change.modulus,
            **_shown_values(change.shown),
            **_shown_values(change.replaces, "old_"),
        }
        try:
            self.table.put(item, condition="attribute_not_exists(PK)")
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            raise BankDetailsRefused(
                f"a change of {change.campaign_id}'s bank details is already waiting for "
                "approval: approve or reject it first"
            ) from error

    def withdraw(self, change: BankChange) -> None:
        try:
            self.table.client.delete_item(
                TableName=self.table.name,
                Key={"PK": {"S": campaign_pk(change.campaign_id)}, "SK": {"S": PENDING_SK}},
                ConditionExpression="change_id = :id",
                ExpressionAttributeValues={":id": {"S": change.change_id}},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            raise BankDetailsRefused("that change is no longer waiting") from error

    def approve(
        self,
        change: BankChange,
        *,
        was: CurrentBankDetails | None,
        by: str,
        principal: str | None,
        at: datetime,
    ) -> CurrentBankDetails:
        pk = campaign_pk(change.campaign_id)
        version = (was.version if was else 0) + 1
        current = {
            "PK": pk,
            "SK": CURRENT_SK,
            "sealed": change.sealed,
            "changed_at": utc_key(at),
            "requested_by": change.requested_by,
            "requested_principal": change.requested_principal,
            "approved_by": by,
            "approved_principal": principal,
            "change_id": change.change_id,
            "version": version,
            **_shown_values(change.shown),
        }
        notice = {
            "PK": ALERT_PK,
            "SK": f"{utc_key(at)}#{CHANGED_KIND}#{change.campaign_id}#{change.change_id}",
            "kind": CHANGED_KIND,
            "at": utc_key(at),
            "campaign_id": change.campaign_id,
            "change_id": change.change_id,
            "requested_by": change.requested_by,
            "approved_by": by,
            **_shown_values(change.shown),
            **_shown_values(was.shown if was else None, "old_"),
        }
        put: dict[str, Any] = {"TableName": self.table.name, "Item": to_item(current)}
        if was:
            put["ConditionExpression"] = "version = :v"
            put["ExpressionAttributeValues"] = {":v": {"N": str(was.version)}}
        else:
            put["ConditionExpression"] = "attribute_not_exists(PK)"
        try:
            self.table.client.transact_write_items(
                TransactItems=[
                    {"Put": put},  # type: ignore[typeddict-item]
                    {
                        "Delete": {
                            "TableName": self.table.name,
                            "Key": {"PK": {"S": pk}, "SK": {"S": PENDING_SK}},
                            "ConditionExpression": "change_id = :id",
                            "ExpressionAttributeValues": {":id": {"S": change.change_id}},
                        }
                    },
                    {
                        "Put": {
                            "TableName": self.table.name,
                            "Item": to_item(notice),
                            "ConditionExpression": "attribute_not_exists(PK)",
                        }
                    },
                ]
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            raise BankDetailsRefused(
                f"{change.campaign_id}'s bank details or the change waiting changed while "
                "approving: look again (`campaign bank show`) and approve what is there"
            ) from error
        return current_from(change.campaign_id, current)
