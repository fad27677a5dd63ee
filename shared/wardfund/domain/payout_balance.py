"""Which Stripe payouts a run makes when the national account's available balance is short.

Stripe transfers draw on the *available* balance only (money from a weekend ward assembly
is usually still pending on Monday morning). The run asks Stripe for that balance once,
then pays in a stated order while it lasts and holds the rest (each held payout is made by
a later retry, daily):

1. payouts held from earlier runs, the oldest run first (they have waited longest);
2. this run's payouts, the smallest first (so as many campaigns as possible are paid in
   full; a payout is never split);
3. ties by campaign id.

A campaign is paid all it is due in the run (its held payouts and this run's) or held
whole; the order walks on past a campaign that does not fit, so a smaller one behind it is
still paid. Bank-transfer payouts do not draw on the Stripe balance and are never held.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class TransferDemand:
    """What one campaign would transfer through Stripe in a run: each held payout of an
    earlier run (its run time and amount), and this run's payout as estimated when planned."""

    campaign_id: str
    held: tuple[tuple[datetime, int], ...] = ()
    new: int = 0

    @property
    def total(self) -> int:
        return sum(amount for _, amount in self.held) + max(self.new, 0)


def payment_order(demands: Iterable[TransferDemand]) -> list[TransferDemand]:
    """The stated order (module docstring): held first, oldest first; then smallest first."""

    def key(demand: TransferDemand) -> tuple[int, str, int, str]:
        if demand.held:
            oldest = min(run for run, _ in demand.held)
            return (0, oldest.isoformat(), demand.total, demand.campaign_id)
        return (1, "", demand.total, demand.campaign_id)

    return sorted((d for d in demands if d.total > 0), key=key)


@dataclass(frozen=True)
class BalanceAllotment:
    """`allowances`: what each campaign may transfer in the run (absent: nothing to transfer);
    `held`: what is held for want of balance. `available` is None when Stripe's balance could
    not be read: nothing is held then, and Stripe itself refuses what it cannot pay."""

    available: int | None
    allowances: Mapping[str, int] = field(default_factory=dict)
    held: Mapping[str, int] = field(default_factory=dict)

    @property
    def demand(self) -> int:
        return sum(self.allowances.values()) + sum(self.held.values())

    @property
    def shortfall(self) -> int:
        """How much more available balance would have paid everything."""
        if self.available is None:
            return 0
        return max(self.demand - self.available, 0)

    def allowance(self, campaign_id: str) -> int:
        return self.allowances.get(campaign_id, 0)


def allot(demands: Iterable[TransferDemand], available: int | None) -> BalanceAllotment:
    allowances: dict[str, int] = {}
    held: dict[str, int] = {}
    left = available
    for demand in payment_order(demands):
        if left is None or demand.total <= left:
            allowances[demand.campaign_id] = demand.total
            if left is not None:
                left -= demand.total
        else:
            held[demand.campaign_id] = demand.total
    return BalanceAllotment(available, allowances, held)


__all__ = ["BalanceAllotment", "TransferDemand", "allot", "payment_order"]
