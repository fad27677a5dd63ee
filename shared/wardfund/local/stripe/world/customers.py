"""Customers and their card PaymentMethods (every card is Visa UK)."""

from __future__ import annotations

from wardfund.local.stripe.world.donors import Donor
from wardfund.local.stripe.world.ids import StripeIds
from wardfund.local.stripe.world.shapes import JSON, address, nulls


def customer(ids: StripeIds, donor: Donor, created: int) -> JSON:
    return {
        "id": ids.new("cus"),
        "object": "customer",
        "address": address(),
        "balance": 0,
        "created": created,
        "delinquent": False,
        "email": donor.email,
        "invoice_prefix": ids.token("invoice_prefix", 8).upper(),
        "invoice_settings": nulls("custom_fields default_payment_method footer rendering_options"),
        "livemode": False,
        "metadata": {},
        "name": donor.name,
        "next_invoice_sequence": 1,
        "preferred_locales": ["en-GB"],
        "tax_exempt": "none",
        **nulls(
            "business_name currency customer_account default_source description discount "
            "individual_name phone shipping test_clock"
        ),
    }


def payment_method(ids: StripeIds, donor: Donor, customer: str | None, created: int) -> JSON:
    return {
        "id": ids.new("pm"),
        "object": "payment_method",
        "allow_redisplay": "limited" if customer else "unspecified",
        "billing_details": billing_details(donor),
        "card": {
            "brand": "visa",
            "checks": {
                **nulls("address_line1_check address_postal_code_check"),
                "cvc_check": "pass",
            },
            "country": "GB",
            "display_brand": "visa",
            "exp_month": 12,
            "exp_year": 2030,
            "fingerprint": ids.token(f"fingerprint|{donor.donor_id}", 16),
            "funding": "credit",
            "generated_from": None,
            "last4": "0000",
            "networks": {"available": ["visa"], "preferred": None},
            "regulated_status": "unregulated",
            "three_d_secure_usage": {"supported": True},
            "wallet": None,
        },
        "created": created,
        "customer": customer,
        "customer_account": None,
        "livemode": False,
        "metadata": {},
        "type": "card",
    }


def billing_details(donor: Donor) -> JSON:
    return {
        "address": address(),
        "email": donor.email,
        "name": donor.name,
        **nulls("phone tax_id"),
    }
