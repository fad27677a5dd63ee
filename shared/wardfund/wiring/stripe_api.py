"""The Stripe client every function that calls Stripe shares, built once per API key."""

from __future__ import annotations

from functools import cache

import stripe

from wardfund.adapters.secrets import read_secret
from wardfund.adapters.stripe_gateway import stripe_client
from wardfund.settings import get_settings


def client() -> stripe.StripeClient:
    """Reads the key through the secrets cache on each call, so a rotated key takes effect."""
    settings = get_settings()
    api_key = read_secret(settings.stripe_api_key_secret_name, settings.secrets_max_age_seconds)
    return _cached_client(api_key, settings.stripe_api_base)


@cache
def _cached_client(api_key: str, api_base: str | None) -> stripe.StripeClient:
    return stripe_client(api_key, api_base)
