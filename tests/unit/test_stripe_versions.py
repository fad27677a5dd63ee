"""Issue 13 item 1, without AWS: which API version wardfund reads, and what it does with an
event in another one (never a quiet `Ignored`)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from stripe._api_version import _ApiVersion

from wardfund.adapters.stripe_event_types import HANDLED_EVENT_TYPES, PINNED_API_VERSION
from wardfund.adapters.stripe_events import (
    OBJECT_SOURCES,
    MalformedEvent,
    UnreadableApiVersion,
    in_pinned_version,
    object_source,
    parse_event,
    to_fact,
)
from wardfund.domain.facts import Ignored, InvoiceSeen
from wardfund.local.stripe.world import Donor, StripeWorld
from wardfund.services.accept_webhook import VerifiedEvent, accept_webhook

AT = datetime(2026, 6, 3, 18, tzinfo=UTC)


def pledge_event(kind: str) -> dict[str, Any]:
    events = StripeWorld().pledge(AT, Donor("d1", "d1@x.example", "D One"), "leeds", "H", 1000)
    return copy.deepcopy(next(e for e in events if e["type"] == kind))


def test_the_pinned_version_is_the_one_stripe_python_was_generated_for() -> None:
    # an upgrade of stripe-python that moves the version fails here until the shapes in
    # adapters/stripe_events.py are checked against the new one
    assert PINNED_API_VERSION == _ApiVersion.CURRENT


def test_every_handled_type_has_an_object_to_fetch_by_id() -> None:
    for kind in HANDLED_EVENT_TYPES:
        assert object_source(kind) in OBJECT_SOURCES


def test_an_invoice_in_the_2024_shape_is_refused_not_ignored() -> None:
    event = pledge_event("invoice.paid")
    found = event["data"]["object"]
    found["subscription"] = found.pop("parent")["subscription_details"]["subscription"]
    event["api_version"] = "2024-06-20"
    with pytest.raises(UnreadableApiVersion) as raised:
        to_fact(parse_event(json.dumps(event)))
    message = str(raised.value)
    assert "2024-06-20" in message
    assert PINNED_API_VERSION in message
    assert "wardfund reconcile --since 2026-06-03" in message
    assert isinstance(raised.value, MalformedEvent)  # permanent: set aside, not retried


def test_an_event_without_a_version_is_refused_too() -> None:
    event = pledge_event("invoice.paid")
    del event["api_version"]
    with pytest.raises(UnreadableApiVersion, match=r"\(none given\)"):
        to_fact(parse_event(json.dumps(event)))


def test_a_type_wardfund_does_not_use_is_ignored_in_any_version() -> None:
    event = pledge_event("customer.created")
    event["api_version"] = "2019-02-19"
    assert to_fact(parse_event(json.dumps(event))) == Ignored(
        "customer.created", "event type not used by wardfund"
    )


def test_the_object_fetched_in_the_pinned_version_is_read_instead() -> None:
    pinned = pledge_event("invoice.paid")
    old = copy.deepcopy(pinned)
    old["api_version"] = "2024-06-20"
    old["data"]["object"].pop("parent")
    event = in_pinned_version(parse_event(json.dumps(old)), pinned["data"]["object"])
    fact = to_fact(event)
    assert isinstance(fact, InvoiceSeen)
    assert fact.campaign_id == "leeds"
    # and another object than the event's is never taken for it
    other = dict(pinned["data"]["object"], id="in_other")
    with pytest.raises(MalformedEvent, match="another object"):
        in_pinned_version(parse_event(json.dumps(old)), other)


def test_only_unexpected_ignores_are_marked_for_an_alert() -> None:
    odd = pledge_event("invoice.paid")
    odd["data"]["object"]["parent"] = None
    fact = to_fact(parse_event(json.dumps(odd)))
    assert isinstance(fact, Ignored)
    assert (fact.unexpected, fact.object_id) == (True, odd["data"]["object"]["id"])
    refund = next(
        e
        for e in StripeWorld().give_once(AT, Donor("d", None, None), "leeds", "H", 500)
        if e["type"] == "checkout.session.completed"
    )
    refund = copy.deepcopy(refund)
    refund["data"]["object"]["payment_status"] = "unpaid"  # an async payment, still to come
    waiting = to_fact(parse_event(json.dumps(refund)))
    assert isinstance(waiting, Ignored)
    assert not waiting.unexpected


class _Verifier:
    def __init__(self, version: str | None) -> None:
        self.version = version

    def verify(self, raw_body: bytes, signature: str | None) -> VerifiedEvent:
        return VerifiedEvent("evt_1", "invoice.paid", self.version)


class _Queue:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, body: str, event_id: str, event_type: str) -> None:
        self.sent.append(event_id)


def test_the_webhook_use_case_refuses_another_version_and_queues_nothing() -> None:
    queue = _Queue()
    reply = accept_webhook(b"{}", "sig", _Verifier("2024-06-20"), queue)
    assert (reply.status, reply.version_refused, queue.sent) == (400, True, [])
    assert PINNED_API_VERSION in reply.message
    reply = accept_webhook(b"{}", "sig", _Verifier(PINNED_API_VERSION), queue)
    assert (reply.status, reply.queued, queue.sent) == (200, True, ["evt_1"])
