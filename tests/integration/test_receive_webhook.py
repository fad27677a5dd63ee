"""POST /stripe/webhook: the receive handler, through the local HTTP endpoint and called
directly with an API Gateway HTTP API (payload 2.0) event, against a provisioned stack.

The receiver never touches the ledger, so one set of resources serves the whole module:
each test starts from an empty events queue (purged) and an empty table (asserted).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import importlib
import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
import stripe

from wardfund.local.lambdas.lambda_context import LocalLambdaContext
from wardfund.local.lambdas.webhook_server import WEBHOOK_PATH, api_gateway_event
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.world import Donor, StripeWorld
from wardfund.observability import metrics

MAX_BODY = 256 * 1024
AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture(autouse=True)
def _metrics_dropped() -> Iterator[None]:
    """Handlers called directly buffer metrics (disabled locally); drop them as a new
    Lambda process would, like the stack's own invoker does."""
    yield
    metrics.clear_metrics()


@pytest.fixture(scope="module")
def provisioned(local_stack_session: LocalStack) -> dict[str, str]:
    """The prefix of the resources this module provisioned (once, not per test)."""
    return {"prefix": local_stack_session.provision().prefix}


@pytest.fixture
def endpoint(local_stack_session: LocalStack, provisioned: dict[str, str]) -> LocalStack:
    """The stack with an empty events queue and an empty ledger table."""
    stack = local_stack_session
    if stack.resources is None or stack.resources.prefix != provisioned["prefix"]:
        provisioned["prefix"] = stack.provision().prefix  # another module's test ran between
    empty_queue(stack)
    assert queued(stack) == []
    assert table_items(stack) == []
    return stack


@pytest.fixture(scope="module")
def events() -> dict[str, dict[str, Any]]:
    """Realistic Stripe events by type, from one pledge."""
    world = StripeWorld()
    pledge = world.pledge(AT, Donor("d1", "d1@donors.example", "Donor One"), "leeds", "H", 1000)
    return {event["type"]: event for event in pledge}


# ----------------------------------------------------------------------------- helpers
def queued(stack: LocalStack) -> list[dict[str, Any]]:
    """Every message on the events queue (received, then made visible again)."""
    assert stack.resources is not None
    sqs = boto3.client("sqs")
    url = stack.resources.events_queue_url
    found: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            MessageAttributeNames=["All"],
            VisibilityTimeout=30,
            WaitTimeSeconds=0,
        ).get("Messages", [])
        if not batch:
            break
        found += batch
    for message in found:
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )
    return found


def empty_queue(stack: LocalStack) -> None:
    """Deletes every message (PurgeQueue is limited to once a minute)."""
    assert stack.resources is not None
    sqs = boto3.client("sqs")
    for message in queued(stack):
        sqs.delete_message(
            QueueUrl=stack.resources.events_queue_url, ReceiptHandle=message["ReceiptHandle"]
        )


def table_items(stack: LocalStack) -> list[dict[str, Any]]:
    assert stack.resources is not None
    scan = boto3.client("dynamodb").scan(TableName=stack.resources.table_name)
    return list(scan.get("Items", []))


def secret(stack: LocalStack) -> str:
    assert stack.resources is not None
    return stack.resources.webhook_secret


def sign(stack: LocalStack, payload: str, timestamp: int | None = None) -> str:
    return str(stripe.WebhookSignature.generate_signature_header(payload, secret(stack), timestamp))


