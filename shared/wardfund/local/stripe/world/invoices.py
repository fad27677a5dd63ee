"""Invoices of a pledge: drafted, finalized with their PaymentIntent, attempted, paid or failed."""

from __future__ import annotations

import copy

from wardfund.local.stripe.world import payments, subscriptions
from wardfund.local.stripe.world.donors import DonorState, Payment, Pledge
from wardfund.local.stripe.world.events import Story
from wardfund.local.stripe.world.ids import StripeIds
from wardfund.local.stripe.world.shapes import JSON, address, money, nulls, stripe_list


def roll_period(story: Story, account_id: str, pledge: Pledge) -> JSON:
    """Start the next period with a new invoice, finalized; returns previous_attributes."""
    sub = pledge.subscription
    previous: JSON = {
        "items": copy.deepcopy(sub["items"]),
        "latest_invoice": sub["latest_invoice"],
    }
    item = sub["items"]["data"][0]
    began, ended = item["current_period_start"], item["current_period_end"]
    pledge.cycle += 1
    item["current_period_start"], item["current_period_end"] = subscriptions.period(pledge)
    invoice = draft_invoice(story.ids, pledge, "subscription_cycle", began, ended, story.at)
    invoice["automatically_finalizes_at"] = story.at + 3600
    invoice["next_payment_attempt"] = story.at + 3600
    sub["latest_invoice"] = invoice["id"]
    story.emit("invoice.created", invoice)
    finalize(story, account_id, pledge, invoice)
    return previous


def draft_invoice(
    ids: StripeIds, pledge: Pledge, reason: str, period_start: int, period_end: int, created: int
) -> JSON:
    sub, customer, link = pledge.subscription, pledge.customer, pledge.link
    item = sub["items"]["data"][0]
    invoice_id, amount, currency = ids.new("in"), pledge.amount, pledge.currency
    line = {
        "id": ids.new("il"),
        "object": "line_item",
        "amount": amount,
        "currency": currency,
        "description": f"1 × {link.product_name} (at {money(amount, currency)} / month)",
        "discount_amounts": [],
        "discountable": True,
        "discounts": [],
        "invoice": invoice_id,
        "livemode": False,
        "metadata": dict(sub["metadata"]),
        "parent": {
            "invoice_item_details": None,
            "subscription_item_details": {
                "invoice_item": None,
                "proration": False,
                "proration_details": {"credited_items": None},
                "subscription": sub["id"],
                "subscription_item": item["id"],
            },
            "type": "subscription_item_details",
        },
        "period": {"end": item["current_period_end"], "start": item["current_period_start"]},
        "pretax_credit_amounts": [],
        "pricing": {
            "price_details": {"price": link.price, "product": link.product},
            "type": "price_details",
            "unit_amount_decimal": str(amount),
        },
        "quantity": 1,
        "quantity_decimal": "1",
        "subscription": sub["id"],
        "subtotal": amount,
        "taxes": [],
    }
    amounts = (
        "amount_due amount_remaining subtotal subtotal_excluding_tax total total_excluding_tax"
    )
    zeros = (
        "amount_overpaid amount_paid amount_shipping attempt_count "
        "post_payment_credit_notes_amount pre_payment_credit_notes_amount starting_balance"
    )
    return {
        "id": invoice_id,
        "object": "invoice",
        **dict.fromkeys(amounts.split(), amount),
        **dict.fromkeys(zeros.split(), 0),
        "account_country": "GB",
        "account_name": "Wardfund",
        "attempted": False,
        "auto_advance": True,
        "automatic_tax": {
            "enabled": False,
            **nulls("disabled_reason liability provider status"),
        },
        "billing_reason": reason,
        "collection_method": "charge_automatically",
        "created": created,
        "currency": currency,
        "customer": customer["id"],
        "customer_address": address(),
        "customer_email": customer["email"],
        "customer_name": customer["name"],
        "customer_tax_exempt": "none",
        "customer_tax_ids": [],
        "default_tax_rates": [],
        "discounts": [],
        "issuer": {"type": "self"},
        "lines": stripe_list(f"/v1/invoices/{invoice_id}/lines", [line]),
        "livemode": False,
        "metadata": {},
        "parent": {
            "quote_details": None,
            "subscription_details": {
                "metadata": dict(sub["metadata"]),
                "subscription": sub["id"],
            },
            "type": "subscription_details",
        },
        "payment_settings": nulls("default_mandate payment_method_options payment_method_types"),
        "period_end": period_end,
        "period_start": period_start,
        "rendering": {
            "pdf": {"page_size": "auto"},
            **nulls("amount_tax_display template template_version"),
        },
        "status": "draft",
        "status_transitions": nulls("finalized_at marked_uncollectible_at paid_at voided_at"),
        "total_discount_amounts": [],
        "total_pretax_credit_amounts": [],
        "total_taxes": [],
        **nulls(
            "account_tax_ids application automatically_finalizes_at custom_fields "
            "customer_account customer_phone customer_shipping default_payment_method "
            "default_source description due_date effective_at ending_balance footer "
            "from_invoice hosted_invoice_url invoice_pdf last_finalization_error "
            "latest_revision next_payment_attempt number on_behalf_of receipt_number "
            "shipping_cost shipping_details statement_descriptor test_clock "
            "webhooks_delivered_at"
        ),
    }


