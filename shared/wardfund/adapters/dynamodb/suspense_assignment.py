"""The items a payment's way out of suspense writes, beside the campaign's posting, in the one
`TransactWriteItems` of `DynamoLedgerStore.commit` (issue 14, section 2).

`DynamoLedgerStore` writes the marker (`suspense-assign:<payment id>`: a second assignment
is refused by it), the business record (`ASSIGNED`), the campaign's line and counters with
their guards. These add:

- suspense's own line (`SUSPENSE`, `LINE#...`): the entry taking the money out of suspense,
  and its counter (`suspense_<currency>`) brought down by as much;
- the payment's record rewritten as the campaign's (campaign, ward, allocation, holding), on
  condition that it is still as read, in suspense;
- the suspense item closed (`resolved_at`, `resolved_by`, `resolution`), on condition that
  nobody closed it meanwhile, which closes the alert: the national summary lists open
  items only;
- an audit entry in the campaign's partition (who, when, what, and on a stage the caller's
  AWS identity).
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from typing import Any

from wardfund.adapters.dynamodb.records import journal_values
from wardfund.adapters.dynamodb.suspense_items import (
    ITEM_PREFIX,
    RESOLVED,
    suspense_item_from,
    suspense_item_sk,
)
from wardfund.adapters.dynamodb.table import (
    BALANCE_SK,
    HIGH,
    SUSPENSE_PK,
    Table,
    campaign_pk,
    key,
    line_sk,
    payment_pk,
    to_item,
    values,
)
from wardfund.domain.calendar import utc_key
from wardfund.domain.suspense import SuspenseItem
from wardfund.domain.suspense_assignment import ASSIGNED_KIND
from wardfund.services.ports import LedgerWrite

AUDIT_PREFIX = "AUDIT#T#"  # as DynamoAuditLog writes other actions
ASSIGNED_RECORD = "ASSIGNED"


def assignment_items(table_name: str, write: LedgerWrite) -> list[dict[str, Any]]:
    """The extra transaction items of a write that takes a payment out of suspense."""
    resolution = write.assignment
    assert resolution is not None
    assigned = resolution.assigned
    out = assigned.out_of_suspense
    at = write.posting.effective_at
    currency = out.entry.currency
    payment_id = assigned.payment.payment_id
    line = {
        "PK": SUSPENSE_PK,
        "SK": line_sk(at, out.entry.entry_id),
        "entry_id": out.entry.entry_id,
        "kind": ASSIGNED_KIND,
        "effective_at": utc_key(at),
        "settle_at": utc_key(at),
        "currency": currency,
        "journal": journal_values(out.entry),
        "figures": out.figures.as_dict(),
        "suspense_delta": out.suspense_delta,
        "payment_id": payment_id,
        "assigned_to": assigned.payment.campaign_id,
        "event_id": write.event_id,
    }
    return [
        {"Put": {"TableName": table_name, "Item": to_item(line)}},
        {
            "Update": {
                "TableName": table_name,
                "Key": key(SUSPENSE_PK, BALANCE_SK),
                "UpdateExpression": "ADD #s :s",
                "ExpressionAttributeNames": {"#s": f"suspense_{currency}"},
                "ExpressionAttributeValues": values({":s": out.suspense_delta}),
            }
        },
        _payment_update(table_name, write),
        {
            "Update": {
                "TableName": table_name,
                "Key": key(SUSPENSE_PK, suspense_item_sk(payment_id)),
                "UpdateExpression": (
                    "SET #r = :at, resolved_by = :by, resolution = :how, assigned_to = :c"
                    + (", resolved_principal = :who" if resolution.principal else "")
                ),
                "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(#r)",
                "ExpressionAttributeNames": {"#r": RESOLVED},
                "ExpressionAttributeValues": values(
                    {
                        ":at": utc_key(at),
                        ":by": resolution.by,
                        ":how": resolution.detail,
                        ":c": assigned.payment.campaign_id,
                    }
                    | ({":who": resolution.principal} if resolution.principal else {})
                ),
            }
        },
        {
            "Put": {
                "TableName": table_name,
                "Item": to_item(
                    {
                        "PK": campaign_pk(assigned.payment.campaign_id),
                        "SK": f"{AUDIT_PREFIX}{utc_key(at)}#{uuid.uuid4().hex[:8]}",
                        "action": "suspense assigned",
                        "changed_by": resolution.by,
                        "principal": resolution.principal,
                        "change": resolution.detail,
                        "at": utc_key(at),
                        "payment_id": payment_id,
                    }
                ),
            }
        },
    ]


def _payment_update(table_name: str, write: LedgerWrite) -> dict[str, Any]:
    """The payment's record becomes the campaign's, only from the state it was read in."""
    resolution = write.assignment
    assert resolution is not None
    before, assigned = resolution.before, resolution.assigned
    if before.stored_holding is None:
        condition, bound = "attribute_not_exists(taken_back)", {}
    else:
        condition = "taken_back = :t0 AND match_base = :b0"
        bound = {":t0": before.holding.taken_back, ":b0": before.holding.match_base}
    condition += " AND allocation.suspense = :s0"
    bound[":s0"] = before.allocation.suspense
    sets = {
        ":c": assigned.payment.campaign_id,
        ":a": asdict(assigned.allocation),
        ":t": assigned.holding.taken_back,
        ":b": assigned.holding.match_base,
        ":at": utc_key(write.posting.effective_at),
    }
    expression = (
        "SET campaign_id = :c, allocation = :a, taken_back = :t, match_base = :b, assigned_at = :at"
    )
    if assigned.payment.ward is not None:
        sets[":w"] = assigned.payment.ward
        expression += ", ward = :w"
    if before.payment.campaign_id:
        sets[":named"] = before.payment.campaign_id
        expression += ", campaign_named = :named"
    return {
        "Update": {
            "TableName": table_name,
            "Key": key(payment_pk(assigned.payment.payment_id), "PAYMENT"),
            "UpdateExpression": expression,
            "ConditionExpression": condition,
            "ExpressionAttributeValues": values(bound | sets),
        }
    }


@dataclass(frozen=True)
class SuspenseRow:
    """A suspense item as listed: what suspense still holds of it (from the payment's
    holding) and, once resolved, by whom and how."""

    item: SuspenseItem
    held: int
    resolved_by: str | None = None
    resolution: str | None = None
    assigned_to: str | None = None


class DynamoSuspense:
    """The suspense items, read with their payments' holdings (one partition, then a get
    per item: suspense holds few)."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def rows(self) -> list[SuspenseRow]:
        found = []
        for record in self.table.query(SUSPENSE_PK, ITEM_PREFIX, ITEM_PREFIX + HIGH):
            found.append(self._row(record))
        return sorted(found, key=lambda row: (row.item.paid_at, row.item.payment_id))

    def row(self, payment_id: str) -> SuspenseRow | None:
        record = self.table.get(SUSPENSE_PK, suspense_item_sk(payment_id))
        return self._row(record) if record else None

    def item(self, payment_id: str) -> SuspenseItem | None:
        found = self.row(payment_id)
        return found.item if found else None

    def _row(self, record: dict[str, Any]) -> SuspenseRow:
        item = suspense_item_from(record)
        payment = self.table.get(payment_pk(item.payment_id), "PAYMENT") or {}
        taken_back = int(payment.get("taken_back", 0))
        in_suspense = int(payment.get("allocation", {}).get("suspense", 0)) > 0
        held = max(item.amount - taken_back, 0) if in_suspense else 0
        return SuspenseRow(
            item=item,
            held=held,
            resolved_by=record.get("resolved_by"),
            resolution=record.get("resolution"),
            assigned_to=record.get("assigned_to"),
        )


__all__ = [
    "ASSIGNED_RECORD",
    "DynamoSuspense",
    "SuspenseRow",
    "assignment_items",
]
