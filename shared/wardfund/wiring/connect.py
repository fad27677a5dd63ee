"""What the Connect webhook needs, built once per process on first use."""

from __future__ import annotations

from functools import cache

from wardfund.adapters.dynamodb.connect_store import DynamoConnectStore
from wardfund.adapters.dynamodb.table import Table
from wardfund.adapters.secrets import read_secret
from wardfund.adapters.stripe_connect_webhook import StripeConnectWebhookVerifier
from wardfund.settings import get_settings


@cache
def connect_verifier() -> StripeConnectWebhookVerifier:
    settings = get_settings()
    return StripeConnectWebhookVerifier(
        lambda: read_secret(
            settings.stripe_connect_webhook_secret_name, settings.secrets_max_age_seconds
        ),
        settings.webhook_tolerance_seconds,
    )


@cache
def connect_statuses() -> DynamoConnectStore:
    return DynamoConnectStore(Table(get_settings().table_name))
