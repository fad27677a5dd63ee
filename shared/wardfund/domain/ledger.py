"""Double-entry journal: accounts, lines with an explicit side, entries that always balance."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from wardfund.domain.errors import UnbalancedEntry
from wardfund.domain.money import require_pence

DONOR_FUNDS = "donor_funds"
NATIONAL_SHARE = "national:share"
NATIONAL_MATCH_FUNDING = "national:match_funding"
SUSPENSE = "suspense"
NATIONAL_LAUNCH_EVENT_FUNDING = "national:launch_event_funding"
NATIONAL_BANK = "national:bank"


def campaign_share_account(campaign_id: str) -> str:
    return f"campaign:{campaign_id}:share"


def campaign_match_account(campaign_id: str) -> str:
    return f"campaign:{campaign_id}:match"


def campaign_launch_costs_account(campaign_id: str) -> str:
    return f"campaign:{campaign_id}:launch_costs"


def campaign_payouts_account(campaign_id: str) -> str:
    return f"campaign:{campaign_id}:payouts"


class Side(StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


@dataclass(frozen=True)
class Line:
    account: str
    side: Side
    amount: int

    def __post_init__(self) -> None:
        require_pence(self.amount, what=f"line amount on {self.account}")


@dataclass(frozen=True)
class JournalEntry:
    """One posting. Built only through `journal_entry`, which refuses an unbalanced one."""

    entry_id: str
    currency: str
    lines: tuple[Line, ...]

    def total(self, side: Side) -> int:
        return sum(line.amount for line in self.lines if line.side is side)

    def is_balanced(self) -> bool:
        return self.total(Side.DEBIT) == self.total(Side.CREDIT)


def debit(account: str, amount: int) -> Line:
    return Line(account, Side.DEBIT, amount)


def credit(account: str, amount: int) -> Line:
    return Line(account, Side.CREDIT, amount)


def journal_entry(entry_id: str, currency: str, lines: Iterable[Line]) -> JournalEntry:
    kept = tuple(line for line in lines if line.amount > 0)
    entry = JournalEntry(entry_id=entry_id, currency=currency.lower(), lines=kept)
    if not entry.is_balanced():
        raise UnbalancedEntry(
            f"entry {entry_id} debits {entry.total(Side.DEBIT)} but credits "
            f"{entry.total(Side.CREDIT)}"
        )
    return entry


def account_balances(entries: Iterable[JournalEntry]) -> dict[str, int]:
    """Credit-positive balance of every account the entries touch."""
    balances: dict[str, int] = {}
    for entry in entries:
        for line in entry.lines:
            signed = line.amount if line.side is Side.CREDIT else -line.amount
            balances[line.account] = balances.get(line.account, 0) + signed
    return balances
