"""Payout queue (SQS FIFO, one campaign per message) → pay that campaign, settle it in its
run; the run's last campaign produces the bank file and the national summary."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from wardfund.adapters.payout_task_records import task_from_body
from wardfund.event_sources import PAYOUT_TASK_ATTEMPTS, PAYOUT_TASK_RETRY_SECONDS
from wardfund.observability import logger, metrics
from wardfund.services.connect_payouts import alert_if_connect_not_ready
from wardfund.services.finish_payout_run import settle_campaign
from wardfund.services.pay_campaign import TryAgain, pay_campaign
from wardfund.tracing import tracer
from wardfund.wiring.payouts import (
    alert_store,
    bank_files,
    payout_runs,
    payout_store,
    payout_tasks,
    transfers,
)

# A failing task holds back only its own campaign (its message group). A task tried again
# is not an error of the function: it is reported, and SQS delivers it again.
processor = SqsFifoPartialProcessor(skip_group_on_error=True)
processor.raise_on_entire_batch_failure = False


def record_handler(record: SQSRecord) -> str:
    task = task_from_body(record.body)
    campaign_id = task.campaign.campaign_id
    receives = int(record.attributes.approximate_receive_count or 1)
    try:
        settlement = pay_campaign(
            task, payout_store(), transfers(), last_attempt=receives >= PAYOUT_TASK_ATTEMPTS
        )
    except TryAgain as error:
        payout_tasks().postpone(record.receipt_handle, PAYOUT_TASK_RETRY_SECONDS * receives)
        logger.warning(
            "payout task tried again", campaign=campaign_id, receives=receives, error=str(error)
        )
        raise
    # paid by bank because its Stripe account cannot receive: national finance is told
    alert_if_connect_not_ready(task, settlement, alert_store())
    report = settle_campaign(
        task.run_at, settlement, payout_runs(), payout_store(), bank_files(), alert_store()
    )
    paid = sum(line.paid for line in settlement.lines)
    metrics.add_metric(
        name="PayoutsMade",
        unit=MetricUnit.Count,
        value=sum(1 for line in settlement.lines if line.paid),
    )
    logger.info(
        "campaign settled", campaign=campaign_id, run_at=task.run_at.isoformat(), paid_pence=paid
    )
    if report is not None:
        metrics.add_metric(name="PayoutRunsFinished", unit=MetricUnit.Count, value=1)
        logger.info(
            "payout run finished",
            run_at=task.run_at.isoformat(),
            lines=len(report.lines),
            bank_file=report.bank_file,
        )
        return "finished"
    return "settled"


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
