"""What the weekly reconciliation needs, built once per process on first use."""

from __future__ import annotations

from functools import cache

import stripe

from wardfund.adapters.dynamodb.ledger_store import DynamoLedgerStore
from wardfund.adapters.dynamodb.table import Table
from wardfund.adapters.secrets import read_secret
from wardfund.adapters.stripe_event_log import StripeEventLog
from wardfund.adapters.stripe_gateway import stripe_client
from wardfund.settings import get_settings


@cache
def ledger_store() -> DynamoLedgerStore:
    return DynamoLedgerStore(Table(get_settings().table_name))


def _client() -> stripe.StripeClient:
    settings = get_settings()
    api_key = read_secret(settings.stripe_api_key_secret_name, settings.secrets_max_age_seconds)
    return _cached_client(api_key, settings.stripe_api_base)


@cache
def _cached_client(api_key: str, api_base: str | None) -> stripe.StripeClient:
    return stripe_client(api_key, api_base)


@cache
def event_log() -> StripeEventLog:
    return StripeEventLog(_client)
