"""PaymentIntents, the Charges that pay them (or are declined), and balance transactions."""

from __future__ import annotations

import copy

from wardfund.local.stripe.world import customers
from wardfund.local.stripe.world.donors import Donor
from wardfund.local.stripe.world.ids import StripeIds
from wardfund.local.stripe.world.shapes import JSON, nulls

_RECEIPTS = "https://pay.stripe.com/receipts"


def payment_intent(
    ids: StripeIds,
    amount: int,
    currency: str,
    customer: str | None,
    description: str | None,
    metadata: dict[str, str],
    created: int,
) -> JSON:
    intent_id = ids.new("pi")
    card_options = nulls("installments mandate_options network")
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "capture_method": "automatic",
        "client_secret": f"{intent_id}_secret_{ids.token('secret', 25)}",
        "confirmation_method": "automatic",
        "created": created,
        "currency": currency,
        "customer": customer,
        "description": description,
        "livemode": False,
        "metadata": metadata,
        "payment_method_options": {"card": {**card_options, "request_three_d_secure": "automatic"}},
        "payment_method_types": ["card"],
        "status": "requires_payment_method",
        **nulls(
            "application application_fee_amount automatic_payment_methods canceled_at "
            "cancellation_reason customer_account excluded_payment_method_types "
            "last_payment_error latest_charge managed_payments next_action on_behalf_of "
            "payment_method payment_method_configuration_details processing receipt_email "
            "review setup_future_usage shipping source statement_descriptor "
            "statement_descriptor_suffix transfer_data transfer_group"
        ),
    }


def succeed(intent: JSON, charge: JSON, method: JSON) -> None:
    intent.update(
        status="succeeded",
        amount_received=intent["amount"],
        latest_charge=charge["id"],
        payment_method=method["id"],
        last_payment_error=None,
    )


def charge(
    ids: StripeIds, created: int, intent: JSON, method: JSON, donor: Donor, *, succeeded: bool
) -> JSON:
    amount, card = intent["amount"], method["card"]
    outcome = {
        **nulls("advice_code network_advice_code network_decline_code reason"),
        "network_status": "approved_by_network",
        "risk_level": "normal",
        "risk_score": 8 + int.from_bytes(ids.token("risk", 4).encode()) % 50,
        "seller_message": "Payment complete.",
        "type": "authorized",
    }
    if not succeeded:
        outcome.update(
            advice_code="try_again_later",
            network_decline_code="51",
            network_status="declined_by_network",
            reason="insufficient_funds",
            seller_message="The bank returned the decline code `insufficient_funds`.",
            type="issuer_declined",
        )
    details = {name: card[name] for name in ("brand", "country", "exp_month", "exp_year")}
    details.update({name: card[name] for name in ("fingerprint", "funding", "last4")})
    transaction = ids.token("network_transaction", 15) if succeeded else None
    kind = "invoices" if intent["description"] else "payment"
    return {
        "id": ids.new("ch"),
        "object": "charge",
        "amount": amount,
        "amount_captured": amount if succeeded else 0,
        "amount_refunded": 0,
        "balance_transaction": ids.new("txn") if succeeded else None,
        "billing_details": customers.billing_details(donor),
        "calculated_statement_descriptor": "WARDFUND",
        "captured": succeeded,
        "created": created,
        "currency": intent["currency"],
        "customer": intent["customer"],
        "description": intent["description"],
        "disputed": False,
        "failure_code": None if succeeded else "card_declined",
        "failure_message": None if succeeded else "Your card has insufficient funds.",
        "fraud_details": {},
        "livemode": False,
        "metadata": dict(intent["metadata"]),
        "outcome": outcome,
        "paid": succeeded,
        "payment_intent": intent["id"],
        "payment_method": method["id"],
        "payment_method_details": {
            "card": {
                **details,
                "amount_authorized": amount if succeeded else None,
                "checks": dict(card["checks"]),
                "extended_authorization": {"status": "disabled"},
                "incremental_authorization": {"status": "unavailable"},
                "multicapture": {"status": "unavailable"},
                "network": "visa",
                "network_token": {"used": False},
                "network_transaction_id": transaction,
                "overcapture": {"maximum_amount_capturable": amount, "status": "unavailable"},
                "regulated_status": "unregulated",
                **nulls("authorization_code installments mandate three_d_secure wallet"),
            },
            "type": "card",
        },
        "receipt_url": f"{_RECEIPTS}/{kind}/{ids.token('receipt', 64)}?s=ap",
        "refunded": False,
        "status": "succeeded" if succeeded else "failed",
        **nulls(
            "application application_fee application_fee_amount failure_balance_transaction "
            "on_behalf_of receipt_email receipt_number review shipping source "
            "source_transfer statement_descriptor statement_descriptor_suffix transfer_data "
            "transfer_group"
        ),
    }


def decline(charge: JSON, method: JSON) -> JSON:
    return {
        "advice_code": "try_again_later",
        "charge": charge["id"],
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "doc_url": "https://stripe.com/docs/error-codes/card-declined",
        "message": "Your card has insufficient funds.",
        "network_decline_code": "51",
        "payment_method": copy.deepcopy(method),
        "type": "card_error",
    }


def balance_transaction(
    ids: StripeIds,
    amount: int,
    currency: str,
    fee: int,
    source: str,
    created: int,
    description: str,
    category: str,
) -> JSON:
    fee_details = {
        "amount": fee,
        "application": None,
        "currency": currency,
        "description": "Dispute fee",
        "type": "stripe_fee",
    }
    return {
        "id": ids.new("txn"),
        "object": "balance_transaction",
        "amount": amount,
        "available_on": created,
        "balance_type": "payments",
        "created": created,
        "currency": currency,
        "description": description,
        "exchange_rate": None,
        "fee": fee,
        "fee_details": [fee_details] if fee else [],
        "net": amount - fee,
        "reporting_category": category,
        "source": source,
        "status": "available",
        "type": "adjustment",
    }
