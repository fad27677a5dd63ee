"""Rule 5: what a payout run pays each campaign, and which ledger lines that settles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from wardfund.domain.calendar import just_after, london_date, utc_key
from wardfund.domain.figures import CampaignFigures, total

PayoutFrequency = Literal["weekly", "fortnightly"]
FORTNIGHT_ANCHOR = date(2026, 1, 5)  # a Monday: fortnightly runs fall on even weeks from it


class PayoutMethod(StrEnum):
    STRIPE_TRANSFER = "stripe_transfer"
    BANK_TRANSFER = "bank_transfer"


class PayoutStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    AWAITING_BANK_TRANSFER = "awaiting_bank_transfer"


@dataclass(frozen=True)
class LedgerLine:
    """A campaign's copy of one posting: what a payout settles and a statement itemises."""

    line_key: str
    entry_id: str
    kind: str
    effective_at: datetime
    settle_at: datetime
    figures: CampaignFigures
    payment_id: str | None = None
    ward: str | None = None
    donor_ref: str | None = None


@dataclass(frozen=True)
class PayoutPlan:
    payout_id: str
    campaign_id: str
    run_at: datetime
    amount: int
    method: PayoutMethod
    settles: tuple[str, ...]


def payout_id(campaign_id: str, run_at: datetime) -> str:
    return f"{campaign_id}@{utc_key(run_at)}"


def settle_time(effective_at: datetime, settled_through: datetime | None) -> datetime:
    """A line that arrives after a payout already covered its time joins the next payout."""
    if settled_through is not None and effective_at <= settled_through:
        return just_after(settled_through)
    return effective_at


def is_payout_week(
    run_at: datetime, frequency: PayoutFrequency, anchor: date = FORTNIGHT_ANCHOR
) -> bool:
    if frequency == "weekly":
        return True
    weeks = (london_date(run_at) - anchor).days // 7
    return weeks % 2 == 0


def plan_payout(
    campaign_id: str,
    run_at: datetime,
    unsettled: Iterable[LedgerLine],
    method: PayoutMethod,
) -> PayoutPlan | None:
    """Pay everything owed at or before `run_at` in one payout, when it is more than zero."""
    due = [line for line in unsettled if line.settle_at <= run_at]
    owed = total([line.figures for line in due]).owed
    if owed <= 0:
        return None
    return PayoutPlan(
        payout_id=payout_id(campaign_id, run_at),
        campaign_id=campaign_id,
        run_at=run_at,
        amount=owed,
        method=method,
        settles=tuple(sorted(line.line_key for line in due)),
    )


def owed_in(lines: Iterable[LedgerLine]) -> int:
    return total([line.figures for line in lines]).owed


__all__ = [
    "CampaignFigures",
    "LedgerLine",
    "PayoutFrequency",
    "PayoutMethod",
    "PayoutPlan",
    "PayoutStatus",
    "is_payout_week",
    "owed_in",
    "payout_id",
    "plan_payout",
    "settle_time",
]
