"""StripeWorld: the webhook events it returns are honest to stripe-python 16.1.0's shapes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from importlib import import_module
from typing import Any

import pytest
import stripe
from stripe._list_object import ListObject
from stripe._object_classes import OBJECT_CLASSES

from wardfund.local.stripe.world import Donor, StripeWorld

T0 = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
ANN = Donor("d1", "ann@example.org", "Ann Example")
BOB = Donor("d2", "bob@example.org", "Bob Example")

PLEDGE_TYPES = [
    "customer.created",
    "customer.subscription.created",
    "invoice.created",
    "invoice.finalized",
    "charge.succeeded",
    "payment_intent.succeeded",
    "invoice_payment.paid",
    "invoice.paid",
    "invoice.payment_succeeded",
    "customer.subscription.updated",
    "checkout.session.completed",
]
OBJECT_OF_EVENT = {
    "customer.subscription": "subscription",
    "customer": "customer",
    "invoice_payment": "invoice_payment",
    "invoice": "invoice",
    "charge.dispute": "dispute",
    "charge": "charge",
    "payment_intent": "payment_intent",
    "refund": "refund",
    "checkout.session": "checkout.session",
}


def story(world: StripeWorld) -> list[dict[str, Any]]:
    """Every kind of event the world can send."""
    day = timedelta(days=1)
    events = world.pledge(T0, ANN, "camp-1", "north", 1000)
    events += world.give_once(T0 + day, BOB, "camp-1", "south", 2500)
    events += world.renew(datetime(2026, 2, 28, 9, tzinfo=UTC), "d1")
    events += world.renewal_fails(datetime(2026, 3, 31, 9, tzinfo=UTC), "d1")
    events += world.renewal_fails(datetime(2026, 4, 3, 9, tzinfo=UTC), "d1")
    events += world.renew(datetime(2026, 4, 6, 9, tzinfo=UTC), "d1")
    events += world.refund(datetime(2026, 4, 7, tzinfo=UTC), "d1", 1, 300)
    events += world.refund(datetime(2026, 4, 8, tzinfo=UTC), "d1", 1)
    events += world.dispute_opened(datetime(2026, 4, 9, tzinfo=UTC), "d2", 1)
    events += world.dispute_closed(datetime(2026, 5, 9, tzinfo=UTC), "d2", 1, "won")
    events += world.dispute_opened(datetime(2026, 4, 10, tzinfo=UTC), "d1", 2)
    events += world.dispute_closed(datetime(2026, 5, 10, tzinfo=UTC), "d1", 2, "lost")
    events += world.cancel(datetime(2026, 5, 11, tzinfo=UTC), "d1")
    return events


@pytest.fixture
def events() -> list[dict[str, Any]]:
    return story(StripeWorld())


def of_type(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [event["data"]["object"] for event in events if event["type"] == kind]


def declared(cls: type) -> set[str]:
    names: set[str] = set()
    for klass in cls.__mro__:
        names |= {name for name in getattr(klass, "__annotations__", {}) if name[0] != "_"}
    return names - {"OBJECT_NAME"}


def object_class(name: str) -> type:
    module, attribute = OBJECT_CLASSES[name]
    cls: type = getattr(import_module(module), attribute)
    return cls


def undeclared(value: Any, cls: type | None, path: str) -> list[str]:
    """Paths of keys the SDK class (or nested class) for `value` does not declare."""
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in undeclared(item, cls, f"{path}[{i}]")]
    if not isinstance(value, dict):
        return []
    if isinstance(value.get("object"), str) and value["object"] in OBJECT_CLASSES:
        cls = object_class(value["object"])
    if cls is None:
        return []
    allowed = declared(cls) | ({"object"} if cls is ListObject else set())
    problems = []
    for key, item in value.items():
        if key not in allowed:
            problems.append(f"{path}.{key}")
        elif key != "metadata":
            inner = getattr(cls, "_inner_class_types", {}).get(key)
            problems += undeclared(item, inner, f"{path}.{key}")
    return problems


def test_the_story_covers_every_object_type(events: list[dict[str, Any]]) -> None:
    kinds = {event["data"]["object"]["object"] for event in events}
    assert kinds == set(OBJECT_OF_EVENT.values())


def test_every_field_is_declared_by_the_sdk_class(events: list[dict[str, Any]]) -> None:
    problems = []
    for event in events:
        problems += undeclared(event, stripe.Event, event["type"])
        obj = event["data"]["object"]
        previous = event["data"].get("previous_attributes", {})
        problems += undeclared(previous, object_class(obj["object"]), f"{event['type']}.previous")
    assert problems == []


def test_data_object_matches_the_event_type(events: list[dict[str, Any]]) -> None:
    for event in events:
        prefix = max((p for p in OBJECT_OF_EVENT if event["type"].startswith(p + ".")), key=len)
        assert event["data"]["object"]["object"] == OBJECT_OF_EVENT[prefix], event["type"]


def test_events_are_json_and_the_sdk_constructs_them(events: list[dict[str, Any]]) -> None:
    for event in events:
        assert json.loads(json.dumps(event)) == event
        constructed = stripe.Event.construct_from(event, "sk_test")
        assert constructed.id == event["id"]
        assert constructed.data.object.object == event["data"]["object"]["object"]
        assert set(event) == {
            "id", "object", "api_version", "created", "data", "livemode",
            "pending_webhooks", "request", "type",
        }  # fmt: skip
        assert event["api_version"] == "2026-10-28.endive"
        assert event["livemode"] is False
        assert set(event["request"]) == {"id", "idempotency_key"}
        assert ("previous_attributes" in event["data"]) == event["type"].endswith(".updated")


def test_ids_are_unique_and_deterministic() -> None:
    first, second = story(StripeWorld()), story(StripeWorld())
    assert first == second
    event_ids = [event["id"] for event in first]
    assert len(set(event_ids)) == len(event_ids)
    assert all(len(ident) == len("evt_") + 24 for ident in event_ids)
    other = story(StripeWorld(account_id="acct_other"))
    assert {e["id"] for e in other}.isdisjoint(event_ids)


def test_a_pledge_follows_stripes_typical_order(events: list[dict[str, Any]]) -> None:
    assert [event["type"] for event in events[:11]] == PLEDGE_TYPES
    assert {event["created"] for event in events[:11]} == {int(T0.timestamp())}
    session = events[10]["data"]["object"]
    invoice = events[7]["data"]["object"]
    subscription = events[9]["data"]["object"]
    assert session["mode"] == "subscription"
    assert session["payment_status"] == "paid"
    assert session["payment_intent"] is None
    assert session["subscription"] == subscription["id"]
    assert session["invoice"] == invoice["id"]
    assert session["payment_link"].startswith("plink_")
    assert session["customer_details"]["email"] == ANN.email
    assert session["metadata"] == {"campaign": "camp-1", "ward": "north"}
    assert events[9]["data"]["previous_attributes"] == {"status": "incomplete"}
    assert subscription["status"] == "active"


def test_invoices_link_through_parent_not_top_level_fields(events: list[dict[str, Any]]) -> None:
    invoices = [event["data"]["object"] for event in events if event["type"].startswith("invoice.")]
    subscription = of_type(events, "customer.subscription.created")[0]
    for invoice in invoices:
        assert not {"payment_intent", "charge", "subscription", "paid", "payments"} & set(invoice)
        assert invoice["parent"]["type"] == "subscription_details"
        details = invoice["parent"]["subscription_details"]
        assert details == {
            "metadata": {"campaign": "camp-1", "ward": "north"},
            "subscription": subscription["id"],
        }
        assert invoice["customer_email"] == ANN.email
        assert invoice["customer_name"] == ANN.name
        assert invoice["lines"]["object"] == "list"
        assert len(invoice["lines"]["data"]) == 1
    assert subscription["metadata"] == {"campaign": "camp-1", "ward": "north"}
    first = of_type(events, "invoice.paid")[0]
    assert first["billing_reason"] == "subscription_create"
    assert first["status_transitions"]["paid_at"] is not None
    assert (first["amount_paid"], first["amount_due"], first["currency"]) == (1000, 1000, "gbp")


def test_invoice_payment_points_at_the_payment_intent(events: list[dict[str, Any]]) -> None:
    paid = of_type(events, "invoice_payment.paid")
    intents = {pi["id"]: pi for pi in of_type(events, "payment_intent.succeeded")}
    invoices = {invoice["id"] for invoice in of_type(events, "invoice.paid")}
    assert len(paid) == 3
    for payment in paid:
        assert payment["payment"]["type"] == "payment_intent"
        assert payment["payment"]["payment_intent"] in intents
        assert payment["invoice"] in invoices
        assert payment["status"] == "paid"
        assert payment["amount_paid"] == 1000
        assert intents[payment["payment"]["payment_intent"]]["metadata"] == {}


def test_a_one_off_gift_carries_metadata_on_the_payment_intent(
    events: list[dict[str, Any]],
) -> None:
    world = StripeWorld()
    gift = world.give_once(T0, BOB, "camp-2", "east", 2500)
    assert [event["type"] for event in gift] == [
        "payment_intent.created",
        "charge.succeeded",
        "payment_intent.succeeded",
        "checkout.session.completed",
    ]
    intent = gift[2]["data"]["object"]
    session = gift[3]["data"]["object"]
    assert intent["metadata"] == {"campaign": "camp-2", "ward": "east"}
    assert intent["status"] == "succeeded"
    assert intent["latest_charge"] == gift[1]["data"]["object"]["id"]
    assert session["mode"] == "payment"
    assert session["payment_intent"] == intent["id"] == world.payment_intent_of("d2", 1)
    assert session["subscription"] is None
    assert (session["amount_total"], session["currency"]) == (2500, "gbp")
    assert session["customer_details"]["name"] == BOB.name
    assert session["metadata"] == {"campaign": "camp-2", "ward": "east"}


def test_renewal_rolls_the_period_on_the_items(events: list[dict[str, Any]]) -> None:
    world = StripeWorld()
    world.pledge(T0, ANN, "camp-1", "north", 1000)
    renewal = world.renew(datetime(2026, 2, 28, 9, tzinfo=UTC), "d1")
    assert [event["type"] for event in renewal] == [
        "invoice.created",
        "invoice.finalized",
        "charge.succeeded",
        "payment_intent.succeeded",
        "invoice_payment.paid",
        "invoice.paid",
        "invoice.payment_succeeded",
        "customer.subscription.updated",
    ]
    draft = renewal[0]["data"]["object"]
    assert (draft["status"], draft["billing_reason"]) == ("draft", "subscription_cycle")
    updated = renewal[-1]["data"]
    item = updated["object"]["items"]["data"][0]
    before = updated["previous_attributes"]["items"]["data"][0]
    assert before["current_period_end"] == item["current_period_start"]
    assert item["current_period_start"] == int(datetime(2026, 2, 28, 9, tzinfo=UTC).timestamp())
    assert item["current_period_end"] == int(datetime(2026, 3, 31, 9, tzinfo=UTC).timestamp())
    assert updated["previous_attributes"]["latest_invoice"] != updated["object"]["latest_invoice"]
    assert "current_period_start" not in updated["object"]
    assert world.payment_intent_of("d1", 2) == renewal[3]["data"]["object"]["id"]


def test_a_failed_renewal_leaves_the_invoice_open_and_the_subscription_past_due() -> None:
    world = StripeWorld()
    world.pledge(T0, ANN, "camp-1", "north", 1000)
    failed = world.renewal_fails(datetime(2026, 2, 28, 9, tzinfo=UTC), "d1")
    assert [event["type"] for event in failed] == [
        "invoice.created",
        "invoice.finalized",
        "charge.failed",
        "payment_intent.payment_failed",
        "invoice.payment_failed",
        "customer.subscription.updated",
    ]
    invoice = failed[4]["data"]["object"]
    assert invoice["status"] == "open"
    assert invoice["attempt_count"] == 1
    assert invoice["next_payment_attempt"] > failed[4]["created"]
    assert failed[5]["data"]["object"]["status"] == "past_due"
    assert failed[5]["data"]["previous_attributes"]["status"] == "active"
    with pytest.raises(ValueError, match="no payment 2"):
        world.payment_intent_of("d1", 2)
    retried = world.renew(datetime(2026, 3, 3, 9, tzinfo=UTC), "d1")
    assert retried[2]["data"]["object"]["invoice"] == invoice["id"]
    assert retried[-1]["data"]["object"]["status"] == "active"
    assert world.payment_intent_of("d1", 2) == failed[3]["data"]["object"]["id"]


def test_cancel_deletes_the_subscription_and_ends_renewals() -> None:
    world = StripeWorld()
    world.pledge(T0, ANN, "camp-1", "north", 1000)
    (deleted,) = world.cancel(T0 + timedelta(days=3), "d1")
    sub = deleted["data"]["object"]
    assert deleted["type"] == "customer.subscription.deleted"
    assert sub["status"] == "canceled"
    assert sub["canceled_at"] == sub["ended_at"] == deleted["created"]
    assert sub["cancellation_details"]["reason"] == "cancellation_requested"
    with pytest.raises(ValueError, match="no live subscription"):
        world.renew(T0 + timedelta(days=30), "d1")
    with pytest.raises(ValueError, match="no live subscription"):
        world.cancel(T0 + timedelta(days=30), "d1")


def test_refunds_track_the_cumulative_amount_refunded() -> None:
    world = StripeWorld()
    world.give_once(T0, BOB, "camp-1", "south", 2500)
    first = world.refund(T0 + timedelta(days=1), "d2", 1, 1000)
    assert [event["type"] for event in first] == ["refund.created", "charge.refunded"]
    refund, charge = first[0]["data"]["object"], first[1]["data"]["object"]
    assert refund["amount"] == 1000
    assert refund["status"] == "succeeded"
    assert refund["reason"] == "requested_by_customer"
    assert refund["charge"] == charge["id"]
    assert refund["payment_intent"] == world.payment_intent_of("d2", 1)
    assert (charge["amount_refunded"], charge["refunded"]) == (1000, False)
    with pytest.raises(ValueError, match="exceeds the 1500 left"):
        world.refund(T0 + timedelta(days=2), "d2", 1, 1501)
    rest = world.refund(T0 + timedelta(days=2), "d2", 1)
    assert rest[0]["data"]["object"]["amount"] == 1500
    assert rest[1]["data"]["object"]["amount_refunded"] == 2500
    assert rest[1]["data"]["object"]["refunded"] is True
    with pytest.raises(ValueError, match="already fully refunded"):
        world.refund(T0 + timedelta(days=3), "d2", 1, 1)


def test_disputes_withdraw_the_unrefunded_amount_and_a_fee() -> None:
    world = StripeWorld()
    world.give_once(T0, BOB, "camp-1", "south", 2500)
    world.refund(T0 + timedelta(days=1), "d2", 1, 500)
    opened = world.dispute_opened(T0 + timedelta(days=5), "d2", 1)
    assert [event["type"] for event in opened] == [
        "charge.dispute.created",
        "charge.dispute.funds_withdrawn",
    ]
    dispute = opened[0]["data"]["object"]
    assert (dispute["amount"], dispute["status"], dispute["reason"]) == (
        2000,
        "needs_response",
        "fraudulent",
    )
    assert dispute["payment_intent"] == world.payment_intent_of("d2", 1)
    (withdrawal,) = dispute["balance_transactions"]
    assert (withdrawal["amount"], withdrawal["fee"], withdrawal["net"]) == (-2000, 2000, -4000)
    assert withdrawal["fee_details"][0]["description"] == "Dispute fee"
    with pytest.raises(ValueError, match="disputed"):
        world.refund(T0 + timedelta(days=6), "d2", 1)
    won = world.dispute_closed(T0 + timedelta(days=40), "d2", 1, "won")
    assert [event["type"] for event in won] == [
        "charge.dispute.closed",
        "charge.dispute.funds_reinstated",
    ]
    assert won[0]["data"]["object"]["status"] == "won"
    assert [bt["amount"] for bt in won[1]["data"]["object"]["balance_transactions"]] == [
        -2000,
        2000,
    ]
    with pytest.raises(ValueError, match="already closed"):
        world.dispute_closed(T0 + timedelta(days=41), "d2", 1, "lost")


def test_a_lost_dispute_sends_only_the_closure() -> None:
    world = StripeWorld()
    world.give_once(T0, BOB, "camp-1", "south", 2500)
    world.dispute_opened(T0 + timedelta(days=5), "d2", 1)
    (closed,) = world.dispute_closed(T0 + timedelta(days=40), "d2", 1, "lost")
    assert closed["type"] == "charge.dispute.closed"
    assert closed["data"]["object"]["status"] == "lost"


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda w: w.renew(T0, "nobody"), "unknown donor"),
        (lambda w: w.refund(T0, "nobody", 1), "unknown donor"),
        (lambda w: w.renew(T0, "d2"), "no live subscription"),
        (lambda w: w.cancel(T0, "d2"), "no live subscription"),
        (lambda w: w.refund(T0, "d2", 2), "no payment 2"),
        (lambda w: w.refund(T0, "d2", 0), "no payment 0"),
        (lambda w: w.refund(T0, "d2", 1, 0), "positive"),
        (lambda w: w.dispute_opened(T0, "d2", 3), "no payment 3"),
        (lambda w: w.dispute_closed(T0, "d2", 1, "won"), "no dispute"),
        (lambda w: w.payment_intent_of("d2", 9), "no payment 9"),
        (lambda w: w.pledge(T0, ANN, "c", "w", 1000), "already has a live subscription"),
        (lambda w: w.give_once(T0, Donor("d2", "x@example.org", "X"), "c", "w", 500), "first seen"),
        (lambda w: w.give_once(T0, BOB, "c", "w", 10), "minimum"),
        (lambda w: w.give_once(datetime(2026, 1, 1), BOB, "c", "w", 500), "timezone-aware"),
    ],
)
def test_impossible_requests_raise_value_error(action: Any, message: str) -> None:
    world = StripeWorld()
    world.pledge(T0, ANN, "camp-1", "north", 1000)
    world.give_once(T0, BOB, "camp-1", "south", 2500)
    with pytest.raises(ValueError, match=message):
        action(world)


def test_timestamps_derive_from_at_in_any_timezone() -> None:
    london_summer = timezone(timedelta(hours=1))
    at = datetime(2026, 7, 1, 10, 0, tzinfo=london_summer)
    gift = StripeWorld().give_once(at, BOB, "camp-1", "south", 2500)
    assert gift[0]["created"] == int(at.timestamp())
    assert gift[0]["data"]["object"]["created"] == int(at.timestamp())


# Times an object carries that are not "when this happened" but a promise about later.
FUTURE_TIMES = {
    "expires_at", "due_by", "next_payment_attempt", "automatically_finalizes_at",
    "current_period_end", "available_on",
}  # fmt: skip


def _times(obj: Any, name: str = "") -> list[tuple[str, int]]:
    """Every `created`/`*_at` number in an object, nested, except the promised ones."""
    if isinstance(obj, dict):
        return [pair for key, value in obj.items() for pair in _times(value, key)]
    if isinstance(obj, list):
        return [pair for value in obj for pair in _times(value, name)]
    dated = name == "created" or name.endswith("_at")
    if dated and isinstance(obj, int) and name not in FUTURE_TIMES:
        return [(name, obj)]
    return []


@pytest.mark.parametrize(
    "step",
    [
        lambda w, at: w.give_once(at, BOB, "camp-1", "south", 2500),
        lambda w, at: w.renew(at, "d1"),
        lambda w, at: w.renewal_fails(at, "d1"),
        lambda w, at: w.cancel(at, "d1"),
        lambda w, at: w.refund(at, "d1", 1, 100),
        lambda w, at: w.dispute_opened(at, "d1", 1),
    ],
)
def test_every_time_a_step_makes_is_its_at(step: Any) -> None:
    # Given a pledge, then a step a month later (FORMAT.md "Time": created is the step's at)
    world = StripeWorld()
    world.pledge(T0, ANN, "camp-1", "north", 1000)
    at = datetime(2026, 3, 2, 23, 59, 57, tzinfo=UTC)
    # When the step happens
    events = step(world, at)
    # Then each event, and each dated thing new in its objects, is exactly `at`
    assert {event["created"] for event in events} == {int(at.timestamp())}
    made = {value for event in events for _, value in _times(event["data"]["object"])}
    assert made <= {int(T0.timestamp()), int(at.timestamp())}
    assert int(at.timestamp()) in made


def test_a_pledges_objects_are_all_dated_at_its_at() -> None:
    events = StripeWorld().pledge(T0, ANN, "camp-1", "north", 1000)
    times = {pair for event in events for pair in _times(event["data"]["object"])}
    assert {value for _, value in times} == {int(T0.timestamp())}
