"""Products, Prices and Payment Links for the stand-in (what `wardfund kit` creates).

Shapes and rules from stripe-python 16.1.0 (`_payment_link.py`, `_price.py`, params):
a Payment Link sells line items of existing prices; `subscription_data` only with a
recurring price, `payment_intent_data` and `submit_type` only without one; a pay-what-you-
want price (`custom_unit_amount`) is one-time only and sold one at a time; `lookup_key` is
unique among prices unless `transfer_lookup_key` moves it. `line_items` is includable, so
it is not in the answer.
"""

from __future__ import annotations

import copy
import re
import time
from typing import Any

from wardfund.local.stripe.standin.errors import (
    JSON,
    integer,
    invalid,
    missing,
    page,
    unknown_parameters,
)
from wardfund.local.stripe.world import StripeIds

_PRODUCT_PARAMS = frozenset({"name", "description", "metadata", "active", "expand"})
_PRICE_PARAMS = frozenset(
    {
        "currency", "unit_amount", "custom_unit_amount", "recurring", "product", "product_data",
        "lookup_key", "transfer_lookup_key", "nickname", "metadata", "active", "expand",
        "tax_behavior",
    }
)  # fmt: skip
_LINK_PARAMS = frozenset(
    {
        "line_items", "metadata", "subscription_data", "payment_intent_data", "submit_type",
        "after_completion", "allow_promotion_codes", "billing_address_collection",
        "custom_text", "currency", "expand",
    }
)  # fmt: skip
_SUBMIT_TYPES = frozenset({"auto", "book", "donate", "pay", "subscribe"})
_INTERVALS = frozenset({"day", "week", "month", "year"})


def _flag(value: Any) -> bool:
    return str(value).lower() == "true"


_CUSTOM_TEXTS = ("after_submit", "shipping_address", "submit", "terms_of_service_acceptance")


def _custom_text(raw: Any) -> JSON:
    """`custom_text[submit][message]` etc.: each message up to 1200 characters, as Stripe's."""
    given = raw if isinstance(raw, dict) else {}
    unknown_parameters(given, frozenset(_CUSTOM_TEXTS))
    shaped: JSON = {}
    for name in _CUSTOM_TEXTS:
        part = given.get(name)
        if not isinstance(part, dict) or not part.get("message"):
            shaped[name] = None
            continue
        message = str(part["message"])
        if len(message) > 1200:
            raise invalid(
                f"custom_text[{name}][message] must be at most 1200 characters.",
                f"custom_text[{name}][message]",
            )
        shaped[name] = {"message": message}
    return shaped


def _metadata(raw: Any, param: str = "metadata") -> dict[str, str]:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise invalid("Invalid object", param)
    return {name: value for name, value in raw.items() if value}


