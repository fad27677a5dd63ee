"""Issue 13 item 1: an event wardfund cannot read in its pinned API version is never taken
as done. The webhook refuses it (Stripe retries); the processor sets it aside at once with
an alert; reconciliation reads it by fetching its object, by id, in the pinned version (the
local Stripe stand-in answers those GETs). An event of a type wardfund counts that it does
not count raises an alert, on both paths."""

from __future__ import annotations

import copy
import importlib
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from tests.integration.operations import donor, figures, register
from wardfund.adapters.dynamodb.table import ALERT_PK, Table
from wardfund.adapters.stripe_event_types import PINNED_API_VERSION
from wardfund.local.lambdas.lambda_context import LocalLambdaContext
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.world import StripeWorld
from wardfund.observability import metrics

Event = dict[str, Any]
AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)
OLD_VERSION = "2024-06-20"


@pytest.fixture(autouse=True)
def _metrics_dropped() -> Iterator[None]:
    yield
    metrics.clear_metrics()


def as_2024(event: Event) -> Event:
    """The event as Stripe renders it in API 2024-06-20: an invoice names its subscription,
    payment intent and charge at the top level and has no `parent` (basil moved them)."""
    old = copy.deepcopy(event)
    old["api_version"] = OLD_VERSION
    found = old["data"]["object"]
    if found.get("object") == "invoice":
        details = (found.pop("parent", None) or {}).get("subscription_details") or {}
        found["subscription"] = details.get("subscription")
        found["subscription_details"] = {"metadata": details.get("metadata") or {}}
        found.update(paid=found.get("status") == "paid", payment_intent=None, charge=None)
    return old


def alerts(stack: LocalStack) -> list[dict[str, Any]]:
    assert stack.resources is not None
    return list(Table(stack.resources.table_name).query(ALERT_PK))


def sqs_record(body: str) -> dict[str, Any]:
    return {
        "messageId": str(uuid.uuid4()),
        "receiptHandle": f"handle-{uuid.uuid4()}",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "0" * 32,
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-2:000000000000:wardfund-stripe-events",
        "awsRegion": "eu-west-2",
    }


def process(*bodies: str) -> dict[str, Any]:
    handler = importlib.import_module("functions.donations.process").handler
    records = [sqs_record(body) for body in bodies]
    reply: dict[str, Any] = handler({"Records": records}, LocalLambdaContext("wardfund-process"))
    return reply


def dead_lettered(stack: LocalStack) -> list[dict[str, Any]]:
    assert stack.resources is not None
    reply = boto3.client("sqs").receive_message(
        QueueUrl=stack.resources.events_dlq_url,
        MaxNumberOfMessages=10,
        MessageAttributeNames=["All"],
        WaitTimeSeconds=0,
    )
    return list(reply.get("Messages", []))


def reconcile_function(scheduled: datetime) -> dict[str, Any]:
    module = importlib.import_module("functions.reconcile.run")
    result: dict[str, Any] = module.handler(
        {"scheduled_time": scheduled.isoformat()}, LocalLambdaContext("wardfund-reconcile")
    )
    return result


def of_type(events: list[Event], kind: str) -> Event:
    (found,) = [event for event in events if event["type"] == kind]
    return found


# ----------------------------------------------------------------------------- webhook
def test_webhook_refuses_an_event_in_another_api_version_so_stripe_retries(
    stack: LocalStack,
) -> None:
    # Given a monthly pledge whose invoice.paid Stripe renders in API 2024-06-20
    register(stack, "hyde-park")
    events = StripeWorld().pledge(AT, donor("d1"), "hyde-park", "Hyde", 1000)
    old = as_2024(of_type(events, "invoice.paid"))

    # When it reaches the webhook
    statuses = stack.deliver([old])

    # Then it is refused (not 2xx: Stripe delivers it again) and nothing is queued
    assert statuses == [400]
    assert stack.worker is not None
    assert stack.worker.depth() == 0


def test_webhook_still_takes_events_in_the_pinned_version(stack: LocalStack) -> None:
    register(stack, "hyde-park")
    events = StripeWorld().pledge(AT, donor("d1"), "hyde-park", "Hyde", 1000)
    assert {event["api_version"] for event in events} == {PINNED_API_VERSION}
    assert set(stack.deliver(events)) == {200}


# ----------------------------------------------------------------------------- processor
def test_processor_sets_aside_an_event_in_another_version_with_an_alert(
    stack: LocalStack,
) -> None:
    # Given an invoice.paid in API 2024-06-20 that reached the queue another way (an
    # EventBridge destination on an older version, or a message queued before a deploy)
    register(stack, "hyde-park")
    events = StripeWorld().pledge(AT, donor("d1"), "hyde-park", "Hyde", 1000)
    old = as_2024(of_type(events, "invoice.paid"))
    body = json.dumps(old)

    # When the processor gets it
    reply = process(body)

    # Then it is not ignored as done: it goes to the dead-letter queue at once, as it came
    assert reply == {"batchItemFailures": []}
    (parked,) = dead_lettered(stack)
    assert parked["Body"] == body
    assert parked["MessageAttributes"]["error_type"]["StringValue"] == "UnreadableApiVersion"
    # And an alert says which versions and what to do
    (alert,) = alerts(stack)
    assert alert["kind"] == "event_set_aside"
    assert (alert["event_id"], alert["event_type"]) == (old["id"], "invoice.paid")
    assert OLD_VERSION in alert["reason"]
    assert PINNED_API_VERSION in alert["reason"]
    assert "wardfund reconcile" in alert["reason"]
    assert "EventSetAside" in metrics.metric_set


