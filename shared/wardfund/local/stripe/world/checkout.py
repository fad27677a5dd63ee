"""Payment Links (one per campaign, ward, mode and amount) and the Checkout Sessions donors
complete through them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from wardfund.local.stripe.world.donors import Donor
from wardfund.local.stripe.world.ids import StripeIds
from wardfund.local.stripe.world.shapes import JSON, address, nulls


@dataclass(frozen=True)
class PaymentLink:
    id: str
    mode: Literal["payment", "subscription"]
    metadata: dict[str, str]
    product: str
    price: str
    product_name: str
    created: int


def payment_link(
    ids: StripeIds,
    links: dict[tuple[str, ...], PaymentLink],
    mode: Literal["payment", "subscription"],
    campaign: str,
    ward: str,
    currency: str,
    amount: int | None,
    created: int,
) -> PaymentLink:
    key = (mode, campaign, ward, currency, str(amount))
    if key not in links:
        name = "Monthly gift to " if mode == "subscription" else "Gift to "
        links[key] = PaymentLink(
            ids.new("plink"), mode, {"campaign": campaign, "ward": ward},
            ids.new("prod"), ids.new("price"), name + campaign, created,
        )  # fmt: skip
    return links[key]


def session(
    ids: StripeIds,
    created: int,
    donor: Donor,
    link: PaymentLink,
    amount: int,
    currency: str,
    customer: str | None,
) -> JSON:
    subscription_mode = link.mode == "subscription"
    invoice_data = {
        "metadata": {},
        **nulls("account_tax_ids custom_fields description footer issuer rendering_options"),
    }
    return {
        "id": ids.new("cs_test"),
        "object": "checkout.session",
        "adaptive_pricing": {"enabled": False},
        "amount_subtotal": amount,
        "amount_total": amount,
        "automatic_tax": {"enabled": False, **nulls("liability provider status")},
        "billing_address_collection": "auto",
        "collected_information": nulls("business_name individual_name shipping_details"),
        "created": created,
        "currency": currency,
        "custom_fields": [],
        "custom_text": nulls("after_submit shipping_address submit terms_of_service_acceptance"),
        "customer": customer,
        "customer_creation": "always" if subscription_mode else "if_required",
        "customer_details": {
            "address": address(),
            "email": donor.email,
            "name": donor.name,
            "tax_exempt": "none",
            "tax_ids": [],
            **nulls("business_name individual_name phone"),
        },
        "discounts": [],
        "expires_at": created + 86400,
        "invoice_creation": None
        if subscription_mode
        else {"enabled": False, "invoice_data": invoice_data},
        "livemode": False,
        "locale": "auto",
        "metadata": dict(link.metadata),
        "mode": link.mode,
        "payment_link": link.id,
        "payment_method_collection": "always" if subscription_mode else "if_required",
        "payment_method_options": {"card": {"request_three_d_secure": "automatic"}},
        "payment_method_types": ["card"],
        "payment_status": "paid",
        "phone_number_collection": {"enabled": False},
        "shipping_options": [],
        "status": "complete",
        "submit_type": None if subscription_mode else "donate",
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "ui_mode": "hosted",
        **nulls(
            "after_expiration allow_promotion_codes cancel_url client_reference_id "
            "client_secret consent consent_collection currency_conversion customer_account "
            "customer_email integration_identifier invoice managed_payments origin_context "
            "payment_intent payment_method_configuration_details permissions recovered_from "
            "saved_payment_method_options setup_intent shipping_address_collection "
            "shipping_cost subscription success_url url wallet_options"
        ),
    }
