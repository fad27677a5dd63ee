"""EventBridge Scheduler → the payout run for the scheduled time, at most once per time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import AwareDatetime, BaseModel

from wardfund.observability import logger, metrics
from wardfund.services.run_payouts import run_payouts
from wardfund.settings import get_settings
from wardfund.tracing import tracer
from wardfund.wiring.payouts import bank_files, payout_store, transfers


class PayoutRunRequest(BaseModel):
    scheduled_time: AwareDatetime
    schedule: str = "payouts"


idempotency = IdempotencyConfig(
    event_key_jmespath="scheduled_time", raise_on_no_idempotency_key=True
)
persistence = DynamoDBPersistenceLayer(table_name=get_settings().idempotency_table_name)


@idempotent_function(
    data_keyword_argument="request",
    config=idempotency,
    persistence_store=persistence,
    output_serializer=None,
)
def _run(request: dict[str, Any]) -> dict[str, Any]:
    run_at = datetime.fromisoformat(request["scheduled_time"])
    summary = run_payouts(
        run_at, get_settings().payout_frequency, payout_store(), transfers(), bank_files()
    )
    metrics.add_metric(name="PayoutsMade", unit=MetricUnit.Count, value=len(summary.paid))
    return {
        "run_at": run_at.isoformat(),
        "skipped_off_week": summary.skipped_off_week,
        "paid": [
            {"campaign": r.plan.campaign_id, "amount_pence": r.plan.amount, "status": r.status}
            for r in summary.paid
        ],
        "carried_pence": summary.carried,
        "bank_file": summary.bank_file,
    }


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
@event_parser(model=PayoutRunRequest)
def handler(event: PayoutRunRequest, context: LambdaContext) -> dict[str, Any]:
    idempotency.register_lambda_context(context)
    result = _run(request=event.model_dump(mode="json"))
    logger.info("payout run finished", run_at=result["run_at"], payouts=len(result["paid"]))
    return result
