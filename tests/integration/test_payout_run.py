"""The payout function, invoked as the EventBridge schedule would invoke it, against the
ledger built from real Stripe events, the Stripe stand-in (transfers) and S3 (bank files).

The Stripe stand-in lives for the whole test session and keeps every transfer and
idempotency key, so each test uses its own campaign ids and Connect account ids.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest

from wardfund.adapters.dynamodb.audit_log import DynamoAuditLog
from wardfund.adapters.dynamodb.bank_details_store import DynamoBankDetailsStore
from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.ledger_report import DynamoLedgerReport
from wardfund.adapters.dynamodb.table import Table
from wardfund.adapters.kms_bank_details import KmsBankDetails
from wardfund.adapters.s3_bank_files import bank_file_key
from wardfund.domain.calendar import LONDON
from wardfund.domain.campaign import Campaign
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.payouts import payout_id
from wardfund.local.lambdas.runtime import apply_environment
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.world import Donor, StripeWorld
from wardfund.services.bank_details import approve_change, request_change
from wardfund.services.campaigns import register_campaign

GIFT_AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)
RUN_1 = datetime(2026, 6, 8, 6, 0, tzinfo=LONDON)  # Mondays 06:00 London, as scheduled
RUN_2 = RUN_1 + timedelta(weeks=1)
RUN_3 = RUN_1 + timedelta(weeks=2)


# ----------------------------------------------------------------------------- helpers
def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def table(stack: LocalStack) -> Table:
    assert stack.resources is not None
    return Table(stack.resources.table_name)


def register(stack: LocalStack, **settings: Any) -> Campaign:
    campaign_id = unique("c-")
    campaign = Campaign(campaign_id, f"Campaign {campaign_id}", **settings)
    return register_campaign(DynamoCampaignStore(table(stack)), campaign, by="test")


def connect_campaign(stack: LocalStack) -> Campaign:
    return register(stack, connect_account_id=unique("acct_1"))


def give(
    stack: LocalStack, world: StripeWorld, at: datetime, campaign: Campaign, pence: int
) -> str:
    """A one-off gift through the webhook; returns the donor id."""
    donor_id = unique("d")
    events = world.give_once(
        at, Donor(donor_id, f"{donor_id}@donors.example", donor_id), campaign.campaign_id,
        "Headingley", pence,
    )  # fmt: skip
    assert stack.deliver(events) == [200] * len(events)
    stack.drain()
    return donor_id


def transfers_to(stack: LocalStack, campaign: Campaign) -> list[dict[str, Any]]:
    return [t for t in stack.stripe.transfers() if t["destination"] == campaign.connect_account_id]


def payout_items(stack: LocalStack, campaign: Campaign) -> list[dict[str, Any]]:
    return [
        item
        for plan, item in DynamoLedgerReport(table(stack)).payouts()
        if plan.campaign_id == campaign.campaign_id
    ]


def figures(stack: LocalStack, campaign: Campaign) -> CampaignFigures:
    return DynamoLedgerReport(table(stack)).figures(campaign.campaign_id)


def bank_files(stack: LocalStack) -> list[str]:
    assert stack.resources is not None
    listed = boto3.client("s3").list_objects_v2(Bucket=stack.resources.bank_files_bucket)
    return [entry["Key"] for entry in listed.get("Contents", [])]


@pytest.fixture
def stripe_faults_cleared(stack: LocalStack) -> Iterator[LocalStack]:
    """The stand-in is shared by the session: leave no injected fault behind."""
    yield stack
    with stack.stripe._lock:
        stack.stripe._faults.clear()


# ----------------------------------------------------------------------------- once per time
def test_running_twice_for_the_same_scheduled_time_pays_once(stack: LocalStack) -> None:
    # Given a Connect campaign owed £8 (80 % of a £10 gift)
    campaign = connect_campaign(stack)
    give(stack, StripeWorld(), GIFT_AT, campaign, 1000)

    # When the schedule fires twice for the same time
    first = stack.fire_payout_schedule(RUN_1)
    second = stack.fire_payout_schedule(RUN_1)

    # Then there is one transfer at Stripe, one payout item, and the same answer twice
    assert [t["amount"] for t in transfers_to(stack, campaign)] == [800]
    assert [item["amount"] for item in payout_items(stack, campaign)] == [800]
    assert first["paid"] == second["paid"]
    assert [p["amount_pence"] for p in second["paid"]] == [800]
    assert figures(stack, campaign).paid_out == 800
    assert figures(stack, campaign).owed == 0


def test_repeat_after_the_idempotency_record_is_gone_still_pays_once(stack: LocalStack) -> None:
    # Given a run that paid a Connect campaign
    campaign = connect_campaign(stack)
    give(stack, StripeWorld(), GIFT_AT, campaign, 1000)
    stack.fire_payout_schedule(RUN_1)
    # And the Powertools idempotency record has since expired
    assert stack.resources is not None
    dynamodb = boto3.client("dynamodb")
    name = stack.resources.idempotency_table_name
    for item in dynamodb.scan(TableName=name)["Items"]:
        dynamodb.delete_item(TableName=name, Key={"id": item["id"]})

    # When the schedule's retry for the same time arrives
    stack.fire_payout_schedule(RUN_1)

    # Then the ledger's own payout record stops a second payment
    assert [t["amount"] for t in transfers_to(stack, campaign)] == [800]
    assert len(payout_items(stack, campaign)) == 1
    assert figures(stack, campaign).paid_out == 800


# ----------------------------------------------------------------------------- methods
def test_connect_campaign_gets_a_transfer_keyed_by_its_payout_id(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a Connect campaign owed £16, and a record of what reaches Stripe
    campaign = connect_campaign(stack)
    give(stack, StripeWorld(), GIFT_AT, campaign, 2000)
    keys: list[str | None] = []
    handle = stack.stripe.handle

    def recording(method: str, target: str, headers: dict[str, str], body: str) -> Any:
        if method == "POST":
            keys.append({k.lower(): v for k, v in headers.items()}.get("idempotency-key"))
        return handle(method, target, headers, body)

    monkeypatch.setattr(stack.stripe, "handle", recording)

    # When the payout run fires
    stack.fire_payout_schedule(RUN_1)

    # Then one Stripe transfer of £16 goes to the campaign's account, in GBP
    (transfer,) = transfers_to(stack, campaign)
    assert (transfer["amount"], transfer["currency"]) == (1600, "gbp")
    # And its idempotency key is derived from the payout id, so a retry is a replay
    expected_id = payout_id(campaign.campaign_id, RUN_1)
    assert keys == [f"payout-{expected_id}"]
    (item,) = payout_items(stack, campaign)
    assert item["payout_id"] == expected_id
    assert (item["status"], item["reference"]) == ("paid", transfer["id"])
    # And no bank file is needed
    assert bank_files(stack) == []


def test_campaign_without_connect_gets_a_row_in_the_bank_file(stack: LocalStack) -> None:
    # Given a campaign paid by bank transfer, owed £16, whose bank details two people set
    campaign = register(stack, bank_reference="BANK-REF-42")
    store, audit = DynamoBankDetailsStore(table(stack)), DynamoAuditLog(table(stack))
    request_change(
        store, DynamoCampaignStore(table(stack)), KmsBankDetails(), audit, None,
        campaign_id=campaign.campaign_id, account_name="Leeds Central", sort_code="089999",
        account_number="66374958", by="treasurer", at=GIFT_AT,
    )  # fmt: skip
    approve_change(store, audit, campaign_id=campaign.campaign_id, by="finance", at=GIFT_AT)
    give(stack, StripeWorld(), GIFT_AT, campaign, 2000)
    before = len(stack.stripe.transfers())

    # When the payout run fires
    result = stack.fire_payout_schedule(RUN_1)

    # Then the run's Bankline file in the bank-files bucket has one row paying it £16
    assert stack.resources is not None
    key = bank_file_key(RUN_1)
    assert result["bank_file"] == f"s3://{stack.resources.bank_files_bucket}/{key}"
    body = boto3.client("s3").get_object(Bucket=stack.resources.bank_files_bucket, Key=key)
    rows = list(csv.reader(io.StringIO(body["Body"].read().decode())))
    assert len(rows) == 1
    row = rows[0]
    assert (row[16], row[24], row[30]) == ("16.00", "089999", "66374958")
    # And no Stripe transfer was made; the payout awaits the bank transfer
    assert len(stack.stripe.transfers()) == before
    (item,) = payout_items(stack, campaign)
    assert (item["status"], item["reference"]) == ("awaiting_bank_transfer", row[36])
    assert item["payout_id"] == payout_id(campaign.campaign_id, RUN_1)


# ----------------------------------------------------------------------------- failures
def test_stripe_500s_are_tried_again_and_pay_exactly_once(
    stripe_faults_cleared: LocalStack,
) -> None:
    stack = stripe_faults_cleared
    # Given a Connect campaign owed £8, and Stripe answering 500 to the next five POSTs
    campaign = connect_campaign(stack)
    give(stack, StripeWorld(), GIFT_AT, campaign, 1000)
    stack.stripe.fail_next(5, 500)

    # When the run fires: the campaign's first attempt gets three 500s (the SDK tries three
    # times), its task is delivered again, and the second gets two more, then an answer
    result = stack.fire_payout_schedule(RUN_1)

    # Then it resumed the same payout: exactly one transfer, no second payout item
    assert [t["amount"] for t in transfers_to(stack, campaign)] == [800]
    items = payout_items(stack, campaign)
    assert [(i["status"], i["amount"]) for i in items] == [("paid", 800)]
    assert figures(stack, campaign).paid_out == 800
    # And the run finished with nothing failed, after one attempt was tried again
    assert result["finished"] is True
    assert result["failed"] == {}
    assert result["workers"]["failed"] == 1


def test_a_payout_every_attempt_failed_is_held_and_the_daily_retry_makes_it(
    stripe_faults_cleared: LocalStack,
) -> None:
    stack = stripe_faults_cleared
    # Given a Connect campaign owed £8, and Stripe failing all three attempts (3 tries each)
    campaign = connect_campaign(stack)
    give(stack, StripeWorld(), GIFT_AT, campaign, 1000)
    stack.stripe.fail_next(9, 500)

    # When the run fires
    result = stack.fire_payout_schedule(RUN_1)

    # Then the run still finishes, with the payout recorded and held, and says why
    assert result["finished"] is True
    assert "HTTP 500" in result["failed"][campaign.campaign_id]
    assert transfers_to(stack, campaign) == []
    assert [item["status"] for item in payout_items(stack, campaign)] == ["pending"]

    # When the daily retry comes the next morning, after Stripe forgot the keys
    stack.stripe.forget_idempotency_keys()
    retry = stack.fire_held_payouts(RUN_1 + timedelta(days=1))

    # Then it makes the held payout once, and reports it as completing the Monday run's
    assert [t["amount"] for t in transfers_to(stack, campaign)] == [800]
    assert [item["status"] for item in payout_items(stack, campaign)] == ["paid"]
    assert retry["paid"] == [
        {"campaign": campaign.campaign_id, "amount_pence": 800, "status": "paid"}
    ]
    assert figures(stack, campaign).paid_out == 800
    # And the next day's retry has nothing to do: no run is recorded
    assert stack.fire_held_payouts(RUN_1 + timedelta(days=2))["campaigns"] == 0


# ----------------------------------------------------------------------------- carrying
def test_negative_balance_is_carried_and_taken_off_the_next_payout(stack: LocalStack) -> None:
    # Given a Connect campaign paid £8 for a £10 gift
    campaign = connect_campaign(stack)
    world = StripeWorld()
    donor_id = give(stack, world, GIFT_AT, campaign, 1000)
    stack.fire_payout_schedule(RUN_1)
    # And the gift is then refunded in full, after the payout
    events = world.refund(RUN_1 + timedelta(days=2), donor_id, 1)
    assert stack.deliver(events) == [200] * len(events)
    stack.drain()
    assert figures(stack, campaign).owed == -800

    # When the next week's run fires
    second = stack.fire_payout_schedule(RUN_2)

    # Then nothing is paid that week and the £8 is carried
    assert second["paid"] == []
    assert second["carried_pence"] == {campaign.campaign_id: -800}
    assert [t["amount"] for t in transfers_to(stack, campaign)] == [800]

    # When a £20 gift arrives and the following week's run fires
    give(stack, world, RUN_2 + timedelta(days=2), campaign, 2000)
    stack.fire_payout_schedule(RUN_3)

    # Then the £8 is taken off that payout: £16 - £8 = £8
    assert [t["amount"] for t in transfers_to(stack, campaign)] == [800, 800]
    assert [item["amount"] for item in payout_items(stack, campaign)] == [800, 800]
    assert figures(stack, campaign) == CampaignFigures(
        raised=2000, local_share=1600, national_share=400, match=0, paid_out=1600
    )


# ----------------------------------------------------------------------------- frequency
@pytest.fixture
def fortnightly(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalStack]:
    """Payouts set to fortnightly; handlers re-read settings. Weekly again afterwards."""
    monkeypatch.setenv("PAYOUT_FREQUENCY", "fortnightly")
    apply_environment({})
    stack.provision()
    yield stack
    monkeypatch.undo()
    apply_environment({})
    stack.provision()


def test_fortnightly_payouts_skip_the_off_week(fortnightly: LocalStack) -> None:
    stack = fortnightly
    # Given fortnightly payouts (even weeks from Monday 2026-01-05) and a campaign owed £8
    campaign = connect_campaign(stack)
    give(stack, StripeWorld(), RUN_1 + timedelta(days=2), campaign, 1000)
    off_week, payout_week = RUN_2, RUN_3
    assert (off_week.date() - date(2026, 1, 5)).days // 7 % 2 == 1

    # When the weekly schedule fires in the off week
    skipped = stack.fire_payout_schedule(off_week)

    # Then nothing is paid and the campaign is still owed
    assert skipped["skipped_off_week"] is True
    assert skipped["paid"] == []
    assert transfers_to(stack, campaign) == []
    assert payout_items(stack, campaign) == []
    assert figures(stack, campaign).owed == 800

    # When it fires in the payout week
    paid = stack.fire_payout_schedule(payout_week)

    # Then the campaign is paid
    assert paid["skipped_off_week"] is False
    assert [t["amount"] for t in transfers_to(stack, campaign)] == [800]
