"""A scenario file that is itself wrong (FORMAT.md "Output"): `wardfund simulate` exits 2
with a message naming the step or key, and no traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.e2e.test_scenarios import run_cli

pytestmark = pytest.mark.e2e

LEEDS = {
    "id": "leeds",
    "name": "Leeds",
    "treasurer_emails": ["t@leeds.example"],
    "launch_event_on": None,
    "election_on": "2026-07-02",
}


def gift(at: str, action: str, donor: str, amount: int = 1000) -> dict[str, Any]:
    detail = {"donor": donor, "campaign": "leeds", "ward": "W", "amount_pence": amount}
    return {"at": at, action: detail}


def story(*steps: dict[str, Any], campaign: dict[str, Any] = LEEDS) -> dict[str, Any]:
    return {
        "name": "wrong",
        "campaigns": [campaign],
        "steps": list(steps),
        "expect": {"ledger_balanced": True},
    }


PLEDGE = gift("2026-06-02T19:00:00+01:00", "pledge", "d1")
CANCEL = {"at": "2026-06-03T10:00:00+01:00", "cancel": {"donor": "d1"}}
DISPUTE = {"at": "2026-06-04T10:00:00+01:00", "dispute_opened": {"donor": "d1", "payment": 1}}
HELD = {"campaign": "leeds", "held_on": "2026-06-05"}
LAUNCH = {"at": "2026-06-05T10:00:00+01:00", "launch_event": HELD}
LATER = "2026-06-06T10:00:00+01:00"

WRONG = {
    "launch-event-when-one-is-set": (
        story(LAUNCH, campaign={**LEEDS, "launch_event_on": "2026-06-01"}),
        ["step 1 (launch_event", "second launch event for leeds", "launch_event_on 2026-06-01"],
    ),
    "second-launch-event-step": (
        story(LAUNCH, {**LAUNCH, "at": LATER}),
        ["step 2 (launch_event", "second launch event for leeds", "the first: step 1"],
    ),
    "launch-event-after-polling-day": (
        story({**LAUNCH, "launch_event": {"campaign": "leeds", "held_on": "2026-07-03"}}),
        ["step 1 (launch_event", "held on 2026-07-03, after polling day 2026-07-02"],
    ),
    "launch-event-on-after-polling-day": (
        story(PLEDGE, campaign={**LEEDS, "launch_event_on": "2026-07-03"}),
        ["campaigns.0", "launch_event_on 2026-07-03 is after polling day 2026-07-02"],
    ),
    "second-dispute": (
        story(PLEDGE, DISPUTE, {**DISPUTE, "at": LATER}),
        ["step 3 (dispute_opened", "already disputed at step 2"],
    ),
    "renew-after-cancel": (
        story(PLEDGE, CANCEL, {"at": LATER, "renew": {"donor": "d1"}}),
        ["step 3 (renew", "already cancelled at step 2"],
    ),
    "renewal-fails-after-cancel": (
        story(PLEDGE, CANCEL, {"at": LATER, "renewal_fails": {"donor": "d1"}}),
        ["step 3 (renewal_fails", "already cancelled at step 2"],
    ),
    "cancel-after-cancel": (
        story(PLEDGE, CANCEL, {**CANCEL, "at": LATER}),
        ["step 3 (cancel", "already cancelled at step 2"],
    ),
    "unknown-expect-key": (
        {**story(PLEDGE), "expect": {"payout": []}},
        ["expect.payout: not a key of the output"],
    ),
    "unknown-figure-key": (
        {**story(PLEDGE), "expect": {"campaigns": {"leeds": {"raised": 1000}}}},
        ["expect.campaigns.leeds.raised: not a key of the output"],
    ),
    "unknown-payout-row-key": (
        {**story(PLEDGE), "expect": {"payouts": [{"campaign": "leeds", "amount": 800}]}},
        ["expect.payouts[1].amount: not a key of the output"],
    ),
    "unknown-email-row-key": (
        {**story(PLEDGE), "expect": {"emails": [{"to": "d1@donors.example", "type": "x"}]}},
        ["expect.emails[1].type: not a key of the output"],
    ),
    "unknown-national-key": (
        {**story(PLEDGE), "national": {"finance": "f@x.example"}},
        ["national.finance"],
    ),
    # found while playing: Stripe's side refuses it (the stack starts, then stops)
    "refund-of-more-than-is-left": (
        story(PLEDGE, {"at": LATER, "refund": {"donor": "d1", "payment": 1, "amount_pence": 1001}}),
        ["step 2 (refund", "refund of 1001 exceeds the 1000 left"],
    ),
}


@pytest.mark.parametrize(("content", "named"), WRONG.values(), ids=WRONG.keys())
def test_a_wrong_file_is_exit_2_naming_where(
    tmp_path: Path, content: dict[str, Any], named: list[str]
) -> None:
    # Given a scenario file that is wrong in one place
    path = tmp_path / "wrong.yaml"
    path.write_text(yaml.safe_dump(content, sort_keys=False))
    # When it is checked
    done = run_cli("simulate", str(path), "--check")
    # Then it exits 2, names the place, prints no traceback and no figures
    assert done.returncode == 2, done.stderr
    message = " ".join(done.stderr.split())
    for words in named:
        assert words in message
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
