"""Suspense items: `PK=SUSPENSE`, `SK=ITEM#<payment id>`, one per payment held in suspense,
written in the payment's own transaction (`DynamoLedgerStore`).

Open while it has no `resolved_at`. `wardfund suspense assign` or `suspense refund` sets
`resolved_at`, `resolved_by` and `resolution` with `mark_resolved`; the national summary
then stops listing it. The item's `needed` keeps, in words, what the alert said to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from botocore.exceptions import ClientError

from wardfund.adapters.dynamodb.table import HIGH, SUSPENSE_PK, Item, Table, key, values
from wardfund.domain.calendar import parse_utc_key, utc_key
from wardfund.domain.postings import PaymentKind, SuspenseReason
from wardfund.domain.suspense import SuspenseItem

ITEM_PREFIX = "ITEM#"
RESOLVED = "resolved_at"  # the field that closes an item


def suspense_item_sk(payment_id: str) -> str:
    return f"{ITEM_PREFIX}{payment_id}"


def suspense_item_record(item: SuspenseItem, event_id: str) -> Item:
    return {
        "PK": SUSPENSE_PK,
        "SK": suspense_item_sk(item.payment_id),
        "payment_id": item.payment_id,
        "reason": str(item.reason),
        "amount": item.amount,
        "currency": item.currency,
        "paid_at": utc_key(item.paid_at),
        "payment_kind": str(item.kind),
        "campaign_named": item.campaign_named,
        "ward": item.ward,
        "subscription_id": item.subscription_id,
        "needed": item.needed,
        "event_id": event_id,
    }


def suspense_item_from(record: Item) -> SuspenseItem:
    resolved = record.get(RESOLVED)
    return SuspenseItem(
        payment_id=str(record["payment_id"]),
        reason=SuspenseReason(record["reason"]),
        amount=int(record["amount"]),
        currency=str(record["currency"]),
        paid_at=parse_utc_key(record["paid_at"]),
        kind=PaymentKind(record["payment_kind"]),
        campaign_named=record.get("campaign_named"),
        ward=record.get("ward"),
        subscription_id=record.get("subscription_id"),
        resolved_at=parse_utc_key(resolved) if resolved else None,
    )


def suspense_items(table: Table) -> Iterable[SuspenseItem]:
    """Every suspense item, open or resolved (one partition, strongly consistent)."""
    for record in table.query(SUSPENSE_PK, ITEM_PREFIX, ITEM_PREFIX + HIGH):
        yield suspense_item_from(record)


def mark_resolved(table: Table, payment_id: str, *, by: str, resolution: str, at: datetime) -> bool:
    """Closes the payment's open suspense item; False when it has none, or it is closed."""
    try:
        table.client.update_item(
            TableName=table.name,
            Key=key(SUSPENSE_PK, suspense_item_sk(payment_id)),
            UpdateExpression="SET #r = :at, resolved_by = :by, resolution = :how",
            ConditionExpression="attribute_exists(PK) AND attribute_not_exists(#r)",
            ExpressionAttributeNames={"#r": RESOLVED},
            ExpressionAttributeValues=values({":at": utc_key(at), ":by": by, ":how": resolution}),
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return False
    return True
