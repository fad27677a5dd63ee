"""EventBridge Scheduler → plan the payout run for the scheduled time and fan it out (one task
per campaign on the payout queue), at most once per time; the same function checks the run's
deadline and plans the daily retry of held payouts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

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
from wardfund.services.payout_deadline import check_payout_deadline
from wardfund.services.plan_payout_run import plan_payout_run
from wardfund.settings import get_settings
from wardfund.tracing import tracer
from wardfund.wiring.payouts import (
    alert_store,
    bank_files,
    payout_runs,
    payout_store,
    payout_tasks,
    transfers,
)


class PayoutRunRequest(BaseModel):
    """`kind`: `run` (the weekly run), `held` (the daily retry of held payouts) or
    `deadline` (is the run of PAYOUT_DEADLINE_HOURS ago finished?)."""

    scheduled_time: AwareDatetime
    schedule: str = "payouts"
    kind: Literal["run", "held", "deadline"] = "run"


idempotency = IdempotencyConfig(
    event_key_jmespath="[scheduled_time, kind]", raise_on_no_idempotency_key=True
)
persistence = DynamoDBPersistenceLayer(table_name=get_settings().idempotency_table_name)


@idempotent_function(
    data_keyword_argument="request",
    config=idempotency,
    persistence_store=persistence,
    output_serializer=None,
)
def _plan(request: dict[str, Any]) -> dict[str, Any]:
    run_at = datetime.fromisoformat(request["scheduled_time"])
    kind = "held" if request["kind"] == "held" else "run"
    plan = plan_payout_run(
        run_at,
        kind,
        get_settings().payout_frequency,
        payout_store(),
        payout_runs(),
        transfers(),
        payout_tasks(),
        bank_files(),
        alert_store(),
    )
    allotment = plan.allotment
    metrics.add_metric(name="PayoutTasksSent", unit=MetricUnit.Count, value=plan.sent)
    return {
        "run_at": run_at.isoformat(),
        "kind": kind,
        "skipped_off_week": plan.skipped_off_week,
        "campaigns": plan.campaigns,
        "sent": plan.sent,
        "again": plan.again,
        "finished": plan.finished,
        "stripe_available_pence": allotment.available if allotment else None,
        "stripe_demand_pence": allotment.demand if allotment else None,
        "held_for_balance_pence": dict(allotment.held) if allotment else {},
        "balance_error": plan.balance_error,
    }


def _deadline(scheduled_time: datetime) -> dict[str, Any]:
    check = check_payout_deadline(
        scheduled_time, get_settings().payout_frequency, payout_runs(), alert_store()
    )
    metrics.add_metric(name="PayoutRunLate", unit=MetricUnit.Count, value=int(check.late))
    if check.late:
        logger.warning("payout run not finished by its deadline", reason=check.reason)
    return {"run_at": check.run_at.isoformat(), "late": check.late, "reason": check.reason}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
@event_parser(model=PayoutRunRequest)
def handler(event: PayoutRunRequest, context: LambdaContext) -> dict[str, Any]:
    if event.kind == "deadline":
        return _deadline(event.scheduled_time)
    idempotency.register_lambda_context(context)
    result = _plan(request=event.model_dump(mode="json"))
    logger.info("payout run planned", **result)
    return result
