"""The bounds of a Stripe amount, checked wherever an amount comes in.

Stripe's `amount` takes at most eight digits in the currency's minor unit: 99,999,999
pence, £999,999.99 (Stripe API reference, "amount"; docs.stripe.com/currencies, minimum
and maximum charge amounts). No payment, refund or dispute Stripe sends can be larger, and
no cap, invoice or gift an operator types needs to be: a larger figure is a mistake or an
attack, and left alone it ends as a `decimal` error deep in the DynamoDB serialiser (which
holds 38 digits) instead of a message.

Kept free of pydantic and the domain: the webhook receiver imports it on its cold start.
"""

from __future__ import annotations

STRIPE_MAX_AMOUNT = 99_999_999  # minor units (pence)
STRIPE_MAX_POUNDS = "£999,999.99"

# The amount fields wardfund reads, by the event type's object (STRIPE-EVENTS.md).
_AMOUNT_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("checkout.session.", ("amount_total",)),
    ("invoice_payment.", ("amount_paid",)),
    ("refund.", ("amount",)),
    ("charge.dispute.", ("amount",)),
)


def amount_fields(event_type: str) -> tuple[str, ...]:
    """The amount fields of this event type's object that wardfund reads."""
    for prefix, fields in _AMOUNT_FIELDS:
        if event_type.startswith(prefix):
            return fields
    return ()


def amount_problem(value: object, *, what: str) -> str | None:
    """Why `value` cannot be a Stripe amount (None when it can: 0 to 99,999,999)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{what} {value!r} is not a whole number of pence"
    if value < 0:
        return f"{what} {value} is negative"
    if value > STRIPE_MAX_AMOUNT:
        shown = f"{value:.3e}" if value >= 10**12 else f"{value:,}"
        return (
            f"{what} {shown} is above Stripe's maximum of {STRIPE_MAX_AMOUNT:,} minor units "
            f"({STRIPE_MAX_POUNDS})"
        )
    return None


def event_amount_problem(event_type: str, found: dict[str, object]) -> str | None:
    """The first amount of the event's object that Stripe could not have sent (absent or
    null fields are left to the event's own reading)."""
    for field in amount_fields(event_type):
        value = found.get(field)
        if value is None:
            continue
        problem = amount_problem(value, what=field)
        if problem is not None:
            return f"{event_type}: {problem}"
    return None
