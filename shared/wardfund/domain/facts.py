"""What a Stripe event tells the ledger, in the domain's own words (no Stripe types here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Donor:
    donor_ref: str
    email: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class InvoiceSeen:
    """A subscription invoice: which campaign and ward it is for, and whether it is the first."""

    invoice_id: str
    subscription_id: str
    campaign_id: str | None
    ward: str | None
    first_payment: bool
    currency: str
    donor: Donor


@dataclass(frozen=True)
class InvoicePaymentPaid:
    """Money for a subscription invoice arrived: counts once the invoice is known."""

    invoice_id: str
    payment_id: str
    amount: int
    currency: str
    paid_at: datetime


@dataclass(frozen=True)
class OneOffPaid:
    payment_id: str
    campaign_id: str | None
    ward: str | None
    amount: int
    currency: str
    paid_at: datetime
    donor: Donor


@dataclass(frozen=True)
class Refunded:
    refund_id: str
    payment_id: str
    amount: int
    currency: str
    at: datetime


@dataclass(frozen=True)
class DisputeFundsWithdrawn:
    dispute_id: str
    payment_id: str
    amount: int
    currency: str
    at: datetime


@dataclass(frozen=True)
class DisputeFundsReinstated:
    dispute_id: str
    payment_id: str
    at: datetime


@dataclass(frozen=True)
class DonorLifecycle:
    """A monthly donor's payment failed or their subscription ended: no money moves."""

    kind: str  # "renewal_failed" | "cancelled"
    object_id: str
    subscription_id: str
    campaign_id: str | None
    ward: str | None
    at: datetime
    detail: str = ""
    donor: Donor | None = None


@dataclass(frozen=True)
class Ignored:
    """Nothing to record. `unexpected`: the event is of a type wardfund counts, but its object
    is not one wardfund can count (an invoice with no subscription, an invoice payment not
    made by a payment intent...): acknowledged, and an alert names it (`object_id`)."""

    event_type: str
    why: str
    unexpected: bool = False
    object_id: str | None = None


Fact = (
    InvoiceSeen
    | InvoicePaymentPaid
    | OneOffPaid
    | Refunded
    | DisputeFundsWithdrawn
    | DisputeFundsReinstated
    | DonorLifecycle
    | Ignored
)
