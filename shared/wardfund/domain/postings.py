"""Turns what happened to a payment into balanced journal entries and campaign figures.

Every function here is pure: the caller supplies the campaign, what the campaign has
already been matched, and the payment's stored allocation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from wardfund.domain.campaign import Campaign
from wardfund.domain.figures import ZERO, CampaignFigures
from wardfund.domain.ledger import (
    DONOR_FUNDS,
    NATIONAL_MATCH_FUNDING,
    NATIONAL_SHARE,
    SUSPENSE,
    JournalEntry,
    Line,
    campaign_match_account,
    campaign_payouts_account,
    campaign_share_account,
    credit,
    debit,
    journal_entry,
)
from wardfund.domain.money import (
    held_part,
    match_for_first_payment,
    match_to_restore,
    require_pence,
    smallest_base_holding,
    split_payment,
)

AGREEMENT_CURRENCY = "gbp"


class PaymentKind(StrEnum):
    FIRST_MONTHLY = "first_monthly"
    RENEWAL = "renewal"
    ONE_OFF = "one_off"


class PostingKind(StrEnum):
    PAYMENT = "payment"
    REFUND = "refund"
    DISPUTE_WITHDRAWN = "dispute_withdrawn"
    DISPUTE_REINSTATED = "dispute_reinstated"
    LATE_MATCH = "late_match"
    PAYOUT = "payout"
    LAUNCH_INVOICE_REIMBURSED = "launch_invoice_reimbursed"
    LAUNCH_INVOICE_PAID_TO_SUPPLIER = "launch_invoice_paid_to_supplier"


class SuspenseReason(StrEnum):
    NO_CAMPAIGN = "no_campaign_in_metadata"
    UNKNOWN_CAMPAIGN = "unknown_campaign"
    FOREIGN_CURRENCY = "not_in_gbp"


@dataclass(frozen=True)
class Payment:
    payment_id: str
    campaign_id: str | None
    ward: str | None
    kind: PaymentKind
    gross: int
    currency: str
    paid_at: datetime
    donor_ref: str
    subscription_id: str | None = None

    def __post_init__(self) -> None:
        require_pence(self.gross, what=f"payment {self.payment_id}")


@dataclass(frozen=True)
class Allocation:
    """Where an amount went: the campaign's share, the national share, match, or suspense."""

    amount: int
    local_share: int = 0
    national_share: int = 0
    match: int = 0
    suspense: int = 0


@dataclass(frozen=True)
class Posting:
    entry: JournalEntry
    kind: PostingKind
    effective_at: datetime
    campaign_id: str | None
    figures: CampaignFigures
    suspense_delta: int = 0


def payment_entry_id(payment_id: str) -> str:
    return f"payment:{payment_id}"


def suspense_reason(payment: Payment, campaign: Campaign | None) -> SuspenseReason | None:
    if payment.currency.lower() != AGREEMENT_CURRENCY:
        return SuspenseReason.FOREIGN_CURRENCY
    if payment.campaign_id is None:
        return SuspenseReason.NO_CAMPAIGN
    if campaign is None:
        return SuspenseReason.UNKNOWN_CAMPAIGN
    return None


def allocate_payment(
    payment: Payment, campaign: Campaign | None, matched_so_far: int
) -> Allocation:
    """Rules 1, 2 and 4 for one successful payment."""
    if suspense_reason(payment, campaign) is not None or campaign is None:
        return Allocation(amount=payment.gross, suspense=payment.gross)
    if not campaign.in_agreement(payment.paid_at):
        return Allocation(amount=payment.gross, national_share=payment.gross)
    split = split_payment(payment.gross, campaign.local_share_bps)
    match = 0
    if payment.kind is PaymentKind.FIRST_MONTHLY and campaign.match_open(payment.paid_at):
        match = match_for_first_payment(payment.gross, campaign.match_cap_pence, matched_so_far)
    return Allocation(
        amount=payment.gross, local_share=split.local, national_share=split.national, match=match
    )


@dataclass(frozen=True)
class Holding:
    """Rule 3's state of one payment: how much of it has been taken back in all (refunds, and
    disputes open or lost), and the match base its held match is figured from (the match it
    was given, lowered when a won dispute could not bring it all back under the cap)."""

    taken_back: int = 0
    match_base: int = 0

    def __post_init__(self) -> None:
        require_pence(self.taken_back, what="amount taken back")
        require_pence(self.match_base, what="match base")


def holding_when_paid(allocation: Allocation) -> Holding:
    return Holding(taken_back=0, match_base=allocation.match)


def held(original: Allocation, holding: Holding) -> Allocation:
    """Rule 3: what a payment gives now, figured from the total taken back (never refund by
    refund, so the parts cannot change the pennies)."""
    remaining = original.amount - holding.taken_back
    if original.suspense:
        return Allocation(amount=remaining, suspense=remaining)
    local = held_part(original.local_share, holding.taken_back, original.amount)
    return Allocation(
        amount=remaining,
        local_share=local,
        national_share=remaining - local,
        match=held_part(holding.match_base, holding.taken_back, original.amount),
    )


def _less(before: Allocation, after: Allocation) -> Allocation:
    """What moved between two held states (each part non-negative when `after` <= `before`)."""
    return Allocation(
        amount=before.amount - after.amount,
        local_share=before.local_share - after.local_share,
        national_share=before.national_share - after.national_share,
        match=before.match - after.match,
        suspense=before.suspense - after.suspense,
    )


