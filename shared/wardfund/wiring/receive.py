"""What the webhook receiver needs, built once per process on first use."""

from __future__ import annotations

from functools import cache

from wardfund.adapters.secrets import read_secret
from wardfund.adapters.sqs_queue import SqsEventQueue
from wardfund.adapters.stripe_signatures import StripeWebhookVerifier
from wardfund.settings import get_settings


@cache
def verifier() -> StripeWebhookVerifier:
    settings = get_settings()
    return StripeWebhookVerifier(
        lambda: read_secret(settings.stripe_webhook_secret_name, settings.secrets_max_age_seconds),
        settings.webhook_tolerance_seconds,
    )


@cache
def event_queue() -> SqsEventQueue:
    return SqsEventQueue(get_settings().events_queue_url)
