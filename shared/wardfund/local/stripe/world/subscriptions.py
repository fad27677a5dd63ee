"""Subscriptions (monthly, one item) and their billing periods, a calendar month from the anchor."""

from __future__ import annotations

from datetime import datetime

from wardfund.local.stripe.world.checkout import PaymentLink
from wardfund.local.stripe.world.donors import Pledge
from wardfund.local.stripe.world.ids import StripeIds
from wardfund.local.stripe.world.shapes import JSON, add_months, nulls, stripe_list


def subscription(
    ids: StripeIds,
    customer: JSON,
    link: PaymentLink,
    method: str,
    amount: int,
    currency: str,
    anchor: datetime,
    now: int,
) -> JSON:
    sub_id = ids.new("sub")
    start, end = int(anchor.timestamp()), int(add_months(anchor, 1).timestamp())
    common = {
        "id": link.price,
        "active": True,
        "billing_scheme": "per_unit",
        "created": link.created,
        "currency": currency,
        "livemode": False,
        "metadata": {},
        "product": link.product,
        **nulls("nickname tiers_mode"),
    }
    recurring = {"interval": "month", "interval_count": 1, "usage_type": "licensed"}
    price = {
        **common,
        "object": "price",
        "recurring": {**recurring, **nulls("meter trial_period_days")},
        "tax_behavior": "unspecified",
        "type": "recurring",
        "unit_amount": amount,
        "unit_amount_decimal": str(amount),
        **nulls("custom_unit_amount lookup_key transform_quantity"),
    }
    plan = {
        **common,
        **recurring,
        "object": "plan",
        "amount": amount,
        "amount_decimal": str(amount),
        **nulls("meter transform_usage trial_period_days"),
    }
    item: JSON = {
        "id": ids.new("si"),
        "object": "subscription_item",
        "billing_thresholds": None,
        "created": now,
        "current_period_end": end,
        "current_period_start": start,
        "discounts": [],
        "metadata": {},
        "plan": plan,
        "price": price,
        "quantity": 1,
        "subscription": sub_id,
        "tax_rates": [],
    }
    return {
        "id": sub_id,
        "object": "subscription",
        "automatic_tax": {"enabled": False, **nulls("disabled_reason liability")},
        "billing_cycle_anchor": start,
        "billing_mode": {
            "flexible": {"proration_discounts": "included"},
            "type": "flexible",
            "updated_at": now,
        },
        "billing_schedules": [],
        "cancel_at_period_end": False,
        "cancellation_details": nulls("comment feedback reason"),
        "collection_method": "charge_automatically",
        "created": now,
        "currency": currency,
        "customer": customer["id"],
        "default_payment_method": method,
        "default_tax_rates": [],
        "discounts": [],
        "invoice_settings": {"account_tax_ids": None, "issuer": {"type": "self"}},
        "items": stripe_list(f"/v1/subscription_items?subscription={sub_id}", [item]),
        "livemode": False,
        "metadata": dict(link.metadata),
        "payment_settings": {
            **nulls("payment_method_options payment_method_types"),
            "save_default_payment_method": "off",
        },
        "start_date": now,
        "status": "incomplete",
        "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
        **nulls(
            "application application_fee_percent billing_cycle_anchor_config "
            "billing_thresholds cancel_at canceled_at customer_account days_until_due "
            "default_source description ended_at latest_invoice managed_payments "
            "next_pending_invoice_item_invoice on_behalf_of pause_collection "
            "pending_invoice_item_interval pending_setup_intent pending_update schedule "
            "test_clock transfer_data trial_end trial_start"
        ),
    }


def period(pledge: Pledge) -> tuple[int, int]:
    start = add_months(pledge.anchor, pledge.cycle)
    return int(start.timestamp()), int(add_months(pledge.anchor, pledge.cycle + 1).timestamp())
