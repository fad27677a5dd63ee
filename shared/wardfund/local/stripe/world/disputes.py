"""Disputes (fraud chargebacks): the amount and a fee withdrawn, and what a won one returns."""

from __future__ import annotations

from wardfund.local.stripe.world import payments
from wardfund.local.stripe.world.donors import Payment
from wardfund.local.stripe.world.ids import StripeIds
from wardfund.local.stripe.world.shapes import JSON, nulls

DISPUTE_FEE = 2000
OPEN = frozenset({"needs_response", "under_review"})
_EVIDENCE_FIELDS = (
    "access_activity_log billing_address cancellation_policy cancellation_policy_disclosure "
    "cancellation_rebuttal customer_communication customer_email_address customer_name "
    "customer_purchase_ip customer_signature duplicate_charge_documentation "
    "duplicate_charge_explanation duplicate_charge_id product_description receipt refund_policy "
    "refund_policy_disclosure refund_refusal_explanation service_date service_documentation "
    "shipping_address shipping_carrier shipping_date shipping_documentation "
    "shipping_tracking_number uncategorized_file uncategorized_text"
)


def dispute(ids: StripeIds, paid: Payment, amount: int, created: int) -> JSON:
    charge = paid.charge
    dispute_id = ids.new("du")
    withdrawal = payments.balance_transaction(
        ids, -amount, charge["currency"], DISPUTE_FEE, dispute_id, created,
        f"Chargeback withdrawal for {charge['id']}", "dispute",
    )  # fmt: skip
    return {
        "id": dispute_id,
        "object": "dispute",
        "amount": amount,
        "balance_transactions": [withdrawal],
        "charge": charge["id"],
        "created": created,
        "currency": charge["currency"],
        "enhanced_eligibility_types": [],
        "evidence": {
            **nulls(_EVIDENCE_FIELDS),
            "customer_email_address": charge["billing_details"]["email"],
            "customer_name": charge["billing_details"]["name"],
            "enhanced_evidence": {},
        },
        "evidence_details": {
            "due_by": (created // 86400 + 22) * 86400 - 1,
            "enhanced_eligibility": {},
            "has_evidence": False,
            "past_due": False,
            "submission_count": 0,
            "submission_method": None,
        },
        "is_charge_refundable": False,
        "livemode": False,
        "metadata": {},
        "payment_intent": paid.intent["id"],
        "payment_method_details": {
            "card": {"brand": "visa", "case_type": "chargeback", "network_reason_code": "10.4"},
            "type": "card",
        },
        "reason": "fraudulent",
        "status": "needs_response",
    }
