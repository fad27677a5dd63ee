"""POST /stripe/connect-webhook: Stripe's Connect endpoint. Verifies the signature with the
Connect endpoint's own secret on the raw body, records what an `account.updated` says a
campaign's connected account can do (issue 17), answers."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError

from wardfund.observability import logger, metrics
from wardfund.services.accept_webhook import WebhookReply
from wardfund.services.connect_webhook import accept_connect_webhook
from wardfund.webhook_http import log_answer, respond, webhook_reply
from wardfund.wiring.connect import connect_statuses, connect_verifier


def _accept(raw: bytes, signature: str | None) -> WebhookReply:
    try:
        return accept_connect_webhook(raw, signature, connect_verifier(), connect_statuses())
    except (ClientError, BotoCoreError) as error:  # the table: Stripe sends it again
        return WebhookReply(503, f"not recorded, send again later ({type(error).__name__})")


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@event_source(data_class=APIGatewayProxyEventV2)
def handler(event: APIGatewayProxyEventV2, context: LambdaContext) -> dict[str, Any]:
    reply = webhook_reply(event, _accept)
    log_answer("connect webhook answered", reply)
    metrics.add_metric(name=f"ConnectWebhookAnswered{reply.status}", unit=MetricUnit.Count, value=1)
    return respond(reply)
