"""Moving a payment out of suspense to the campaign a person says it was for (issue 14, 2).

A payment kept in suspense (FORMAT.md rule 4) is given to a campaign by two balanced journal
entries written in one transaction: one filed under suspense that takes what suspense still
holds of the payment out of it, and one filed under the campaign that brings the same money
in as the campaign's gift. From then on the payment follows the normal rules as of its own
date: it is split by the campaign's share, and matched when it is a first monthly payment the
campaign's cap and launch event allow (rule 2, as `allocate_payment` decides at the time it
was paid). What refunds and disputes took back while it was in suspense stays taken back
(rule 3: the holding's total is kept, and its match base is the new match).

Pure: the caller supplies the payment's record, the campaign and what it has matched so far.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from wardfund.domain.campaign import Campaign
from wardfund.domain.errors import WardfundError
from wardfund.domain.postings import (
    AGREEMENT_CURRENCY,
    Allocation,
    Holding,
    Payment,
    PaymentKind,
    Posting,
    PostingKind,
    allocate_payment,
    held,
    post_money_in,
    post_money_out,
)


class CannotAssign(WardfundError):
    """The payment cannot be given to that campaign (not in suspense, not in pounds, ...)."""


ASSIGNED_KIND = "suspense_assigned"  # the kind of the entry filed under suspense


def assigned_entry_id(payment_id: str) -> str:
    """The campaign's entry: the payment, received by the campaign."""
    return f"assigned:{payment_id}"


def out_of_suspense_entry_id(payment_id: str) -> str:
    """Suspense's entry: what it held of the payment, taken out."""
    return f"{ASSIGNED_KIND}:{payment_id}"


@dataclass(frozen=True)
class Assignment:
    """The payment as the campaign's (`payment`, its `allocation` as if paid to it, and its
    `holding`), what moves now (`part`), and the two entries that move it."""

    payment: Payment
    allocation: Allocation
    holding: Holding
    part: Allocation
    into_campaign: Posting
    out_of_suspense: Posting

    @property
    def matched(self) -> bool:
        return self.part.match > 0


def match_eligible(payment: Payment, campaign: Campaign) -> bool:
    """Whether rule 2 gives the payment match funding (cap permitting)."""
    return payment.kind is PaymentKind.FIRST_MONTHLY and campaign.match_open(payment.paid_at)


def assign(
    payment: Payment,
    original: Allocation,
    holding: Holding,
    campaign: Campaign,
    matched_so_far: int,
    *,
    at: datetime,
    ward: str | None = None,
) -> Assignment:
    """`payment`, `original` and `holding` as stored while in suspense; `at`: when it is
    assigned (the entries are dated then, so the next payout pays the campaign)."""
    if not original.suspense:
        raise CannotAssign(f"payment {payment.payment_id} is not in suspense")
    if payment.currency.lower() != AGREEMENT_CURRENCY:
        raise CannotAssign(
            f"payment {payment.payment_id} is in {payment.currency.upper()}, and the agreement "
            "shares pounds only: refund it (wardfund suspense refund) instead"
        )
    given = replace(payment, campaign_id=campaign.campaign_id, ward=ward or payment.ward)
    allocation = allocate_payment(given, campaign, matched_so_far)
    if allocation.suspense:  # cannot happen for a campaign in pounds; kept as a guard
        raise CannotAssign(f"payment {payment.payment_id} would stay in suspense")
    after = Holding(taken_back=holding.taken_back, match_base=allocation.match)
    part = held(allocation, after)
    leaving = held(original, holding)
    if part.amount != leaving.amount or part.amount <= 0:
        raise CannotAssign(
            f"payment {payment.payment_id} has nothing left in suspense to assign "
            f"(refunded or disputed in full)"
        )
    into = post_money_in(
        assigned_entry_id(payment.payment_id),
        PostingKind.PAYMENT,
        at,
        campaign.campaign_id,
        payment.currency,
        part,
    )
    out = post_money_out(
        out_of_suspense_entry_id(payment.payment_id),
        PostingKind.PAYMENT,
        at,
        None,
        payment.currency,
        Allocation(amount=leaving.amount, suspense=leaving.amount),
    )
    return Assignment(given, allocation, after, part, into, out)


__all__ = [
    "ASSIGNED_KIND",
    "Assignment",
    "CannotAssign",
    "assign",
    "assigned_entry_id",
    "match_eligible",
    "out_of_suspense_entry_id",
]
