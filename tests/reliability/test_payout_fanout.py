"""The fanned-out payout run under the failures that matter (issue 16): a campaign's worker
dying after its transfer and before its record, the run's fan-in racing itself (the last two
campaigns settling at the same moment, a task delivered twice, the finisher dying part way),
and the run invoked again while its campaigns are in flight. Each pays nobody twice and
produces one bank file and one national summary."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, date, datetime
from typing import Any

import boto3
import pytest

from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.ledger_report import DynamoLedgerReport
from wardfund.adapters.dynamodb.payout_runs import DynamoPayoutRuns
from wardfund.adapters.dynamodb.payout_store import DynamoPayoutStore
from wardfund.adapters.dynamodb.records import run_report_from
from wardfund.adapters.dynamodb.table import RUNS_PK, Table
from wardfund.adapters.payout_task_records import task_body
from wardfund.adapters.sqs_payout_tasks import SqsPayoutTasks
from wardfund.domain.bank_files import bank_file_names
from wardfund.domain.calendar import LONDON, utc_key
from wardfund.domain.campaign import Campaign
from wardfund.domain.payout_run import Settled, Settlement
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.world import Donor, StripeWorld
from wardfund.services.campaigns import register_campaign

GIFT_AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)
RUN = datetime(2026, 6, 8, 6, 0, tzinfo=LONDON)


# ----------------------------------------------------------------------------- helpers
def _table(stack: LocalStack) -> Table:
    assert stack.resources is not None
    return Table(stack.resources.table_name)


def _campaign(stack: LocalStack, connect: bool) -> Campaign:
    cid = f"c-{uuid.uuid4().hex[:8]}"
    campaign = Campaign(
        cid,
        f"Campaign {cid}",
        launch_event_on=date(2026, 6, 1),
        connect_account_id=f"acct_1{uuid.uuid4().hex[:12]}" if connect else None,
        bank_reference=None if connect else f"BANK-{cid}",
    )
    return register_campaign(DynamoCampaignStore(_table(stack)), campaign, by="test")


def _owed(stack: LocalStack, campaigns: list[Campaign]) -> None:
    """One £10 monthly pledge each (£18 owed with the match), through the webhook."""
    events: list[dict[str, Any]] = []
    for campaign in campaigns:
        world = StripeWorld(account_id=f"acct_{campaign.campaign_id}")
        donor = Donor(f"d-{campaign.campaign_id}", "d@example.org", "Donor")
        events += world.pledge(GIFT_AT, donor, campaign.campaign_id, "Ward", 1000)
    assert set(stack.deliver(events)) == {200}
    stack.drain()


def _transfers_to(stack: LocalStack, campaign: Campaign) -> list[int]:
    return [
        t["amount"]
        for t in stack.stripe.transfers()
        if t["destination"] == campaign.connect_account_id
    ]


def _paid_out(stack: LocalStack, campaign: Campaign) -> int:
    return DynamoLedgerReport(_table(stack)).figures(campaign.campaign_id).paid_out


@pytest.fixture
def versioned(stack: LocalStack) -> LocalStack:
    """The bank-files bucket keeps every version (as deployed), so a second write would show."""
    assert stack.resources is not None
    boto3.client("s3").put_bucket_versioning(
        Bucket=stack.resources.bank_files_bucket, VersioningConfiguration={"Status": "Enabled"}
    )
    return stack


def _bank_file_versions(stack: LocalStack) -> int:
    """Versions of the run's bank-file summary, written whether or not any campaign paid by
    bank has approved details (these have none, so the payment files are not written)."""
    assert stack.resources is not None
    listed = boto3.client("s3").list_object_versions(
        Bucket=stack.resources.bank_files_bucket, Prefix=bank_file_names(RUN).summary
    )
    return len(listed.get("Versions", []))


def _summaries(stack: LocalStack) -> list[str]:
    """National summary emails sent for the run (the RUNS item's stream record)."""
    stack.drain_notifications()
    return [e.subject for e in stack.sent_emails() if e.kind == "national_summary"]


def _one_bank_file_and_one_summary(stack: LocalStack, bank_campaigns: list[Campaign]) -> None:
    item = _table(stack).get(RUNS_PK, utc_key(RUN))
    assert item is not None
    report = run_report_from(item)
    assert report.bank_file is not None
    assert _bank_file_versions(stack) == 1
    paid_by_bank = sorted(line.campaign_id for line in report.paid_by_bank)
    assert paid_by_bank == sorted(c.campaign_id for c in bank_campaigns)
    assert len(_summaries(stack)) == 1


# ----------------------------------------------------------------------------- crash
def test_a_worker_dying_after_its_transfer_pays_once_and_the_run_files_once(
    versioned: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack = versioned
    # Given two campaigns paid by Stripe and one by bank, each owed £18
    by_stripe = [_campaign(stack, connect=True) for _ in range(2)]
    by_bank = [_campaign(stack, connect=False)]
    _owed(stack, by_stripe + by_bank)
    doomed = by_stripe[0]
    # And the first campaign's worker dies after Stripe made its transfer, before it is saved
    real_mark = DynamoPayoutStore.mark_payout

    def mark(self: DynamoPayoutStore, plan: Any, *args: Any, **kwargs: Any) -> None:
        if plan.campaign_id == doomed.campaign_id:
            raise RuntimeError("Lambda timed out")
        real_mark(self, plan, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(DynamoPayoutStore, "mark_payout", mark)
        first = stack.fire_payout_schedule(RUN)
    # Then the others are settled, the run waits for it, and nothing is filed yet
    assert first["finished"] is False
    assert first["remaining"] == 1
    assert _transfers_to(stack, doomed) == [1800]
    assert _bank_file_versions(stack) == 0
    # When its task is delivered again (the same key: Stripe replays the transfer)
    stack.drain_payouts()
    # Then everyone is paid once, and the run has one bank file and one summary
    for campaign in by_stripe:
        assert _transfers_to(stack, campaign) == [1800]
    for campaign in by_stripe + by_bank:
        assert _paid_out(stack, campaign) == 1800
    _one_bank_file_and_one_summary(stack, by_bank)


# ----------------------------------------------------------------------------- fan-in race
def test_the_last_two_campaigns_settling_at_once_finish_the_run_once(
    versioned: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack = versioned
    # Given two campaigns (one by Stripe, one by bank) paid by two workers at once
    campaigns = [_campaign(stack, connect=True), _campaign(stack, connect=False)]
    _owed(stack, campaigns)
    stack.set_payout_concurrency(2)
    # And both reach the run's fan-in together: each waits at a barrier before settling
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[Settled] = []
    real_settle = DynamoPayoutRuns.settle

    def settle(self: DynamoPayoutRuns, run_at: datetime, settlement: Settlement) -> Settled:
        barrier.wait()
        outcome = real_settle(self, run_at, settlement)
        outcomes.append(outcome)
        return outcome

    monkeypatch.setattr(DynamoPayoutRuns, "settle", settle)
    finished = stack.fire_payout_schedule(RUN)
    # Then they did meet, exactly one was last, and the run was finished once
    assert not barrier.broken
    assert sorted(outcomes) == sorted([Settled.FIRST, Settled.LAST])
    assert finished["finished"] is True
    state = DynamoPayoutRuns(_table(stack)).run(RUN)
    assert state is not None
    assert (state.remaining, state.finished) == (0, True)
    _one_bank_file_and_one_summary(stack, [campaigns[1]])


def test_a_task_delivered_again_after_the_run_finished_does_nothing(versioned: LocalStack) -> None:
    stack = versioned
    # Given a run that paid a Stripe and a bank campaign and finished
    campaigns = [_campaign(stack, connect=True), _campaign(stack, connect=False)]
    _owed(stack, campaigns)
    assert stack.fire_payout_schedule(RUN)["finished"] is True
    # When SQS delivers both tasks again (after its five-minute deduplication window)
    assert stack.resources is not None
    tasks = DynamoPayoutRuns(_table(stack)).tasks(RUN)
    queue = SqsPayoutTasks(stack.resources.payout_tasks_queue_url)
    for task in tasks:
        queue.client.send_message(
            QueueUrl=queue.queue_url,
            MessageBody=task_body(task),
            MessageGroupId=task.campaign.campaign_id,
            MessageDeduplicationId=f"again-{uuid.uuid4().hex}",
        )
    drained = stack.drain_payouts()
    # Then both were taken, nobody was paid again, and nothing was filed or summarised again
    assert drained.delivered == 2
    assert _transfers_to(stack, campaigns[0]) == [1800]
    for campaign in campaigns:
        assert _paid_out(stack, campaign) == 1800
    _one_bank_file_and_one_summary(stack, [campaigns[1]])


def test_a_finisher_dying_part_way_is_finished_by_its_task_coming_back(
    versioned: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack = versioned
    # Given a bank campaign, the run's last, whose worker dies after writing the bank file
    campaign = _campaign(stack, connect=False)
    _owed(stack, [campaign])
    with monkeypatch.context() as patched:

        def crash(self: DynamoPayoutStore, report: Any) -> None:
            raise RuntimeError("Lambda timed out")

        patched.setattr(DynamoPayoutStore, "record_run", crash)
        first = stack.fire_payout_schedule(RUN)
    assert first["finished"] is False
    assert _bank_file_versions(stack) == 1
    # When its task comes back: the campaign is settled already and it was the finisher
    stack.drain_payouts()
    # Then the run is finished, with still one bank file and one summary
    assert stack.payout_run(RUN)["finished"] is True
    assert _paid_out(stack, campaign) == 1800
    _one_bank_file_and_one_summary(stack, [campaign])


# ----------------------------------------------------------------------------- re-invoked
def test_the_run_invoked_again_while_its_campaigns_are_in_flight_pays_once(
    versioned: LocalStack,
) -> None:
    stack = versioned
    # Given four campaigns (three by Stripe, one by bank) and transfers taking 0.3 s
    by_stripe = [_campaign(stack, connect=True) for _ in range(3)]
    by_bank = [_campaign(stack, connect=False)]
    _owed(stack, by_stripe + by_bank)
    stack.stripe.configure_transfers(latency_seconds=0.3)
    stack.set_payout_concurrency(2)
    # When the run is planned and its workers start paying
    stack.plan_payouts(RUN)
    workers = threading.Thread(target=stack.drain_payouts)
    workers.start()
    # And, while they pay, the schedule fires again for the same time after the
    # idempotency record has gone (so the planner runs again and re-sends unsettled tasks)
    assert stack.resources is not None
    dynamodb = boto3.client("dynamodb")
    name = stack.resources.idempotency_table_name
    for item in dynamodb.scan(TableName=name)["Items"]:
        dynamodb.delete_item(TableName=name, Key={"id": item["id"]})
    again = stack.plan_payouts(RUN)
    workers.join(timeout=120)
    stack.drain_payouts()  # whatever the second invocation queued
    # Then the second invocation planned nothing new, and everyone is paid once
    assert again["again"] is True
    for campaign in by_stripe:
        assert _transfers_to(stack, campaign) == [1800]
    for campaign in by_stripe + by_bank:
        assert _paid_out(stack, campaign) == 1800
    assert stack.payout_run(RUN)["finished"] is True
    _one_bank_file_and_one_summary(stack, by_bank)