def finalize(story: Story, account_id: str, pledge: Pledge, invoice: JSON) -> None:
    customer = pledge.customer
    sequence = customer["next_invoice_sequence"]
    customer["next_invoice_sequence"] = sequence + 1
    token = story.ids.token("invoice", 58)
    invoice.update(
        status="open",
        number=f"{customer['invoice_prefix']}-{sequence:04d}",
        hosted_invoice_url=f"https://invoice.stripe.com/i/{account_id}/test_{token}?s=ap",
        invoice_pdf=f"https://pay.stripe.com/invoice/{account_id}/test_{token}/pdf?s=ap",
        effective_at=story.at,
        ending_balance=0,
        automatically_finalizes_at=None,
        webhooks_delivered_at=story.at,
    )
    invoice["status_transitions"]["finalized_at"] = story.at
    description = (
        "Subscription creation"
        if invoice["billing_reason"] == "subscription_create"
        else "Subscription update"
    )
    intent = payments.payment_intent(
        story.ids, invoice["amount_due"], pledge.currency, customer["id"], description, {}, story.at
    )
    intent["setup_future_usage"] = "off_session"
    intent["payment_method"] = pledge.payment_method["id"]
    pledge.open_invoice, pledge.open_intent = invoice, intent
    pledge.open_invoice_payment = {
        "id": story.ids.new("inpay"),
        "object": "invoice_payment",
        "amount_paid": None,
        "amount_requested": invoice["amount_due"],
        "created": story.at,
        "currency": pledge.currency,
        "invoice": invoice["id"],
        "is_default": True,
        "livemode": False,
        "payment": {"type": "payment_intent", "payment_intent": intent["id"]},
        "status": "open",
        "status_transitions": {"canceled_at": None, "paid_at": None},
    }
    story.emit("invoice.finalized", invoice)


def attempt(story: Story, state: DonorState, pledge: Pledge, *, succeeds: bool) -> JSON | None:
    """Charge the open invoice's PaymentIntent; emit the charge, intent and invoice events."""
    invoice, intent, inpay = (
        pledge.open_invoice,
        pledge.open_intent,
        pledge.open_invoice_payment,
    )
    if invoice is None or intent is None or inpay is None:
        raise AssertionError("no open invoice to attempt")
    method = pledge.payment_method
    charge = payments.charge(story.ids, story.at, intent, method, state.donor, succeeded=succeeds)
    invoice["attempted"] = True
    invoice["attempt_count"] += 1
    if not succeeds:
        intent.update(status="requires_payment_method", latest_charge=charge["id"])
        intent["last_payment_error"] = payments.decline(charge, method)
        invoice["next_payment_attempt"] = story.at + 3 * 86400 * invoice["attempt_count"]
        story.emit("charge.failed", charge)
        story.emit("payment_intent.payment_failed", intent)
        story.emit("invoice.payment_failed", invoice)
        return None
    payments.succeed(intent, charge, method)
    story.emit("charge.succeeded", charge)
    story.emit("payment_intent.succeeded", intent)
    paid_at = story.at
    inpay.update(amount_paid=invoice["amount_due"], status="paid")
    inpay["status_transitions"]["paid_at"] = paid_at
    story.emit("invoice_payment.paid", inpay)
    invoice.update(
        status="paid",
        amount_paid=invoice["amount_due"],
        amount_remaining=0,
        auto_advance=False,
        next_payment_attempt=None,
    )
    invoice["status_transitions"]["paid_at"] = paid_at
    story.emit("invoice.paid", invoice)
    story.emit("invoice.payment_succeeded", invoice)
    state.payments.append(Payment(charge, intent))
    pledge.customer["currency"] = pledge.currency
    pledge.open_invoice = pledge.open_intent = pledge.open_invoice_payment = None
    return charge
