"""The HTTP side of Stripe's two webhook endpoints (`functions/donations/receive.py`,
`functions/connect/webhook.py`): the raw body and signature API Gateway hands over, the
answer's log line, and the JSON answer. It imports only what both handlers imported
already, so their cold start is unchanged.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from wardfund.observability import logger
from wardfund.services.accept_webhook import WebhookReply

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

_NOT_BASE64 = WebhookReply(400, "payload rejected: body is not valid base64")


def raw_body(event: APIGatewayProxyEventV2) -> bytes | None:
    """The bytes Stripe signed (API Gateway may hand them over base64-encoded); None when
    the body claims base64 and is not."""
    body = event.body or ""
    if not event.is_base64_encoded:
        return body.encode("utf-8")
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return None


def webhook_reply(
    event: APIGatewayProxyEventV2, accept: Callable[[bytes, str | None], WebhookReply]
) -> WebhookReply:
    """What `accept` makes of the raw body and its `Stripe-Signature`; a 400 for a body
    that claims base64 and is not."""
    raw = raw_body(event)
    if raw is None:
        return _NOT_BASE64
    return accept(raw, event.headers.get("stripe-signature"))


def log_answer(message: str, reply: WebhookReply) -> None:
    """One line per answer: an error for a 5xx (wardfund's own trouble; Stripe sends the
    event again), else info. Its `location` is the handler's line that called this."""
    log = logger.error if reply.status >= HTTPStatus.INTERNAL_SERVER_ERROR else logger.info
    log(
        message,
        stacklevel=3,
        status=reply.status,
        stripe_event_id=reply.event_id,
        outcome=reply.message,
    )


def respond(reply: WebhookReply) -> dict[str, Any]:
    """The API Gateway answer: the reply's status, and its message and event id as JSON."""
    return {
        "statusCode": reply.status,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"message": reply.message, "event_id": reply.event_id}),
    }
