"""The Connect webhook endpoint's events, checked with its own signing secret (issue 17).

The signature is checked exactly as for the platform endpoint (`StripeWebhookVerifier`:
stripe-python's `WebhookSignature.verify_header` on the raw body, within the tolerance),
but against the Connect endpoint's secret, which Stripe gives each endpoint of its own:
an event signed for the platform endpoint does not verify here, nor the reverse.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from wardfund.adapters.stripe_connect import status_from_account
from wardfund.adapters.stripe_signatures import StripeWebhookVerifier
from wardfund.services.connect_webhook import ACCOUNT_UPDATED, ConnectEvent


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


class StripeConnectWebhookVerifier:
    def __init__(self, secret: Callable[[], str], tolerance_seconds: int) -> None:
        self._signatures = StripeWebhookVerifier(secret, tolerance_seconds)

    def verify(self, raw_body: bytes, signature: str | None) -> ConnectEvent:
        verified = self._signatures.verify(raw_body, signature)  # raises on a bad one
        body = json.loads(raw_body.decode("utf-8"))  # it parsed there already
        created = datetime.fromtimestamp(int(body["created"]), UTC)
        found = body["data"]["object"]
        account = _text(body.get("account"))
        status, hint = None, None
        if verified.event_type == ACCOUNT_UPDATED and found.get("object") == "account":
            status = status_from_account(found, created, verified.event_id)
            metadata = found.get("metadata")
            hint = _text(metadata.get("campaign")) if isinstance(metadata, dict) else None
        return ConnectEvent(
            event_id=verified.event_id,
            event_type=verified.event_type,
            api_version=verified.api_version,
            created=created,
            connected_account=account,
            status=status,
            campaign_hint=hint,
        )
