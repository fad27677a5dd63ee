"""Refunds of a payment, wholly or partly."""

from __future__ import annotations

from wardfund.local.stripe.world.donors import Payment
from wardfund.local.stripe.world.ids import StripeIds
from wardfund.local.stripe.world.shapes import JSON, nulls


def refund(ids: StripeIds, paid: Payment, amount: int, created: int) -> JSON:
    charge = paid.charge
    return {
        "id": ids.new("re"),
        "object": "refund",
        "amount": amount,
        "balance_transaction": ids.new("txn"),
        "charge": charge["id"],
        "created": created,
        "currency": charge["currency"],
        "customer": charge["customer"],
        "destination_details": {
            "card": {
                "reference": None,
                "reference_status": "pending",
                "reference_type": "acquirer_reference_number",
                "type": "refund",
            },
            "type": "card",
        },
        "metadata": {},
        "payment_intent": paid.intent["id"],
        "payment_method": charge["payment_method"],
        "reason": "requested_by_customer",
        "status": "succeeded",
        **nulls("customer_account receipt_number source_transfer_reversal transfer_reversal"),
    }
