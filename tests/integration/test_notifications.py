"""Emails through the table's stream, the real notifications function and SES on moto:
a failed send is retried without a duplicate and without touching the ledger, treasurers
never see each other's address, the CSV adds up, and dead letters and failed payouts alert.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from wardfund.adapters.dynamodb.table import Table
from wardfund.adapters.ses_mailer import SesMailer
from wardfund.cli.outbox import demo_scenario
from wardfund.local.aws.resources import EMAIL_SETTINGS
from wardfund.local.aws.sent_emails import SentEmail
from wardfund.local.scenario.file import Scenario
from wardfund.local.scenario.player import ScenarioPlayer
from wardfund.local.stack import LocalStack
from wardfund.services.notification_ports import OutgoingEmail

FINANCE = EMAIL_SETTINGS["NATIONAL_FINANCE_EMAIL"]


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def two_treasurer_story(campaign_id: str, *, connect: bool) -> Scenario:
    spec: dict[str, Any] = {
        "id": campaign_id,
        "name": "Leeds Central",
        "treasurer_emails": [f"treasurer@{campaign_id}.example", f"deputy@{campaign_id}.example"],
        "launch_event_on": "2026-06-01",
    }
    if connect:
        spec["connect_account"] = unique("acct_1")
    return Scenario.model_validate(
        {
            "name": "two treasurers",
            "national": {"finance_email": FINANCE},
            "campaigns": [spec],
            "steps": [
                {
                    "at": "2026-06-03T19:30:00+01:00",
                    "pledge": {
                        "donor": "amira",
                        "campaign": campaign_id,
                        "ward": "Headingley",
                        "amount_pence": 1000,
                    },
                },
                {"at": "2026-06-08T06:00:00+01:00", "payout_run": {}},
            ],
        }
    )


def ledger_items(stack: LocalStack) -> list[dict[str, Any]]:
    assert stack.resources is not None
    items = list(Table(stack.resources.table_name).scan())
    return sorted(items, key=lambda item: (item["PK"], item["SK"]))


def addresses(message: EmailMessage) -> list[str]:
    found = getaddresses([str(message.get(h, "")) for h in ("To", "Cc", "Bcc") if message.get(h)])
    return [address for _, address in found if address]


def csv_attachment(message: EmailMessage) -> tuple[str, str]:
    """The bank-statement CSV (a statement also carries its Xero and QuickBooks journals)."""
    (part,) = [
        p
        for p in message.iter_attachments()
        if p.get_content_type() == "text/csv" and not str(p.get_filename()).endswith("journal.csv")
    ]
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes)
    return str(part.get_filename()), data.decode("utf-8")


@pytest.fixture
def deferred_emails(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalStack]:
    """Plays stories with the stream left unread, so a test can act before emails go."""
    real = stack.drain_notifications
    monkeypatch.setattr(stack, "drain_notifications", lambda: 0)
    yield stack
    monkeypatch.setattr(stack, "drain_notifications", real)


# ----------------------------------------------------------------------------- retries
def test_a_failed_send_is_retried_without_a_duplicate_and_without_touching_the_ledger(
    deferred_emails: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack = deferred_emails
    # Given a payout to a campaign with two treasurers, its emails not sent yet
    campaign_id = unique("leeds-")
    ScenarioPlayer(two_treasurer_story(campaign_id, connect=False), stack).play()
    treasurer, deputy = f"treasurer@{campaign_id}.example", f"deputy@{campaign_id}.example"
    before = ledger_items(stack)
    # And SES refusing the first statement to the deputy (after the treasurer's went)
    real_send = SesMailer.send
    calls: list[tuple[str, str]] = []

    def flaky(self: SesMailer, email: OutgoingEmail) -> str:
        calls.append((email.kind, email.to))
        if calls.count(("payout_statement", deputy)) == 1 and email.to == deputy:
            raise ClientError(
                {"Error": {"Code": "Throttling", "Message": "slow down"}}, "SendEmail"
            )
        return real_send(self, email)

    monkeypatch.undo()  # the stream is read again
    monkeypatch.setattr(SesMailer, "send", flaky)
    # When the stream is delivered (the record fails once, and is delivered again)
    stack.drain_notifications()

    # Then each treasurer has exactly one statement; the treasurer's was not sent again
    statements = [e for e in stack.sent_emails() if e.kind == "payout_statement"]
    assert sorted(e.to for e in statements) == [(deputy,), (treasurer,)]
    assert calls.count(("payout_statement", treasurer)) == 1
    assert calls.count(("payout_statement", deputy)) == 2
    assert stack.stream is not None
    assert stack.stream.given_up == 0
    # And the ledger is exactly as the money left it
    assert ledger_items(stack) == before


def test_a_send_that_keeps_failing_is_parked_and_alerted_never_blocking_money(
    deferred_emails: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack = deferred_emails
    campaign_id = unique("leeds-")
    ScenarioPlayer(two_treasurer_story(campaign_id, connect=False), stack).play()
    deputy = f"deputy@{campaign_id}.example"
    real_send = SesMailer.send

    def refuses_deputy(self: SesMailer, email: OutgoingEmail) -> str:
        if email.to == deputy:
            raise ClientError({"Error": {"Code": "MessageRejected", "Message": "no"}}, "SendEmail")
        return real_send(self, email)

    monkeypatch.undo()  # the stream is read again
    monkeypatch.setattr(SesMailer, "send", refuses_deputy)
    # When the stream is delivered: the record fails every retry
    stack.drain_notifications()
    # Then the record went to the on-failure queue, and national finance was alerted
    assert stack.stream is not None
    assert stack.stream.given_up >= 1
    alerts = [e for e in stack.sent_emails() if e.kind == "alert"]
    assert [(a.to, "dead-letter" in a.subject) for a in alerts] == [((FINANCE,), True)]
    assert [e.to for e in stack.sent_emails() if e.kind == "payout_statement"] == [
        (f"treasurer@{campaign_id}.example",)
    ]


# ----------------------------------------------------------------------------- the demo story
@pytest.fixture(scope="module")
def demo_emails(local_stack_session: LocalStack) -> tuple[dict[str, Any], list[SentEmail]]:
    local_stack_session.provision()
    result = ScenarioPlayer(demo_scenario(), local_stack_session).play()
    return result, local_stack_session.sent_emails()


def test_every_email_has_one_recipient_and_no_treasurer_sees_another(
    demo_emails: tuple[dict[str, Any], list[SentEmail]],
) -> None:
    _, emails = demo_emails
    treasurers = {
        address for spec in demo_scenario().campaigns for address in spec.treasurer_emails
    }
    statements = [e for e in emails if e.kind == "payout_statement"]
    assert len({e.to for e in statements}) == len(treasurers)  # the deputy got their own
    for sent in emails:
        # the MIME headers name exactly one recipient, and it is the one SES sent to
        assert addresses(sent.mime) == list(sent.to)
        assert len(sent.to) == 1
        # and no other treasurer's address appears anywhere in the message
        others = treasurers - set(sent.to)
        text = sent.mime.as_string()
        assert not [address for address in others if address in text]


def test_each_statement_csv_parses_and_its_lines_sum_to_the_payout(
    demo_emails: tuple[dict[str, Any], list[SentEmail]],
) -> None:
    result, emails = demo_emails
    statements = [e for e in emails if e.kind == "payout_statement"]
    assert statements
    names = {spec.name: spec.id for spec in demo_scenario().campaigns}
    for sent in statements:
        assert sent.raw
        filename, text = csv_attachment(sent.mime)
        rows = list(csv.DictReader(io.StringIO(text)))
        assert list(rows[0]) == ["Date", "Amount", "Payee", "Description", "Reference"]
        campaign = names[sent.subject.split(":")[0]]
        day = filename.removeprefix(f"{campaign}-payout-").removesuffix(".csv")
        (payout,) = [
            p
            for p in result["payouts"]
            if p["campaign"] == campaign and p["run_at"].startswith(day)
        ]
        total = sum(Decimal(row["Amount"]) for row in rows)
        assert total == Decimal(payout["amount_pence"]) / 100


def test_the_national_summary_names_the_bank_transfers_without_attaching_files(
    demo_emails: tuple[dict[str, Any], list[SentEmail]],
) -> None:
    _, emails = demo_emails
    summaries = [e for e in emails if e.kind == "national_summary"]
    assert len(summaries) == 2  # one per payout run
    for sent in summaries:
        assert sent.to == (FINANCE,)
        # linked, not attached: the bank files hold whole account numbers
        assert not [part for part in sent.mime.walk() if part.get_filename()]
        assert "Bank transfers" in sent.html


# ----------------------------------------------------------------------------- alerts
def test_a_message_in_the_events_dead_letter_queue_alerts_national_finance_once(
    stack: LocalStack,
) -> None:
    assert stack.resources is not None
    boto3.client("sqs").send_message(QueueUrl=stack.resources.events_dlq_url, MessageBody="{}")
    stack.drain_notifications()
    stack.drain_notifications()  # still one message: the alarm does not fire again
    alerts = [e for e in stack.sent_emails() if e.kind == "alert"]
    assert [(a.to, a.subject) for a in alerts] == [
        (
            (FINANCE,),
            f"Alert: messages in the dead-letter queue {stack.resources.prefix}-stripe-events-dlq",
        )
    ]


@pytest.fixture
def stripe_faults_cleared(stack: LocalStack) -> Iterator[LocalStack]:
    yield stack
    with stack.stripe._lock:
        stack.stripe._faults.clear()


def test_a_held_payout_alerts_and_the_daily_retry_sends_the_statements_and_its_summary(
    stripe_faults_cleared: LocalStack,
) -> None:
    stack = stripe_faults_cleared
    campaign_id = unique("leeds-")
    scenario = two_treasurer_story(campaign_id, connect=True)
    player = ScenarioPlayer(scenario, stack)
    # Given Stripe answering 500 to every try of the campaign's three attempts at its transfer
    stack.stripe.fail_next(9, 500)
    player.play()
    stack.drain_notifications()
    kinds = [e.kind for e in stack.sent_emails()]
    assert kinds.count("alert") == 1
    assert "payout_statement" not in kinds
    # When the daily retry of held payouts comes the next morning
    run_at = scenario.steps[-1].at
    stack.fire_held_payouts(run_at + timedelta(days=1))
    stack.drain_notifications()
    # Then both treasurers get their statement, and finance the retry's own summary
    emails = stack.sent_emails()
    assert [e.kind for e in emails].count("payout_statement") == 2
    summaries = [e.subject for e in emails if e.kind == "national_summary"]
    assert len(summaries) == 2
    assert "1 not paid" in summaries[0]
    assert "to 1 campaign" in summaries[1]
    assert "not paid" not in summaries[1]
