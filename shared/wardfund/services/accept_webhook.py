"""Use case: a webhook arrives. Verified events wardfund uses go on the queue; nothing else does.

An event of a type wardfund uses but rendered in another Stripe API version than the one it
reads is refused (400): Stripe delivers it again, and reconciliation reads it through its
object in the pinned version (docs/stripe-versions.md). Acknowledging it would drop it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, TypeVar

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


E_co = TypeVar("E_co", covariant=True)
E = TypeVar("E")


class Verifies(Protocol[E_co]):
    """Checks an endpoint's signature on the raw body and reads the event it vouches for."""

    def verify(self, raw_body: bytes, signature: str | None) -> E_co: ...


class WebhookVerifier(Verifies[VerifiedEvent], Protocol): ...


class EventQueue(Protocol):
    def send(self, body: str, event_id: str, event_type: str) -> None: ...


def verified(raw_body: bytes, signature: str | None, verifier: Verifies[E]) -> E | WebhookReply:
    """The event a Stripe endpoint's signature vouches for, or the reply that refuses the
    body: 413 too big, 400 a bad signature or payload, 503 the verifier's own trouble."""
    if len(raw_body) > MAX_BODY_BYTES:
        return WebhookReply(413, f"body over {MAX_BODY_BYTES} bytes")
    try:
        return verifier.verify(raw_body, signature)
    except InvalidSignature as error:
        return WebhookReply(400, f"signature rejected: {error}")
    except InvalidPayload as error:
        return WebhookReply(400, f"payload rejected: {error}")
    except Unavailable as error:
        return WebhookReply(503, f"not accepted, send again later: {error}")


def version_refusal(event_id: str, api_version: str | None) -> WebhookReply | None:
    """The 400 that refuses an event rendered in another Stripe API version than the one
    wardfund reads (see the module's docstring); None when it is in that version."""
    if api_version == PINNED_API_VERSION:
        return None
    return WebhookReply(
        400,
        f"refused: rendered in Stripe API version {api_version or '(none)'}, and "
        f"wardfund reads {PINNED_API_VERSION}; set this endpoint's API version to "
        f"{PINNED_API_VERSION}",
        event_id,
        version_refused=True,
    )


def accept_webhook(
    raw_body: bytes, signature: str | None, verifier: WebhookVerifier, queue: EventQueue
) -> WebhookReply:
    event = verified(raw_body, signature, verifier)
    if isinstance(event, WebhookReply):
        return event
    if not worth_queueing(event.event_type, event.object_mode):
        return WebhookReply(200, "ignored: not an event wardfund counts", event.event_id)
    refused = version_refusal(event.event_id, event.api_version)
    if refused is not None:
        return refused
    try:
        queue.send(raw_body.decode("utf-8"), event.event_id, event.event_type)
    except Unavailable as error:
        return WebhookReply(503, f"not queued, send again later: {error}", event.event_id)
    return WebhookReply(200, "queued", event.event_id, queued=True)
