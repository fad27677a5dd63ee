"""What the emails read back from the table: campaign settings, ledger lines, payments (in
batches of 100), donor lifecycle notes, the previous payout run, the suspense balance and the
open suspense items (each with what its payment has had taken back since)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from wardfund.adapters.dynamodb.records import (
    campaign_from,
    holding_from,
    line_from,
    payment_from,
)
from wardfund.adapters.dynamodb.suspense_items import suspense_items
from wardfund.adapters.dynamodb.table import (
    BALANCE_SK,
    CAMPAIGNS_PK,
    RUNS_PK,
    SUSPENSE_PK,
    Table,
    campaign_pk,
    from_item,
    key,
    lines_until,
    payment_pk,
    values,
)
from wardfund.domain.calendar import parse_utc_key, utc_key
from wardfund.domain.campaign import Campaign
from wardfund.domain.facts import Donor
from wardfund.domain.payouts import LedgerLine
from wardfund.domain.postings import Payment
from wardfund.domain.statement import LifecycleNote
from wardfund.domain.suspense import SuspenseItem

BATCH_GET_LIMIT = 100
MAX_UNPROCESSED_ROUNDS = 10


class DynamoNotificationReader:
    def __init__(self, table: Table) -> None:
        self.table = table

    def campaign(self, campaign_id: str) -> Campaign | None:
        item = self.table.get(CAMPAIGNS_PK, campaign_id)
        return campaign_from(item) if item else None

    def lines_until(self, campaign_id: str, run_at: datetime) -> Sequence[LedgerLine]:
        items = self.table.query(campaign_pk(campaign_id), "LINE#", lines_until(run_at))
        return [line_from(item) for item in items]

    def payments(self, payment_ids: Iterable[str]) -> Mapping[str, tuple[Payment, Donor]]:
        wanted = list(dict.fromkeys(payment_ids))
        found: dict[str, tuple[Payment, Donor]] = {}
        for start in range(0, len(wanted), BATCH_GET_LIMIT):
            keys = [
                key(payment_pk(pid), "PAYMENT") for pid in wanted[start : start + BATCH_GET_LIMIT]
            ]
            for item in self._batch_get(keys):
                payment, _, donor = payment_from(item)
                found[payment.payment_id] = (payment, donor)
        return found

    def _batch_get(self, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
        request: dict[str, Any] = {self.table.name: {"Keys": keys, "ConsistentRead": True}}
        items: list[dict[str, Any]] = []
        for _ in range(MAX_UNPROCESSED_ROUNDS):
            reply = self.table.client.batch_get_item(RequestItems=cast(Any, request))
            items.extend(
                from_item(item) for item in reply.get("Responses", {}).get(self.table.name, [])
            )
            request = cast(dict[str, Any], reply.get("UnprocessedKeys") or {})
            if not request:
                return items
        raise RuntimeError("DynamoDB left keys unprocessed after repeated BatchGetItem calls")

    def lifecycle(
        self, campaign_id: str, after: datetime | None, until: datetime
    ) -> Sequence[LifecycleNote]:
        low = f"DONOR#{utc_key(after)}" if after else "DONOR#"
        high = f"DONOR#{utc_key(until)}#\uffff"
        return [
            LifecycleNote(
                kind=str(item["kind"]),
                subscription_id=str(item.get("subscription_id", item["SK"])),
                at=parse_utc_key(item["at"]),
            )
            for item in self.table.query(campaign_pk(campaign_id), low, high)
        ]

    def previous_run(self, before: datetime) -> datetime | None:
        reply = self.table.client.query(
            TableName=self.table.name,
            KeyConditionExpression="PK = :pk AND SK < :before",
            ExpressionAttributeValues=values({":pk": RUNS_PK, ":before": utc_key(before)}),
            ScanIndexForward=False,
            Limit=1,
            ConsistentRead=True,
        )
        items = reply.get("Items", [])
        return parse_utc_key(str(from_item(items[0])["SK"])) if items else None

    def suspense(self) -> int:
        item = self.table.get(SUSPENSE_PK, BALANCE_SK) or {}
        return int(item.get("suspense_gbp", 0))

    def open_suspense(self) -> Sequence[SuspenseItem]:
        """Every suspense item nobody has resolved yet, oldest payment first."""
        items = [item for item in suspense_items(self.table) if item.open]
        taken_back: dict[str, int] = {}
        wanted = [item.payment_id for item in items]
        for start in range(0, len(wanted), BATCH_GET_LIMIT):
            keys = [
                key(payment_pk(pid), "PAYMENT") for pid in wanted[start : start + BATCH_GET_LIMIT]
            ]
            for record in self._batch_get(keys):
                holding = holding_from(record)
                if holding is not None:
                    taken_back[str(record["payment_id"])] = holding.taken_back
        return sorted(
            (replace(item, taken_back=taken_back.get(item.payment_id, 0)) for item in items),
            key=lambda item: (item.paid_at, item.payment_id),
        )
