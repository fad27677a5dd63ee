"""Campaign bank details on the embedded stack (issue 15 item 1): a change by one person
refused and by two applied, with the treasurers emailed; bad details refused; masked
everywhere but the finance export; and the payout run's bank files, field by field, whose
total is the run's bank payouts."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest

from tests.integration.operations import (
    APPROVER,
    as_approver,
    ok,
    register,
    said,
    table,
    wardfund,
)
from wardfund.adapters.dynamodb.audit_log import DynamoAuditLog
from wardfund.adapters.dynamodb.bank_details_store import DynamoBankDetailsStore
from wardfund.domain.bank_files import bank_file_names
from wardfund.domain.calendar import LONDON
from wardfund.domain.campaign import Campaign
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.world import Donor, StripeWorld

GIFT_AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)
RUN = datetime(2026, 6, 8, 6, 0, tzinfo=LONDON)  # Monday 8 June 2026, 06:00 London
NATIONAL = {
    "NATIONAL_BANK_ACCOUNT_NAME": "Common Ground",
    "NATIONAL_BANK_SORT_CODE": "60-16-13",
    "NATIONAL_BANK_ACCOUNT_NUMBER": "31926819",
    "BACS_SERVICE_USER_NUMBER": "123456",
}


@pytest.fixture
def national_account() -> Iterator[None]:
    before = {name: os.environ.get(name) for name in NATIONAL}
    os.environ.update(NATIONAL)
    yield
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _campaign(stack: LocalStack, name: str) -> Campaign:
    return register(
        stack,
        treasurer_emails=(f"one@{name}.example", f"two@{name}.example"),
    )


def _set(campaign: Campaign, name: str, sort_code: str, account: str) -> str:
    return said(
        ok(
            "campaign", "bank", "set", campaign.campaign_id, "--account-name", name,
            "--sort-code", sort_code, "--account-number", account,
        )
    )  # fmt: skip


def _approve(campaign: Campaign) -> None:
    result = as_approver("campaign", "bank", "approve", campaign.campaign_id)
    assert result.exit_code == 0, result.output


def test_a_change_by_one_person_is_refused_and_by_two_applied_and_treasurers_emailed(
    stack: LocalStack,
) -> None:
    # Given a campaign with two treasurers, and a change asked for by the tester
    campaign = _campaign(stack, "leeds")
    asked = _set(campaign, "Leeds Central Campaign", "08-99-99", "66374958")
    assert "••••4958" in asked
    assert "66374958" not in asked
    assert "passes the UK modulus check" in asked
    store = DynamoBankDetailsStore(table(stack))
    assert store.current(campaign.campaign_id) is None

    # When the same person approves it, it is refused and nothing changes
    refused = wardfund("campaign", "bank", "approve", campaign.campaign_id)
    assert refused.exit_code == 2
    assert "second person" in said(refused)
    assert store.current(campaign.campaign_id) is None
    assert store.pending(campaign.campaign_id) is not None

    # When someone else approves it (another name, other AWS credentials)
    before = len(stack.sent_emails())
    _approve(campaign)

    # Then payouts go to it, the change is gone, and the audit trail names both people
    current = store.current(campaign.campaign_id)
    assert current is not None
    assert (current.requested_by, current.approved_by) == ("tester", APPROVER)
    assert current.approved_principal
    assert APPROVER in current.approved_principal
    assert store.pending(campaign.campaign_id) is None
    trail = DynamoAuditLog(table(stack)).trail(campaign.campaign_id)
    actions = {entry.action: entry for entry in trail}
    assert actions["bank details change requested"].by == "tester"
    changed = actions["bank details changed"]
    assert changed.by == APPROVER
    assert changed.principal
    assert "66374958" not in " ".join(entry.detail for entry in trail)

    # And every treasurer and national finance are emailed, with the account masked
    stack.drain_notifications()
    emails = [e for e in stack.sent_emails(after=before) if e.kind == "bank_details_changed"]
    assert sorted(address for e in emails for address in e.to) == sorted(
        [*campaign.treasurer_emails, "finance@wardfund.example"]
    )
    for email in emails:
        assert "••••4958" in email.html
        assert "08-99-99" in email.html
        assert "66374958" not in email.html
        assert "payment diversion fraud" in email.html
        assert email.subject.startswith(f"{campaign.name}: bank details for payouts changed")

    # And a second change shows what it replaces, masked
    _set(campaign, "Leeds Central Campaign", "20-29-59", "63748472")
    shown = said(ok("campaign", "bank", "show", campaign.campaign_id))
    assert "••••4958" in shown
    assert "••••8472" in shown
    assert "Waiting for approval" in shown


@pytest.mark.parametrize(
    ("sort_code", "account", "why"),
    [
        ("08-99-9", "66374958", "sort code must be 6 digits"),
        ("08-99-99", "6637495", "account number must be 8 digits, not 7"),
        ("08-99-99", "663749581", "account number must be 8 digits, not 9"),
        ("08-99-99", "66374959", "fail the UK modulus check"),
    ],
)
def test_bad_details_are_refused_and_change_nothing(
    stack: LocalStack, sort_code: str, account: str, why: str
) -> None:
    campaign = _campaign(stack, "oxford")
    result = wardfund(
        "campaign", "bank", "set", campaign.campaign_id, "--account-name", "Oxford East",
        "--sort-code", sort_code, "--account-number", account,
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert why in said(result)
    assert DynamoBankDetailsStore(table(stack)).pending(campaign.campaign_id) is None


def test_the_export_gives_whole_details_and_is_audited(stack: LocalStack, tmp_path: object) -> None:
    campaign = _campaign(stack, "brighton")
    _set(campaign, "Brighton Kemptown", "20-29-59", "63748472")
    _approve(campaign)
    exported = ok("campaign", "bank", "export", campaign.campaign_id).stdout
    assert "63748472" in exported
    assert "202959" in exported
    trail = DynamoAuditLog(table(stack)).trail(campaign.campaign_id)
    assert any(entry.action == "bank details exported" for entry in trail)


def _give(stack: LocalStack, world: StripeWorld, campaign: Campaign, pence: int) -> None:
    donor_id = f"d-{campaign.campaign_id}"
    events = world.give_once(
        GIFT_AT, Donor(donor_id, f"{donor_id}@donors.example", donor_id), campaign.campaign_id,
        "Headingley", pence,
    )  # fmt: skip
    assert stack.deliver(events) == [200] * len(events)
    stack.drain()


def _read(stack: LocalStack, key: str) -> str:
    assert stack.resources is not None
    body = boto3.client("s3").get_object(Bucket=stack.resources.bank_files_bucket, Key=key)
    return str(body["Body"].read().decode())


def test_the_run_writes_bank_files_whose_total_is_the_runs_bank_payouts(
    stack: LocalStack, national_account: None
) -> None:
    # Given two campaigns paid by bank with approved details, and one without details
    leeds, oxford, hove = (_campaign(stack, n) for n in ("leeds", "oxford", "hove"))
    _set(leeds, "Leeds Central Campaign Fund", "08-99-99", "66374958")
    _approve(leeds)
    _set(oxford, "Brontë & Oxford", "20-29-59", "63748472")
    _approve(oxford)
    world = StripeWorld()  # one world: its Stripe ids are unique within it
    for campaign, pence in ((leeds, 2000), (oxford, 5000), (hove, 1000)):
        _give(stack, world, campaign, pence)
    before = len(stack.sent_emails())

    # When the payout run fires
    result = stack.fire_payout_schedule(RUN)

    # Then it pays all three by bank (the ledger does not wait for details)
    by_bank = {p["campaign"]: p["amount_pence"] for p in result["paid"]}
    assert by_bank == {leeds.campaign_id: 1600, oxford.campaign_id: 4000, hove.campaign_id: 800}
    names = bank_file_names(RUN)
    assert stack.resources is not None
    assert result["bank_file"] == f"s3://{stack.resources.bank_files_bucket}/{names.bankline}"
    assert ":" not in names.bankline

    # And the Bankline CSV holds the two with details, field by field
    rows = [line.split(",") for line in _read(stack, names.bankline).split("\r\n") if line]
    by_sort_code = {row[24]: row for row in rows}
    assert set(by_sort_code) == {"089999", "202959"}
    leeds_row = by_sort_code["089999"]
    assert len(leeds_row) == 85
    assert leeds_row[3] == "01"
    assert leeds_row[12] == "60161331926819"
    assert leeds_row[16] == "16.00"
    assert leeds_row[18] == "08062026"  # paid on Monday 8 June
    assert leeds_row[30] == "66374958"
    assert leeds_row[32] == "LEEDS CENTRAL CAMP"
    assert leeds_row[36] == "WF260608" + leeds.campaign_id.upper().replace("-", "")[:10]
    assert by_sort_code["202959"][32] == "BRONTE & OXFORD"

    # And the Standard 18 file has the same payments and a contra for their total
    records = [r for r in _read(stack, names.standard18).split("\r\n") if r]
    credits = [r for r in records if len(r) == 100 and r[15:17] == "99"]
    (contra,) = [r for r in records if len(r) == 100 and r[15:17] == "17"]
    assert sorted(int(r[35:46]) for r in credits) == [1600, 4000]
    utl1 = records[-1]
    assert utl1[:4] == "UTL1"
    assert int(utl1[17:30]) == int(contra[35:46]) == 5600
    assert records[3][4:10] == " 26160"  # UHL1: processed Tuesday 9 June (day 160)

    # And the files' total plus the campaign without details is the run's bank payouts
    summary = json.loads(_read(stack, names.summary))
    assert summary["total_pence"] + sum(m["amount_pence"] for m in summary["missing"]) == sum(
        by_bank.values()
    )
    assert [m["campaign_id"] for m in summary["missing"]] == [hove.campaign_id]
    assert "66374958" not in json.dumps(summary)

    # And the national summary links the files, says what to check, and attaches none
    stack.drain_notifications()
    (email,) = [e for e in stack.sent_emails(after=before) if e.kind == "national_summary"]
    text = " ".join(email.html.split())
    for expected in (
        names.bankline.rsplit("/", 1)[-1],
        names.standard18.rsplit("/", 1)[-1],
        "£56.00",
        "Before you upload",
        "Monday 8 June 2026",
        "no approved bank details",
        "wardfund campaign bank files 2026-06-08",
    ):
        assert expected in text, expected
    assert "66374958" not in email.html
    assert not [part for part in email.mime.walk() if part.get_filename()]
