"""The settings a scenario file gives reach the code paths deployment config would: the
national block the notification function's environment, `connect_account` the payout run,
and a donor's defaults the Stripe events (tests/e2e/stories/national-settings.yaml)."""

from __future__ import annotations

from email.utils import parseaddr
from pathlib import Path

import pytest

from wardfund.local.aws.resources import EMAIL_SETTINGS
from wardfund.local.scenario.file import load_scenario
from wardfund.local.scenario.player import ScenarioPlayer
from wardfund.local.stack import LocalStack
from wardfund.settings import get_settings

STORY = Path(__file__).parent / "stories" / "national-settings.yaml"

pytestmark = pytest.mark.e2e


def test_the_files_settings_are_used(stack: LocalStack) -> None:
    # Given the story, on a Stripe account with no history
    scenario = load_scenario(STORY)
    stack.stripe.reset()
    # When it is played
    ScenarioPlayer(scenario, stack).play()
    # Then every email is from the national sender
    emails = stack.sent_emails()
    assert emails
    assert {parseaddr(str(e.mime["From"]))[1] for e in emails} == {"gifts@party.example"}
    # And the campaign was paid by Stripe transfer to its Connect account
    transfers = [(t["destination"], t["amount"]) for t in stack.stripe.transfers()]
    assert transfers == [("acct_1HoveStripe000001", 2200)]
    # And a donor given no email or name pays as <id>@donors.example, named by the id
    sessions = [
        e["data"]["object"] for e in stack.stripe.events() if e["type"].startswith("checkout.")
    ]
    assert {(s["customer_details"]["email"], s["customer_details"]["name"]) for s in sessions} == {
        ("d1@donors.example", "d1"),
        ("ann@donors.example", "ann"),
        ("x1@donors.example", "x1"),
    }


def test_the_local_stacks_own_settings_come_back_with_fresh_resources(stack: LocalStack) -> None:
    # Given a story that set its own national settings
    ScenarioPlayer(load_scenario(STORY), stack).play()
    # When the stack is provisioned again (as for the next story)
    stack.provision()
    # Then the notification function is back on the stack's own addresses
    assert get_settings().national_finance_email == EMAIL_SETTINGS["NATIONAL_FINANCE_EMAIL"]
    assert get_settings().sender_address == EMAIL_SETTINGS["SENDER_ADDRESS"]
