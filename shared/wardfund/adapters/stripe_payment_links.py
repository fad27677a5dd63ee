"""Stripe Prices and Payment Links for ward-assembly kits.

Prices are shared by every kit and found by lookup key; links are per campaign and ward.
Creation uses deterministic idempotency keys, so a retried command does not make twins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import stripe

from wardfund.domain.kit import (
    CHOOSE_DEFAULT_POUNDS,
    CHOOSE_MAXIMUM_POUNDS,
    CHOOSE_MINIMUM_POUNDS,
    ONE_OFF_MINIMUM_PENCE,
    ONE_OFF_PRESET_PENCE,
    KitItem,
)

CAMPAIGN_KEY, WARD_KEY, ITEM_KEY = "campaign", "ward", "wardfund_kit"
PRODUCT_NAMES = {
    "subscription": "Monthly gift to a ward assembly",
    "payment": "Gift to a ward assembly",
}


class PaymentLinksUnavailable(RuntimeError):
    """Stripe refused or did not answer."""


class StripePaymentLinks:
    def __init__(self, client: Callable[[], stripe.StripeClient]) -> None:
        self._client = client

    def _call(self, what: str, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except stripe.StripeError as error:
            raise PaymentLinksUnavailable(
                f"Stripe refused to {what} ({type(error).__name__}, HTTP {error.http_status}: "
                f"{error.user_message or ''})"
            ) from error

    def price(self, item: KitItem) -> str:
        """The price for `item`, found by its lookup key or made once."""
        v1 = self._client().v1
        found = self._call(
            "list prices",
            lambda: v1.prices.list(params={"lookup_keys": [item.lookup_key], "active": True}),
        )
        if found.data:
            return str(found.data[0].id)
        params: dict[str, Any] = {
            "currency": "gbp",
            "lookup_key": item.lookup_key,
            "product_data": {"name": PRODUCT_NAMES[item.mode]},
            "nickname": item.label,
        }
        if item.unit_amount is None:
            params["custom_unit_amount"] = {
                "enabled": True,
                "minimum": ONE_OFF_MINIMUM_PENCE,
                "preset": ONE_OFF_PRESET_PENCE,
            }
        else:
            params["unit_amount"] = item.unit_amount
        if item.mode == "subscription":
            params["recurring"] = {"interval": "month"}
        created = self._call(
            "create a price",
            lambda: v1.prices.create(
                params=cast(Any, params), options={"idempotency_key": f"wf-{item.lookup_key}"}
            ),
        )
        return str(created.id)

    def create_link(
        self,
        campaign_id: str,
        ward: str,
        item: KitItem,
        price_id: str,
        idempotency_key: str,
        notice: str,
    ) -> tuple[str, str]:
        """`notice`: the privacy line and imprint, shown beside the pay button."""
        metadata = {CAMPAIGN_KEY: campaign_id, WARD_KEY: ward}
        line: dict[str, Any] = {"price": price_id, "quantity": 1}
        params: dict[str, Any] = {
            "line_items": [line],
            "metadata": metadata | {ITEM_KEY: item.key},
            "custom_text": {"submit": {"message": notice}},
        }
        if item.adjustable:
            line["quantity"] = CHOOSE_DEFAULT_POUNDS
            line["adjustable_quantity"] = {
                "enabled": True,
                "minimum": CHOOSE_MINIMUM_POUNDS,
                "maximum": CHOOSE_MAXIMUM_POUNDS,
            }
        if item.mode == "subscription":
            params["subscription_data"] = {"metadata": metadata}
        else:
            params["payment_intent_data"] = {"metadata": metadata}
            params["submit_type"] = "donate"
        link = self._call(
            "create a payment link",
            lambda: self._client().v1.payment_links.create(
                params=cast(Any, params), options={"idempotency_key": idempotency_key}
            ),
        )
        return str(link.id), str(link.url)

    def set_notice(self, link_id: str, notice: str) -> None:
        """Puts the current privacy line and imprint on a link made earlier."""
        self._call(
            "update a payment link",
            lambda: self._client().v1.payment_links.update(
                link_id, params={"custom_text": {"submit": {"message": notice}}}
            ),
        )

    def is_active(self, link_id: str) -> bool:
        try:
            link = self._client().v1.payment_links.retrieve(link_id)
        except stripe.InvalidRequestError:
            return False
        except stripe.StripeError as error:
            raise PaymentLinksUnavailable(f"Stripe did not answer ({error.http_status})") from error
        return bool(link.active)
