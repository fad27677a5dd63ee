"""A payout run fanned out per campaign: its units of work, its state, what each settles.

The scheduled run plans (which campaigns, what each may transfer through Stripe) and
records the run; each campaign is then paid as its own unit of work; when the last one is
settled, the run's bank file and summary are produced, once.

Two kinds of run share this path: the weekly `run` (pays what each campaign is owed, and
first any payout an earlier run holds) and the daily `held` retry (only the held payouts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from wardfund.domain.campaign import Campaign
from wardfund.domain.run_report import CampaignRunLine

RunKind = Literal["run", "held"]
RUN_KINDS: tuple[RunKind, ...] = ("run", "held")
PAYOUT_DEADLINE_HOURS = 2
"""A run not finished this long after its scheduled time (08:00 London for the 06:00 run)
raises an alert."""


@dataclass(frozen=True)
class PayoutTask:
    """One campaign's unit of work in a run. `allowance`: what the campaign may transfer
    through Stripe in this run (the balance check); None when not limited."""

    run_at: datetime
    kind: RunKind
    campaign: Campaign
    allowance: int | None = None


@dataclass(frozen=True)
class RunState:
    """The run as recorded when it was planned, and how far it has got.
    `remaining`: campaigns not yet settled; `finisher`: the campaign whose settling was the
    last (it produces the bank file and summary); `finished`: they are produced."""

    run_at: datetime
    kind: RunKind
    expected: int
    remaining: int
    available: int | None = None
    demand: int = 0
    held_for_balance: int = 0
    finisher: str | None = None
    finished: bool = False


@dataclass(frozen=True)
class Settlement:
    """What one campaign's unit of work came to: its lines in the run's report, and what the
    bank file needs to pay it (name and bank details reference)."""

    campaign_id: str
    campaign_name: str
    bank_reference: str | None
    lines: tuple[CampaignRunLine, ...]


class Settled(StrEnum):
    """`first`: this settled the campaign; `last`: and it was the run's last campaign;
    `again`: the campaign was settled already (a repeat delivery)."""

    FIRST = "first"
    LAST = "last"
    AGAIN = "again"


__all__ = [
    "PAYOUT_DEADLINE_HOURS",
    "RUN_KINDS",
    "PayoutTask",
    "RunKind",
    "RunState",
    "Settled",
    "Settlement",
]
