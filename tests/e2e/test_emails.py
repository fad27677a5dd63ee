"""The emails each scenario's story sends, counted from the story itself: one thank-you per
donor's first payment, one statement per treasurer per payout, one national summary per
payout run, one alert per payment in suspense."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_scenarios import OWN_STORIES, SHARED_SCENARIOS
from wardfund.local.scenario.file import Scenario, load_scenario
from wardfund.local.scenario.player import ScenarioPlayer

pytestmark = pytest.mark.e2e


def expected_counts(scenario: Scenario, result: dict[str, Any]) -> dict[str, int]:
    known = {campaign.id: campaign for campaign in scenario.campaigns}
    gifts = [s.detail for s in scenario.steps if s.action in ("pledge", "give_once")]
    return {
        "donor_thanks": sum(1 for g in gifts if g.campaign in known and g.currency == "gbp"),
        "payout_statement": sum(
            len(set(known[p["campaign"]].treasurer_emails)) for p in result["payouts"]
        ),
        "national_summary": sum(1 for s in scenario.steps if s.action == "payout_run"),
        "alert": sum(1 for g in gifts if g.campaign not in known or g.currency != "gbp"),
    }


@pytest.mark.parametrize("path", SHARED_SCENARIOS + OWN_STORIES, ids=lambda p: p.stem)
def test_each_story_sends_the_emails_it_should(stack: Any, path: Path) -> None:
    # Given a scenario played through the local stack
    scenario = load_scenario(path)
    stack.provision()
    result = ScenarioPlayer(scenario, stack).play()
    # Then the emails are those the story calls for, listed as FORMAT.md says
    counts = result["email_counts"]
    assert {kind: counts[kind] for kind in expected_counts(scenario, result)} == expected_counts(
        scenario, result
    )
    renewals_failed = sum(1 for s in scenario.steps if s.action == "renewal_fails")
    assert counts["payment_failed"] <= renewals_failed
    assert len(result["emails"]) == sum(counts.values())
    for email in result["emails"]:
        assert set(email) == {"to", "kind", "subject"}
        assert "," not in email["to"]  # one recipient per email
    # And every statement names its campaign in the subject
    names = {campaign.id: campaign.name for campaign in scenario.campaigns}
    statements = [e for e in result["emails"] if e["kind"] == "payout_statement"]
    assert all(any(e["subject"].startswith(n) for n in names.values()) for e in statements)
