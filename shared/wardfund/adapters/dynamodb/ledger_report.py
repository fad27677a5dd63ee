"""Reads the ledger back: figures per campaign, payouts, suspense, and a full balance check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.records import figures_from, plan_from
from wardfund.adapters.dynamodb.table import BALANCE_SK, SUSPENSE_PK, Table, campaign_pk
from wardfund.domain.errors import UnbalancedEntry
from wardfund.domain.figures import ZERO, CampaignFigures
from wardfund.domain.ledger import Line, Side, journal_entry
from wardfund.domain.payouts import PayoutPlan


@dataclass
class LedgerCheck:
    entries: int = 0
    unbalanced: list[str] = field(default_factory=list)
    rebuilt: dict[str, CampaignFigures] = field(default_factory=dict)

    @property
    def balanced(self) -> bool:
        return (self.entries > 0 and not self.unbalanced) or self.entries == 0


class DynamoLedgerReport:
    def __init__(self, table: Table) -> None:
        self.table = table
        self.campaigns = DynamoCampaignStore(table)

    def figures(self, campaign_id: str) -> CampaignFigures:
        return figures_from(self.table.get(campaign_pk(campaign_id), BALANCE_SK) or {})

    def suspense(self) -> dict[str, int]:
        item = self.table.get(SUSPENSE_PK, BALANCE_SK) or {}
        return {
            name.removeprefix("suspense_"): int(value)
            for name, value in item.items()
            if name.startswith("suspense_")
        }

    def payouts(self) -> list[tuple[PayoutPlan, dict[str, Any]]]:
        found = []
        for campaign in self.campaigns.all():
            for item in self.table.query(campaign_pk(campaign.campaign_id), "PAYOUT#", "PAYOUT#~"):
                found.append((plan_from(item), item))
        return sorted(found, key=lambda pair: (pair[0].run_at, pair[0].campaign_id))

    def check(self) -> LedgerCheck:
        """Every journal entry balances, and the counters equal what the journal rebuilds."""
        result = LedgerCheck()
        for item in self.table.scan():
            if "journal" not in item:
                continue
            result.entries += 1
            lines = [Line(j["account"], Side(j["side"]), j["amount"]) for j in item["journal"]]
            try:
                journal_entry(item["entry_id"], item.get("currency", "gbp"), lines)
            except UnbalancedEntry:
                result.unbalanced.append(item["entry_id"])
            campaign = item["PK"].removeprefix("CAMPAIGN#")
            if item["PK"] != SUSPENSE_PK:
                previous = result.rebuilt.get(campaign, ZERO)
                result.rebuilt[campaign] = previous + figures_from(item.get("figures", {}))
        return result
