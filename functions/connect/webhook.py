"""POST /stripe/connect-webhook: Stripe's Connect endpoint. Verifies the signature with the
Connect endpoint's own secret on the raw body, records what an `account.updated` says a
campaign's connected account can do (issue 17), answers."""

from __future__ import annotations

import base64
import binascii
import json
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError

from wardfund.observability import logger, metrics
from wardfund.services.accept_webhook import WebhookReply
from wardfund.services.connect_webhook import accept_connect_webhook
from wardfund.wiring.connect import connect_statuses, connect_verifier


def _raw_body(event: APIGatewayProxyEventV2) -> bytes | None:
    body = event.body or ""
    if not event.is_base64_encoded:
        return body.encode("utf-8")
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return None


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@event_source(data_class=APIGatewayProxyEventV2)
def handler(event: APIGatewayProxyEventV2, context: LambdaContext) -> dict[str, Any]:
    raw = _raw_body(event)
    if raw is None:
        reply = WebhookReply(400, "payload rejected: body is not valid base64")
    else:
        try:
            reply = accept_connect_webhook(
                raw, event.headers.get("stripe-signature"), connect_verifier(), connect_statuses()
            )
        except (ClientError, BotoCoreError) as error:  # the table: Stripe sends it again
            reply = WebhookReply(503, f"not recorded, send again later ({type(error).__name__})")
    log = logger.error if reply.status >= HTTPStatus.INTERNAL_SERVER_ERROR else logger.info
    log(
        "connect webhook answered",
        status=reply.status,
        stripe_event_id=reply.event_id,
        outcome=reply.message,
    )
    metrics.add_metric(name=f"ConnectWebhookAnswered{reply.status}", unit=MetricUnit.Count, value=1)
    return {
        "statusCode": reply.status,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"message": reply.message, "event_id": reply.event_id}),
    }
