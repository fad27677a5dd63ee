"""Stripe events from StripeWorld through the stack: webhook → queue → process handler →
ledger in DynamoDB (moto). Order, copies, missing dependencies, suspense, partial batch
failures and the match-cap race."""

from __future__ import annotations

import importlib
import importlib.util
import json
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.ledger_report import DynamoLedgerReport
from wardfund.adapters.dynamodb.ledger_store import DynamoLedgerStore
from wardfund.adapters.dynamodb.table import ALERT_PK, Table
from wardfund.domain.campaign import Campaign
from wardfund.domain.figures import CampaignFigures
from wardfund.local.lambdas.lambda_context import LocalLambdaContext
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.world import Donor, StripeWorld
from wardfund.observability import metrics
from wardfund.services.campaigns import register_campaign

Event = dict[str, Any]
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

LAUNCH = date(2026, 6, 1)
AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)


# ----------------------------------------------------------------------------- helpers
@pytest.fixture(autouse=True)
def _metrics_dropped() -> Iterator[None]:
    """Handlers called directly buffer metrics (disabled locally); drop them as a new
    Lambda process would, like the stack's own invoker does."""
    yield
    metrics.clear_metrics()


def table(stack: LocalStack) -> Table:
    assert stack.resources is not None
    return Table(stack.resources.table_name)


def register(stack: LocalStack, campaign_id: str = "leeds", **settings: Any) -> Campaign:
    settings.setdefault("launch_event_on", LAUNCH)
    campaign = Campaign(campaign_id, campaign_id.title(), **settings)
    return register_campaign(DynamoCampaignStore(table(stack)), campaign, by="test")


def figures(stack: LocalStack, campaign_id: str = "leeds") -> CampaignFigures:
    return DynamoLedgerReport(table(stack)).figures(campaign_id)


def donor(donor_id: str) -> Donor:
    return Donor(donor_id, f"{donor_id}@donors.example", f"Donor {donor_id}")


def deliver_in_order(stack: LocalStack, events: Iterable[Event]) -> None:
    """One POST at a time, so the queue holds the events in exactly this order."""
    for event in events:
        assert stack.deliver([event]) == [200], event["type"]


def of_type(events: list[Event], kind: str) -> Event:
    (found,) = [event for event in events if event["type"] == kind]
    return found


def sqs_record(body: str) -> dict[str, Any]:
    return {
        "messageId": str(uuid.uuid4()),
        "receiptHandle": f"handle-{uuid.uuid4()}",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "1780000000000",
            "SenderId": "000000000000",
            "ApproximateFirstReceiveTimestamp": "1780000000000",
        },
        "messageAttributes": {},
        "md5OfBody": "0" * 32,
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-2:000000000000:wardfund-stripe-events",
        "awsRegion": "eu-west-2",
    }


def process_handler() -> Handler:
    handler: Handler = importlib.import_module("functions.donations.process").handler
    return handler