def sign_bytes(stack: LocalStack, body: bytes) -> str:
    """Stripe's v1 scheme over raw bytes (for bodies that are not text)."""
    timestamp = int(time.time())
    digest = hmac.new(
        secret(stack).encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


def receive_handler() -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The handler module the stack loaded (not reloaded)."""
    handler: Callable[[dict[str, Any], Any], dict[str, Any]] = importlib.import_module(
        "functions.donations.receive"
    ).handler
    return handler


def invoke(event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    reply = receive_handler()(event, LocalLambdaContext("wardfund-receive"))
    return reply["statusCode"], json.loads(reply.get("body") or "{}")


def direct(body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """Calls the handler with the event API Gateway would build for this request."""
    return invoke(api_gateway_event("POST", WEBHOOK_PATH, headers, body))


def raw_post(stack: LocalStack, body: bytes, headers: dict[str, str]) -> int:
    """POST with header names sent exactly as given (urllib would re-case them)."""
    url = urlsplit(stack.webhook_url)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    try:
        connection.putrequest("POST", url.path)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def assert_nothing_kept(stack: LocalStack) -> None:
    assert queued(stack) == []
    assert table_items(stack) == []


# ----------------------------------------------------------------------------- accepted
def test_valid_signed_event_over_http_is_queued_once(
    endpoint: LocalStack, events: dict[str, dict[str, Any]]
) -> None:
    # Given a real invoice_payment.paid event, signed with the endpoint's secret
    event = events["invoice_payment.paid"]
    payload = json.dumps(event)

    # When Stripe POSTs it to the webhook endpoint
    status, reply = endpoint.post(payload.encode(), sign(endpoint, payload))

    # Then it is accepted and exactly one message, the raw body, is on the events queue
    assert status == 200
    assert reply["event_id"] == event["id"]
    messages = queued(endpoint)
    assert len(messages) == 1
    assert messages[0]["Body"] == payload
    attributes = messages[0]["MessageAttributes"]
    assert attributes["event_id"]["StringValue"] == event["id"]
    assert attributes["event_type"]["StringValue"] == "invoice_payment.paid"
    # And the receiver does not write to the ledger
    assert table_items(endpoint) == []


def test_valid_signed_event_called_directly_is_queued_once(
    endpoint: LocalStack, events: dict[str, dict[str, Any]]
) -> None:
    # Given an API Gateway v2 event carrying a signed invoice.paid event
    event = events["invoice.paid"]
    payload = json.dumps(event)
    headers = {"Content-Type": "application/json", "Stripe-Signature": sign(endpoint, payload)}

    # When the receive handler is invoked with it
    status, reply = direct(payload.encode(), headers)

    # Then it answers 200 and queues exactly that event once
    assert (status, reply["event_id"]) == (200, event["id"])
    messages = queued(endpoint)
    assert [m["Body"] for m in messages] == [payload]


def test_base64_encoded_valid_body_is_accepted(
    endpoint: LocalStack, events: dict[str, dict[str, Any]]
) -> None:
    # Given API Gateway delivered the signed body base64-encoded (isBase64Encoded: true)
    payload = json.dumps(events["invoice.paid"])
    event = api_gateway_event(
        "POST", WEBHOOK_PATH, {"Stripe-Signature": sign(endpoint, payload)}, b""
    )
    event["body"] = base64.b64encode(payload.encode()).decode()
    event["isBase64Encoded"] = True

    # When the handler runs
    status, _ = invoke(event)

    # Then the signature is checked against the decoded bytes and the decoded event is queued
    assert status == 200
    assert [m["Body"] for m in queued(endpoint)] == [payload]


def test_unknown_event_type_is_acknowledged_but_not_queued(
    endpoint: LocalStack, events: dict[str, dict[str, Any]]
) -> None:
    # Given a correctly signed event of a type wardfund does not use
    event = events["customer.created"]
    payload = json.dumps(event)

    # When it is POSTed
    status, reply = endpoint.post(payload.encode(), sign(endpoint, payload))

    # Then Stripe gets a 200 (so it stops retrying) but nothing is queued
    assert status == 200
    assert reply["event_id"] == event["id"]
    assert_nothing_kept(endpoint)


def test_subscription_checkout_session_is_acknowledged_but_not_queued(
    endpoint: LocalStack, events: dict[str, dict[str, Any]]
) -> None:
    # Given the checkout.session.completed of a subscription (it counts through its invoice)
    event = events["checkout.session.completed"]
    assert event["data"]["object"]["mode"] == "subscription"
    payload = json.dumps(event)

    # When it is POSTed
    status, _ = endpoint.post(payload.encode(), sign(endpoint, payload))

    # Then it is acknowledged and not queued
    assert status == 200
    assert_nothing_kept(endpoint)


def test_one_off_checkout_session_is_queued(endpoint: LocalStack) -> None:
    # Given the checkout.session.completed of a one-off gift (payment mode)
    world = StripeWorld()
    gift = world.give_once(AT, Donor("d2", "d2@donors.example", "Donor Two"), "leeds", "H", 500)
    (event,) = [e for e in gift if e["type"] == "checkout.session.completed"]
    payload = json.dumps(event)

    # When it is POSTed
    status, _ = endpoint.post(payload.encode(), sign(endpoint, payload))

    # Then it is queued once
    assert status == 200
    assert [m["Body"] for m in queued(endpoint)] == [payload]


@pytest.mark.parametrize("header", ["Stripe-Signature", "stripe-signature", "STRIPE-SIGNATURE"])
def test_signature_header_name_case_does_not_matter_over_http(
    endpoint: LocalStack, events: dict[str, dict[str, Any]], header: str
) -> None:
    # Given a signed event sent with the signature header spelled in some case
    payload = json.dumps(events["invoice.paid"])

    # When it is POSTed with exactly that header name
    status = raw_post(
        endpoint,
        payload.encode(),
        {"Content-Type": "application/json", header: sign(endpoint, payload)},
    )

    # Then it is accepted and queued once
    assert status == 200
    assert len(queued(endpoint)) == 1


@pytest.mark.parametrize("header", ["Stripe-Signature", "stripe-signature", "STRIPE-SIGNATURE"])
def test_signature_header_name_case_does_not_matter_called_directly(
    endpoint: LocalStack, events: dict[str, dict[str, Any]], header: str
) -> None:
    # Given an API Gateway event whose header names were NOT lower-cased
    payload = json.dumps(events["invoice.paid"])
    event = api_gateway_event("POST", WEBHOOK_PATH, {}, payload.encode())
    event["headers"] = {"Content-Type": "application/json", header: sign(endpoint, payload)}

    # When the handler runs
    status, _ = invoke(event)

    # Then the header is still found and the event queued
    assert status == 200
    assert len(queued(endpoint)) == 1


# ----------------------------------------------------------------------------- rejected
def _invalid_utf8(stack: LocalStack) -> tuple[bytes, str | None]:
    body = b'{"id": "evt_1", "object": "event", "type": "invoice.paid", "x": "\xff\xfe"}'
    return body, sign_bytes(stack, body)


def _signed(text: str) -> Callable[[LocalStack], tuple[bytes, str | None]]:
    return lambda stack: (text.encode(), sign(stack, text))


SIGNATURE, PAYLOAD = "signature rejected", "payload rejected"
OLD = int(time.time()) - 301
EVENT_TEXT = '{"id": "evt_1", "object": "event", "type": "invoice.paid"}'
Build = Callable[[LocalStack], tuple[bytes, str | None]]
REJECTIONS: dict[str, tuple[Build, str]] = {
    "missing signature": (lambda stack: (EVENT_TEXT.encode(), None), SIGNATURE),
    "empty signature": (lambda stack: (EVENT_TEXT.encode(), ""), SIGNATURE),
    "wrong secret": (
        lambda stack: (
            EVENT_TEXT.encode(),
            str(stripe.WebhookSignature.generate_signature_header(EVENT_TEXT, "whsec_other")),
        ),
        SIGNATURE,
    ),
    "timestamp older than 300 s": (
        lambda stack: (EVENT_TEXT.encode(), sign(stack, EVENT_TEXT, timestamp=OLD)),
        SIGNATURE,
    ),
    "signature of another body": (
        lambda stack: (EVENT_TEXT.encode(), sign(stack, EVENT_TEXT.replace("evt_1", "evt_2"))),
        SIGNATURE,
    ),
    "signed body is not JSON": (_signed("this is not json {"), PAYLOAD),
    "signed JSON array": (_signed(f"[{EVENT_TEXT}]"), PAYLOAD),
    "signed JSON that is not an event": (_signed('{"id": "cus_1", "object": "customer"}'), PAYLOAD),
    "signed event without id": (_signed('{"object": "event", "type": "invoice.paid"}'), PAYLOAD),
    "signed thin event": (
        _signed('{"id": "evt_1", "object": "v2.core.event", "type": "v1.invoice.paid"}'),
        PAYLOAD,
    ),
    "signed body that is not UTF-8": (_invalid_utf8, PAYLOAD),
}


@pytest.mark.parametrize("case", REJECTIONS, ids=list(REJECTIONS))
def test_rejected_over_http_with_400_and_nothing_kept(endpoint: LocalStack, case: str) -> None:
    # Given a request Stripe would never send (or someone without the secret)
    build, reason = REJECTIONS[case]
    body, signature = build(endpoint)

    # When it is POSTed to the endpoint
    status, reply = endpoint.post(body, signature)

    # Then it is refused with 400, for that reason, and neither queue nor table keeps anything
    assert status == 400
    assert reply["message"].startswith(reason)
    assert_nothing_kept(endpoint)


@pytest.mark.parametrize("case", REJECTIONS, ids=list(REJECTIONS))
def test_rejected_called_directly_with_400_and_nothing_kept(
    endpoint: LocalStack, case: str
) -> None:
    # Given the API Gateway event for the same bad request
    build, reason = REJECTIONS[case]
    body, signature = build(endpoint)
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature

    # When the receive handler is invoked
    status, reply = direct(body, headers)

    # Then it answers 400, for that reason, and keeps nothing
    assert status == 400
    assert reply["message"].startswith(reason)
    assert_nothing_kept(endpoint)


def test_signed_event_missing_data_is_rejected_not_queued(endpoint: LocalStack) -> None:
    # Given a signed body that says it is an event but lacks `created` and `data`, which
    # the processor's StripeEvent model requires: it could never be applied
    payload = json.dumps({"id": "evt_1", "object": "event", "type": "invoice.paid"})

    # When it is POSTed
    status, _ = endpoint.post(payload.encode(), sign(endpoint, payload))

    # Then it is refused now rather than queued to fail in the processor and dead-letter
    assert status == 400
    assert_nothing_kept(endpoint)


def test_invalid_base64_body_is_rejected(endpoint: LocalStack) -> None:
    # Given API Gateway says the body is base64 but it is not
    event = api_gateway_event("POST", WEBHOOK_PATH, {"Stripe-Signature": "t=1,v1=00"}, b"")
    event["body"] = "!!! not base64 ***"
    event["isBase64Encoded"] = True

    # When the handler runs
    status, reply = invoke(event)

    # Then it answers 400 and keeps nothing
    assert status == 400
    assert "base64" in reply["message"]
    assert_nothing_kept(endpoint)


def _oversized(stack: LocalStack, events: dict[str, dict[str, Any]]) -> tuple[bytes, str]:
    event = json.loads(json.dumps(events["invoice.paid"]))
    event["data"]["object"]["description"] = "x" * MAX_BODY
    payload = json.dumps(event)
    assert len(payload.encode()) > MAX_BODY
    return payload.encode(), sign(stack, payload)


def test_body_over_256_kib_over_http_answers_413(
    endpoint: LocalStack, events: dict[str, dict[str, Any]]
) -> None:
    # Given a correctly signed event whose body is over 256 KiB
    body, signature = _oversized(endpoint, events)

    # When it is POSTed
    status, _ = endpoint.post(body, signature)

    # Then it is refused as too large and nothing is kept
    assert status == 413
    assert_nothing_kept(endpoint)


def test_body_over_256_kib_called_directly_answers_413(
    endpoint: LocalStack, events: dict[str, dict[str, Any]]
) -> None:
    # Given the same oversized signed body in an API Gateway event
    body, signature = _oversized(endpoint, events)

    # When the handler runs
    status, _ = direct(body, {"Stripe-Signature": signature})

    # Then it answers 413 and keeps nothing
    assert status == 413
    assert_nothing_kept(endpoint)
