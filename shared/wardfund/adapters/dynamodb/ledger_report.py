"""Reads the ledger back: figures per campaign, payouts, suspense, and a full balance check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.records import figures_from, plan_from
from wardfund.adapters.dynamodb.table import BALANCE_SK, SUSPENSE_PK, Item, Table, campaign_pk
from wardfund.domain.errors import InvalidAmount
from wardfund.domain.figures import ZERO, CampaignFigures
from wardfund.domain.ledger import Line, Side
from wardfund.domain.ledger_check import (
    add_balances,
    figures_from_balances,
    foreign_campaign_accounts,
    line_balances,
    lines_balance,
    suspense_from_balances,
)
from wardfund.domain.payouts import PayoutPlan

CAMPAIGN_PREFIX = "CAMPAIGN#"
SUSPENSE_COUNTER_PREFIX = "suspense_"


@dataclass
class LedgerCheck:
    """What the stored journal says, summed from its lines alone.

    `unbalanced`: entries whose debits and credits differ (or whose lines cannot be read);
    `rebuilt`: each campaign's figures from the balances of its accounts;
    `differences`: where a posting's recorded figures, a campaign's or suspense's counters,
    or the partition an entry is filed under disagree with what the journal says."""

    entries: int = 0
    unbalanced: list[str] = field(default_factory=list)
    rebuilt: dict[str, CampaignFigures] = field(default_factory=dict)
    suspense: dict[str, int] = field(default_factory=dict)
    differences: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return not self.unbalanced and not self.differences


class DynamoLedgerReport:
    def __init__(self, table: Table) -> None:
        self.table = table
        self.campaigns = DynamoCampaignStore(table)

    def figures(self, campaign_id: str) -> CampaignFigures:
        return figures_from(self.table.get(campaign_pk(campaign_id), BALANCE_SK) or {})

    def suspense(self) -> dict[str, int]:
        return _suspense_counters(self.table.get(SUSPENSE_PK, BALANCE_SK) or {})

    def payouts(self) -> list[tuple[PayoutPlan, dict[str, Any]]]:
        found = []
        for campaign in self.campaigns.all():
            for item in self.table.query(campaign_pk(campaign.campaign_id), "PAYOUT#", "PAYOUT#~"):
                found.append((plan_from(item), item))
        return sorted(found, key=lambda pair: (pair[0].run_at, pair[0].campaign_id))

    def check(self) -> LedgerCheck:
        """Every journal entry balances, and every figure and counter is what the account
        balances of the journal rebuild."""
        result = LedgerCheck()
        campaign_balances: dict[str, dict[str, int]] = {}
        campaign_counters: dict[str, CampaignFigures] = {}
        suspense_counters: dict[str, int] = {}
        seen: set[str] = set()
        for item in self.table.scan():
            partition = item["PK"]
            if item["SK"] == BALANCE_SK:
                if partition.startswith(CAMPAIGN_PREFIX):
                    campaign_counters[partition.removeprefix(CAMPAIGN_PREFIX)] = figures_from(item)
                elif partition == SUSPENSE_PK:
                    suspense_counters = _suspense_counters(item)
                continue
            if "journal" not in item:
                continue
            result.entries += 1
            entry_id = str(item.get("entry_id"))
            if entry_id in seen:
                result.differences.append(f"entry {entry_id} is in the journal twice")
            seen.add(entry_id)
            lines = _journal_lines(item)
            if lines is None or not lines_balance(lines):
                result.unbalanced.append(entry_id)
                continue
            balances = line_balances(lines)
            if partition.startswith(CAMPAIGN_PREFIX):
                campaign_id = partition.removeprefix(CAMPAIGN_PREFIX)
                _check_posting(result, campaign_id, entry_id, item, balances)
                add_balances(campaign_balances.setdefault(campaign_id, {}), balances)
            elif partition == SUSPENSE_PK:
                currency = str(item.get("currency", "gbp"))
                held = suspense_from_balances(balances)
                result.suspense[currency] = result.suspense.get(currency, 0) + held
        for campaign_id, balances in campaign_balances.items():
            result.rebuilt[campaign_id] = figures_from_balances(campaign_id, balances)
        for campaign_id in sorted(set(campaign_counters) | set(result.rebuilt)):
            kept = campaign_counters.get(campaign_id, ZERO)
            rebuilt = result.rebuilt.get(campaign_id, ZERO)
            if kept != rebuilt:
                result.differences.append(
                    f"campaign {campaign_id}: counters {kept.as_dict()} but its accounts "
                    f"hold {rebuilt.as_dict()}"
                )
        for currency in sorted(set(suspense_counters) | set(result.suspense)):
            kept_pence = suspense_counters.get(currency, 0)
            held_pence = result.suspense.get(currency, 0)
            if kept_pence != held_pence:
                result.differences.append(
                    f"suspense in {currency}: counter {kept_pence} but the account "
                    f"holds {held_pence}"
                )
        return result


def _journal_lines(item: Item) -> list[Line] | None:
    """The stored lines of an entry, or None when one cannot be a journal line."""
    try:
        return [
            Line(str(line["account"]), Side(line["side"]), line["amount"])
            for line in item["journal"]
        ]
    except (InvalidAmount, KeyError, TypeError, ValueError):
        return None


def _check_posting(
    result: LedgerCheck, campaign_id: str, entry_id: str, item: Item, balances: dict[str, int]
) -> None:
    """One campaign's posting: its recorded figures are what its lines say, and its lines
    touch no other campaign's accounts."""
    said = figures_from(item.get("figures", {}))
    held = figures_from_balances(campaign_id, balances)
    if said != held:
        result.differences.append(
            f"entry {entry_id} of {campaign_id}: figures {said.as_dict()} but its lines "
            f"say {held.as_dict()}"
        )
    foreign = foreign_campaign_accounts(campaign_id, balances)
    if foreign:
        result.differences.append(
            f"entry {entry_id} is filed under {campaign_id} but moves {', '.join(foreign)}"
        )


def _suspense_counters(item: Item) -> dict[str, int]:
    return {
        name.removeprefix(SUSPENSE_COUNTER_PREFIX): int(value)
        for name, value in item.items()
        if name.startswith(SUSPENSE_COUNTER_PREFIX)
    }
