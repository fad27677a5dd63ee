"""SQS batch of verified Stripe events → the ledger, one transaction each, partial failures."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from wardfund.adapters.stripe_events import parse_event, to_fact
from wardfund.domain.errors import DependencyNotYetSeen
from wardfund.observability import logger, metrics
from wardfund.services.record_stripe_event import record_stripe_event, retry_delay_seconds
from wardfund.tracing import tracer
from wardfund.wiring.process import event_queue, ledger_store

# A batch in which every event waits for another is not an error of the function:
# report the items and let SQS deliver them again after their back-off.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def record_handler(record: SQSRecord) -> str:
    event = parse_event(record.body)
    try:
        outcome = record_stripe_event(event.id, to_fact(event), ledger_store())
    except DependencyNotYetSeen:
        receives = int(record.attributes.approximate_receive_count or 1)
        event_queue().postpone(record.receipt_handle, retry_delay_seconds(receives))
        logger.info("stripe event waits for another", stripe_event_id=event.id, receives=receives)
        raise
    logger.info("stripe event applied", stripe_event_id=event.id, type=event.type, outcome=outcome)
    metrics.add_metric(name=f"Event{outcome.capitalize()}", unit=MetricUnit.Count, value=1)
    return str(outcome)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
