"""The Stripe event types wardfund acts on. Kept import-light: the webhook receiver reads it."""

from __future__ import annotations

PINNED_API_VERSION = "2026-10-28.endive"
"""The Stripe API version wardfund reads (the shapes `stripe_events` models) and requests
(`stripe_gateway`). It is the version the locked stripe-python was generated for; a test
fails when an upgrade of stripe-python moves it, so the shapes are reviewed first."""

# Any invoice event carries the campaign, ward and billing reason; `invoice.paid` always
# comes for a paid invoice and `invoice.finalized` usually before it, so these two are
# enough, and taking no others halves the invoice writes and queue sends per donation.
INVOICE_EVENTS = frozenset({"invoice.finalized", "invoice.paid", "invoice.payment_failed"})
HANDLED_EVENT_TYPES = INVOICE_EVENTS | frozenset(
    {
        "invoice_payment.paid",
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
        "refund.created",
        "refund.updated",
        "charge.dispute.created",
        "charge.dispute.funds_withdrawn",
        "charge.dispute.funds_reinstated",
        "charge.dispute.closed",
        "customer.subscription.deleted",
    }
)


def worth_queueing(event_type: str, object_mode: str | None) -> bool:
    """Subscription checkout sessions count through their invoice, so only one-offs queue."""
    if event_type not in HANDLED_EVENT_TYPES:
        return False
    return not (event_type.startswith("checkout.session.") and object_mode == "subscription")
