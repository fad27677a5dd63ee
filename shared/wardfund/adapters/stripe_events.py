"""Anti-corruption layer: a Stripe event (API 2026-10-28.endive) becomes a domain fact.

Only the fields wardfund reads are modelled; Stripe adds fields freely, so extras are
ignored. Which event counts a payment (and which only informs) follows STRIPE-EVENTS.md:
one-offs count on the paid checkout session, monthly gifts on `invoice_payment.paid`
joined with the invoice (campaign, ward, first or renewal) seen on any invoice event.

An event's `data.object` is rendered in the event's own `api_version`, which never changes
(docs/stripe-versions.md). One in another version is never read as if it were in the pinned
one: `to_fact` raises `UnreadableApiVersion`, and reconciliation reads it instead through its
object fetched by id in the pinned version (`in_pinned_version`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from wardfund.adapters.stripe_amounts import STRIPE_MAX_AMOUNT, event_amount_problem
from wardfund.adapters.stripe_event_types import (
    HANDLED_EVENT_TYPES,
    INVOICE_EVENTS,
    PINNED_API_VERSION,
)
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

CAMPAIGN_KEY = "campaign"
WARD_KEY = "ward"
FIRST_INVOICE_REASON = "subscription_create"
INQUIRY_PREFIX = "warning_"


class MalformedEvent(ValueError):
    """The body is JSON but not a Stripe event of the shape its type promises (an amount
    Stripe could not have sent included): a permanent error, trying again cannot help."""


class UnreadableApiVersion(MalformedEvent):
    """The event is rendered in another API version than the one wardfund reads: its object
    may have other fields (before 2025 an invoice named its subscription at the top level),
    so reading it as the pinned version could count nothing without a word."""


@dataclass(frozen=True)
class ObjectSource:
    """Where the object of an event type is fetched by id: `resource` under `client.v1`."""

    prefix: str
    resource: str


# Each handled type's object, retrievable by id (`GET /v1/<path>/{id}`) in the pinned version.
OBJECT_SOURCES = (
    ObjectSource("invoice_payment.", "invoice_payments"),
    ObjectSource("invoice.", "invoices"),
    ObjectSource("checkout.session.", "checkout.sessions"),
    ObjectSource("refund.", "refunds"),
    ObjectSource("charge.dispute.", "disputes"),
    ObjectSource("customer.subscription.", "subscriptions"),
)


# What Stripe can send: a whole number of minor units, 0 to 99,999,999 (a float, a string,
# or 1e40 is not read as one). `_object` says which field and why before this is reached.
StripeAmount = Annotated[int, Field(strict=True, ge=0, le=STRIPE_MAX_AMOUNT)]


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


ModelT = TypeVar("ModelT", bound=_Loose)


class EventData(_Loose):
    object: dict[str, Any]


class StripeEvent(_Loose):
    id: str = Field(pattern=r"^evt_")
    type: str
    created: int
    api_version: str | None = None
    data: EventData


class SubscriptionDetails(_Loose):
    subscription: str | None = None
    metadata: dict[str, str] | None = None


class InvoiceParent(_Loose):
    type: str
    subscription_details: SubscriptionDetails | None = None


class Invoice(_Loose):
    id: str
    customer: str | None = None
    customer_email: str | None = None
    customer_name: str | None = None
    currency: str
    billing_reason: str | None = None
    attempt_count: int = 0
    parent: InvoiceParent | None = None


class InvoicePaymentTarget(_Loose):
    type: str
    payment_intent: str | None = None
    charge: str | None = None


class StatusTransitions(_Loose):
    paid_at: int | None = None


class InvoicePayment(_Loose):
    id: str
    invoice: str
    amount_paid: StripeAmount | None = None
    currency: str
    status: str
    payment: InvoicePaymentTarget
    status_transitions: StatusTransitions = StatusTransitions()


class CustomerDetails(_Loose):
    email: str | None = None
    name: str | None = None


class CheckoutSession(_Loose):
    id: str
    mode: str
    payment_status: str
    payment_intent: str | None = None
    amount_total: StripeAmount | None = None
    currency: str | None = None
    customer: str | None = None
    customer_details: CustomerDetails | None = None
    metadata: dict[str, str] | None = None
    created: int


class Refund(_Loose):
    id: str
    amount: StripeAmount
    currency: str
    payment_intent: str | None = None
    status: str | None = None
    created: int


class Dispute(_Loose):
    id: str
    amount: StripeAmount
    currency: str
    payment_intent: str | None = None
    status: str


class CancellationDetails(_Loose):
    reason: str | None = None


class Subscription(_Loose):
    id: str
    metadata: dict[str, str] | None = None
    ended_at: int | None = None
    canceled_at: int | None = None
    cancellation_details: CancellationDetails | None = None


def _at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _meta(metadata: dict[str, str] | None, key: str) -> str | None:
    value = (metadata or {}).get(key, "").strip()
    return value or None


def donor_ref(customer: str | None, email: str | None) -> str:
    """A stable donor key that is never an email address (emails stay out of keys and logs)."""
    if customer:
        return customer
    if email:
        return "email-" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:20]
    return "anonymous"


def parse_event(body: str | bytes) -> StripeEvent:
    try:
        return StripeEvent.model_validate_json(body)
    except ValidationError as error:
        raise MalformedEvent(f"not a Stripe event: {error.error_count()} problem(s)") from error


def object_source(event_type: str) -> ObjectSource:
    for source in OBJECT_SOURCES:
        if event_type.startswith(source.prefix):
            return source
    raise MalformedEvent(f"{event_type}: wardfund does not read this type's object")


def object_id(event: StripeEvent) -> str:
    found = event.data.object.get("id")
    if not isinstance(found, str) or not found:
        raise MalformedEvent(f"{event.type} {event.id}: data.object has no id")
    return found


def version_problem(event: StripeEvent) -> str | None:
    """Why the event cannot be read as it is (None when it is in the pinned version)."""
    if event.api_version == PINNED_API_VERSION:
        return None
    day = _at(event.created).date().isoformat()
    return (
        f"{event.type} {event.id} is rendered in Stripe API version "
        f"{event.api_version or '(none given)'}, and wardfund reads {PINNED_API_VERSION}. "
        f"Set the webhook endpoint (or event destination) to API version {PINNED_API_VERSION}, "
        f"then run `wardfund reconcile --since {day}`: reconciliation reads such events "
        f"through their objects, fetched from Stripe in {PINNED_API_VERSION}."
    )


def in_pinned_version(event: StripeEvent, fetched: dict[str, Any]) -> StripeEvent:
    """The event with its object as fetched by id in the pinned version (the object's state
    now, which for what wardfund reads is what the event reported, or later)."""
    if fetched.get("id") != object_id(event):
        raise MalformedEvent(f"{event.type} {event.id}: Stripe returned another object")
    return event.model_copy(
        update={"api_version": PINNED_API_VERSION, "data": EventData(object=fetched)}
    )


def _object(event: StripeEvent, model: type[ModelT]) -> ModelT:
    problem = event_amount_problem(event.type, event.data.object)
    if problem is not None:
        raise MalformedEvent(f"{event.id} {problem}")
    try:
        return model.model_validate(event.data.object)
    except ValidationError as error:
        raise MalformedEvent(
            f"{event.type} {event.id}: data.object is not a {model.__name__} "
            f"({error.error_count()} problem(s))"
        ) from error


def _invoice_fact(event: StripeEvent) -> Fact:
    invoice = _object(event, Invoice)
    details = invoice.parent.subscription_details if invoice.parent else None
    if details is None or details.subscription is None:
        return Ignored(
            event.type,
            "invoice without a subscription parent",
            unexpected=True,
            object_id=invoice.id,
        )
    campaign, ward = _meta(details.metadata, CAMPAIGN_KEY), _meta(details.metadata, WARD_KEY)
    if event.type == "invoice.payment_failed":
        return DonorLifecycle(
            kind="renewal_failed",
            object_id=invoice.id,
            subscription_id=details.subscription,
            campaign_id=campaign,
            ward=ward,
            at=_at(event.created),
            detail=f"attempt {invoice.attempt_count}",
            donor=_invoice_donor(invoice),
        )
    return InvoiceSeen(
        invoice_id=invoice.id,
        subscription_id=details.subscription,
        campaign_id=campaign,
        ward=ward,
        first_payment=invoice.billing_reason == FIRST_INVOICE_REASON,
        currency=invoice.currency,
        donor=_invoice_donor(invoice),
    )


def _invoice_donor(invoice: Invoice) -> Donor:
    return Donor(
        donor_ref(invoice.customer, invoice.customer_email),
        invoice.customer_email,
        invoice.customer_name,
    )


def _invoice_payment_fact(event: StripeEvent) -> Fact:
    paid = _object(event, InvoicePayment)
    intent = paid.payment.payment_intent or paid.payment.charge
    if paid.status != "paid" or intent is None or paid.amount_paid is None:
        return Ignored(
            event.type,
            "invoice payment not paid by a payment intent or charge",
            unexpected=True,
            object_id=paid.id,
        )
    return InvoicePaymentPaid(
        invoice_id=paid.invoice,
        payment_id=intent,
        amount=paid.amount_paid,
        currency=paid.currency,
        paid_at=_at(paid.status_transitions.paid_at or event.created),
    )


def _checkout_fact(event: StripeEvent) -> Fact:
    session = _object(event, CheckoutSession)
    if session.mode == "subscription":
        return Ignored(event.type, "subscription sessions count through their invoice")
    if session.mode != "payment":
        return Ignored(
            event.type,
            f"a {session.mode} session moves no money",
            unexpected=True,
            object_id=session.id,
        )
    if session.payment_status != "paid" or session.payment_intent is None:
        return Ignored(event.type, "not paid yet")
    if session.amount_total is None or session.currency is None:
        raise MalformedEvent(f"{event.type} {event.id}: paid session without amount or currency")
    details = session.customer_details or CustomerDetails()
    return OneOffPaid(
        payment_id=session.payment_intent,
        campaign_id=_meta(session.metadata, CAMPAIGN_KEY),
        ward=_meta(session.metadata, WARD_KEY),
        amount=session.amount_total,
        currency=session.currency,
        paid_at=_at(event.created),
        donor=Donor(donor_ref(session.customer, details.email), details.email, details.name),
    )


def _refund_fact(event: StripeEvent) -> Fact:
    refund = _object(event, Refund)
    if refund.status != "succeeded":
        return Ignored(event.type, f"refund status {refund.status}")
    if refund.payment_intent is None:
        raise MalformedEvent(f"{event.type} {event.id}: refund without a payment intent")
    return Refunded(
        refund.id, refund.payment_intent, refund.amount, refund.currency, _at(refund.created)
    )


def _dispute_fact(event: StripeEvent) -> Fact:
    dispute = _object(event, Dispute)
    if dispute.payment_intent is None:
        raise MalformedEvent(f"{event.type} {event.id}: dispute without a payment intent")
    at = _at(event.created)
    reinstated = event.type == "charge.dispute.funds_reinstated" or (
        event.type == "charge.dispute.closed" and dispute.status == "won"
    )
    if reinstated:
        return DisputeFundsReinstated(dispute.id, dispute.payment_intent, at)
    if event.type == "charge.dispute.closed":
        return Ignored(event.type, f"dispute closed {dispute.status}: nothing more moves")
    if dispute.status.startswith(INQUIRY_PREFIX):
        return Ignored(event.type, "an inquiry withdraws no funds")
    return DisputeFundsWithdrawn(
        dispute.id, dispute.payment_intent, dispute.amount, dispute.currency, at
    )


def _subscription_ended_fact(event: StripeEvent) -> Fact:
    subscription = _object(event, Subscription)
    reason = subscription.cancellation_details.reason if subscription.cancellation_details else None
    return DonorLifecycle(
        kind="cancelled",
        object_id=subscription.id,
        subscription_id=subscription.id,
        campaign_id=_meta(subscription.metadata, CAMPAIGN_KEY),
        ward=_meta(subscription.metadata, WARD_KEY),
        at=_at(subscription.ended_at or subscription.canceled_at or event.created),
        detail=reason or "",
    )


def to_fact(event: StripeEvent) -> Fact:
    kind = event.type
    if kind not in HANDLED_EVENT_TYPES:
        return Ignored(kind, "event type not used by wardfund")
    problem = version_problem(event)
    if problem is not None:
        raise UnreadableApiVersion(problem)
    if kind in INVOICE_EVENTS:
        return _invoice_fact(event)
    if kind == "invoice_payment.paid":
        return _invoice_payment_fact(event)
    if kind.startswith("checkout.session."):
        return _checkout_fact(event)
    if kind.startswith("refund."):
        return _refund_fact(event)
    if kind.startswith("charge.dispute."):
        return _dispute_fact(event)
    return _subscription_ended_fact(event)
