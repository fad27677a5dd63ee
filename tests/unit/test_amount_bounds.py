"""Amounts above Stripe's maximum (99,999,999 minor units: £999,999.99) are a clear error on
every input path (issue 13, item 6): CLI money options, campaign files, Stripe events at the
webhook receiver and in the processor (and so in reconciliation)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
import stripe

from wardfund.adapters.stripe_events import MalformedEvent, parse_event, to_fact
from wardfund.adapters.stripe_signatures import StripeWebhookVerifier
from wardfund.cli.campaign_yaml import load_campaigns
from wardfund.cli.common import CommandError, pounds_to_pence
from wardfund.domain.errors import InvalidCampaign
from wardfund.local.stripe.world import Donor, StripeWorld
from wardfund.services.accept_webhook import InvalidPayload

AT = datetime(2026, 6, 3, 18, tzinfo=UTC)
SECRET = "whsec_test_bounds"
TOO_BIG = (100_000_000, 10**40, 1e40, 1e15, -1, 12.5, "1000", True)


@pytest.mark.parametrize(
    "text", ["1" * 41, "1000000000000000", "1000000", "£1,000,000", "999999.999"]
)
def test_cli_money_above_stripes_maximum_is_a_clear_error(text: str) -> None:
    with pytest.raises(CommandError, match=r"match cap must be .*£999,999\.99|match cap must be"):
        pounds_to_pence(text, what="match cap")


def test_cli_money_up_to_stripes_maximum_is_read() -> None:
    assert pounds_to_pence("999999.99") == 99_999_999
    assert pounds_to_pence("£999,999.99") == 99_999_999
    assert pounds_to_pence("2,000") == 200_000


def test_the_error_names_the_limit() -> None:
    with pytest.raises(CommandError) as raised:
        pounds_to_pence("1" * 41, what="--match-cap")
    assert "£999,999.99" in str(raised.value)
    assert "Stripe" in str(raised.value)


@pytest.mark.parametrize("field", ["match_cap_pence", "launch_invoice_cap_pence"])
def test_a_campaign_file_above_the_maximum_names_the_field(field: str) -> None:
    text = f"campaigns:\n- id: leeds\n  name: Leeds\n  {field}: {10**40}\n"
    with pytest.raises(InvalidCampaign, match=field):
        load_campaigns(text, "campaigns.yaml")


def _events(kind: str) -> dict[str, Any]:
    world = StripeWorld()
    donor = Donor("d1", "d1@donors.example", "Donor One")
    events = world.give_once(AT, donor, "leeds", "Hyde", 1000)
    events += world.refund(AT, "d1", 1, 400)
    events += world.dispute_opened(AT, "d1", 1)
    events += StripeWorld().pledge(AT, donor, "leeds", "Hyde", 1000)
    return next(e for e in events if e["type"] == kind)


FIELDS = {
    "checkout.session.completed": "amount_total",
    "refund.created": "amount",
    "invoice_payment.paid": "amount_paid",
    "charge.dispute.created": "amount",
}


def _with(kind: str, amount: object) -> dict[str, Any]:
    event = copy.deepcopy(_events(kind))
    event["data"]["object"][FIELDS[kind]] = amount
    return event


@pytest.mark.parametrize("amount", TOO_BIG)
@pytest.mark.parametrize("kind", sorted(FIELDS))
def test_an_event_amount_out_of_bounds_is_malformed_with_a_clear_message(
    kind: str, amount: object
) -> None:
    body = json.dumps(_with(kind, amount))
    with pytest.raises(
        MalformedEvent, match=rf"{FIELDS[kind]} .*(99,999,999|whole number|negative)"
    ):
        to_fact(parse_event(body))


@pytest.mark.parametrize("kind", sorted(FIELDS))
def test_an_event_amount_at_the_maximum_is_read(kind: str) -> None:
    fact = to_fact(parse_event(json.dumps(_with(kind, 99_999_999))))
    assert getattr(fact, "amount", None) == 99_999_999


@pytest.mark.parametrize("amount", TOO_BIG)
@pytest.mark.parametrize("kind", sorted(FIELDS))
def test_the_receiver_refuses_a_signed_event_out_of_bounds(kind: str, amount: object) -> None:
    payload = json.dumps(_with(kind, amount))
    header = stripe.WebhookSignature.generate_signature_header(payload, SECRET)
    verifier = StripeWebhookVerifier(lambda: SECRET, 300)
    with pytest.raises(InvalidPayload, match=FIELDS[kind]):
        verifier.verify(payload.encode(), header)
    # and one within bounds passes
    fine = json.dumps(_with(kind, 1000))
    fine_header = stripe.WebhookSignature.generate_signature_header(fine, SECRET)
    assert verifier.verify(fine.encode(), fine_header).event_type == kind
