"""EventBridge Scheduler (weekly, before the payout run) → apply the Stripe events of the
last days that the webhooks never delivered. Safe to run again: events apply once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import AwareDatetime, BaseModel, Field

from wardfund.observability import COUNTED_EVENT_IGNORED, logger, metrics
from wardfund.services.reconcile import reconcile
from wardfund.tracing import tracer
from wardfund.wiring.reconcile import alert_store, event_log, ledger_store


class ReconcileRequest(BaseModel):
    scheduled_time: AwareDatetime
    lookback_days: int = Field(default=8, ge=1, le=30)  # Stripe keeps events 30 days


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
@event_parser(model=ReconcileRequest)
def handler(event: ReconcileRequest, context: LambdaContext) -> dict[str, Any]:
    since = event.scheduled_time - timedelta(days=event.lookback_days)
    report = reconcile(event_log(), ledger_store(), since, event.scheduled_time, alert_store())
    fixed = [{"event_id": e.event_id, "type": e.event_type, "outcome": o} for e, o in report.fixed]
    metrics.add_metric(name="EventsReconciled", unit=MetricUnit.Count, value=len(fixed))
    metrics.add_metric(
        name="EventsNotReconciled",
        unit=MetricUnit.Count,
        value=len(report.waiting) + len(report.unreadable),
    )
    metrics.add_metric(
        name=COUNTED_EVENT_IGNORED, unit=MetricUnit.Count, value=len(report.ignored_unexpectedly)
    )
    logger.info(
        "reconciled stripe events",
        examined=report.examined,
        fixed=fixed,
        already=report.already,
        waiting=[e.event_id for e, _ in report.waiting],
        unreadable=[e.event_id for e, _ in report.unreadable],
        ignored_unexpectedly=[e.event_id for e, _ in report.ignored_unexpectedly],
        read_in_pinned_version=report.read_in_pinned_version,
    )
    return {
        "since": since.isoformat(),
        "until": event.scheduled_time.isoformat(),
        "examined": report.examined,
        "fixed": fixed,
        "already_recorded": report.already,
        "waiting": len(report.waiting),
        "unreadable": len(report.unreadable),
        "ignored_unexpectedly": len(report.ignored_unexpectedly),
        "read_in_pinned_version": report.read_in_pinned_version,
    }
