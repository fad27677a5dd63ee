"""Issue 13 item 2: a failed record is seen. Each is logged (ids and the error's type, no
personal data) and counted in a metric the alarms watch; an event that can never be read is
moved to the dead-letter queue at once, with an alert, instead of failing ten times."""

from __future__ import annotations

import copy
import importlib
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from tests.integration.operations import donor, figures, register
from wardfund.adapters.dynamodb.table import ALERT_PK, Table
from wardfund.local.lambdas.lambda_context import LocalLambdaContext
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.world import StripeWorld
from wardfund.observability import logger, metrics

AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)
EMAIL = "d1@donors.example"
NAME = "Donor D1"


@pytest.fixture(autouse=True)
def _metrics_dropped() -> Iterator[None]:
    metrics.clear_metrics()
    yield
    metrics.clear_metrics()


def sqs_record(body: str) -> dict[str, Any]:
    return {
        "messageId": str(uuid.uuid4()),
        "receiptHandle": f"handle-{uuid.uuid4()}",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1780000000000"},
        "messageAttributes": {},
        "md5OfBody": "0" * 32,
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-2:000000000000:wardfund-stripe-events",
        "awsRegion": "eu-west-2",
    }


def process_module() -> Any:
    return importlib.import_module("functions.donations.process")


def process(*records: dict[str, Any]) -> dict[str, Any]:
    reply: dict[str, Any] = process_module().handler(
        {"Records": list(records)}, LocalLambdaContext("wardfund-process")
    )
    return reply


def logged(caplog: pytest.LogCaptureFixture) -> tuple[str, list[dict[str, Any]]]:
    """Every line the functions logged, as the Powertools formatter writes it to CloudWatch
    (all of it as one text, and each line parsed)."""
    formatter = logger.registered_formatter
    lines = [formatter.format(record) for record in caplog.records if record.name == "wardfund"]
    return "\n".join(lines), [json.loads(line) for line in lines]


def alerts(stack: LocalStack) -> list[dict[str, Any]]:
    assert stack.resources is not None
    return list(Table(stack.resources.table_name).query(ALERT_PK))


def queue_depth(url: str) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def one_off(campaign: str) -> dict[str, Any]:
    events = StripeWorld().give_once(AT, donor("d1"), campaign, "Hyde", 1000)
    (session,) = [e for e in events if e["type"] == "checkout.session.completed"]
    return session


# ----------------------------------------------------------------------------- logged, counted
def test_a_failed_record_is_logged_with_ids_and_error_type_and_counted(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a gift whose posting fails for a reason that is not the event's (a fault)
    register(stack, "hyde-park")
    session = one_off("hyde-park")
    module = process_module()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"table unavailable while posting for {EMAIL}")

    monkeypatch.setattr(module, "record_stripe_event", broken)
    record = sqs_record(json.dumps(session))

    # When the processor gets it
    reply = process(record)

    # Then the record is reported for a retry, as before
    assert reply == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}
    # And one log line says which event failed and how, and nothing a donor typed
    output, lines = logged(caplog)
    (failed,) = [line for line in lines if line.get("message") == "record failed"]
    assert failed["level"] == "ERROR"
    assert failed["error_type"] == "RuntimeError"
    assert failed["stripe_event_id"] == session["id"]
    assert failed["message_id"] == record["messageId"]
    assert EMAIL not in output
    assert NAME not in output
    # And it is counted in the metric the EventRecordFailed alarm watches
    assert metrics.metric_set["EventRecordFailed"]["Value"] == [1.0]


