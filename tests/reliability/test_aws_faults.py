"""AWS failing under the pipeline, at the API boundary (issue 13, item 11): each fault is an
AWS error returned to our code after botocore's own retries, on the real handlers of the local
stack. After each, nothing is lost, nothing is counted twice and nobody is paid twice:

* SQS SendMessage failing in Receive: a 503 (Stripe sends the event again), nothing queued;
* Secrets Manager failing in Receive (and a signing secret still a placeholder): a 503;
* Secrets Manager failing in the payout run: it stops before recording anything;
* S3 PutObject failing for the bank file after the payouts are recorded: the file (and the
  summary) are still produced, once, when S3 is back;
* the idempotency table unavailable: the payout run stops before recording anything; an
  email waits and is sent once;
* ChangeMessageVisibility failing when an event is postponed: the event comes back anyway;
* a transaction cancelled for a conflict or throttling: tried again after a jittered
  back-off, then given up as StillContended, and counted once when SQS delivers it again.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.ledger_report import DynamoLedgerReport
from wardfund.adapters.dynamodb.records import run_report_from
from wardfund.adapters.dynamodb.table import RUNS_PK, Table
from wardfund.adapters.s3_bank_files import bank_file_key
from wardfund.adapters.stripe_event_types import worth_queueing
from wardfund.domain.bank_files import bank_file_names
from wardfund.domain.calendar import LONDON, utc_key
from wardfund.domain.campaign import Campaign
from wardfund.local.lambdas.runtime import apply_environment
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.world import Donor, StripeWorld
from wardfund.services import ledger_attempts
from wardfund.services.campaigns import register_campaign
from wardfund.services.ledger_attempts import MAX_ATTEMPTS, Backoff

GIFT_AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)
RUN = datetime(2026, 6, 8, 6, 0, tzinfo=LONDON)

Params = dict[str, Any]


@dataclass
class _Rule:
    operation: str
    code: str
    when: Callable[[Params], bool]
    times: int | None  # None: until cleared
    reasons: list[str] | None = None  # TransactionCanceledException's CancellationReasons
    failed: int = 0

    def error(self) -> ClientError:
        self.failed += 1
        response: dict[str, Any] = {
            "Error": {"Code": self.code, "Message": f"injected {self.code}"},
            "ResponseMetadata": {"HTTPStatusCode": 400 if self.reasons else 503},
        }
        if self.reasons is not None:
            response["CancellationReasons"] = [{"Code": code} for code in self.reasons]
        return ClientError(response, self.operation)  # type: ignore[arg-type]


@dataclass
class AwsFaults:
    """AWS calls that fail as if AWS answered with an error (after botocore's retries)."""

    rules: list[_Rule] = field(default_factory=list)

    def fail(
        self,
        operation: str,
        code: str = "ServiceUnavailable",
        *,
        when: Callable[[Params], bool] = lambda params: True,
        times: int | None = None,
        reasons: list[str] | None = None,
    ) -> _Rule:
        rule = _Rule(operation, code, when, times, reasons)
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        self.rules.clear()

    def raised_for(self, operation: str, params: Params) -> ClientError | None:
        for rule in self.rules:
            spent = rule.times is not None and rule.failed >= rule.times
            if rule.operation == operation and not spent and rule.when(params):
                return rule.error()
        return None


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsFaults]:
    faults = AwsFaults()
    real = BaseClient._make_api_call

    def call(self: BaseClient, operation_name: str, api_params: Params) -> Any:
        error = faults.raised_for(operation_name, api_params)
        if error is not None:
            raise error
        return real(self, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", call)
    yield faults
    faults.clear()


# ----------------------------------------------------------------------------- helpers
def _table(stack: LocalStack) -> Table:
    assert stack.resources is not None
    return Table(stack.resources.table_name)


def _campaign(stack: LocalStack, connect: bool = True) -> Campaign:
    cid = f"c-{uuid.uuid4().hex[:8]}"
    campaign = Campaign(
        cid,
        f"Campaign {cid}",
        launch_event_on=date(2026, 6, 1),
        connect_account_id=f"acct_1{uuid.uuid4().hex[:12]}" if connect else None,
        bank_reference=None if connect else f"BANK-{cid}",
    )
    return register_campaign(DynamoCampaignStore(_table(stack)), campaign, by="test")


def _gift_events(campaign: Campaign, pence: int = 2500) -> list[dict[str, Any]]:
    world = StripeWorld(account_id=f"acct_{campaign.campaign_id}")
    donor = Donor(f"d-{uuid.uuid4().hex[:6]}", "d@example.org", "Donor")
    return world.give_once(GIFT_AT, donor, campaign.campaign_id, "Ward", pence)


def _pledge(stack: LocalStack, campaign: Campaign) -> None:
    """A £10 monthly pledge, counted: £18 owed to the campaign (share and match)."""
    world = StripeWorld(account_id=f"acct_{campaign.campaign_id}")
    donor = Donor(f"d-{campaign.campaign_id}", "d@example.org", "Donor")
    assert set(stack.deliver(world.pledge(GIFT_AT, donor, campaign.campaign_id, "W", 1000))) == {
        200
    }
    stack.drain()


def _figures(stack: LocalStack, campaign: Campaign) -> dict[str, int]:
    return DynamoLedgerReport(_table(stack)).figures(campaign.campaign_id).as_dict()


def _transfers_to(stack: LocalStack, campaign: Campaign) -> list[int]:
    return [
        t["amount"]
        for t in stack.stripe.transfers()
        if t["destination"] == campaign.connect_account_id
    ]


def _counted(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events the receiver queues (the others it acknowledges without a queue)."""
    return [e for e in events if worth_queueing(e["type"], e["data"]["object"].get("mode"))]


def _queued(stack: LocalStack) -> int:
    assert stack.worker is not None
    return stack.worker.depth()


def _forget_cached_secrets() -> None:
    """A new Lambda process: no secret or client cached from before."""
    apply_environment({})


def _is_events_queue(stack: LocalStack) -> Callable[[Params], bool]:
    assert stack.resources is not None
    url = stack.resources.events_queue_url
    return lambda params: params.get("QueueUrl") == url


# ----------------------------------------------------------------------------- receive
def test_send_message_failing_in_receive_is_a_503_and_stripe_sending_again_counts_once(
    stack: LocalStack, aws: AwsFaults
) -> None:
    # Given SQS refusing every SendMessage to the events queue
    campaign = _campaign(stack)
    events = _gift_events(campaign)
    counted = _counted(events)
    assert counted
    aws.fail("SendMessage", when=_is_events_queue(stack))
    # When Stripe delivers the gift's events
    statuses = stack.deliver(events)
    # Then each event wardfund counts is answered 503 (Stripe sends it again), nothing queued
    assert [s for s, e in zip(statuses, events, strict=True) if e in counted] == [503] * len(
        counted
    )
    assert _queued(stack) == 0
    assert _figures(stack, campaign)["raised"] == 0
    # And when SQS is back and Stripe retries (twice, as it may), the gift counts once
    aws.clear()
    assert set(stack.deliver(counted)) == {200}
    assert set(stack.deliver(counted)) == {200}
    stack.drain()
    assert _figures(stack, campaign)["raised"] == 2500
    assert stack.dead_letters() == 0


def test_secrets_manager_failing_in_receive_is_a_503_and_nothing_is_lost(
    stack: LocalStack, aws: AwsFaults
) -> None:
    # Given Secrets Manager failing when the receiver reads its signing secret
    campaign = _campaign(stack)
    counted = _counted(_gift_events(campaign))
    _forget_cached_secrets()
    aws.fail("GetSecretValue", "ThrottlingException")
    # When Stripe delivers: a 503, not a 400 (the signature was never checked)
    assert set(stack.deliver(counted)) == {503}
    assert _queued(stack) == 0
    # And once Secrets Manager answers, Stripe's retry counts once
    aws.clear()
    assert set(stack.deliver(counted)) == {200}
    stack.drain()
    assert _figures(stack, campaign)["raised"] == 2500


def test_a_signing_secret_still_holding_the_placeholder_is_a_503_not_a_400(
    stack: LocalStack,
) -> None:
    # Given the webhook secret never filled in after the deploy (CloudFormation's placeholder)
    assert stack.resources is not None
    manager = boto3.client("secretsmanager")
    manager.put_secret_value(
        SecretId=stack.resources.webhook_secret_name, SecretString="q8Zr,v0^placeholder"
    )
    _forget_cached_secrets()
    campaign = _campaign(stack)
    counted = _counted(_gift_events(campaign))
    # When Stripe delivers: wardfund's misconfiguration, so a 503 that names it, not a 400
    payload = json.dumps(counted[0])
    status, body = stack.post(payload.encode(), stack.sign(payload))
    assert status == 503
    assert "webhook signing secret" in body["message"]
    # And once the real secret is put there, Stripe's retry counts once
    manager.put_secret_value(
        SecretId=stack.resources.webhook_secret_name, SecretString=stack.resources.webhook_secret
    )
    _forget_cached_secrets()
    assert set(stack.deliver(counted)) == {200}
    stack.drain()
    assert _figures(stack, campaign)["raised"] == 2500


# ----------------------------------------------------------------------------- payout run
def test_secrets_manager_failing_in_the_payout_run_stops_it_before_anything_is_recorded(
    stack: LocalStack, aws: AwsFaults
) -> None:
    campaign = _campaign(stack)
    _pledge(stack, campaign)
    _forget_cached_secrets()
    aws.fail("GetSecretValue", "InternalServiceError")
    # When the schedule fires while Secrets Manager fails
    with pytest.raises(Exception, match="Secrets Manager did not give the payouts Stripe key"):
        stack.fire_payout_schedule(RUN)
    # Then nothing was recorded, so nothing is held or half done
    assert _figures(stack, campaign)["paid_out"] == 0
    assert _table(stack).get(RUNS_PK, utc_key(RUN)) is None
    assert _transfers_to(stack, campaign) == []
    # And the retry (Scheduler's, or Lambda's) pays once
    aws.clear()
    stack.fire_payout_schedule(RUN)
    stack.fire_payout_schedule(RUN)
    assert _transfers_to(stack, campaign) == [1800]
    assert _figures(stack, campaign)["paid_out"] == 1800


def _bank_file_rows(stack: LocalStack) -> list[str]:
    """The campaigns the run's bank files name: paid in them, or listed as having no
    approved bank details (these campaigns have none), from the summary beside them."""
    import json

    item = _table(stack).get(RUNS_PK, utc_key(RUN))
    assert item is not None
    location = run_report_from(item).bank_file
    assert location is not None
    bucket, _, key = location.removeprefix("s3://").partition("/")
    assert key in (bank_file_key(RUN), bank_file_names(RUN).summary)
    summary_key = bank_file_names(RUN).summary
    body = boto3.client("s3").get_object(Bucket=bucket, Key=summary_key)["Body"].read()
    summary = json.loads(body)
    return [row["campaign_id"] for row in (*summary["payments"], *summary["missing"])]


def test_s3_failing_for_the_bank_file_after_the_payouts_are_recorded_files_them_later(
    stack: LocalStack, aws: AwsFaults
) -> None:
    # Given a campaign paid by bank and one by Stripe, and S3 refusing the run's bank file
    by_bank, by_stripe = _campaign(stack, connect=False), _campaign(stack)
    _pledge(stack, by_bank)
    _pledge(stack, by_stripe)
    aws.fail("PutObject", when=lambda params: str(params.get("Key", "")).startswith("bank-"))
    # When the run pays both (the payouts are recorded), and its bank file cannot be written
    stack.fire_payout_schedule(RUN)
    assert _figures(stack, by_bank)["paid_out"] == 1800
    assert _transfers_to(stack, by_stripe) == [1800]
    item = _table(stack).get(RUNS_PK, utc_key(RUN))
    assert item is None or run_report_from(item).bank_file is None
    # Then once S3 is back, the file is written (the run's last task comes back), once
    aws.clear()
    stack.drain_payouts()
    stack.fire_payout_schedule(RUN)  # and the run invoked again changes nothing
    assert _bank_file_rows(stack) == [by_bank.campaign_id]
    assert _transfers_to(stack, by_stripe) == [1800]
    assert _figures(stack, by_bank)["paid_out"] == 1800
    stack.drain_notifications()
    summaries = [e for e in stack.sent_emails() if e.kind == "national_summary"]
    assert len(summaries) == 1


def _is_idempotency_table(stack: LocalStack) -> Callable[[Params], bool]:
    assert stack.resources is not None
    name = stack.resources.idempotency_table_name
    return lambda params: params.get("TableName") == name


def test_the_idempotency_table_unavailable_stops_the_payout_run_before_it_records_anything(
    stack: LocalStack, aws: AwsFaults
) -> None:
    campaign = _campaign(stack)
    _pledge(stack, campaign)
    for operation in ("GetItem", "PutItem", "UpdateItem", "DeleteItem"):
        aws.fail(operation, when=_is_idempotency_table(stack))
    with pytest.raises(Exception, match=r"(?i)idempotency|persistence|Failed to"):
        stack.fire_payout_schedule(RUN)
    assert _figures(stack, campaign)["paid_out"] == 0
    assert _transfers_to(stack, campaign) == []
    aws.clear()
    stack.fire_payout_schedule(RUN)
    stack.fire_payout_schedule(RUN)
    assert _transfers_to(stack, campaign) == [1800]


def test_the_idempotency_table_unavailable_delays_an_email_and_it_is_sent_once(
    stack: LocalStack, aws: AwsFaults
) -> None:
    campaign = _campaign(stack)
    events = _gift_events(campaign)
    assert set(stack.deliver(events)) == {200}
    stack.drain()
    # Given the idempotency table failing for the first tries of the thank-you email
    rule = aws.fail("PutItem", when=_is_idempotency_table(stack), times=2)
    stack.drain_notifications()
    stack.drain_notifications()
    assert rule.failed == 2
    thanks = [e for e in stack.sent_emails() if e.kind == "donor_thanks"]
    assert len(thanks) == 1  # sent once the table answered, and not again


# ----------------------------------------------------------------------------- process
def test_change_message_visibility_failing_on_postpone_loses_no_event(
    stack: LocalStack, aws: AwsFaults
) -> None:
    # Given a monthly pledge whose payment arrives before its invoice
    campaign = _campaign(stack)
    world = StripeWorld(account_id=f"acct_{campaign.campaign_id}")
    donor = Donor("d-late", "d@example.org", "Donor")
    events = world.pledge(GIFT_AT, donor, campaign.campaign_id, "W", 1000)
    paid = [e for e in events if e["type"] == "invoice_payment.paid"]
    others = [e for e in events if e["type"] != "invoice_payment.paid"]
    # And SQS refusing ChangeMessageVisibility (the processor's back-off)
    aws.fail("ChangeMessageVisibility", when=_is_events_queue(stack))
    assert set(stack.deliver(paid)) == {200}
    stack.drain()
    assert _figures(stack, campaign)["raised"] == 0
    # When the invoice comes and SQS delivers the payment again
    aws.clear()
    assert set(stack.deliver(others)) == {200}
    stack.drain()
    # Then the payment counts once, and nothing was dead-lettered
    assert _figures(stack, campaign)["raised"] == 1000
    assert stack.dead_letters() == 0


class _Waits:
    def __init__(self) -> None:
        self.slept: list[float] = []
        self.backoff = Backoff(sleep=self.slept.append, random=lambda: 0.5)


def _marker_of(event_id: str) -> Callable[[Params], bool]:
    """The ledger transaction of this event (its first item is the event's marker)."""

    def matches(params: Params) -> bool:
        items = params.get("TransactItems") or []
        first = items[0].get("Put", {}) if items else {}
        return first.get("Item", {}).get("PK", {}).get("S") == f"EVENT#{event_id}"

    return matches


@pytest.mark.parametrize("reason", ["TransactionConflict", "ThrottlingError"])
def test_a_cancelled_transaction_backs_off_gives_up_contended_and_counts_once_later(
    stack: LocalStack, aws: AwsFaults, monkeypatch: pytest.MonkeyPatch, reason: str
) -> None:
    waits = _Waits()
    monkeypatch.setattr(ledger_attempts, "DEFAULT_BACKOFF", waits.backoff)
    campaign = _campaign(stack)
    events = _gift_events(campaign)
    (session,) = [e for e in events if e["type"] == "checkout.session.completed"]
    # Given DynamoDB cancelling every try of the gift's transaction on its first delivery
    rule = aws.fail(
        "TransactWriteItems",
        "TransactionCanceledException",
        when=_marker_of(session["id"]),
        times=MAX_ATTEMPTS,
        reasons=["None", "None", reason, "None"],
    )
    assert set(stack.deliver(events)) == {200}
    stack.drain()
    stack.drain()  # SQS delivers the failed message again
    # Then it was tried MAX_ATTEMPTS times with a jittered wait between each, given up
    # (StillContended), delivered again by SQS and counted once
    assert rule.failed == MAX_ATTEMPTS
    assert len(waits.slept) >= MAX_ATTEMPTS - 1
    assert waits.slept[: MAX_ATTEMPTS - 1] == [
        0.5 * min(waits.backoff.cap_seconds, waits.backoff.base_seconds * 2**n)
        for n in range(MAX_ATTEMPTS - 1)
    ]
    assert _figures(stack, campaign)["raised"] == 2500
    assert stack.dead_letters() == 0


def test_a_transaction_cancelled_for_another_reason_is_not_retried_as_contention(
    stack: LocalStack, aws: AwsFaults, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits = _Waits()
    monkeypatch.setattr(ledger_attempts, "DEFAULT_BACKOFF", waits.backoff)
    campaign = _campaign(stack)
    events = _gift_events(campaign)
    (session,) = [e for e in events if e["type"] == "checkout.session.completed"]
    rule = aws.fail(
        "TransactWriteItems",
        "TransactionCanceledException",
        when=_marker_of(session["id"]),
        times=1,
        reasons=["None", "ValidationError", "None", "None"],
    )
    assert set(stack.deliver(events)) == {200}
    stack.drain()
    stack.drain()  # SQS delivers the failed message again
    assert rule.failed == 1  # one try, no back-off: trying again at once cannot help
    assert waits.slept == []
    assert _figures(stack, campaign)["raised"] == 2500  # counted when SQS delivered it again
