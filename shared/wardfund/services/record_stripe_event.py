"""Use case: apply one verified Stripe event to the ledger, exactly once (each write goes
through `ledger_attempts.with_retries`: optimistic first, exact after a lost race)."""

from __future__ import annotations

from datetime import datetime

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
from wardfund.domain.postings import (
    Payment,
    PaymentKind,
    PostingKind,
    allocate_payment,
    allocate_reinstatement,
    allocate_takeback,
    post_money_in,
    post_money_out,
    post_payment,
    suspense_reason,
)
from wardfund.domain.suspense import suspense_item
from wardfund.services.ledger_attempts import (
    Attempt,
    Outcome,
    StillContended,
    with_retries,
)
from wardfund.services.ports import (
    Guards,
    HoldingChange,
    LedgerStore,
    LedgerWrite,
    StoredPayment,
)

__all__ = ["Outcome", "StillContended", "record_stripe_event", "retry_delay_seconds"]

FIRST_RETRY_SECONDS = 30
LONGEST_RETRY_SECONDS = 12 * 60 * 60  # SQS's longest visibility timeout


def retry_delay_seconds(receives: int) -> int:
    """Back-off for an event that waits for another: 30 s, 1 min, 2 min, … up to 12 h.

    With the queue's 10 receives this waits about 8 hours in all before the dead-letter
    queue (and its alarm) take over, and reconciliation can replay it.
    """
    delay: int = FIRST_RETRY_SECONDS * 2 ** max(0, receives - 1)
    return min(LONGEST_RETRY_SECONDS, delay)


def _record_payment(event_id: str, payment: Payment, donor: Donor, store: LedgerStore) -> Outcome:
    def build(attempt: Attempt) -> LedgerWrite:
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
            suspense=suspense_item(payment, reason) if reason else None,
        )

    return with_retries(build, store, payment.campaign_id)


def _stored(store: LedgerStore, payment_id: str, why: str) -> StoredPayment:
    stored = store.payment(payment_id)
    if stored is None:
        raise DependencyNotYetSeen(f"{why} arrived before payment {payment_id}")
    return stored


def _record_reversal(
    event_id: str,
    record_key: str,
    kind: PostingKind,
    payment_id: str,
    amount: int,
    at: datetime,
    store: LedgerStore,
) -> Outcome:
    """Rule 3: moves the payment's total taken back on by `amount` (a refund, or a dispute's
    funds withdrawn); a later try re-reads the payment, which another event may have moved."""
    first = _stored(store, payment_id, f"{kind} {record_key}")
    campaign_id = first.payment.campaign_id if not first.allocation.suspense else None

    def build(attempt: Attempt) -> LedgerWrite:
        stored = _stored(store, payment_id, record_key) if attempt.exact else first
        part, after = allocate_takeback(stored.allocation, stored.holding, amount)
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
            holding=HoldingChange(stored, after),
        )

    return with_retries(build, store, campaign_id)


def _record_reinstatement(
    event_id: str, fact: DisputeFundsReinstated, store: LedgerStore
) -> Outcome:
    """Rule 3, dispute won: the disputed amount leaves the total taken back."""
    first = store.payment(fact.payment_id)
    withdrawn = store.reversal(fact.payment_id, withdrawal_key(fact.dispute_id))
    if first is None or withdrawn is None:
        raise DependencyNotYetSeen(f"dispute {fact.dispute_id} won before its withdrawal was seen")
    campaign_id = first.payment.campaign_id if not first.allocation.suspense else None

    def build(attempt: Attempt) -> LedgerWrite:
        stored = _stored(store, fact.payment_id, fact.dispute_id) if attempt.exact else first
        cap = attempt.campaign.match_cap_pence if attempt.campaign else 0
        part, after = allocate_reinstatement(
            stored.allocation, stored.holding, withdrawn.amount, cap, attempt.matched
        )
        posting = post_money_in(
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
            guards=attempt.guards(part.match if stored.holding.match_base else None),
            reversal=part,
            payment_id=fact.payment_id,
            ward=stored.payment.ward,
            holding=HoldingChange(stored, after),
        )

    return with_retries(build, store, campaign_id)


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
