"""The Payment Links made for each campaign and ward (`KIT#<ward>#<item>`), to reuse them."""

from __future__ import annotations

from datetime import datetime

from wardfund.adapters.dynamodb.table import Table, campaign_pk
from wardfund.domain.calendar import utc_key


def _sk(ward_key: str, item_key: str) -> str:
    return f"KIT#{ward_key}#{item_key}"


class DynamoKitStore:
    def __init__(self, table: Table) -> None:
        self.table = table

    def link(self, campaign_id: str, ward_key: str, item_key: str) -> tuple[str, str] | None:
        item = self.table.get(campaign_pk(campaign_id), _sk(ward_key, item_key))
        return (item["link_id"], item["url"]) if item else None

    def save_link(
        self,
        campaign_id: str,
        ward_key: str,
        ward: str,
        item_key: str,
        link: tuple[str, str],
        at: datetime,
    ) -> None:
        self.table.put(
            {
                "PK": campaign_pk(campaign_id),
                "SK": _sk(ward_key, item_key),
                "ward": ward,
                "item": item_key,
                "link_id": link[0],
                "url": link[1],
                "created_at": utc_key(at),
            }
        )
