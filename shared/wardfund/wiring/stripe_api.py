"""The Stripe clients the functions that call Stripe share: one restricted key per purpose
(adapters/stripe_keys.py), each read from the secret its function is given, checked, and
cached per key."""

from __future__ import annotations

from functools import cache

import stripe

from wardfund.adapters.stripe_gateway import stripe_client
from wardfund.adapters.stripe_keys import PAYOUTS, RECONCILE, KeyPurpose, stripe_key
from wardfund.settings import get_settings


def client_for(purpose: KeyPurpose) -> stripe.StripeClient:
    """Reads the key through the secrets cache on each call, so a rotated key takes effect;
    a missing or unusable key raises StripeKeyMissing, naming the secret and what it needs."""
    settings = get_settings()
    api_key = stripe_key(
        settings.stripe_api_key_secret_name, purpose, settings.secrets_max_age_seconds
    )
    return _cached_client(api_key, settings.stripe_api_base)


def payouts_client() -> stripe.StripeClient:
    return client_for(PAYOUTS)


def reconcile_client() -> stripe.StripeClient:
    return client_for(RECONCILE)


@cache
def _cached_client(api_key: str, api_base: str | None) -> stripe.StripeClient:
    return stripe_client(api_key, api_base)