def test_an_event_that_waits_for_another_is_not_counted_as_a_failure(
    stack: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a monthly payment whose invoice has not been seen yet
    register(stack, "hyde-park")
    events = StripeWorld().pledge(AT, donor("d1"), "hyde-park", "Hyde", 1000)
    (paid,) = [e for e in events if e["type"] == "invoice_payment.paid"]
    queue = process_module()

    class Postponed:
        def postpone(self, receipt_handle: str, seconds: int) -> None:
            """The back-off is not what this test is about."""

    original = queue.event_queue
    queue.event_queue = Postponed
    try:
        reply = process(sqs_record(json.dumps(paid)))
    finally:
        queue.event_queue = original

    # Then it waits (retried later), but no failure is logged or counted
    assert len(reply["batchItemFailures"]) == 1
    assert "EventRecordFailed" not in metrics.metric_set
    assert "record failed" not in logged(caplog)[0]


# ----------------------------------------------------------------------------- set aside at once
def test_garbage_on_the_queue_is_set_aside_at_once_with_an_alert(stack: LocalStack) -> None:
    # Given a message that is not a Stripe event at all (the queue takes more than the webhook)
    assert stack.resources is not None
    boto3.client("sqs").send_message(
        QueueUrl=stack.resources.events_queue_url, MessageBody="}} not a Stripe event {{"
    )

    # When the queue is drained once
    stack.drain()

    # Then it is on the dead-letter queue now, not waiting for nine more receives
    assert queue_depth(stack.resources.events_queue_url) == 0
    assert stack.dead_letters() == 1
    # And an alert says what was set aside and why (the message id: it has no event id)
    (alert,) = alerts(stack)
    assert alert["kind"] == "event_set_aside"
    assert alert["error_type"] == "MalformedEvent"
    assert "not a Stripe event" in alert["reason"]
    assert alert["queue"] == stack.resources.events_dlq_url.rsplit("/", 1)[1]

    # And the dead-letter alarm and both alerts reach national finance by email
    stack.drain_notifications()
    subjects = [email.subject for email in stack.sent_emails()]
    assert any("set aside" in subject for subject in subjects), subjects
    assert any("dead-letter" in subject for subject in subjects), subjects


def test_an_impossible_amount_is_set_aside_without_logging_the_donor(
    stack: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a gift whose amount Stripe could never send
    register(stack, "hyde-park")
    session = copy.deepcopy(one_off("hyde-park"))
    session["data"]["object"]["amount_total"] = 10**40
    record = sqs_record(json.dumps(session))

    # When the processor gets it
    reply = process(record)

    # Then it is acknowledged to SQS because it is already on the dead-letter queue
    assert reply == {"batchItemFailures": []}
    assert stack.dead_letters() == 1
    (alert,) = alerts(stack)
    assert (alert["kind"], alert["event_id"]) == ("event_set_aside", session["id"])
    assert "99,999,999" in alert["reason"]
    # And the log names the event and the error's type, never the donor
    output, lines = logged(caplog)
    (line,) = [x for x in lines if x.get("message") == "stripe event set aside"]
    assert (line["stripe_event_id"], line["error_type"]) == (session["id"], "MalformedEvent")
    assert EMAIL not in output
    assert NAME not in output
    assert metrics.metric_set["EventRecordFailed"]["Value"] == [1.0]
    assert metrics.metric_set["EventSetAside"]["Value"] == [1.0]
    # And nothing was counted
    assert figures(stack, "hyde-park").raised == 0


def test_a_set_aside_event_redelivered_raises_no_second_alert(stack: LocalStack) -> None:
    record = sqs_record("[]")
    process(record)
    process(record)  # the same message again (say, its delete was lost)
    assert len(alerts(stack)) == 1


# ----------------------------------------------------------------------------- notifications
def alert_stream_record() -> dict[str, Any]:
    image = {
        "PK": {"S": "ALERT"},
        "SK": {"S": "2026-06-03T18:30:00.000000Z#dead_letters#q"},
        "kind": {"S": "dead_letters"},
        "reason": {"S": "messages are waiting"},
        "queue": {"S": "q"},
        "at": {"S": "2026-06-03T18:30:00.000000Z"},
    }
    return {
        "eventID": "stream-event-1",
        "eventName": "INSERT",
        "eventSource": "aws:dynamodb",
        "awsRegion": "eu-west-2",
        "dynamodb": {
            "Keys": {"PK": image["PK"], "SK": image["SK"]},
            "NewImage": image,
            "SequenceNumber": "111",
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": "arn:aws:dynamodb:eu-west-2:000000000000:table/t/stream/x",
    }


def test_a_failed_notification_record_is_logged_and_counted(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    module = importlib.import_module("functions.notifications.send")

    def ses_down(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError(f"could not reach SES to send to {EMAIL}")

    monkeypatch.setattr(module, "send_notifications", ses_down)
    record = alert_stream_record()
    unrelated = copy.deepcopy(record)  # an item no email is due for: succeeds
    unrelated["dynamodb"]["Keys"] = unrelated["dynamodb"]["NewImage"] = {
        "PK": {"S": "CAMPAIGN"},
        "SK": {"S": "x"},
    }
    unrelated["dynamodb"]["SequenceNumber"] = "222"

    reply = module.handler(
        {"Records": [record, unrelated]}, LocalLambdaContext("wardfund-notifications")
    )

    assert reply == {"batchItemFailures": [{"itemIdentifier": "111"}]}
    output, lines = logged(caplog)
    (failed,) = [line for line in lines if line.get("message") == "record failed"]
    assert failed["error_type"] == "ConnectionError"
    assert (failed["item_pk"], failed["sequence_number"]) == ("ALERT", "111")
    assert EMAIL not in output
    assert metrics.metric_set["NotificationRecordFailed"]["Value"] == [1.0]
