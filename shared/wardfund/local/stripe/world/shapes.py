"""What every Stripe object family shares: the API version, JSON, null fields, lists, times.

Shapes follow stripe-python 16.1.0 (API 2026-10-28.endive) and Stripe's OpenAPI fixtures.
Builders list the meaningful fields; `nulls` adds the ones Stripe sends as null.
"""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import Any

JSON = dict[str, Any]

DEFAULT_API_VERSION = "2026-10-28.endive"
_SYMBOL = {"gbp": "£", "eur": "€", "usd": "$"}


def unix(at: datetime) -> int:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"`at` must be timezone-aware, got {at!r}")
    return int(at.timestamp())


def add_months(start: datetime, months: int) -> datetime:
    years, month0 = divmod(start.month - 1 + months, 12)
    year, month = start.year + years, month0 + 1
    return start.replace(
        year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1])
    )


def address() -> JSON:
    return {
        "city": None,
        "country": "GB",
        "line1": None,
        "line2": None,
        "postal_code": None,
        "state": None,
    }


def money(amount: int, currency: str) -> str:
    return f"{_SYMBOL.get(currency, currency.upper() + ' ')}{amount / 100:.2f}"


def nulls(names: str) -> JSON:
    """Fields that Stripe sends as null here, named in one space-separated string."""
    return dict.fromkeys(names.split())


def stripe_list(url: str, data: list[JSON]) -> JSON:
    return {"object": "list", "data": data, "has_more": False, "url": url}
