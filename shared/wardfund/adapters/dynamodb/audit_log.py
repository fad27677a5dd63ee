"""The campaign audit trail on DynamoDB: settings versions and every other recorded action.

Settings changes are written by the campaign store as `AUDIT#<version>`; other actions
(invoice decisions, donor-data exports, kits, reconciliation) as `AUDIT#T#<time>#<id>`.
Both live in the campaign's partition, so one query reads the whole trail.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from wardfund.adapters.dynamodb.table import Item, Table, campaign_pk
from wardfund.domain.audit import AuditEntry
from wardfund.domain.calendar import parse_utc_key, utc_key

AUDIT_PREFIX = "AUDIT#"
OLDEST = datetime(2000, 1, 1, tzinfo=UTC)


def _entry(campaign_id: str, item: Item) -> AuditEntry:
    at = item.get("at")
    return AuditEntry(
        campaign_id=campaign_id,
        at=parse_utc_key(at) if at else None,
        by=item.get("changed_by", "?"),
        action=item.get("action", "settings"),
        detail=item.get("change", ""),
        principal=item.get("principal"),
    )


class DynamoAuditLog:
    def __init__(self, table: Table) -> None:
        self.table = table

    def record(
        self,
        campaign_id: str,
        *,
        action: str,
        by: str,
        at: datetime,
        detail: str,
        principal: str | None = None,
    ) -> None:
        """`principal`: the caller's AWS identity (STS ARN) on a deployed stage, kept beside the
        name they typed (`by`), which anyone can type."""
        self.table.put(
            {
                "PK": campaign_pk(campaign_id),
                "SK": f"{AUDIT_PREFIX}T#{utc_key(at)}#{uuid.uuid4().hex[:8]}",
                "action": action,
                "changed_by": by,
                "principal": principal,
                "change": detail,
                "at": utc_key(at),
            }
        )

    def trail(self, campaign_id: str) -> list[AuditEntry]:
        items = self.table.query(campaign_pk(campaign_id), AUDIT_PREFIX, AUDIT_PREFIX + "\uffff")
        entries = [_entry(campaign_id, item) for item in items]
        return sorted(entries, key=lambda e: (e.at is not None, e.at or OLDEST))
