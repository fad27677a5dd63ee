"""Stripe's webhook signatures through stripe-python, checked on the raw body.

Apart from the transfers in `stripe_gateway`, so that the webhook receiver imports neither
the payout ports nor the domain they name: it answers Stripe within its cold start target.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import stripe

from wardfund.adapters.stripe_amounts import event_amount_problem
from wardfund.services.accept_webhook import (
    InvalidPayload,
    InvalidSignature,
    Unavailable,
    VerifiedEvent,
)

SIGNING_SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix


class StripeWebhookVerifier:
    """Checks the `Stripe-Signature` header against the raw body, then reads id and type."""

    def __init__(self, secret: Callable[[], str], tolerance_seconds: int) -> None:
        self._secret = secret
        self._tolerance = tolerance_seconds

    def _signing_secret(self) -> str:
        """The endpoint's secret; Unavailable (a 503, Stripe sends again) when Secrets Manager
        fails or the secret holds no signing secret yet, so nothing is refused as unsigned."""
        try:
            secret = self._secret()
        except Exception as error:  # Powertools wraps every failure in GetParameterError
            raise Unavailable(
                f"the webhook signing secret could not be read ({type(error).__name__})"
            ) from error
        if not secret.startswith(SIGNING_SECRET_PREFIX):
            raise Unavailable(
                "the webhook signing secret holds no whsec_ secret (still the placeholder "
                "CloudFormation created?)"
            )
        return secret

    def verify(self, raw_body: bytes, signature: str | None) -> VerifiedEvent:
        if not signature:
            raise InvalidSignature("missing Stripe-Signature header")
        try:
            payload = raw_body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InvalidPayload("body is not UTF-8") from error
        try:
            stripe.WebhookSignature.verify_header(
                payload, signature, self._signing_secret(), self._tolerance
            )
        except stripe.SignatureVerificationError as error:
            raise InvalidSignature(str(error.user_message or "signature does not match")) from error
        try:
            body = json.loads(payload)
        except json.JSONDecodeError as error:
            raise InvalidPayload("body is not JSON") from error
        if not isinstance(body, dict) or body.get("object") != "event":
            raise InvalidPayload("body is not a Stripe snapshot event")
        event_id, event_type = body.get("id"), body.get("type")
        if not isinstance(event_id, str) or not event_id.startswith("evt_"):
            raise InvalidPayload("event has no evt_ id")
        if not isinstance(event_type, str) or not isinstance(body.get("created"), int):
            raise InvalidPayload("event has no type or created time")
        version = body.get("api_version")
        data = body.get("data")
        found = data.get("object") if isinstance(data, dict) else None
        if not isinstance(found, dict):
            raise InvalidPayload("event has no data.object")
        problem = event_amount_problem(event_type, found)
        if problem is not None:  # never queued: the processor could not count it
            raise InvalidPayload(problem)
        mode = found.get("mode") if isinstance(found, dict) else None
        return VerifiedEvent(
            event_id,
            event_type,
            version if isinstance(version, str) else None,
            mode if isinstance(mode, str) else None,
        )