class StandinPaymentLinks:
    def __init__(self, ids: StripeIds) -> None:
        self._ids = ids
        self._products: dict[str, JSON] = {}
        self._prices: dict[str, JSON] = {}
        self._links: dict[str, JSON] = {}

    def links(self) -> list[JSON]:
        return [copy.deepcopy(link) for link in self._links.values()]

    def route(self, method: str, path: str, params: JSON) -> JSON | None:
        routes = {
            ("POST", "/v1/products"): self._create_product,
            ("POST", "/v1/prices"): self._create_price,
            ("GET", "/v1/prices"): self._list_prices,
            ("POST", "/v1/payment_links"): self._create_link,
            ("GET", "/v1/payment_links"): self._list_links,
        }
        handler = routes.get((method, path))
        if handler is not None:
            return handler(params)
        for kind, store in (
            ("product", self._products),
            ("price", self._prices),
            ("payment_link", self._links),
        ):
            found = re.fullmatch(rf"/v1/{kind}s/([^/]+)", path)
            if found and method == "GET":
                if found.group(1) not in store:
                    raise missing(kind.replace("_", " "), found.group(1))
                return copy.deepcopy(store[found.group(1)])
            if found and method == "POST" and kind == "payment_link":
                return self._update_link(found.group(1), params)
        return None

    # ------------------------------------------------------------------ products
    def _product(self, name: Any, metadata: Any = None) -> JSON:
        if not isinstance(name, str) or not name.strip():
            raise invalid("Missing required param: name.", "name", "parameter_missing")
        product: JSON = {
            "id": self._ids.new("prod"),
            "object": "product",
            "active": True,
            "created": int(time.time()),
            "description": None,
            "livemode": False,
            "metadata": _metadata(metadata),
            "name": name,
            "type": "service",
            "updated": int(time.time()),
        }
        self._products[product["id"]] = product
        return product

    def _create_product(self, params: JSON) -> JSON:
        unknown_parameters(params, _PRODUCT_PARAMS)
        return copy.deepcopy(self._product(params.get("name"), params.get("metadata")))

    # ------------------------------------------------------------------ prices
    def _create_price(self, params: JSON) -> JSON:
        unknown_parameters(params, _PRICE_PARAMS)
        currency = str(params.get("currency", "")).lower()
        if not re.fullmatch(r"[a-z]{3}", currency):
            raise invalid("Missing required param: currency.", "currency", "parameter_missing")
        custom = params.get("custom_unit_amount")
        recurring = params.get("recurring")
        if ("unit_amount" in params) == (custom is not None and _flag(custom.get("enabled"))):
            raise invalid("Provide exactly one of unit_amount or custom_unit_amount.")
        unit_amount = integer(params, "unit_amount") if "unit_amount" in params else None
        if unit_amount is not None and unit_amount < 0:
            raise invalid("This value must be greater than or equal to 0.", "unit_amount")
        custom_out = None
        if custom is not None:
            if recurring is not None:
                raise invalid(
                    "custom_unit_amount is not supported for recurring prices.",
                    "custom_unit_amount",
                )
            custom_out = {
                name: integer(custom, name) if name in custom else None
                for name in ("maximum", "minimum", "preset")
            }
        recurring_out = None
        if recurring is not None:
            interval = recurring.get("interval") if isinstance(recurring, dict) else None
            if interval not in _INTERVALS:
                raise invalid("Invalid recurring[interval].", "recurring[interval]")
            recurring_out = {
                "interval": interval,
                "interval_count": integer(recurring, "interval_count", 1),
                "usage_type": "licensed",
                "meter": None,
                "trial_period_days": None,
            }
        if "product" in params:
            if params["product"] not in self._products:
                raise missing("product", str(params["product"]), "product")
            product_id = params["product"]
        elif isinstance(params.get("product_data"), dict):
            data = params["product_data"]
            product_id = self._product(data.get("name"), data.get("metadata"))["id"]
        else:
            raise invalid("Provide product or product_data.", "product", "parameter_missing")
        lookup_key = params.get("lookup_key") or None
        if lookup_key is not None:
            holder = next((p for p in self._prices.values() if p["lookup_key"] == lookup_key), None)
            if holder is not None:
                if not _flag(params.get("transfer_lookup_key")):
                    raise invalid(
                        f"A price (`{holder['id']}`) already uses that lookup key.",
                        "lookup_key",
                    )
                holder["lookup_key"] = None
        price: JSON = {
            "id": self._ids.new("price"),
            "object": "price",
            "active": True,
            "billing_scheme": "per_unit",
            "created": int(time.time()),
            "currency": currency,
            "custom_unit_amount": custom_out,
            "livemode": False,
            "lookup_key": lookup_key,
            "metadata": _metadata(params.get("metadata")),
            "nickname": params.get("nickname"),
            "product": product_id,
            "recurring": recurring_out,
            "tax_behavior": "unspecified",
            "tiers_mode": None,
            "transform_quantity": None,
            "type": "recurring" if recurring_out else "one_time",
            "unit_amount": unit_amount,
            "unit_amount_decimal": None if unit_amount is None else str(unit_amount),
        }
        self._prices[price["id"]] = price
        return copy.deepcopy(price)

    def _list_prices(self, params: JSON) -> JSON:
        keys = params.get("lookup_keys")
        if isinstance(keys, str):
            keys = [keys]
        newest_first = [
            price
            for price in reversed(self._prices.values())
            if (keys is None or price["lookup_key"] in keys)
            and ("active" not in params or price["active"] == _flag(params["active"]))
        ]
        rest = {
            k: v for k, v in params.items() if k in ("limit", "starting_after", "ending_before")
        }
        return page(copy.deepcopy(newest_first), rest, "/v1/prices", "price")

    # ------------------------------------------------------------------ payment links
    def _line_items(self, raw: Any) -> list[tuple[JSON, int]]:
        if not isinstance(raw, list) or not raw:
            raise invalid("Missing required param: line_items.", "line_items", "parameter_missing")
        items = []
        for index, item in enumerate(raw):
            where = f"line_items[{index}]"
            if not isinstance(item, dict) or item.get("price") not in self._prices:
                raise missing("price", str(item.get("price") if isinstance(item, dict) else ""))
            price = self._prices[item["price"]]
            quantity = integer(item, "quantity")
            if quantity < 1:
                raise invalid(
                    "This value must be greater than or equal to 1.", f"{where}[quantity]"
                )
            adjustable = item.get("adjustable_quantity")
            if price["custom_unit_amount"] and (quantity != 1 or adjustable):
                raise invalid(
                    "A price with custom_unit_amount is sold with quantity 1 only.", where
                )
            items.append((price, quantity))
        return items

    def _create_link(self, params: JSON) -> JSON:
        unknown_parameters(params, _LINK_PARAMS)
        items = self._line_items(params.get("line_items"))
        recurring = any(price["type"] == "recurring" for price, _ in items)
        if recurring and ("payment_intent_data" in params or "submit_type" in params):
            raise invalid(
                "payment_intent_data and submit_type are for links without recurring prices.",
                "payment_intent_data" if "payment_intent_data" in params else "submit_type",
            )
        if not recurring and "subscription_data" in params:
            raise invalid(
                "subscription_data can only be used with a recurring price.", "subscription_data"
            )
        submit_type = params.get("submit_type", "auto")
        if submit_type not in _SUBMIT_TYPES:
            raise invalid(f"Invalid submit_type: {submit_type}", "submit_type")
        currencies = {price["currency"] for price, _ in items}
        if len(currencies) > 1:
            raise invalid("All prices on a payment link must have the same currency.")
        subscription = params.get("subscription_data") or {}
        intent = params.get("payment_intent_data") or {}
        token = self._ids.token("plink_url", 24)
        link: JSON = {
            "id": self._ids.new("plink"),
            "object": "payment_link",
            "active": True,
            "after_completion": {"type": "hosted_confirmation", "hosted_confirmation": None},
            "allow_promotion_codes": False,
            "billing_address_collection": "auto",
            "currency": currencies.pop(),
            "customer_creation": "always" if recurring else "if_required",
            "livemode": False,
            "metadata": _metadata(params.get("metadata")),
            "payment_intent_data": None
            if recurring
            else {
                "description": intent.get("description"),
                "metadata": _metadata(intent.get("metadata"), "payment_intent_data[metadata]"),
                "capture_method": "automatic",
                "setup_future_usage": None,
                "statement_descriptor": None,
                "transfer_group": None,
            },
            "subscription_data": {
                "description": subscription.get("description"),
                "metadata": _metadata(subscription.get("metadata"), "subscription_data[metadata]"),
                "trial_period_days": None,
            }
            if recurring
            else None,
            "submit_type": submit_type,
            "custom_text": _custom_text(params.get("custom_text")),
            "url": f"https://buy.stripe.com/test_{token}",
        }
        self._links[link["id"]] = link
        return copy.deepcopy(link)

    def _update_link(self, link_id: str, params: JSON) -> JSON:
        if link_id not in self._links:
            raise missing("payment link", link_id)
        unknown_parameters(params, frozenset({"active", "metadata", "custom_text"}))
        link = self._links[link_id]
        if "custom_text" in params:
            link["custom_text"] = _custom_text(params["custom_text"])
        if "active" in params:
            link["active"] = _flag(params["active"])
        if "metadata" in params:
            link["metadata"] = _metadata(params["metadata"])
        return copy.deepcopy(link)

    def _list_links(self, params: JSON) -> JSON:
        newest_first = [
            link
            for link in reversed(self._links.values())
            if "active" not in params or link["active"] == _flag(params["active"])
        ]
        rest = {
            k: v for k, v in params.items() if k in ("limit", "starting_after", "ending_before")
        }
        return page(copy.deepcopy(newest_first), rest, "/v1/payment_links", "payment link")
