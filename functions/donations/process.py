"""SQS batch of verified Stripe events → the ledger, one transaction each, partial failures.

Nothing fails quietly. Every failed record is logged (its Stripe event id and the error's
type, never what a donor typed) and counted (`EventRecordFailed`, alarmed); an event that
waits for another only backs off. An event that can never be read (malformed, an amount
Stripe could not send, rendered in another API version) is set aside at once: moved to the
dead-letter queue as it came, with an alert saying why, instead of failing nine more times.
An event of a type wardfund counts that it could not count is acknowledged with an alert.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from wardfund.adapters.stripe_events import MalformedEvent, StripeEvent, parse_event, to_fact
from wardfund.batch_failures import ReportingBatchProcessor
from wardfund.domain.errors import DependencyNotYetSeen, InvalidAmount, UnbalancedEntry
from wardfund.domain.facts import Ignored
from wardfund.observability import (
    COUNTED_EVENT_IGNORED,
    EVENT_RECORD_FAILED,
    EVENT_SET_ASIDE,
    logger,
    metrics,
)
from wardfund.services.raise_alert import (
    SetAside,
    raise_ignored_event_alert,
    raise_set_aside_alert,
)
from wardfund.services.record_stripe_event import record_stripe_event, retry_delay_seconds
from wardfund.tracing import tracer
from wardfund.wiring.process import alert_store, dead_letters, event_queue, ledger_store

# Trying again cannot help these: the same body gives the same error.
PERMANENT_ERRORS = (MalformedEvent, InvalidAmount, UnbalancedEntry)


def record_ids(record: SQSRecord) -> dict[str, str]:
    """What identifies a record in a log line: the SQS message id, the Stripe event id and
    type (from the receiver's message attributes, else the body's own `id` and `type`)."""
    ids = {"message_id": record.message_id}
    attributes = record.message_attributes
    for name, key in (("event_id", "stripe_event_id"), ("event_type", "stripe_event_type")):
        attribute = attributes[name]  # None when absent (`get` would give the raw dict)
        if attribute is not None and attribute.string_value:
            ids[key] = attribute.string_value
    if "stripe_event_id" not in ids:
        try:
            body = json.loads(record.body)
        except ValueError:
            body = None
        if isinstance(body, dict):
            for name, key in (("id", "stripe_event_id"), ("type", "stripe_event_type")):
                if isinstance(body.get(name), str) and len(body[name]) <= 100:
                    ids[key] = body[name]
    return ids


# A batch in which every event waits for another is not an error of the function:
# report the items and let SQS deliver them again after their back-off.
processor = ReportingBatchProcessor(
    EventType.SQS,
    failure_metric=EVENT_RECORD_FAILED,
    describe=record_ids,
    expected=(DependencyNotYetSeen,),
    raise_on_entire_batch_failure=False,
)


def _sent_at(record: SQSRecord) -> datetime:
    """When the message was queued: the same on every receive (alert ids stay stable)."""
    sent = record.raw_event.get("attributes", {}).get("SentTimestamp")
    if isinstance(sent, str) and sent.isdigit():
        return datetime.fromtimestamp(int(sent) / 1000, tz=UTC)
    return datetime.now(UTC)


def set_aside(record: SQSRecord, error: Exception) -> bool:
    """Alert, then move the message to the dead-letter queue; False when there is none
    configured (the record then fails, and the redrive policy moves it after its retries)."""
    ids = record_ids(record)
    ref = ids.get("stripe_event_id") or ids["message_id"]
    queue = dead_letters()
    error_type = type(error).__name__
    logger.error("stripe event set aside", extra={"error_type": error_type, **ids})
    metrics.add_metric(name=EVENT_SET_ASIDE, unit=MetricUnit.Count, value=1)
    metrics.add_metric(name=EVENT_RECORD_FAILED, unit=MetricUnit.Count, value=1)
    raise_set_aside_alert(
        SetAside(
            ref=ref,
            event_type=ids.get("stripe_event_type", ""),
            error_type=error_type,
            reason=str(error),
            queue=queue.queue_name if queue else "the events dead-letter queue (after retries)",
            at=_sent_at(record),
        ),
        alert_store(),
    )
    if queue is None:
        return False
    queue.put(
        record.body,
        {
            "event_id": ids.get("stripe_event_id", ""),
            "event_type": ids.get("stripe_event_type", ""),
            "error_type": error_type,
        },
    )
    return True


def _alert_ignored(event: StripeEvent, fact: Ignored) -> None:
    at = datetime.fromtimestamp(event.created, tz=UTC)
    raise_ignored_event_alert(event.id, at, fact, alert_store())
    logger.warning(
        "counted event type not counted", stripe_event_id=event.id, type=event.type, why=fact.why
    )
    metrics.add_metric(name=COUNTED_EVENT_IGNORED, unit=MetricUnit.Count, value=1)


def _apply(record: SQSRecord) -> str:
    event = parse_event(record.body)
    fact = to_fact(event)
    if isinstance(fact, Ignored) and fact.unexpected:
        _alert_ignored(event, fact)
    try:
        outcome = record_stripe_event(event.id, fact, ledger_store())
    except DependencyNotYetSeen:
        receives = int(record.attributes.approximate_receive_count or 1)
        event_queue().postpone(record.receipt_handle, retry_delay_seconds(receives))
        logger.info("stripe event waits for another", stripe_event_id=event.id, receives=receives)
        raise
    logger.info("stripe event applied", stripe_event_id=event.id, type=event.type, outcome=outcome)
    metrics.add_metric(name=f"Event{outcome.capitalize()}", unit=MetricUnit.Count, value=1)
    return str(outcome)


def record_handler(record: SQSRecord) -> str:
    try:
        return _apply(record)
    except PERMANENT_ERRORS as error:
        if not set_aside(record, error):
            raise
        return "set_aside"


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
