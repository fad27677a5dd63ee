"""Use case: apply one verified Stripe event to the ledger, exactly once.

The first try is optimistic (cached campaign settings, no balance read) and guarded by
conditions in the one transaction; when a guard fails, later tries read fresh figures
and guard on them exactly. The cap and the payout watermark can never be overrun.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from wardfund.domain.campaign import Campaign
from wardfund.domain.errors import DependencyNotYetSeen
from wardfund.domain.facts import (
    DisputeFundsReinstated,
    DisputeFundsWithdrawn,
    Donor,
    DonorLifecycle,
    Fact,
    Ignored,
    InvoicePaymentPaid,
    InvoiceSeen,
    OneOffPaid,
    Refunded,
)
from wardfund.domain.payouts import settle_time
from wardfund.domain.postings import (
    Allocation,
    Payment,
    PaymentKind,
    Posting,
    PostingKind,
    allocate_payment,
    allocate_reinstatement,
    allocate_reversal,
    post_money_in,
    post_money_out,
    post_payment,
    suspense_reason,
)
from wardfund.services.ports import (
    AlreadyRecorded,
    CampaignBalance,
    GuardFailed,
    Guards,
    LedgerStore,
    LedgerWrite,
    StoredPayment,
)

MAX_ATTEMPTS = 5
FIRST_RETRY_SECONDS = 30
LONGEST_RETRY_SECONDS = 12 * 60 * 60  # SQS's longest visibility timeout


def retry_delay_seconds(receives: int) -> int:
    """Back-off for an event that waits for another: 30 s, 1 min, 2 min, … up to 12 h.

    With the queue's 10 receives this waits about 8 hours in all before the dead-letter
    queue (and its alarm) take over, and reconciliation can replay it.
    """
    delay: int = FIRST_RETRY_SECONDS * 2 ** max(0, receives - 1)
    return min(LONGEST_RETRY_SECONDS, delay)


class Outcome(StrEnum):
    POSTED = "posted"
    SUSPENSE = "suspense"
    DUPLICATE = "duplicate"
    NOTED = "noted"
    IGNORED = "ignored"


class StillContended(Exception):
    """Every try lost a race on the same campaign; the queue will deliver the event again."""


class _Attempt:
    """What one try knows: cached settings first, fresh settings and balance after a race."""

    def __init__(self, store: LedgerStore, campaign_id: str | None, exact: bool) -> None:
        self.exact = exact
        self.campaign: Campaign | None = (
            store.campaign(campaign_id, fresh=exact) if campaign_id else None
        )
        self.balance: CampaignBalance | None = (
            store.balance(self.campaign.campaign_id) if exact and self.campaign else None
        )

    @property
    def matched(self) -> int:
        return self.balance.figures.match if self.balance else 0

    def settle_at(self, effective_at: datetime) -> datetime:
        if self.balance is None:
            return effective_at
        return settle_time(effective_at, self.balance.settled_through)

    def guards(self, match_given: int | None) -> Guards:
        """`match_given`: the match this posting adds (None when it adds none by rule)."""
        version = self.campaign.version if self.campaign else None
        if self.balance is None:
            at_most = None
            if match_given is not None and self.campaign is not None:
                at_most = self.campaign.match_cap_pence - match_given
            return Guards(settle_before=True, match_at_most=at_most, campaign_version=version)
        return Guards(
            settle_before=False,
            settled_through_is=self.balance.settled_through,
            match_is=self.balance.figures.match if match_given is not None else None,
            campaign_version=version,
        )


def _with_retries(
    build: Callable[[_Attempt], LedgerWrite], store: LedgerStore, campaign_id: str | None
) -> Outcome:
    for attempt_number in range(MAX_ATTEMPTS):
        attempt = _Attempt(store, campaign_id, exact=attempt_number > 0)
        write = build(attempt)
        try:
            store.commit(write)
        except AlreadyRecorded:
            return Outcome.DUPLICATE
        except GuardFailed:
            continue
        return Outcome.SUSPENSE if write.posting.suspense_delta else Outcome.POSTED
    raise StillContended(f"gave up after {MAX_ATTEMPTS} tries on campaign {campaign_id}")


def _record_payment(event_id: str, payment: Payment, donor: Donor, store: LedgerStore) -> Outcome:
    def build(attempt: _Attempt) -> LedgerWrite:
        allocation = allocate_payment(payment, attempt.campaign, attempt.matched)
        posting = post_payment(payment, allocation)
        reason = suspense_reason(payment, attempt.campaign)
        eligible = (
            attempt.campaign is not None
            and reason is None
            and payment.kind is PaymentKind.FIRST_MONTHLY
            and attempt.campaign.match_open(payment.paid_at)
        )
        return LedgerWrite(
            event_id=event_id,
            record_key="PAYMENT",
            posting=posting,
            settle_at=attempt.settle_at(payment.paid_at),
            guards=attempt.guards(allocation.match if eligible else None),
            payment=StoredPayment(payment, allocation, donor),
            payment_id=payment.payment_id,
            ward=payment.ward,
            alert=str(reason) if reason else None,
        )

    return _with_retries(build, store, payment.campaign_id)


def _record_reversal(
    event_id: str,
    record_key: str,
    kind: PostingKind,
    payment_id: str,
    amount: int,
    at: datetime,
    store: LedgerStore,
) -> Outcome:
    stored = store.payment(payment_id)
    if stored is None:
        raise DependencyNotYetSeen(f"{kind} {record_key} arrived before payment {payment_id}")
    part = allocate_reversal(stored.allocation, min(amount, stored.payment.gross))
    campaign_id = stored.payment.campaign_id if not stored.allocation.suspense else None

    def build(attempt: _Attempt) -> LedgerWrite:
        posting = post_money_out(
            f"{kind}:{record_key}", kind, at, campaign_id, stored.payment.currency, part
        )
        return LedgerWrite(
            event_id=event_id,
            record_key=record_key,
            posting=posting,
            settle_at=attempt.settle_at(at),
            guards=Guards(
                settle_before=attempt.balance is None,
                settled_through_is=attempt.balance.settled_through if attempt.balance else None,
            ),
            reversal=part,
            payment_id=payment_id,
            ward=stored.payment.ward,
        )

    return _with_retries(build, store, campaign_id)


def _record_reinstatement(
    event_id: str, fact: DisputeFundsReinstated, store: LedgerStore
) -> Outcome:
    stored = store.payment(fact.payment_id)
    taken = store.reversal(fact.payment_id, withdrawal_key(fact.dispute_id))
    if stored is None or taken is None:
        raise DependencyNotYetSeen(f"dispute {fact.dispute_id} won before its withdrawal was seen")
    campaign_id = stored.payment.campaign_id if not stored.allocation.suspense else None

    def build(attempt: _Attempt) -> LedgerWrite:
        part: Allocation = taken
        if attempt.campaign is not None:
            part = allocate_reinstatement(taken, attempt.campaign.match_cap_pence, attempt.matched)
        posting: Posting = post_money_in(
            f"{PostingKind.DISPUTE_REINSTATED}:{fact.dispute_id}",
            PostingKind.DISPUTE_REINSTATED,
            fact.at,
            campaign_id,
            stored.payment.currency,
            part,
        )
        return LedgerWrite(
            event_id=event_id,
            record_key=f"DISPUTE#{fact.dispute_id}#reinstated",
            posting=posting,
            settle_at=attempt.settle_at(fact.at),
            guards=attempt.guards(part.match if taken.match else None),
            reversal=part,
            payment_id=fact.payment_id,
            ward=stored.payment.ward,
        )

    return _with_retries(build, store, campaign_id)


def withdrawal_key(dispute_id: str) -> str:
    return f"DISPUTE#{dispute_id}#withdrawn"


def _subscription_payment(event_id: str, fact: InvoicePaymentPaid, store: LedgerStore) -> Outcome:
    invoice = store.invoice(fact.invoice_id)
    if invoice is None:
        raise DependencyNotYetSeen(f"payment for invoice {fact.invoice_id} before the invoice")
    payment = Payment(
        payment_id=fact.payment_id,
        campaign_id=invoice.campaign_id,
        ward=invoice.ward,
        kind=PaymentKind.FIRST_MONTHLY if invoice.first_payment else PaymentKind.RENEWAL,
        gross=fact.amount,
        currency=fact.currency,
        paid_at=fact.paid_at,
        donor_ref=invoice.donor.donor_ref,
        subscription_id=invoice.subscription_id,
    )
    return _record_payment(event_id, payment, invoice.donor, store)


def _one_off_payment(event_id: str, fact: OneOffPaid, store: LedgerStore) -> Outcome:
    payment = Payment(
        payment_id=fact.payment_id,
        campaign_id=fact.campaign_id,
        ward=fact.ward,
        kind=PaymentKind.ONE_OFF,
        gross=fact.amount,
        currency=fact.currency,
        paid_at=fact.paid_at,
        donor_ref=fact.donor.donor_ref,
    )
    return _record_payment(event_id, payment, fact.donor, store)


def record_stripe_event(event_id: str, fact: Fact, store: LedgerStore) -> Outcome:
    match fact:
        case Ignored():
            return Outcome.IGNORED
        case InvoiceSeen():
            store.save_invoice(fact)
            return Outcome.NOTED
        case DonorLifecycle():
            store.save_lifecycle(event_id, fact)
            return Outcome.NOTED
        case InvoicePaymentPaid():
            return _subscription_payment(event_id, fact, store)
        case OneOffPaid():
            return _one_off_payment(event_id, fact, store)
        case Refunded():
            return _record_reversal(
                event_id,
                f"REFUND#{fact.refund_id}",
                PostingKind.REFUND,
                fact.payment_id,
                fact.amount,
                fact.at,
                store,
            )
        case DisputeFundsWithdrawn():
            return _record_reversal(
                event_id,
                withdrawal_key(fact.dispute_id),
                PostingKind.DISPUTE_WITHDRAWN,
                fact.payment_id,
                fact.amount,
                fact.at,
                store,
            )
        case DisputeFundsReinstated():
            return _record_reinstatement(event_id, fact, store)