def separate_process_handler() -> Handler:
    """A second copy of the handler module, as a second Lambda instance would load it.

    Lambda never runs two invocations at once in one process, so the module-level
    BatchProcessor is not meant to be shared between threads; each thread gets its own.
    """
    path = Path(importlib.import_module("functions.donations.process").__file__ or "")
    spec = importlib.util.spec_from_file_location(f"process_copy_{uuid.uuid4().hex}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    handler: Handler = module.handler
    return handler


def assert_queues_empty(stack: LocalStack) -> None:
    assert stack.worker is not None
    assert stack.worker.depth() == 0
    assert stack.dead_letters() == 0


# ----------------------------------------------------------------------------- order
def test_pledge_events_in_reverse_order_count_the_payment_once(stack: LocalStack) -> None:
    # Given a campaign whose launch event was held, and a donor's first monthly gift of £10
    register(stack)
    events = StripeWorld().pledge(AT, donor("d1"), "leeds", "Headingley", 1000)

    # When Stripe delivers the pledge's events last first
    deliver_in_order(stack, reversed(events))
    stack.drain()

    # Then the payment counts once: 80 % share, fully matched, nothing left behind
    assert figures(stack) == CampaignFigures(
        raised=1000, local_share=800, national_share=200, match=1000
    )
    assert_queues_empty(stack)


def test_invoice_payment_before_its_invoice_is_retried_not_dropped(stack: LocalStack) -> None:
    # Given a pledge whose invoice_payment.paid reaches the queue before any invoice event
    register(stack)
    events = StripeWorld().pledge(AT, donor("d1"), "leeds", "Headingley", 1000)
    paid = of_type(events, "invoice_payment.paid")
    deliver_in_order(stack, [paid, *reversed([e for e in events if e is not paid])])
    assert stack.worker is not None
    invocations_before = stack.worker.invocations

    # When the queue is drained
    stack.drain()

    # Then the payment waited for its invoice (a second invocation) and counted once
    assert stack.worker.invocations - invocations_before >= 2
    assert figures(stack) == CampaignFigures(
        raised=1000, local_share=800, national_share=200, match=1000
    )
    assert_queues_empty(stack)


# ----------------------------------------------------------------------------- copies
def test_pledge_delivered_three_times_counts_once(stack: LocalStack) -> None:
    # Given a first monthly gift of £10
    register(stack)
    events = StripeWorld().pledge(AT, donor("d1"), "leeds", "Headingley", 1000)

    # When Stripe delivers every one of its events three times (concurrently)
    assert set(stack.deliver([event for event in events for _ in range(3)])) == {200}
    stack.drain()

    # Then the money is in the ledger once: one journal entry, figures of one payment
    assert figures(stack) == CampaignFigures(
        raised=1000, local_share=800, national_share=200, match=1000
    )
    check = DynamoLedgerReport(table(stack)).check()
    assert (check.entries, check.balanced) == (1, True)
    assert_queues_empty(stack)


def test_one_off_gift_delivered_three_times_counts_once(stack: LocalStack) -> None:
    # Given a one-off gift of £25 (never matched)
    register(stack)
    events = StripeWorld().give_once(AT, donor("d1"), "leeds", "Headingley", 2500)
    session = of_type(events, "checkout.session.completed")

    # When its checkout.session.completed arrives three times, in separate drains
    for _ in range(3):
        deliver_in_order(stack, [session])
        stack.drain()

    # Then it counts once
    assert figures(stack) == CampaignFigures(raised=2500, local_share=2000, national_share=500)
    assert DynamoLedgerReport(table(stack)).check().entries == 1
    assert_queues_empty(stack)


# ----------------------------------------------------------------------------- dependencies
def test_refund_before_its_payment_is_kept_and_applied_once_the_payment_arrives(
    stack: LocalStack,
) -> None:
    # Given a £10 one-off gift, later refunded in full
    register(stack)
    world = StripeWorld()
    payment = world.give_once(AT, donor("d1"), "leeds", "Headingley", 1000)
    refund = world.refund(AT + timedelta(days=1), "d1", 1)

    # When the refund's events arrive and are processed while the payment is still unknown
    assert stack.deliver(refund) == [200] * len(refund)
    stack.drain()

    # Then the refund is not lost (nothing dead-lettered)
    assert stack.dead_letters() == 0

    # When the payment arrives afterwards
    assert stack.deliver(payment) == [200] * len(payment)
    stack.drain()

    # Then the refund was applied after all: the campaign keeps nothing of the gift
    assert figures(stack) == CampaignFigures()
    assert DynamoLedgerReport(table(stack)).check().entries == 2
    assert_queues_empty(stack)


# ----------------------------------------------------------------------------- suspense
def test_payment_for_an_unknown_campaign_lands_in_suspense_with_an_alert(
    stack: LocalStack,
) -> None:
    # Given a registered campaign, and a gift whose metadata names a campaign nobody registered
    register(stack)
    events = StripeWorld().give_once(AT, donor("d1"), "nowhere", "Headingley", 1000)
    intent = of_type(events, "checkout.session.completed")["data"]["object"]["payment_intent"]

    # When it is delivered and processed
    assert stack.deliver(events) == [200] * len(events)
    stack.drain()

    # Then the whole gift is in suspense, no campaign gets anything, and an alert is raised
    report = DynamoLedgerReport(table(stack))
    assert report.suspense() == {"gbp": 1000}
    assert figures(stack) == CampaignFigures()
    alerts = list(table(stack).query(ALERT_PK))
    assert len(alerts) == 1
    assert alerts[0]["reason"] == "unknown_campaign"
    assert (alerts[0]["amount"], alerts[0]["payment_id"]) == (1000, intent)
    assert report.check().balanced
    assert_queues_empty(stack)


def test_payment_in_euros_lands_in_suspense(stack: LocalStack) -> None:
    # Given a registered campaign and a €10 gift to it
    register(stack)
    events = StripeWorld().give_once(AT, donor("d1"), "leeds", "Headingley", 1000, "eur")

    # When it is delivered and processed
    assert stack.deliver(events) == [200] * len(events)
    stack.drain()

    # Then it is held in suspense (in euros), not shared with the campaign, with an alert
    assert DynamoLedgerReport(table(stack)).suspense() == {"eur": 1000}
    assert figures(stack) == CampaignFigures()
    alerts = list(table(stack).query(ALERT_PK))
    assert [(a["reason"], a["amount"], a["currency"]) for a in alerts] == [
        ("not_in_gbp", 1000, "eur")
    ]
    assert_queues_empty(stack)


# ----------------------------------------------------------------------------- batches
def test_partial_batch_failure_names_only_the_bad_record(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an SQS batch of three records: a real one-off gift, a garbage body, and a gift
    # whose posting fails (a fault, not the event's)
    register(stack)
    world = StripeWorld()
    events = world.give_once(AT, donor("d1"), "leeds", "Headingley", 1000)
    good = sqs_record(json.dumps(of_type(events, "checkout.session.completed")))
    bad = sqs_record("}} this is not a Stripe event {{")
    faulty_event = of_type(
        world.give_once(AT, donor("d2"), "leeds", "Headingley", 500), "checkout.session.completed"
    )
    faulty = sqs_record(json.dumps(faulty_event))
    store = importlib.import_module("wardfund.wiring.process").ledger_store()
    commit = store.commit

    def commit_unless_faulty(write: Any) -> None:
        if write.event_id == faulty_event["id"]:
            raise RuntimeError("injected fault")
        commit(write)

    monkeypatch.setattr(store, "commit", commit_unless_faulty)

    # When the process handler is invoked with the batch
    reply = process_handler()(
        {"Records": [good, bad, faulty]}, LocalLambdaContext("wardfund-process")
    )

    # Then only the faulty record is reported as failed (to be retried); the garbage, which no
    # retry can read, is on the dead-letter queue already; the good one was applied
    assert reply == {"batchItemFailures": [{"itemIdentifier": faulty["messageId"]}]}
    assert stack.dead_letters() == 1
    assert figures(stack) == CampaignFigures(raised=1000, local_share=800, national_share=200)


# ----------------------------------------------------------------------------- the cap
def test_concurrent_first_payments_never_exceed_the_match_cap(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a campaign with a £10 cap that has already matched £9.90 of a first payment
    register(stack, match_cap_pence=1000)
    world = StripeWorld()
    deliver_in_order(stack, world.pledge(AT, donor("d0"), "leeds", "Headingley", 990))
    stack.drain()
    assert figures(stack).match == 990
    # And two more donors' first £10 payments whose invoices are already known
    pledges = [
        world.pledge(AT + timedelta(hours=n), donor(f"d{n}"), "leeds", "Headingley", 1000)
        for n in (1, 2)
    ]
    payments = [of_type(events, "invoice_payment.paid") for events in pledges]
    deliver_in_order(stack, [e for events in pledges for e in events if e not in payments])
    stack.drain()
    assert figures(stack).raised == 990

    # And both processors read the campaign's balance before either writes
    store = importlib.import_module("wardfund.wiring.process").ledger_store()
    read_balance, commit = store.balance, store.commit
    both_read = threading.Barrier(2, timeout=5)
    seen = threading.local()
    met: list[bool] = []  # one entry per processor: did it meet the other after reading?

    def balance_then_wait(campaign_id: str) -> Any:
        balance = read_balance(campaign_id)
        if not getattr(seen, "waited", False):
            seen.waited = True
            try:
                both_read.wait()
            except threading.BrokenBarrierError:
                met.append(False)
                raise
            met.append(True)
        return balance

    # And each TransactWriteItems runs in isolation, as DynamoDB runs it. moto (a server in
    # another process) does not: it applies a transaction item by item without a lock and
    # undoes a failed one by restoring a snapshot of the whole table, so concurrent
    # transactions there can both pass their conditions or erase each other.
    one_transaction_at_a_time = threading.Lock()

    def isolated_commit(write: Any) -> None:
        with one_transaction_at_a_time:
            commit(write)

    monkeypatch.setattr(store, "balance", balance_then_wait)
    monkeypatch.setattr(store, "commit", isolated_commit)

    # When two Lambda instances process the two payments at the same moment
    handlers = [separate_process_handler(), separate_process_handler()]
    replies: list[Any] = [None, None]
    start = threading.Barrier(2, timeout=5)

    def run(index: int) -> None:
        start.wait()
        try:
            event = {"Records": [sqs_record(json.dumps(payments[index]))]}
            replies[index] = handlers[index](event, LocalLambdaContext("wardfund-process"))
        except Exception as error:  # reported through the assertion below
            replies[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # Then the two processors really raced: each read the balance before either wrote
    assert not any(thread.is_alive() for thread in threads)
    assert met == [True, True], f"the processors did not both read before writing: {met}"
    # And both payments are recorded, and the match stops exactly at the cap
    assert replies == [{"batchItemFailures": []}, {"batchItemFailures": []}]
    assert figures(stack) == CampaignFigures(
        raised=2990, local_share=2392, national_share=598, match=1000
    )
    ledger = DynamoLedgerStore(table(stack))
    matches = []
    for event in payments:
        stored = ledger.payment(event["data"]["object"]["payment"]["payment_intent"])
        assert stored is not None
        matches.append(stored.allocation.match)
    assert sorted(matches) == [0, 10]
    assert DynamoLedgerReport(table(stack)).check().balanced
