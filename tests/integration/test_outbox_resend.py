"""`wardfund outbox resend`: after an SES outage longer than the stream's retries, the
emails the stream gave up are sent from the table, each once, and a second resend sends
nothing; emails the notifications function did send are not sent again."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.operations import ok, said, unique, wardfund
from wardfund.adapters.ses_mailer import SesMailer
from wardfund.local.aws.resources import EMAIL_SETTINGS
from wardfund.local.scenario.file import Scenario
from wardfund.local.scenario.player import ScenarioPlayer
from wardfund.local.stack import LocalStack
from wardfund.services.notification_ports import OutgoingEmail

FINANCE = EMAIL_SETTINGS["NATIONAL_FINANCE_EMAIL"]


def story(name: str, campaigns: list[dict[str, Any]], steps: list[dict[str, Any]]) -> Scenario:
    national = {"finance_email": FINANCE}
    return Scenario.model_validate(
        {"name": name, "national": national, "campaigns": campaigns, "steps": steps}
    )


def pledge(at: str, donor: str, campaign_id: str) -> dict[str, Any]:
    gift = {"donor": donor, "campaign": campaign_id, "ward": "Headingley", "amount_pence": 1000}
    return {"at": at, "pledge": gift}


def ses_down(self: SesMailer, email: OutgoingEmail) -> str:
    raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "down"}}, "SendEmail")


def recipients(stack: LocalStack, kind: str) -> list[str]:
    return sorted(address for e in stack.sent_emails() if e.kind == kind for address in e.to)


def test_resend_sends_each_email_the_stream_gave_up_once(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_stripe, by_bank = unique("leeds"), unique("york")
    treasurers = [f"treasurer@{by_stripe}.example", f"deputy@{by_stripe}.example"]
    campaigns = [
        {
            "id": by_stripe,
            "name": "Leeds Central",
            "treasurer_emails": treasurers,
            "launch_event_on": "2026-06-01",
            "connect_account": unique("acct_1"),
        },
        {
            "id": by_bank,
            "name": "York West",
            "treasurer_emails": [f"treasurer@{by_bank}.example"],
            "launch_event_on": "2026-06-01",
        },
    ]
    # Given a thank-you the notifications function sent (under its Lambda name) before SES failed
    with monkeypatch.context() as lambda_env:
        lambda_env.setenv("AWS_LAMBDA_FUNCTION_NAME", "wardfund-notifications")
        before = story(
            "before", campaigns, [pledge("2026-06-02T19:30:00+01:00", "amira", by_stripe)]
        )
        player = ScenarioPlayer(before, stack)
        player.play()
    assert len(recipients(stack, "donor_thanks")) == 1
    # And then a pledge and a payout run while every send fails, until the stream gives up
    with monkeypatch.context() as outage:
        outage.setattr(SesMailer, "send", ses_down)
        during = story(
            "during",
            [],
            [
                pledge("2026-06-03T19:30:00+01:00", "bo", by_bank),
                {"at": "2026-06-08T06:00:00+01:00", "payout_run": {}},
            ],
        )
        player.scenario = during  # the same Stripe world goes on: ids do not repeat
        player.play()
        stack.drain_notifications()
    assert stack.stream is not None
    assert stack.stream.given_up >= 1
    assert len(stack.sent_emails()) == 1

    # When SES works again and the operator resends those days
    result = ok("outbox", "resend", "--from", "2026-06-01", "--to", "2026-06-08")

    # Then each thank-you, each treasurer's statement and the summary went exactly once
    assert len(set(recipients(stack, "donor_thanks"))) == 2
    assert len(recipients(stack, "donor_thanks")) == 2
    statements = sorted([*treasurers, f"treasurer@{by_bank}.example"])
    assert recipients(stack, "payout_statement") == statements
    assert recipients(stack, "national_summary") == [FINANCE]
    assert "Changes found: 2 payment, 2 payout, 1 run summary" in said(result)
    assert "@" not in result.output  # counts only: no address
    # And a second resend sends nothing new
    sent = len(stack.sent_emails())
    ok("outbox", "resend", "--from", "2026-06-01", "--to", "2026-06-08")
    assert len(stack.sent_emails()) == sent


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-06-31"], "--from must be a date like 2026-06-01, not '2026-06-31'"),
        (["--from", "2026-06-08", "--to", "08/06/2026"], "--to must be a date like"),
        (["--from", "2026-06-08", "--to", "2026-06-01"], "--to (2026-06-01) is before --from"),
    ],
)
def test_a_bad_date_is_refused_with_a_clear_message(
    stack: LocalStack, args: list[str], message: str
) -> None:
    result = wardfund("outbox", "resend", *args)
    assert result.exit_code == 2
    assert f"error: {message}" in said(result)
