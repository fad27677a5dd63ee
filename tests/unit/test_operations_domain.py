"""Pure rules behind the operations commands: invoice states and cap, the account report's
balances, permissibility thresholds, the kit's items and match line, input parsing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from wardfund.cli.common import CommandError, percent_to_bps, pounds_to_pence
from wardfund.domain.account_report import InvalidPeriod, ReportEntry, build_report
from wardfund.domain.campaign import Campaign
from wardfund.domain.donor_report import Movement, donor_summaries
from wardfund.domain.facts import Donor
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.kit import DOUBLED, DOUBLED_AFTER_LAUNCH, KitRefused, doubled_line, kit_items
from wardfund.domain.launch_invoices import (
    CapReached,
    InvoiceRefused,
    InvoiceState,
    LaunchInvoice,
    PayTo,
    check_fits,
    post_launch_invoice,
)
from wardfund.domain.ledger import account_balances
from wardfund.domain.postings import Payment, PaymentKind

AT = datetime(2026, 6, 3, 18, 0, tzinfo=UTC)


def invoice(amount: int = 50_000) -> LaunchInvoice:
    return LaunchInvoice("li-1", "leeds", "Hall", amount, "s3://d/x", "0" * 64, AT, "t")


# ----------------------------------------------------------------------------- invoices
def test_invoice_states_move_only_forward() -> None:
    approved = invoice().moved_to(InvoiceState.APPROVED)
    assert approved.moved_to(InvoiceState.PAID).state is InvoiceState.PAID
    assert approved.moved_to(InvoiceState.REJECTED).state is InvoiceState.REJECTED
    with pytest.raises(InvoiceRefused, match="is submitted; it cannot become paid"):
        invoice().moved_to(InvoiceState.PAID)
    with pytest.raises(InvoiceRefused):
        approved.moved_to(InvoiceState.PAID).moved_to(InvoiceState.REJECTED)


def test_whoever_submitted_an_invoice_cannot_approve_it() -> None:
    # Given an invoice submitted by "t"
    for same in ("t", " T "):
        with pytest.raises(InvoiceRefused, match="needs a second person"):
            invoice().approved_by(same, AT)
    approved = invoice().approved_by("national-finance", AT)
    assert (approved.state, approved.decided_by, approved.decided_at) == (
        InvoiceState.APPROVED,
        "national-finance",
        AT,
    )


def test_the_same_credentials_cannot_approve_under_another_name() -> None:
    submitted = replace(invoice(), submitted_principal="arn:aws:iam::1:user/t")
    with pytest.raises(InvoiceRefused, match="needs a second person"):
        submitted.approved_by("someone else", AT, "arn:aws:iam::1:user/t")
    approved = submitted.approved_by("national-finance", AT, "arn:aws:iam::1:user/nf")
    assert approved.decided_principal == "arn:aws:iam::1:user/nf"


def test_the_cap_check_names_what_is_left() -> None:
    check_fits(invoice(50_000), 200_000, 150_000)
    with pytest.raises(CapReached, match=r"£1,500.01 of £2,000.00 is already committed"):
        check_fits(invoice(50_000), 200_000, 150_001)


@pytest.mark.parametrize(
    ("pay_to", "credited"),
    [(PayTo.CAMPAIGN, "campaign:leeds:launch_costs"), (PayTo.SUPPLIER, "national:bank")],
)
def test_paying_an_invoice_is_a_balanced_national_entry(pay_to: PayTo, credited: str) -> None:
    posting = post_launch_invoice(invoice(30_000), pay_to, AT)
    # The national launch-event funds pay 30000p: to the campaign's launch costs or out
    assert account_balances([posting.entry]) == {
        "national:launch_event_funding": -30_000,
        credited: 30_000,
    }
    assert posting.entry.total(posting.entry.lines[0].side) == 30_000
    owed = 30_000 if pay_to is PayTo.CAMPAIGN else 0
    assert posting.figures.owed == owed


def test_an_invoice_needs_an_amount_and_a_supplier() -> None:
    with pytest.raises(InvoiceRefused):
        invoice(0)
    with pytest.raises(InvoiceRefused):
        LaunchInvoice("li-2", "leeds", " ", 100, "", "", AT, "t")


# ----------------------------------------------------------------------------- report
def entry(days: int, owed: int, kind: str = "payment") -> ReportEntry:
    figures = (
        CampaignFigures(paid_out=-owed)
        if owed < 0
        else CampaignFigures(raised=owed, local_share=owed)
    )
    return ReportEntry(AT + timedelta(days=days), f"e{days}", kind, kind, figures)


def test_report_balances_run_from_the_opening_balance() -> None:
    entries = [entry(0, 1000), entry(1, 500), entry(5, -1500, "payout"), entry(6, 200)]
    report = build_report("leeds", "Leeds", entries, date(2026, 6, 4), date(2026, 6, 8))
    assert report.opening_balance == 1000
    assert [row.balance for row in report.rows] == [1500, 0]
    assert report.closing_balance == 0
    with pytest.raises(InvalidPeriod):
        build_report("leeds", "Leeds", entries, date(2026, 6, 4), date(2026, 6, 3))


# ----------------------------------------------------------------------------- donors
def gift(pid: str, donor: str, pence: int, days: int, kind: PaymentKind = PaymentKind.ONE_OFF):
    payment = Payment(pid, "leeds", "Hyde", kind, pence, "gbp", AT + timedelta(days=days), donor)
    return pid, (payment, Donor(donor, f"{donor}@x.example", donor.upper()))


def test_donor_summaries_add_up_each_donors_gifts() -> None:
    payments = dict(
        [gift("p1", "a", 1000, 0, PaymentKind.FIRST_MONTHLY), gift("p2", "a", 1000, 30)]
    )
    movements = [Movement("p2", AT, 1000), Movement("p2", AT, -400)]
    (summary,) = donor_summaries(payments, [Movement("p1", AT, 1000), *movements])
    assert (summary.total, summary.monthly, len(summary.gifts)) == (1000 + 600, True, 2)


# ----------------------------------------------------------------------------- kit
def test_kit_items_and_their_limits() -> None:
    keys = [item.key for item in kit_items()]
    assert keys == ["monthly_500", "monthly_1000", "monthly_2000", "monthly_choose", "one_off"]
    with pytest.raises(KitRefused):
        kit_items([50])
    with pytest.raises(KitRefused):
        kit_items([])


def test_the_doubling_line_follows_the_match() -> None:
    held = Campaign("leeds", "Leeds", launch_event_on=date(2026, 6, 1))
    assert doubled_line(held, 0, AT) == DOUBLED
    assert doubled_line(Campaign("leeds", "Leeds"), 0, AT) == DOUBLED_AFTER_LAUNCH
    assert doubled_line(held, held.match_cap_pence, AT) is None
    assert doubled_line(Campaign("leeds", "Leeds", election_on=date(2026, 6, 1)), 0, AT) is None


# ----------------------------------------------------------------------------- parsing
@pytest.mark.parametrize(
    ("text", "pence"), [("2000", 200000), ("£2,000", 200000), ("12.5", 1250), ("0.01", 1)]
)
def test_pounds(text: str, pence: int) -> None:
    assert pounds_to_pence(text) == pence


@pytest.mark.parametrize("text", ["-5", "1.234", "2,00", "ten", ""])
def test_bad_pounds(text: str) -> None:
    with pytest.raises(CommandError):
        pounds_to_pence(text)


def test_percentages() -> None:
    assert percent_to_bps("80") == 8000
    assert percent_to_bps("72.5%") == 7250
    for bad in ("100.01", "-1", "12.345", "x"):
        with pytest.raises(CommandError):
            percent_to_bps(bad)
