"""`wardfund report`, `export` and `permissibility` on a ledger built from real Stripe events,
a payout run and launch-event invoices."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.integration.operations import (
    StripeWorld,
    approve,
    as_json,
    deliver,
    donor,
    figures,
    json_of,
    ok,
    register,
    said,
    wardfund,
)
from wardfund.domain.calendar import LONDON
from wardfund.local.stack import LocalStack

JUNE_3 = datetime(2026, 6, 3, 19, 0, tzinfo=LONDON)
RUN = datetime(2026, 6, 8, 6, 0, tzinfo=LONDON)
TODAY = datetime.now(UTC).astimezone(LONDON).date().isoformat()


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def story(stack: LocalStack, tmp_path: Path) -> dict[str, Any]:
    """A campaign with gifts, a refund, a payout, and two paid launch-event invoices."""
    campaign = register(stack, bank_reference="B-1", election_on=None)
    cid = campaign.campaign_id
    world = StripeWorld()
    deliver(stack, world.pledge(JUNE_3, donor("d1"), cid, "Hyde", 1000))  # share 800 + match 1000
    deliver(stack, world.give_once(JUNE_3 + timedelta(minutes=5), donor("d2"), cid, "Hyde", 6000))
    deliver(stack, world.give_once(JUNE_3 + timedelta(minutes=9), donor("d4"), cid, "Moss", 6000))
    deliver(stack, world.refund(JUNE_3 + timedelta(days=1), "d4", 1, 2000))  # d4 nets £40
    stack.fire_payout_schedule(RUN)  # pays 800 + 1000 + 4800 + 4800 - 1600 = 9800
    for day, pence in ((9, 20000), (10, 20000), (11, 20000)):  # d3: £600 over three days
        deliver(stack, world.give_once(JUNE_3.replace(day=day), donor("d3"), cid, "Moss", pence))
    deliver(stack, world.give_once(JUNE_3.replace(day=12), donor("d5"), cid, "Hyde", 5000))
    document = tmp_path / "invoice.pdf"
    document.write_bytes(b"%PDF-1.4\n")
    for amount, to in (("250", "campaign"), ("100", "supplier")):
        submitted = ok(
            "invoice", "submit", cid, "--supplier", "Hall", "--amount", amount, "--file",
            str(document),
        ).stdout.split()[1].rstrip(":")  # fmt: skip
        approve(submitted)
        ok("invoice", "pay", submitted, "--to", to)
    return {"cid": cid, "name": campaign.name}


def test_report_lists_every_line_with_opening_and_closing_balance(
    stack: LocalStack, story: dict[str, Any]
) -> None:
    cid = story["cid"]
    today = datetime.now(UTC).astimezone(LONDON).date()
    # When the report covers from after the payout to today
    report = json_of(
        "report", cid, "--from", "2026-06-09", "--to", today.isoformat(), "--format", "json"
    )
    # Then the opening balance is what was owed after the payout (nothing)
    assert report["opening_balance_pence"] == 0
    kinds = [line["kind"] for line in report["lines"]]
    assert kinds == ["payment"] * 4 + [
        "launch_invoice_reimbursed",
        "launch_invoice_paid_to_supplier",
    ]
    # d3's three £200 at 80 %, d5's £50 at 80 %, and £250 reimbursed
    assert report["closing_balance_pence"] == 3 * 16000 + 4000 + 25000
    assert report["lines"][-1]["paid_for_campaign_pence"] == 10000
    assert report["lines"][-1]["change_pence"] == 0
    assert report["closing_balance_pence"] == figures(stack, cid).owed
    # And the whole history opens at zero and shows the payout taking the balance down
    everything = json_of(
        "report", cid, "--from", "2026-01-01", "--to", today.isoformat(), "--format", "json"
    )
    payout = next(line for line in everything["lines"] if line["kind"] == "payout")
    assert payout["change_pence"] == -9800
    assert payout["balance_pence"] == 0
    assert everything["opening_balance_pence"] == 0
    assert everything["closing_balance_pence"] == report["closing_balance_pence"]


def test_report_formats(stack: LocalStack, story: dict[str, Any], tmp_path: Path) -> None:
    cid = story["cid"]
    period = ("--from", "2026-06-01", "--to", "2026-06-08")
    # CSV: opening, each line, closing
    table = rows(ok("report", cid, *period, "--format", "csv").stdout)
    assert table[0]["type"] == "opening"
    assert table[-1]["type"] == "closing"
    assert table[-1]["balance"] == "0.00"
    assert [r["type"] for r in table[1:-1]] == ["payment", "payment", "payment", "refund", "payout"]
    assert table[1]["match"] == "10.00"
    # Xero: its precoded statement columns, dd/mm/yyyy, signed amounts
    xero = rows(ok("report", cid, *period, "--format", "xero").stdout)
    assert list(xero[0]) == ["*Date", "*Amount", "Payee", "Description", "Reference"]
    assert xero[0]["*Date"] == "03/06/2026"
    assert [r["*Amount"] for r in xero] == ["18.00", "48.00", "48.00", "-16.00", "-98.00"]
    # QuickBooks: Date, Description, Amount
    quickbooks = rows(ok("report", cid, *period, "--format", "quickbooks").stdout)
    assert list(quickbooks[0]) == ["Date", "Description", "Amount"]
    assert sum(float(r["Amount"]) for r in quickbooks) == 0
    # HTML to a file
    page = tmp_path / "statement.html"
    ok("report", cid, *period, "--format", "html", "--output", str(page))
    html = page.read_text()
    assert story["name"] in html
    assert "Opening balance" in html
    assert "Closing balance" in html
    # The table for a person
    assert "Closing balance" in ok("report", cid, *period).stdout


def test_report_all_is_the_national_summary(stack: LocalStack, story: dict[str, Any]) -> None:
    other = register(stack)
    summary = rows(
        ok("report", "--all", "--from", "2026-06-01", "--to", TODAY, "--format", "csv").stdout
    )
    assert [r["campaign"] for r in summary] == [*sorted([story["cid"], other.campaign_id]), "TOTAL"]
    total = summary[-1]
    assert total["raised"] == f"{(1000 + 6000 + 6000 - 2000 + 60000 + 5000) / 100:.2f}"
    assert total["paid_out"] == "98.00"
    assert total["paid_for_campaign"] == "100.00"
    assert "TOTAL" in ok("report", "--all", "--from", "2026-06-01").stdout


def test_export_gives_every_donor_and_is_audited(stack: LocalStack, story: dict[str, Any]) -> None:
    cid = story["cid"]
    donors = {r["donor_ref"]: r for r in rows(ok("export", cid).stdout)}
    assert len(donors) == 5
    by_name = {r["name"]: r for r in donors.values()}
    assert by_name["Donor D3"]["email"] == "d3@donors.example"
    assert by_name["Donor D3"]["gifts"] == "3"
    assert by_name["Donor D3"]["total_given_pence"] == "60000"
    assert by_name["Donor D4"]["total_given_pence"] == "4000"
    assert by_name["Donor D1"]["monthly"] == "yes"
    assert by_name["Donor D1"]["wards"] == "Hyde"
    audit = as_json("campaign", "show", cid)["audit"]
    exported = [a for a in audit if a["action"] == "donor data exported"]
    assert len(exported) == 1
    assert exported[0]["by"] == "tester"
    assert exported[0]["detail"] == "5 donor(s), 7 gift(s) to standard output"


def test_permissibility_flags_each_gift_over_the_threshold_with_a_deadline(
    stack: LocalStack, story: dict[str, Any]
) -> None:
    cid = story["cid"]
    (found,) = json_of(
        "permissibility", cid, "--from", "2026-06-01", "--to", "2026-06-30", "--format", "json"
    )
    assert (found["campaign_type"], found["threshold_pence"]) == ("candidate", 5000)
    checks = [(c["name"], c["given_on"], c["gross_pence"], c["check_by"]) for c in found["checks"]]
    # d2 gave £60 and d4 £60 (£20 of it refunded, still received): each a donation; d3's
    # three £200 gifts are three donations; d5's £50 and d1's £10 are not donations at all
    assert checks == [
        ("Donor D2", "2026-06-03", 6000, "2026-07-03"),
        ("Donor D4", "2026-06-03", 6000, "2026-07-03"),
        ("Donor D3", "2026-06-09", 20000, "2026-07-09"),
        ("Donor D3", "2026-06-10", 20000, "2026-07-10"),
        ("Donor D3", "2026-06-11", 20000, "2026-07-11"),
    ]
    assert "electoral register" in found["what_to_check"]
    assert found["review"] == []
    # the candidate's return lists the donors whose donations come to over £50 (kept)
    assert [(t["name"], t["total_pence"]) for t in found["reportable"]] == [
        ("Donor D3", 60000),
        ("Donor D2", 6000),
    ]
    # A period with two of d3's gifts flags those two
    (part,) = json_of(
        "permissibility", cid, "--from", "2026-06-10", "--to", "2026-06-11", "--format", "json"
    )
    assert [(c["name"], c["given_on"]) for c in part["checks"]] == [
        ("Donor D3", "2026-06-10"),
        ("Donor D3", "2026-06-11"),
    ]
    # All campaigns, as CSV: a row per gift to check and per reportable donor
    every = rows(ok("permissibility", "--all", "--from", "2026-06-01", "--format", "csv").stdout)
    assert [r["list"] for r in every].count("check") == 5
    assert {r["name"] for r in every if r["list"] == "reportable"} == {"Donor D3", "Donor D2"}
    shown = ok("permissibility", cid, "--from", "2026-06-01").stdout
    assert "Check for each" in shown
    assert "not a donation" in shown
    # `report` uses the same rule, beside the ledger
    reported = json_of(
        "report", cid, "--from", "2026-06-01", "--to", "2026-06-30", "--format", "json"
    )
    assert reported["permissibility"]["checks"] == found["checks"]


def test_bad_inputs(stack: LocalStack) -> None:
    campaign = register(stack)
    cases = {
        ("report", "no-such"): "no campaign with id 'no-such'",
        ("report",): "name one campaign, or give --all",
        ("report", campaign.campaign_id, "--all"): "name one campaign, or give --all",
        ("report", campaign.campaign_id, "--format", "pdf"): "--format is one of",
        ("report", campaign.campaign_id, "--from", "2026-06-02", "--to", "2026-06-01"): "before",
        ("report", campaign.campaign_id, "--from", "June"): "must be a date",
        ("export", "no-such"): "no campaign with id",
        ("permissibility", "no-such"): "no campaign with id",
        ("permissibility", "--all", "--format", "xero"): "--format is one of",
    }
    for args, message in cases.items():
        result = wardfund(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in said(result), (args, said(result))
    assert not [
        a
        for a in as_json("campaign", "show", campaign.campaign_id)["audit"]
        if a["action"] != "settings"
    ]