def allocate_takeback(
    original: Allocation, holding: Holding, amount: int
) -> tuple[Allocation, Holding]:
    """Rule 3: a refund or dispute of `amount` moves the total taken back from t to t + amount;
    returns what that takes back from each part, and the payment's new holding."""
    require_pence(amount, what="amount taken back")
    after = replace(holding, taken_back=min(original.amount, holding.taken_back + amount))
    return _less(held(original, holding), held(original, after)), after


def allocate_reinstatement(
    original: Allocation, holding: Holding, amount: int, cap: int, matched_now: int
) -> tuple[Allocation, Holding]:
    """Rule 3, dispute won: `amount` leaves the total taken back. The share comes back in full;
    the match only as far as the cap has room, and when it falls short the payment's match
    base becomes the smallest whose held part is what it then holds."""
    require_pence(amount, what="amount reinstated")
    before = held(original, holding)
    taken_back = max(0, holding.taken_back - amount)
    full = held(original, replace(holding, taken_back=taken_back))
    base = holding.match_base
    wanted = full.match - before.match
    restored = match_to_restore(wanted, cap, matched_now)
    if restored < wanted:
        base = smallest_base_holding(
            before.match + restored, taken_back, original.amount, holding.match_base
        )
    after = Holding(taken_back=taken_back, match_base=base)
    return _less(held(original, after), before), after


def allocate_late_match(
    payment: Payment,
    original: Allocation,
    holding: Holding,
    campaign: Campaign,
    matched_so_far: int,
) -> tuple[Allocation, Holding] | None:
    """Rule 2, launch event recorded after the payment: an eligible first payment that has no
    match yet is matched now, as `min(g, cap - match given)`, less what refunds took back."""
    if (
        payment.kind is not PaymentKind.FIRST_MONTHLY
        or original.suspense
        or holding.match_base
        or suspense_reason(payment, campaign) is not None
        or not campaign.match_open(payment.paid_at)
    ):
        return None
    base = match_for_first_payment(payment.gross, campaign.match_cap_pence, matched_so_far)
    after = replace(holding, match_base=base)
    part = _less(held(original, after), held(original, holding))
    return (part, after) if part.match > 0 else None


def _money_in_lines(campaign_id: str | None, part: Allocation) -> list[Line]:
    lines = [debit(DONOR_FUNDS, part.amount), credit(SUSPENSE, part.suspense)]
    lines.append(credit(NATIONAL_SHARE, part.national_share))
    if campaign_id is not None:
        lines += [
            credit(campaign_share_account(campaign_id), part.local_share),
            debit(NATIONAL_MATCH_FUNDING, part.match),
            credit(campaign_match_account(campaign_id), part.match),
        ]
    return lines


def _mirror(lines: list[Line]) -> list[Line]:
    return [
        credit(line.account, line.amount)
        if line.side == "debit"
        else debit(line.account, line.amount)
        for line in lines
    ]


def _figures(part: Allocation, sign: int) -> CampaignFigures:
    if part.suspense:
        return ZERO
    return CampaignFigures(
        raised=sign * part.amount,
        local_share=sign * part.local_share,
        national_share=sign * part.national_share,
        match=sign * part.match,
    )


def _campaign_of(payment_campaign: str | None, part: Allocation) -> str | None:
    return None if part.suspense else payment_campaign


def post_money_in(
    entry_id: str,
    kind: PostingKind,
    at: datetime,
    campaign_id: str | None,
    currency: str,
    part: Allocation,
) -> Posting:
    """A payment, or funds reinstated after a dispute is won."""
    campaign_id = _campaign_of(campaign_id, part)
    return Posting(
        entry=journal_entry(entry_id, currency, _money_in_lines(campaign_id, part)),
        kind=kind,
        effective_at=at,
        campaign_id=campaign_id,
        figures=_figures(part, +1),
        suspense_delta=part.suspense,
    )


def post_money_out(
    entry_id: str,
    kind: PostingKind,
    at: datetime,
    campaign_id: str | None,
    currency: str,
    part: Allocation,
) -> Posting:
    """A refund, or funds withdrawn when a dispute opens."""
    campaign_id = _campaign_of(campaign_id, part)
    return Posting(
        entry=journal_entry(entry_id, currency, _mirror(_money_in_lines(campaign_id, part))),
        kind=kind,
        effective_at=at,
        campaign_id=campaign_id,
        figures=_figures(part, -1),
        suspense_delta=-part.suspense,
    )


def post_payment(payment: Payment, allocation: Allocation) -> Posting:
    return post_money_in(
        payment_entry_id(payment.payment_id),
        PostingKind.PAYMENT,
        payment.paid_at,
        payment.campaign_id,
        payment.currency,
        allocation,
    )


def post_payout(payout_id: str, campaign_id: str, amount: int, at: datetime) -> Posting:
    require_pence(amount, what=f"payout {payout_id}")
    lines = [debit(campaign_payouts_account(campaign_id), amount), credit(DONOR_FUNDS, amount)]
    return Posting(
        entry=journal_entry(f"payout:{payout_id}", AGREEMENT_CURRENCY, lines),
        kind=PostingKind.PAYOUT,
        effective_at=at,
        campaign_id=campaign_id,
        figures=CampaignFigures(paid_out=amount),
    )
