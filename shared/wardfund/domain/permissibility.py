"""Donors whose total gifts to a campaign went over a permissibility threshold (£50, £500).

A donor's total is what they gave the campaign, less refunds and disputes not won. Going
over a threshold (from at most T to more than T) within a payout flags the donor, once,
at the highest threshold passed, for the treasurer to check before the money is used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from wardfund.domain.facts import Donor
from wardfund.domain.payouts import LedgerLine
from wardfund.domain.postings import Payment, PostingKind


@dataclass(frozen=True)
class ThresholdCrossing:
    donor_ref: str
    donor_name: str
    donor_email: str
    threshold: int
    total_before: int
    total_after: int


def _donor_of_payment(
    lines: Iterable[LedgerLine], payments: Mapping[str, tuple[Payment, Donor]]
) -> dict[str, str]:
    found = {payment_id: payment.donor_ref for payment_id, (payment, _) in payments.items()}
    for line in lines:
        if line.kind == PostingKind.PAYMENT and line.payment_id and line.donor_ref:
            found.setdefault(line.payment_id, line.donor_ref)
    return found


def _totals(lines: Iterable[LedgerLine], donor_of: Mapping[str, str]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for line in lines:
        donor = donor_of.get(line.payment_id or "")
        if donor is not None:
            totals[donor] += line.figures.raised
    return totals


def threshold_crossings(
    before: Sequence[LedgerLine],
    now: Sequence[LedgerLine],
    payments: Mapping[str, tuple[Payment, Donor]],
    thresholds: Sequence[int],
) -> tuple[ThresholdCrossing, ...]:
    """`before`: lines paid out earlier; `now`: lines this payout settles."""
    donor_of = _donor_of_payment([*before, *now], payments)
    earlier = _totals(before, donor_of)
    later = _totals([*before, *now], donor_of)
    people = {payment.donor_ref: donor for payment, donor in payments.values()}
    crossings = []
    for donor_ref, after in sorted(later.items()):
        was = earlier.get(donor_ref, 0)
        passed = [limit for limit in thresholds if was <= limit < after]
        if not passed:
            continue
        person = people.get(donor_ref)
        crossings.append(
            ThresholdCrossing(
                donor_ref=donor_ref,
                donor_name=(person.name if person else None) or "A donor",
                donor_email=(person.email if person else None) or "",
                threshold=max(passed),
                total_before=was,
                total_after=after,
            )
        )
    return tuple(sorted(crossings, key=lambda c: (-c.total_after, c.donor_name)))
