"""Ward nights' live figures on DynamoDB: written inside the ledger's transaction, read by
the public live page (issue 17).

One item per ward night, `PK=LIVE#<campaign>`, `SK=NIGHT#<yyyy-mm-dd>#<ward key>`: counters
that the posting of each payment moves with one `ADD`, in the same TransactWriteItems as the
ledger line, so a night counts a payment exactly when, and exactly once, the ledger does; no
AWS call is added. The kit names each ward once (`SK=WARD#<ward key>`), so a night's page has
its ward's name before the first payment.

The reader makes three GetItems (eventually consistent), each of which the live function's
role allows and nothing more (infra/constructs/live_page.py): the night item (a `LIVE#`
partition), the campaign's public settings (name, cap, dates, imprint) and the `match` counter
of its balance item, each with a ProjectionExpression of those attributes only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from wardfund.adapters.dynamodb.table import (
    BALANCE_SK,
    CAMPAIGNS_PK,
    Table,
    campaign_pk,
    from_item,
    key,
    values,
)
from wardfund.domain.calendar import parse_utc_key, utc_key
from wardfund.domain.campaign import Campaign
from wardfund.domain.live_night import NightCount, NightKey, NightTotals, night_count
from wardfund.services.ports import LedgerWrite

LIVE_PREFIX = "LIVE#"
COUNTERS = ("new_monthly_donors", "monthly_pence", "one_off_gifts", "one_off_pence",
            "doubled_pence")  # fmt: skip
# What the page may read of the campaign's settings: its public face and the match's terms.
PUBLIC_CAMPAIGN_ATTRIBUTES = (
    "campaign_id",
    "name",
    "launch_event_on",
    "election_on",
    "match_cap_pence",
    "withdrawn_at",
    "promoter_name",
    "promoter_address",
    "on_behalf_of",
)
BALANCE_ATTRIBUTES = ("match",)
NIGHT_ATTRIBUTES = ("ward", *COUNTERS)


def live_pk(campaign_id: str) -> str:
    return f"{LIVE_PREFIX}{campaign_id}"


def night_sk(night: NightKey) -> str:
    return f"NIGHT#{night.night.isoformat()}#{night.ward_key}"


def ward_sk(ward_key: str) -> str:
    return f"WARD#{ward_key}"


PAYMENT_RECORD = "PAYMENT"  # the business record of a payment recorded from Stripe's events


def night_item(table_name: str, write: LedgerWrite) -> dict[str, Any] | None:
    """The ledger transaction's item for the payment's ward night, when it counts for one:
    a payment recorded from Stripe for a campaign and a ward (not a refund, a dispute, a late
    match, or a payment later given to a campaign from suspense)."""
    if write.record_key != PAYMENT_RECORD or write.payment is None:
        return None
    count = night_count(write.payment.payment, write.payment.allocation)
    return night_update(table_name, count, write.posting.effective_at) if count else None


def night_update(table_name: str, count: NightCount, at: datetime) -> dict[str, Any]:
    """The one item the ledger transaction adds for a payment that counts for a night."""
    names = {f"#c{i}": name for i, name in enumerate(COUNTERS)}
    bound: dict[str, Any] = {f":c{i}": getattr(count, name) for i, name in enumerate(COUNTERS)}
    bound |= {":ward": count.ward, ":at": utc_key(at)}
    adds = ", ".join(f"#c{i} :c{i}" for i in range(len(COUNTERS)))
    return {
        "Update": {
            "TableName": table_name,
            "Key": key(live_pk(count.key.campaign_id), night_sk(count.key)),
            "UpdateExpression": f"SET #w = :ward, #u = :at ADD {adds}",
            "ExpressionAttributeNames": names | {"#w": "ward", "#u": "updated_at"},
            "ExpressionAttributeValues": values(bound),
        }
    }


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _projection(attributes: tuple[str, ...]) -> dict[str, Any]:
    names = {f"#a{i}": name for i, name in enumerate(attributes)}
    return {"ProjectionExpression": ", ".join(names), "ExpressionAttributeNames": names}


class DynamoLiveNights:
    """The live page's reads (and the kit's naming of a ward)."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def _get(self, pk: str, sk: str, attributes: tuple[str, ...]) -> dict[str, Any] | None:
        found = self.table.client.get_item(
            TableName=self.table.name, Key=key(pk, sk), **_projection(attributes)
        )
        item = found.get("Item")
        return from_item(item) if item else None

    def night(self, night: NightKey) -> NightTotals:
        item = self._get(live_pk(night.campaign_id), night_sk(night), NIGHT_ATTRIBUTES)
        if item is None:
            named = self._get(live_pk(night.campaign_id), ward_sk(night.ward_key), ("ward",))
            return NightTotals(ward=named.get("ward") if named else None)
        return NightTotals(
            ward=item.get("ward"), **{name: int(item.get(name, 0)) for name in COUNTERS}
        )

    def campaign(self, campaign_id: str) -> Campaign | None:
        item = self._get(CAMPAIGNS_PK, campaign_id, PUBLIC_CAMPAIGN_ATTRIBUTES)
        if item is None or "name" not in item:
            return None
        withdrawn = item.get("withdrawn_at")
        return Campaign(
            campaign_id=campaign_id,
            name=item["name"],
            launch_event_on=_date(item.get("launch_event_on")),
            election_on=_date(item.get("election_on")),
            match_cap_pence=int(item.get("match_cap_pence", 0)),
            withdrawn_at=parse_utc_key(withdrawn) if withdrawn else None,
            promoter_name=item.get("promoter_name"),
            promoter_address=item.get("promoter_address"),
            on_behalf_of=item.get("on_behalf_of"),
        )

    def matched(self, campaign_id: str) -> int:
        item = self._get(campaign_pk(campaign_id), BALANCE_SK, BALANCE_ATTRIBUTES)
        return int(item.get("match", 0)) if item else 0

    def name_ward(self, campaign_id: str, ward_key: str, ward: str) -> None:
        """The kit keeps the ward's name for its nights' pages (an operator's write)."""
        self.table.put({"PK": live_pk(campaign_id), "SK": ward_sk(ward_key), "ward": ward})