def test_processor_alerts_when_a_counted_type_is_not_counted(stack: LocalStack) -> None:
    # Given an invoice.paid in the pinned version for an invoice with no subscription
    # (an invoice made by hand in the Dashboard, not by a Payment Link)
    register(stack, "hyde-park")
    events = StripeWorld().pledge(AT, donor("d1"), "hyde-park", "Hyde", 1000)
    odd = copy.deepcopy(of_type(events, "invoice.paid"))
    odd["data"]["object"]["parent"] = None

    # When it is processed
    reply = process(json.dumps(odd))

    # Then it is acknowledged (there is nothing to count) but an alert names it
    assert reply == {"batchItemFailures": []}
    (alert,) = alerts(stack)
    assert alert["kind"] == "event_ignored"
    assert (alert["event_id"], alert["event_type"]) == (odd["id"], "invoice.paid")
    assert alert["object_id"] == odd["data"]["object"]["id"]
    assert "subscription" in alert["reason"]
    assert "CountedEventIgnored" in metrics.metric_set
    # And a copy delivered again raises no second alert
    process(json.dumps(odd))
    assert len(alerts(stack)) == 1


def test_expected_ignores_raise_no_alert(stack: LocalStack) -> None:
    # Given a one-off gift refunded: the refund is first pending, then succeeds
    register(stack, "hyde-park")
    world = StripeWorld()
    paid = world.give_once(AT, donor("d1"), "hyde-park", "Hyde", 1000)
    refund = of_type(world.refund(AT + timedelta(hours=1), "d1", 1), "refund.created")
    pending = copy.deepcopy(refund)
    pending["data"]["object"]["status"] = "pending"
    process(json.dumps(of_type(paid, "checkout.session.completed")), json.dumps(pending))
    # Then a pending refund is an expected wait, not an alert
    assert alerts(stack) == []
    assert "CountedEventIgnored" not in metrics.metric_set


# ----------------------------------------------------------------------------- reconcile
def test_reconciliation_reads_old_versions_through_the_objects_in_the_pinned_version(
    stack: LocalStack,
) -> None:
    # Given an account whose default API version is 2024-06-20: /v1/events lists a pledge
    # and a one-off gift in that version, while each object fetched by id is in the pinned one
    stack.stripe.forget_events()
    campaign = register(stack)
    world = StripeWorld()
    made = world.pledge(AT, donor("a"), campaign.campaign_id, "Hyde", 1000)
    made += world.give_once(AT, donor("b"), campaign.campaign_id, "Hyde", 2000)
    stack.stripe.add_objects([event["data"]["object"] for event in made])
    stack.stripe.add_events([as_2024(event) for event in made])

    # When the weekly reconciliation runs
    result = reconcile_function(AT + timedelta(days=4))

    # Then both gifts are counted, matched, from the objects read in the pinned version
    after = figures(stack, campaign.campaign_id)
    assert (after.raised, after.local_share, after.match) == (3000, 2400, 1000)
    assert result["waiting"] == result["unreadable"] == 0
    assert result["read_in_pinned_version"] == 4
    assert alerts(stack) == []


def test_reconciliation_reports_an_old_event_whose_object_it_cannot_fetch(
    stack: LocalStack,
) -> None:
    # Given an old-version event whose object Stripe no longer has
    stack.stripe.forget_events()
    campaign = register(stack)
    made = StripeWorld().give_once(AT, donor("b"), campaign.campaign_id, "Hyde", 2000)
    stack.stripe.add_events([as_2024(of_type(made, "checkout.session.completed"))])

    # When reconciliation runs
    result = reconcile_function(AT + timedelta(days=4))

    # Then it is unreadable (the alarm's metric), not silently skipped
    assert result["unreadable"] == 1
    assert figures(stack, campaign.campaign_id).raised == 0


def test_reconciliation_alerts_when_a_counted_type_is_not_counted(stack: LocalStack) -> None:
    stack.stripe.forget_events()
    register(stack, "hyde-park")
    events = StripeWorld().pledge(AT, donor("d1"), "hyde-park", "Hyde", 1000)
    odd = copy.deepcopy(of_type(events, "invoice.paid"))
    odd["data"]["object"]["parent"] = None
    stack.stripe.add_events([odd])

    result = reconcile_function(AT + timedelta(days=4))

    (alert,) = alerts(stack)
    assert (alert["kind"], alert["event_id"]) == ("event_ignored", odd["id"])
    assert result["ignored_unexpectedly"] == 1
    assert "CountedEventIgnored" in metrics.metric_set
