"""DynamoDB stream of the ledger table → the emails each change makes due, sent through SES.

Partial batch responses: a record whose email could not be sent is reported and delivered
again (from it onwards); the emails already sent are not sent twice (idempotency on each
email's request id). Nothing here writes to the ledger. Each failed record is logged (its
stream ids and the error's type: never an address) and counted (`NotificationRecordFailed`,
alarmed), since a partial failure is not a Lambda error.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from wardfund.adapters.dynamodb.outbox_records import change_from_record
from wardfund.adapters.once_only_mailer import config as idempotency
from wardfund.batch_failures import ReportingBatchProcessor
from wardfund.observability import NOTIFICATION_RECORD_FAILED, logger, metrics
from wardfund.services.send_notifications import send_notifications
from wardfund.tracing import tracer
from wardfund.wiring.notifications import email_context, notification_ports


def record_ids(record: DynamoDBRecord) -> dict[str, str]:
    """The stream record's ids and its item's keys (the keys hold ids, never an address)."""
    stream = record.raw_event.get("dynamodb", {})
    keys = stream.get("Keys", {})
    return {
        "stream_event_id": str(record.raw_event.get("eventID", "")),
        "sequence_number": str(stream.get("SequenceNumber", "")),
        "item_pk": str(keys.get("PK", {}).get("S", "")),
        "item_sk": str(keys.get("SK", {}).get("S", "")),
    }


processor = ReportingBatchProcessor(
    EventType.DynamoDBStreams, failure_metric=NOTIFICATION_RECORD_FAILED, describe=record_ids
)


def record_handler(record: DynamoDBRecord) -> int:
    stream = record.raw_event.get("dynamodb", {})
    change = change_from_record(
        str(record.raw_event.get("eventName", "")), stream.get("NewImage"), stream.get("OldImage")
    )
    if change is None:
        return 0
    sent = send_notifications(change, notification_ports(), email_context())
    for email in sent:  # ids and kinds only: never an address or a name
        logger.info("email sent", kind=email.kind, request_id=email.request_id)
        metrics.add_metric(name="EmailSent", unit=MetricUnit.Count, value=1)
    return len(sent)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    idempotency.register_lambda_context(context)
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
