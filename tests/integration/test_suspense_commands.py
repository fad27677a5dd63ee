"""Issue 14, section 2, on the embedded stack: `wardfund suspense list|assign|refund`.

A payment for a campaign not in the agreement is kept in suspense; `assign` gives it to its
campaign in one balanced, audited transaction (a first monthly payment is matched), closes
its suspense item, and refuses a second time; a later refund takes back from the campaign;
`refund` asks the Stripe stand-in for the refund and the ledger follows Stripe's event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.integration.operations import (
    RUNNER,
    deliver,
    donor,
    figures,
    ok,
    register,
    said,
    table,
    wardfund,
)
from wardfund.adapters.dynamodb.ledger_report import DynamoLedgerReport
from wardfund.adapters.dynamodb.suspense_items import suspense_items
from wardfund.cli.main import app
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.standin.refunds import WorldRefunds
from wardfund.local.stripe.world import StripeWorld

AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)


def payment_of(events: list[dict[str, object]]) -> str:
    for event in events:
        data = event["data"]
        assert isinstance(data, dict)
        found = data["object"]
        if event["type"] == "invoice_payment.paid":
            return str(found["payment"]["payment_intent"])
        if event["type"] == "checkout.session.completed" and found.get("payment_intent"):
            return str(found["payment_intent"])
    raise AssertionError("no counting event")


def suspense_held(stack: LocalStack) -> int:
    return DynamoLedgerReport(table(stack)).suspense().get("gbp", 0)


def test_a_first_monthly_payment_assigned_from_suspense_is_split_matched_and_audited(
    stack: LocalStack,
) -> None:
    # Given a campaign whose launch event was held, and a £10 monthly pledge whose Payment
    # Link names a campaign that is not in the agreement
    register(stack, "leeds-central")
    world = StripeWorld()
    events = world.pledge(AT, donor("d1"), "leeds-centrl", "Headingley", 1000)
    payment_id = payment_of(events)
    deliver(stack, events)
    assert suspense_held(stack) == 1000
    listed = said(ok("suspense", "list"))
    assert payment_id in listed
    assert "£10.00" in listed
    assert "leeds-centrl" in listed

    # When national finance assigns it to the campaign it was meant for
    result = ok("suspense", "assign", payment_id, "leeds-central", "--by", "A. Jones")

    # Then it is split and, as an eligible first monthly payment, matched
    assert "campaign share £8.00" in said(result)
    assert "match £10.00" in said(result)
    got = figures(stack, "leeds-central")
    assert (got.raised, got.local_share, got.national_share, got.match) == (1000, 800, 200, 1000)
    assert suspense_held(stack) == 0
    check = DynamoLedgerReport(table(stack)).check()
    assert check.balanced, (check.unbalanced, check.differences)
    # And its suspense item is closed (the national summary and alert stop listing it)
    (item,) = list(suspense_items(table(stack)))
    assert not item.open
    assert "nothing is in suspense" in said(ok("suspense", "list"))
    # And the campaign's audit trail says who did it
    trail = said(ok("campaign", "show", "leeds-central"))
    assert "assigned from suspense by A. Jones" in trail
    # And the donor, not thanked while the payment was in suspense, is thanked once now
    stack.drain_notifications()
    thanks = [e for e in stack.sent_emails() if e.kind == "donor_thanks"]
    assert [e.to for e in thanks] == [("d1@donors.example",)]
    assert "Campaign leeds-central" in thanks[0].subject

    # When someone assigns it again
    again = wardfund("suspense", "assign", payment_id, "leeds-central", "--by", "B. Smith")
    # Then it is refused and nothing changes
    assert again.exit_code == 2
    assert "left suspense already" in said(again)
    assert figures(stack, "leeds-central") == got
    stack.drain_notifications()
    assert len([e for e in stack.sent_emails() if e.kind == "donor_thanks"]) == 1

    # When the next payout runs (the assignment is dated when it was made: now)
    run = datetime.now(UTC) + timedelta(minutes=1)
    stack.fire_payout_schedule(run)
    # Then the campaign is paid its share and the match
    assert figures(stack, "leeds-central").paid_out == 1800

    # And a later refund of the payment takes it back from the campaign, not from suspense
    deliver(stack, world.refund(run + timedelta(days=1), "d1", 1))
    after = figures(stack, "leeds-central")
    assert (after.raised, after.local_share, after.match, after.owed) == (0, 0, 0, -1800)
    assert suspense_held(stack) == 0
    assert DynamoLedgerReport(table(stack)).check().balanced


def test_a_refund_from_suspense_goes_through_stripe_and_the_ledger_follows(
    stack: LocalStack,
) -> None:
    register(stack, "leeds-central")
    world = StripeWorld()
    refunds = WorldRefunds(world)
    stack.stripe.routes.append(refunds)
    try:
        events = world.give_once(AT, donor("d2"), "nowhere-north", "Hyde", 2500)
        payment_id = payment_of(events)
        deliver(stack, events)
        assert suspense_held(stack) == 2500

        result = ok("suspense", "refund", payment_id, "--by", "A. Jones")
        assert "re_" in said(result)
        assert "£25.00" in said(result)
        # Stripe's refund events follow; the ledger takes the payment out of suspense
        sent = refunds.take()
        assert [e["type"] for e in sent] == ["refund.created", "charge.refunded"]
        deliver(stack, sent)
        assert suspense_held(stack) == 0
        assert DynamoLedgerReport(table(stack)).check().balanced
        (item,) = list(suspense_items(table(stack)))
        assert not item.open

        # A second refund, or an assignment after it, is refused
        again = wardfund("suspense", "refund", payment_id, "--by", "A. Jones")
        assert again.exit_code == 2
        assert "left suspense already" in said(again)
        late = wardfund("suspense", "assign", payment_id, "leeds-central", "--by", "A. Jones")
        assert late.exit_code == 2
        assert refunds.take() == []
    finally:
        stack.stripe.routes.remove(refunds)


def test_assign_needs_a_name_a_known_campaign_and_pounds(stack: LocalStack) -> None:
    register(stack, "leeds-central")
    world = StripeWorld()
    events = world.give_once(AT, donor("d3"), "nowhere", "Hyde", 1000)
    payment_id = payment_of(events)
    deliver(stack, events)
    euros = world.give_once(AT, donor("d4"), "leeds-central", "Hyde", 1000, currency="eur")
    euro_payment = payment_of(euros)
    deliver(stack, euros)

    nameless = RUNNER.invoke(
        app,
        ["suspense", "assign", payment_id, "leeds-central"],
        env={"COLUMNS": "200", "WARDFUND_ACTOR": ""},
    )
    assert nameless.exit_code == 2
    assert "--by" in said(nameless)
    unknown = wardfund("suspense", "assign", payment_id, "york", "--by", "A. Jones")
    assert unknown.exit_code == 2
    assert "no campaign with id 'york'" in said(unknown)
    foreign = wardfund("suspense", "assign", euro_payment, "leeds-central", "--by", "A. Jones")
    assert foreign.exit_code == 2
    assert "EUR" in said(foreign)
    assert suspense_held(stack) == 1000  # the euro gift is counted apart, in its currency
    assert figures(stack, "leeds-central").raised == 0
