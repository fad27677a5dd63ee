"""A campaign's account with the agreement over a period, like a bank statement.

Every ledger entry of the campaign (gifts and their refunds or disputes, matches, launch-
event invoices, payouts) in London dates from `start` to `end` inclusive, each with the
running balance of what the national body owes the campaign; the opening balance is that
figure before `start`, the closing one after `end`. Pure: no I/O, no formatting.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from wardfund.domain.calendar import london_date
from wardfund.domain.errors import WardfundError
from wardfund.domain.figures import CampaignFigures, total


@dataclass(frozen=True)
class ReportEntry:
    """One ledger entry as the campaign sees it."""

    at: datetime
    entry_id: str
    kind: str
    label: str
    figures: CampaignFigures
    ward: str | None = None
    reference: str | None = None  # payment, invoice or payout reference
    paid_for_campaign: int = 0  # paid by the national body on the campaign's behalf


@dataclass(frozen=True)
class ReportRow:
    entry: ReportEntry
    balance: int  # what is owed to the campaign after this entry

    @property
    def change(self) -> int:
        return self.entry.figures.owed


@dataclass(frozen=True)
class CampaignReport:
    campaign_id: str
    campaign_name: str
    start: date
    end: date
    before: CampaignFigures  # totals of every entry before `start`
    rows: tuple[ReportRow, ...]

    @property
    def opening_balance(self) -> int:
        return self.before.owed

    @property
    def period(self) -> CampaignFigures:
        return total([row.entry.figures for row in self.rows])

    @property
    def closing_balance(self) -> int:
        return self.opening_balance + self.period.owed

    @property
    def paid_for_campaign(self) -> int:
        return sum(row.entry.paid_for_campaign for row in self.rows)


class InvalidPeriod(WardfundError):
    """The period ends before it starts."""


def build_report(
    campaign_id: str, campaign_name: str, entries: Iterable[ReportEntry], start: date, end: date
) -> CampaignReport:
    if end < start:
        raise InvalidPeriod(f"the period ends ({end}) before it starts ({start})")
    ordered = sorted(entries, key=lambda e: (e.at, e.entry_id))
    before = total([e.figures for e in ordered if london_date(e.at) < start])
    balance = before.owed
    rows: list[ReportRow] = []
    for entry in ordered:
        if start <= london_date(entry.at) <= end:
            balance += entry.figures.owed
            rows.append(ReportRow(entry, balance))
    return CampaignReport(campaign_id, campaign_name, start, end, before, tuple(rows))


def summary_totals(reports: Sequence[CampaignReport]) -> tuple[int, CampaignFigures, int]:
    """Opening balance, period figures and closing balance over all campaigns."""
    opening = sum(r.opening_balance for r in reports)
    period = total([r.period for r in reports])
    return opening, period, opening + period.owed
