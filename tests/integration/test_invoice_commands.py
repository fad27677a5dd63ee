"""`wardfund invoice ...` against the embedded stack: submitted → approved → paid | rejected,
the cap per campaign, the document in S3, the ledger entry from the national account and
the campaign's next payout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest

from tests.integration.operations import (
    APPROVER,
    approve,
    as_approver,
    as_json,
    figures,
    ok,
    register,
    said,
    table,
    wardfund,
)
from wardfund.adapters.dynamodb.ledger_report import DynamoLedgerReport
from wardfund.local.stack import LocalStack


@pytest.fixture
def document(tmp_path: Path) -> Path:
    path = tmp_path / "hall hire.pdf"
    path.write_bytes(b"%PDF-1.4 the invoice for the hall\n")
    return path


def submit(campaign_id: str, document: Path, amount: str, supplier: str = "Village Hall") -> str:
    result = ok(
        "invoice", "submit", campaign_id, "--supplier", supplier, "--amount", amount,
        "--file", str(document),
    )  # fmt: skip
    return result.stdout.split()[1].rstrip(":")


def test_submit_approve_pay_to_supplier(stack: LocalStack, document: Path) -> None:
    campaign = register(stack)
    cid = campaign.campaign_id
    # When an invoice is submitted with its document
    invoice_id = submit(cid, document, "450.00")
    shown = as_json("invoice", "list", cid)
    (listed,) = shown["invoices"]
    assert listed["state"] == "submitted"
    assert listed["amount_pence"] == 45000
    assert shown["committed_pence"] == 0
    # Then the document is kept in S3 under the invoice
    bucket, _, key = listed["document"].removeprefix("s3://").partition("/")
    body = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    assert body == document.read_bytes()
    assert key == f"launch-invoices/{cid}/{invoice_id}/hall_hire.pdf"
    # When it is approved and paid to the supplier
    approve(invoice_id)
    assert as_json("invoice", "list", cid)["committed_pence"] == 45000
    ok("invoice", "pay", invoice_id, "--to", "supplier", "--reference", "BACS-991")
    paid = as_json("invoice", "list", cid)["invoices"][0]
    assert (paid["state"], paid["pay_to"], paid["payment_reference"]) == (
        "paid",
        "supplier",
        "BACS-991",
    )
    # Then the campaign is owed nothing more, the ledger has a balanced national entry
    assert figures(stack, cid).owed == 0
    check = DynamoLedgerReport(table(stack)).check()
    assert check.balanced
    assert check.entries == 1
    # And the audit trail has every step, with who
    audit = as_json("campaign", "show", cid)["audit"]
    assert [a["action"] for a in audit[1:]] == [
        "launch invoice submitted",
        "launch invoice approved",
        "launch invoice paid",
    ]
    assert [a["by"] for a in audit[1:]] == ["tester", APPROVER, "tester"]


def test_reimbursed_to_the_campaign_is_paid_by_its_next_payout(
    stack: LocalStack, document: Path
) -> None:
    # Given a campaign paid by bank transfer with an approved £300 invoice
    campaign = register(stack, bank_reference="BANK-1")
    cid = campaign.campaign_id
    invoice_id = submit(cid, document, "300")
    approve(invoice_id)
    # When it is paid to the campaign
    result = ok("invoice", "pay", invoice_id, "--to", "campaign")
    assert "added to the next payout" in result.output
    # Then the campaign is owed £300, as launch costs
    assert figures(stack, cid).launch_costs == 30000
    assert figures(stack, cid).owed == 30000
    # And the next payout run pays it, and the ledger stays balanced and rebuilds the counters
    stack.fire_payout_schedule(datetime.now(UTC) + timedelta(minutes=1))
    after = figures(stack, cid)
    assert (after.paid_out, after.owed) == (30000, 0)
    check = DynamoLedgerReport(table(stack)).check()
    assert check.balanced
    assert check.rebuilt[cid].launch_costs == 30000


def test_the_cap_is_never_passed_and_a_rejection_frees_its_part(
    stack: LocalStack, document: Path
) -> None:
    campaign = register(stack, launch_invoice_cap_pence=100000)
    cid = campaign.campaign_id
    first = submit(cid, document, "600")
    second = submit(cid, document, "500")
    approve(first)
    # When the second would take the total past £1,000
    result = as_approver("invoice", "approve", second)
    # Then it is refused, naming the amounts, and stays submitted
    assert result.exit_code == 2
    assert "would pass the cap" in said(result)
    assert "£600.00 of £1,000.00 is already committed (£400.00 left)" in said(result)
    states = {i["invoice_id"]: i["state"] for i in as_json("invoice", "list", cid)["invoices"]}
    assert states == {first: "approved", second: "submitted"}
    # When the first is rejected, the second fits
    ok("invoice", "reject", first, "--reason", "not a launch-event cost")
    approve(second)
    listed = as_json("invoice", "list", cid)
    assert listed["committed_pence"] == 50000
    rejected = next(i for i in listed["invoices"] if i["invoice_id"] == first)
    assert rejected["reason"] == "not a launch-event cost"


def test_the_cap_cannot_be_lowered_below_what_is_committed(
    stack: LocalStack, document: Path
) -> None:
    campaign = register(stack)
    invoice_id = submit(campaign.campaign_id, document, "800")
    approve(invoice_id)
    result = wardfund("campaign", "update", campaign.campaign_id, "--invoice-cap", "799.99")
    assert result.exit_code == 2
    assert "committed to launch-event invoices" in said(result)
    ok("campaign", "update", campaign.campaign_id, "--invoice-cap", "800")


def test_bad_inputs_are_refused_and_change_nothing(stack: LocalStack, document: Path) -> None:
    campaign = register(stack, launch_invoice_cap_pence=100000)
    cid = campaign.campaign_id
    submitted = submit(cid, document, "100")
    paid = submit(cid, document, "100")
    approve(paid)
    ok("invoice", "pay", paid)
    empty = document.with_name("empty.pdf")
    empty.write_bytes(b"")
    cases = {
        ("invoice", "submit", "no-such", "--supplier", "S", "--amount", "10", "--file",
         str(document)): "no campaign with id 'no-such'",
        ("invoice", "submit", cid, "--supplier", "S", "--amount", "1000.01", "--file",
         str(document)): "more than the whole launch-event invoice cap",
        ("invoice", "submit", cid, "--supplier", "S", "--amount", "0", "--file",
         str(document)): "more than nothing",
        ("invoice", "submit", cid, "--supplier", "S", "--amount", "ten", "--file",
         str(document)): "must be an amount in pounds",
        ("invoice", "submit", cid, "--supplier", "S", "--amount", "10", "--file",
         str(document.with_name("missing.pdf"))): "cannot read",
        ("invoice", "submit", cid, "--supplier", "S", "--amount", "10", "--file",
         str(empty)): "is empty",
        ("invoice", "submit", cid, "--supplier", " ", "--amount", "10", "--file",
         str(document)): "needs a supplier",
        ("invoice", "approve", "li-nothing"): "no launch-event invoice with id 'li-nothing'",
        ("invoice", "pay", submitted): "is submitted; it cannot become paid",
        ("invoice", "approve", paid): "is paid; it cannot become approved",
        ("invoice", "approve", submitted): "needs a second person",  # submitted by the tester
        # the tester's own AWS credentials under another name: still the same person
        ("invoice", "approve", submitted, "--by", APPROVER): "needs a second person",
        ("invoice", "reject", paid, "--reason", "late"): "is paid; it cannot become rejected",
        ("invoice", "reject", submitted, "--reason", " "): "needs a reason",
        ("invoice", "pay", submitted, "--to", "treasurer"): "supplier or campaign",
        ("invoice", "list", "no-such"): "no campaign with id",
        ("invoice", "show", "li-nothing"): "no launch-event invoice",
    }  # fmt: skip
    for args, message in cases.items():
        result = wardfund(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in said(result), (args, said(result))
    listed = as_json("invoice", "list", cid)
    assert [i["state"] for i in listed["invoices"]] == ["submitted", "paid"]
    assert listed["committed_pence"] == 10000
    assert DynamoLedgerReport(table(stack)).check().entries == 1
