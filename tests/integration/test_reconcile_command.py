"""`wardfund reconcile`: what it fixes, its report, and its bad inputs."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.integration.operations import StripeWorld, donor, figures, ok, register, said, wardfund
from wardfund.local.stack import LocalStack
from wardfund.settings import get_settings

AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)


def test_reconcile_applies_only_what_is_missing_and_says_what(stack: LocalStack) -> None:
    stack.stripe.forget_events()
    campaign = register(stack)
    world = StripeWorld()
    delivered = world.give_once(AT, donor("a"), campaign.campaign_id, "Hyde", 1000)
    for event in delivered:
        assert stack.deliver([event]) == [200]
    stack.drain()
    lost = world.refund(AT.replace(hour=20), "a", 1, 400)
    stack.stripe.add_events(lost)  # Stripe sent it; the webhook never arrived
    assert figures(stack, campaign.campaign_id).raised == 1000
    report = json.loads(ok("reconcile", "--since", "2026-06-03", "--json").stdout)
    assert [(f["type"], f["outcome"]) for f in report["fixed"]] == [("refund.created", "posted")]
    assert report["already_recorded"] == 1
    assert figures(stack, campaign.campaign_id).raised == 600
    # The table for a person names the event
    again = ok("reconcile", "--since", "2026-06-03T00:00", "--until", "2026-06-04T00:00")
    assert "fixed 0, already recorded 2" in said(again)


def test_bad_inputs(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = {
        ("reconcile", "--since", "last week"): "--since must be like",
        ("reconcile", "--since", "2026-06-03", "--until", "2026-06-02"): "is not after --since",
    }
    for args, message in cases.items():
        result = wardfund(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in said(result), (args, said(result))
    # Stripe not answering is an error that says so
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:9")
    get_settings.cache_clear()
    try:
        result = wardfund("reconcile", "--since", "2026-06-03")
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "Stripe's event list failed" in said(result)
