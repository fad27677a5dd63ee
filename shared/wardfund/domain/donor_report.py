"""Donors of a campaign from its ledger: the data shared under the agreement (`wardfund
export`). Which gifts need a permissibility check is `domain/permissibility.py`'s rule.
Pure: the caller supplies gifts (payments with donors) and their movements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from wardfund.domain.facts import Donor
from wardfund.domain.postings import Payment, PaymentKind


@dataclass(frozen=True)
class Movement:
    """A change to what one payment gave the campaign: the gift itself, or a reversal."""

    payment_id: str
    at: datetime
    raised: int  # +gross for the gift, -amount for a refund or dispute, +amount reinstated


@dataclass
class DonorSummary:
    donor_ref: str
    name: str
    email: str
    wards: set[str] = field(default_factory=set)
    gifts: list[tuple[Payment, int]] = field(default_factory=list)  # payment, net given

    @property
    def total(self) -> int:
        return sum(net for _, net in self.gifts)

    @property
    def monthly(self) -> bool:
        return any(p.kind is not PaymentKind.ONE_OFF for p, _ in self.gifts)


def _net_by_payment(movements: Iterable[Movement]) -> dict[str, int]:
    net: dict[str, int] = defaultdict(int)
    for movement in movements:
        net[movement.payment_id] += movement.raised
    return net


def donor_summaries(
    payments: Mapping[str, tuple[Payment, Donor]], movements: Iterable[Movement]
) -> list[DonorSummary]:
    """One row per donor: every gift to the campaign and what it came to after reversals."""
    net = _net_by_payment(movements)
    donors: dict[str, DonorSummary] = {}
    for payment_id, (payment, donor) in sorted(
        payments.items(), key=lambda item: (item[1][0].paid_at, item[0])
    ):
        summary = donors.setdefault(
            donor.donor_ref,
            DonorSummary(donor.donor_ref, donor.name or "", donor.email or ""),
        )
        if payment.ward:
            summary.wards.add(payment.ward)
        summary.gifts.append((payment, net.get(payment_id, payment.gross)))
    return sorted(donors.values(), key=lambda d: (-d.total, d.name, d.donor_ref))
