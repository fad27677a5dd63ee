"""Donors of a campaign from its ledger: the data shared under the agreement, and who must
be checked for permissibility (UK electoral register address) before their gifts are used.

Thresholds are on what a donor gave one campaign within the period, less refunds and
disputes not won: at or over £50 (a candidate's threshold) and at or over £500 (a party's
or non-party campaigner's threshold). The check is due within 30 days of the gift that
reached the threshold. Pure: the caller supplies gifts (payments with donors) and lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from wardfund.domain.calendar import london_date
from wardfund.domain.facts import Donor
from wardfund.domain.postings import Payment, PaymentKind

CANDIDATE_THRESHOLD = 5_000
CAMPAIGNER_THRESHOLD = 50_000
THRESHOLDS = {
    CANDIDATE_THRESHOLD: "candidate (£50)",
    CAMPAIGNER_THRESHOLD: "party / non-party campaigner (£500)",
}
CHECK_DAYS = 30
WHAT_TO_CHECK = "donor's address is on a UK electoral register (or donor otherwise permissible)"


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


@dataclass(frozen=True)
class PermissibilityCheck:
    donor_ref: str
    name: str
    email: str
    wards: tuple[str, ...]
    total: int
    threshold: int
    threshold_label: str
    reached_on: date
    check_by: date
    what_to_check: str = WHAT_TO_CHECK


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


def permissibility_checks(
    payments: Mapping[str, tuple[Payment, Donor]],
    movements: Sequence[Movement],
    start: date,
    end: date,
) -> list[PermissibilityCheck]:
    """Donors whose gifts in [start, end] (London dates) reach a threshold, at the highest."""
    in_period = sorted(
        (m for m in movements if start <= london_date(m.at) <= end and m.payment_id in payments),
        key=lambda m: (m.at, m.payment_id),
    )
    running: dict[str, int] = defaultdict(int)
    reached: dict[tuple[str, int], date] = {}
    for movement in in_period:
        donor = payments[movement.payment_id][1]
        running[donor.donor_ref] += movement.raised
        for threshold in THRESHOLDS:
            if running[donor.donor_ref] >= threshold:
                reached.setdefault((donor.donor_ref, threshold), london_date(movement.at))
    people = {donor.donor_ref: donor for _, donor in payments.values()}
    wards: dict[str, set[str]] = defaultdict(set)
    for payment, donor in payments.values():
        if payment.ward:
            wards[donor.donor_ref].add(payment.ward)
    checks = []
    for donor_ref, amount in running.items():
        passed = [t for t in THRESHOLDS if amount >= t and (donor_ref, t) in reached]
        if not passed:
            continue
        threshold = max(passed)
        on = reached[(donor_ref, threshold)]
        person = people[donor_ref]
        checks.append(
            PermissibilityCheck(
                donor_ref=donor_ref,
                name=person.name or "",
                email=person.email or "",
                wards=tuple(sorted(wards[donor_ref])),
                total=amount,
                threshold=threshold,
                threshold_label=THRESHOLDS[threshold],
                reached_on=on,
                check_by=on + timedelta(days=CHECK_DAYS),
            )
        )
    return sorted(checks, key=lambda c: (c.check_by, -c.total, c.name))
