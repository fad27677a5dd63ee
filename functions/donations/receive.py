"""POST /stripe/webhook: verify Stripe's signature on the raw body, queue the event, answer."""

from __future__ import annotations

import base64
import binascii
import json
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from wardfund.observability import WEBHOOK_API_VERSION_REFUSED, logger, metrics
from wardfund.services.accept_webhook import WebhookReply, accept_webhook
from wardfund.wiring.receive import event_queue, verifier


def _raw_body(event: APIGatewayProxyEventV2) -> bytes | None:
    body = event.body or ""
    if not event.is_base64_encoded:
        return body.encode("utf-8")
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return None


def _respond(reply: WebhookReply) -> dict[str, Any]:
    return {
        "statusCode": reply.status,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"message": reply.message, "event_id": reply.event_id}),
    }


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@event_source(data_class=APIGatewayProxyEventV2)
def handler(event: APIGatewayProxyEventV2, context: LambdaContext) -> dict[str, Any]:
    raw = _raw_body(event)
    if raw is None:
        reply = WebhookReply(400, "payload rejected: body is not valid base64")
    else:
        signature = event.headers.get("stripe-signature")
        reply = accept_webhook(raw, signature, verifier(), event_queue())
    # A 5xx is wardfund's own trouble (its queue, its secret): logged as an error, counted
    # (WebhookAnswered503, alarmed: WebhookUnavailable); Stripe sends the event again.
    log = logger.error if reply.status >= HTTPStatus.INTERNAL_SERVER_ERROR else logger.info
    log(
        "webhook answered",
        status=reply.status,
        stripe_event_id=reply.event_id,
        outcome=reply.message,
    )
    if reply.version_refused:  # the alarm on this metric tells the operator what to set
        logger.warning("stripe event refused: api version", stripe_event_id=reply.event_id)
        metric = WEBHOOK_API_VERSION_REFUSED
    else:
        metric = "WebhookQueued" if reply.queued else f"WebhookAnswered{reply.status}"
    metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)
    return _respond(reply)
