"""Use cases: the way out of suspense (issue 14, section 2).

`assign_payment`: a person says which campaign a payment in suspense was for. One posting,
written like every other (`ledger_attempts.with_retries`, exact from the first try): two
balanced journal entries in one transaction, suspense's taking the money out and the
campaign's bringing it in; the payment then follows the normal rules as of its own date
(split by the campaign's share, matched when it is an eligible first monthly payment, under
the cap); the suspense item is closed (which closes its alert) and the campaign's audit trail
says who did it. The transaction's marker refuses a second assignment of the same payment.

`refund_payment`: the payment goes back to the donor through Stripe. Only the refund is
asked for here, with an idempotency key of the payment's, so asking twice refunds once; the
ledger follows the refund event Stripe then sends (taking the money out of suspense, as any
refund of a payment in suspense does). The suspense item is closed once Stripe has accepted
the refund.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from wardfund.domain import display
from wardfund.domain.calendar import LONDON
from wardfund.domain.errors import WardfundError
from wardfund.domain.postings import AGREEMENT_CURRENCY
from wardfund.domain.suspense import SuspenseItem, shown_amount
from wardfund.domain.suspense_assignment import Assignment, assign, match_eligible
from wardfund.services.campaigns import UnknownCampaign
from wardfund.services.ledger_attempts import Attempt, Outcome, with_retries
from wardfund.services.ports import LedgerStore, LedgerWrite, StoredPayment, SuspenseAssignment

ASSIGNED_RECORD = "ASSIGNED"


class SuspenseRefused(WardfundError):
    """The payment is not in suspense, or was resolved already: nothing is changed."""


class SuspenseItems(Protocol):
    def item(self, payment_id: str) -> SuspenseItem | None: ...


class Refunds(Protocol):
    def refund(self, payment_id: str, *, idempotency_key: str, metadata: dict[str, str]) -> str:
        """Asks the payment provider to refund what is left of the payment; its refund id."""
        ...


class ItemCloser(Protocol):
    def __call__(self, payment_id: str, *, by: str, resolution: str, at: datetime) -> bool: ...


@dataclass(frozen=True)
class Assigned:
    payment_id: str
    campaign_id: str
    assignment: Assignment

    @property
    def amount(self) -> int:
        return self.assignment.part.amount


def _open_item(items: SuspenseItems, payment_id: str) -> SuspenseItem:
    item = items.item(payment_id)
    if item is None:
        raise SuspenseRefused(
            f"no payment {payment_id!r} in suspense (see `wardfund suspense list`)"
        )
    if not item.open:
        assert item.resolved_at is not None
        when = item.resolved_at.astimezone(LONDON).strftime("%d %b %Y %H:%M")
        raise SuspenseRefused(f"payment {payment_id} left suspense already, on {when} London")
    return item


def _words(assignment: Assignment, by: str) -> str:
    payment, part = assignment.payment, assignment.part
    paid = payment.paid_at.astimezone(LONDON).strftime("%d %b %Y")
    words = (
        f"payment {payment.payment_id} ({display.pounds(part.amount)}, paid {paid}) assigned "
        f"from suspense by {by}: campaign share {display.pounds(part.local_share)}, kept "
        f"nationally {display.pounds(part.national_share)}"
    )
    if part.match:
        words += f", match {display.pounds(part.match)}"
    return words


def assign_payment(
    ledger: LedgerStore,
    items: SuspenseItems,
    payment_id: str,
    campaign_id: str,
    *,
    by: str,
    at: datetime,
    principal: str | None = None,
    ward: str | None = None,
) -> Assigned:
    _open_item(items, payment_id)
    if ledger.campaign(campaign_id, fresh=True) is None:
        raise UnknownCampaign(f"no campaign with id {campaign_id!r}")
    made: list[Assignment] = []

    def build(attempt: Attempt) -> LedgerWrite:
        made.clear()
        _open_item(items, payment_id)  # read again: another person may have resolved it
        stored = ledger.payment(payment_id)
        if stored is None:
            raise SuspenseRefused(f"no payment {payment_id!r} in the ledger")
        if attempt.campaign is None:
            raise UnknownCampaign(f"no campaign with id {campaign_id!r}")
        assignment = assign(
            stored.payment,
            stored.allocation,
            stored.holding,
            attempt.campaign,
            attempt.matched,
            at=at,
            ward=ward,
        )
        made.append(assignment)
        eligible = match_eligible(assignment.payment, attempt.campaign)
        return LedgerWrite(
            event_id=f"suspense-assign:{payment_id}",
            record_key=ASSIGNED_RECORD,
            posting=assignment.into_campaign,
            settle_at=attempt.settle_at(at),
            guards=attempt.guards(assignment.part.match if eligible else None),
            payment=StoredPayment(assignment.payment, assignment.allocation, stored.donor),
            payment_id=payment_id,
            ward=assignment.payment.ward,
            assignment=SuspenseAssignment(
                before=stored,
                assigned=assignment,
                by=by,
                principal=principal,
                detail=_words(assignment, by),
            ),
        )

    outcome = with_retries(build, ledger, campaign_id, always_exact=True)
    if outcome is Outcome.DUPLICATE or not made:
        raise SuspenseRefused(f"payment {payment_id} was assigned already")
    return Assigned(payment_id, campaign_id, made[0])


@dataclass(frozen=True)
class RefundAsked:
    payment_id: str
    refund_id: str
    amount: str  # what suspense held of it, as shown


def refund_payment(
    items: SuspenseItems,
    refunds: Refunds,
    close: ItemCloser,
    payment_id: str,
    *,
    held: int,
    by: str,
    at: datetime,
    principal: str | None = None,
) -> RefundAsked:
    """`held`: what suspense still holds of the payment (nothing held: nothing to refund)."""
    item = _open_item(items, payment_id)
    if held <= 0:
        raise SuspenseRefused(
            f"payment {payment_id} has nothing left in suspense to refund (refunded or "
            "disputed in full already)"
        )
    metadata = {"wardfund": "suspense refund", "requested_by": by}
    if principal:
        metadata["requested_by_identity"] = principal[:500]
    refund_id = refunds.refund(
        payment_id, idempotency_key=f"suspense-refund-{payment_id}", metadata=metadata
    )
    who = f"{by} ({principal})" if principal else by
    close(
        payment_id,
        by=by,
        resolution=f"refunded through Stripe by {who}: refund {refund_id}",
        at=at,
    )
    currency = item.currency or AGREEMENT_CURRENCY
    return RefundAsked(payment_id, refund_id, shown_amount(held, currency))


__all__ = [
    "Assigned",
    "RefundAsked",
    "Refunds",
    "SuspenseItems",
    "SuspenseRefused",
    "assign_payment",
    "refund_payment",
]
