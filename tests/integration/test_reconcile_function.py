"""The scheduled reconciliation function: events Stripe sent but no webhook delivered are
applied when the weekly schedule fires; a second run changes nothing."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.integration.operations import StripeWorld, donor, figures, register
from wardfund.local.lambdas.lambda_context import LocalLambdaContext
from wardfund.local.stack import LocalStack

GIFT_AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)


def run_function(scheduled: datetime) -> dict[str, Any]:
    module = importlib.import_module("functions.reconcile.run")
    result: dict[str, Any] = module.handler(
        {"scheduled_time": scheduled.isoformat()}, LocalLambdaContext("wardfund-reconcile")
    )
    return result


def test_the_weekly_run_applies_what_the_webhooks_missed(stack: LocalStack) -> None:
    stack.stripe.forget_events()
    campaign = register(stack)
    world = StripeWorld()
    # Given a monthly pledge and a one-off gift that Stripe made but never delivered
    missed = world.pledge(GIFT_AT, donor("a"), campaign.campaign_id, "Hyde", 1000)
    missed += world.give_once(GIFT_AT, donor("b"), campaign.campaign_id, "Hyde", 2000)
    stack.stripe.add_events(missed)
    assert figures(stack, campaign.campaign_id).raised == 0
    # When the schedule fires a few days later
    result = run_function(GIFT_AT + timedelta(days=4))
    # Then both gifts are in the ledger, with the match
    assert sorted(f["type"] for f in result["fixed"]) == [
        "checkout.session.completed",
        "invoice.finalized",
        "invoice_payment.paid",
    ]
    after = figures(stack, campaign.campaign_id)
    assert (after.raised, after.local_share, after.match) == (3000, 2400, 1000)
    # And a second run finds nothing more to do
    again = run_function(GIFT_AT + timedelta(days=4))
    assert again["fixed"] == []
    assert again["already_recorded"] == 4
    assert figures(stack, campaign.campaign_id) == after
    # And events older than the look-back are not listed
    assert run_function(GIFT_AT + timedelta(days=9))["examined"] == 0
