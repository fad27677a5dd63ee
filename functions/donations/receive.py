"""POST /stripe/webhook: verify Stripe's signature on the raw body, queue the event, answer."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from wardfund.observability import WEBHOOK_API_VERSION_REFUSED, logger, metrics
from wardfund.services.accept_webhook import WebhookReply, accept_webhook
from wardfund.webhook_http import log_answer, respond, webhook_reply
from wardfund.wiring.receive import event_queue, verifier


def _accept(raw: bytes, signature: str | None) -> WebhookReply:
    return accept_webhook(raw, signature, verifier(), event_queue())


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@event_source(data_class=APIGatewayProxyEventV2)
def handler(event: APIGatewayProxyEventV2, context: LambdaContext) -> dict[str, Any]:
    reply = webhook_reply(event, _accept)
    # A 5xx is wardfund's own trouble (its queue, its secret): logged as an error, counted
    # (WebhookAnswered503, alarmed: WebhookUnavailable); Stripe sends the event again.
    log_answer("webhook answered", reply)
    if reply.version_refused:  # the alarm on this metric tells the operator what to set
        logger.warning("stripe event refused: api version", stripe_event_id=reply.event_id)
        metric = WEBHOOK_API_VERSION_REFUSED
    else:
        metric = "WebhookQueued" if reply.queued else f"WebhookAnswered{reply.status}"
    metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)
    return respond(reply)
