"""Use case: a webhook arrives. Verified events wardfund uses go on the queue; nothing else does.

An event of a type wardfund uses but rendered in another Stripe API version than the one it
reads is refused (400): Stripe delivers it again, and reconciliation reads it through its
object in the pinned version (docs/stripe-versions.md). Acknowledging it would drop it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from wardfund.adapters.stripe_event_types import PINNED_API_VERSION, worth_queueing

MAX_BODY_BYTES = 256 * 1024


class InvalidSignature(Exception):
    """Missing, wrong, or too old: the sender cannot be trusted."""


class InvalidPayload(Exception):
    """Signed, but not a Stripe event wardfund can read."""


class Unavailable(Exception):
    """Something the webhook needs did not answer or is not set up (the signing secret, the
    events queue): the event is neither refused nor taken. Stripe is told 503 and sends it
    again later; nothing is acknowledged that was not queued."""


@dataclass(frozen=True)
class VerifiedEvent:
    event_id: str
    event_type: str
    api_version: str | None
    object_mode: str | None = None


@dataclass(frozen=True)
class WebhookReply:
    status: int
    message: str
    event_id: str | None = None
    queued: bool = False
    version_refused: bool = False


class WebhookVerifier(Protocol):
    def verify(self, raw_body: bytes, signature: str | None) -> VerifiedEvent: ...


class EventQueue(Protocol):
    def send(self, body: str, event_id: str, event_type: str) -> None: ...


def accept_webhook(
    raw_body: bytes, signature: str | None, verifier: WebhookVerifier, queue: EventQueue
) -> WebhookReply:
    if len(raw_body) > MAX_BODY_BYTES:
        return WebhookReply(413, f"body over {MAX_BODY_BYTES} bytes")
    try:
        event = verifier.verify(raw_body, signature)
    except InvalidSignature as error:
        return WebhookReply(400, f"signature rejected: {error}")
    except InvalidPayload as error:
        return WebhookReply(400, f"payload rejected: {error}")
    except Unavailable as error:
        return WebhookReply(503, f"not accepted, send again later: {error}")
    if not worth_queueing(event.event_type, event.object_mode):
        return WebhookReply(200, "ignored: not an event wardfund counts", event.event_id)
    if event.api_version != PINNED_API_VERSION:
        return WebhookReply(
            400,
            f"refused: rendered in Stripe API version {event.api_version or '(none)'}, and "
            f"wardfund reads {PINNED_API_VERSION}; set this endpoint's API version to "
            f"{PINNED_API_VERSION}",
            event.event_id,
            version_refused=True,
        )
    try:
        queue.send(raw_body.decode("utf-8"), event.event_id, event.event_type)
    except Unavailable as error:
        return WebhookReply(503, f"not queued, send again later: {error}", event.event_id)
    return WebhookReply(200, "queued", event.event_id, queued=True)
