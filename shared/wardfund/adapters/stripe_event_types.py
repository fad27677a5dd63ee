"""The Stripe event types wardfund acts on. Kept import-light: the webhook receiver reads it."""

from __future__ import annotations

INVOICE_EVENTS = frozenset(
    {
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_succeeded",
        "invoice.payment_failed",
        "invoice.updated",
    }
)
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
