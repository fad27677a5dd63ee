"""GET /live/...: a ward night's public live page and its figures (read-only, no write path)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from wardfund.observability import logger
from wardfund.web.live_page import live_answer
from wardfund.wiring.live import figures_reader


@logger.inject_lambda_context(clear_state=True)
@event_source(data_class=APIGatewayProxyEventV2)
def handler(event: APIGatewayProxyEventV2, context: LambdaContext) -> dict[str, Any]:
    answer = live_answer(
        event.request_context.http.method,
        event.raw_path,
        event.headers.get("if-none-match"),
        figures_reader(),
        datetime.now(UTC),
    )
    logger.debug("live page answered", status=answer["statusCode"], path=event.raw_path)
    return answer
