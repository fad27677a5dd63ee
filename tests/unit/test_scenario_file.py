"""The scenario file read strictly (FORMAT.md "Shape"), its stories checked before they are
played, and its output compared and ordered as FORMAT.md "Output" says."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
from pydantic import ValidationError

from wardfund.local.aws.sent_emails import SentEmail
from wardfund.local.scenario.check import differences
from wardfund.local.scenario.file import Scenario
from wardfund.local.scenario.result import StepEmail, email_rows

AT = "2026-06-02T19:00:00+01:00"


def scenario(*steps: dict[str, Any], **extra: Any) -> Scenario:
    campaign = {"id": "leeds", "name": "Leeds", **extra.pop("campaign", {})}
    return Scenario.model_validate(
        {"name": "s", "campaigns": [campaign], "steps": list(steps), **extra}
    )


def step(action: str, **detail: Any) -> dict[str, Any]:
    return {"at": detail.pop("at", AT), action: detail}


def pledge(donor: str = "d1") -> dict[str, Any]:
    return step("pledge", donor=donor, campaign="leeds", ward="W", amount_pence=1000)


def test_defaults_are_those_format_md_shows() -> None:
    read = scenario(pledge())
    assert read.national.finance_email == "finance@national.example"
    assert read.national.sender == "wardfund@national.example"
    assert read.national.payment_failed_emails is False
    assert read.campaigns[0].treasurer_emails == []


def test_connect_account_is_formats_name_for_the_campaigns_account() -> None:
    read = scenario(pledge(), campaign={"connect_account": "acct_1Leeds"})
    assert read.campaigns[0].connect_account_id == "acct_1Leeds"
    with pytest.raises(ValidationError, match="connect_account_id"):
        scenario(pledge(), campaign={"connect_account_id": "acct_1Leeds"})


def test_a_new_pledge_after_a_cancel_can_be_renewed() -> None:
    later = "2026-07-02T19:00:00+01:00"
    scenario(pledge(), step("cancel", donor="d1"), pledge(), step("renew", donor="d1", at=later))


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([step("renew", donor="d1")], "step 1 .renew.*who has no monthly pledge"),
        ([pledge(), pledge()], "step 2 .pledge.*already has a live monthly pledge"),
    ],
)
def test_a_pledge_action_needs_a_live_pledge(steps: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        scenario(*steps)


def test_every_problem_of_a_file_is_named_at_once() -> None:
    launch = step("launch_event", campaign="leeds", held_on="2026-06-03")
    with pytest.raises(ValidationError) as raised:
        scenario(launch, launch, expect={"payout": [], "emails": [{"too": "x"}]})
    text = str(raised.value)
    assert "step 2 (launch_event" in text
    assert "expect.payout:" in text
    assert "expect.emails[1].too:" in text


def test_expect_names_only_campaigns_of_the_file() -> None:
    with pytest.raises(ValidationError, match=r"expect\.campaigns\.york: not a campaign"):
        scenario(pledge(), expect={"campaigns": {"york": {"raised_pence": 0}}})


def test_a_row_is_compared_on_the_keys_it_names() -> None:
    actual = {"emails": [{"to": "a@x.example", "kind": "alert", "subject": "Alert: x"}]}
    assert differences({"emails": [{"to": "a@x.example", "kind": "alert"}]}, actual) == []
    assert differences({"emails": [{"to": "b@x.example", "kind": "alert"}]}, actual)
    assert differences({"emails": []}, actual)


def sent(to: str, kind: str) -> SentEmail:
    return SentEmail("id", (to,), kind, f"{kind} to {to}", "", EmailMessage(), raw=True)


def test_emails_are_listed_by_step_then_kind_then_address() -> None:
    emails = [
        StepEmail(2, sent("b@x.example", "payout_statement")),
        StepEmail(2, sent("a@x.example", "payout_statement")),
        StepEmail(2, sent("f@x.example", "national_summary")),
        StepEmail(1, sent("z@x.example", "donor_thanks")),
    ]
    assert [(row["kind"], row["to"]) for row in email_rows(emails)] == [
        ("donor_thanks", "z@x.example"),
        ("national_summary", "f@x.example"),
        ("payout_statement", "a@x.example"),
        ("payout_statement", "b@x.example"),
    ]
