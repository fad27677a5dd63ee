"""The payout's split as one journal (Xero manual journal CSV, QuickBooks Online journal entry
CSV): it balances, its clearing debit is the single payout line a bank feed brings in, and
its credits are the campaign share by ward, match funding, refunds and disputes by ward and
launch-event invoices (docs/accounts-import.md)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from tests.unit.test_statement import (
    BEN,
    CHLOE,
    LEEDS,
    NOTES,
    PAID_EARLIER,
    PAYMENTS,
    PAYOUT,
    PREVIOUS_RUN,
    REFUND,
)
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.payouts import LedgerLine, PayoutMethod
from wardfund.domain.permissibility import PermissibilityRules
from wardfund.domain.statement import PayoutStatement, build_statement
from wardfund.domain.statement_csv import (
    CLEARING,
    GIFTS,
    LAUNCH,
    MATCH,
    QUICKBOOKS_JOURNAL_COLUMNS,
    TAKEN_BACK,
    XERO_JOURNAL_COLUMNS,
    journal_lines,
    quickbooks_journal_csv,
    xero_journal_csv,
)

INVOICE = LedgerLine(
    "LINE#i",
    "launch_invoice:inv-7",
    "launch_invoice_reimbursed",
    datetime(2026, 6, 11, 18, tzinfo=UTC),
    datetime(2026, 6, 11, 18, tzinfo=UTC),
    CampaignFigures(launch_costs=45_000),
)
MOSS = replace(
    CHLOE, line_key="LINE#m", entry_id="m", payment_id="pi_m", ward="Moss", donor_ref="dev"
)


def statement(method: PayoutMethod = PayoutMethod.BANK_TRANSFER) -> PayoutStatement:
    """Leeds' payout of £514 + £24: the carried refund of amira's gift (−£18), ben's £60
    (share £48), chloe's £30 (share £24, match £10), dev's £30 in Moss ward (share £24, match
    £10), and a £450 launch-event invoice reimbursed."""
    payout = replace(
        PAYOUT,
        amount=6400 + 3400 + 45_000,
        method=method,
        settles=(*PAYOUT.settles, "LINE#i", "LINE#m"),
    )
    lines = [PAID_EARLIER, REFUND, BEN, CHLOE, MOSS, INVOICE]
    return build_statement(
        payout, LEEDS, lines, PAYMENTS, NOTES, PREVIOUS_RUN, PermissibilityRules()
    )


def test_the_journal_balances_and_its_clearing_debit_is_the_payout() -> None:
    s = statement()
    lines = journal_lines(s, "Common Ground")
    assert sum(line.amount for line in lines) == 0
    assert lines[0].account == CLEARING
    assert lines[0].amount == s.amount == 54_800
    split = [(line.account, line.ward, line.amount) for line in lines[1:]]
    assert split == [
        (GIFTS, "Headingley", -(4800 + 2400)),  # ben's and chloe's campaign share
        (GIFTS, "Moss", -2400),
        (MATCH, "", -2000),
        (TAKEN_BACK, "Headingley", 1800),  # amira's refund: share £8 + match £10, a debit
        (LAUNCH, "", -45_000),
    ]


def test_the_xero_manual_journal_csv_is_one_journal_dated_the_payment_date() -> None:
    s = statement()
    rows = list(csv.DictReader(io.StringIO(xero_journal_csv(s, "Common Ground"))))
    assert tuple(rows[0]) == XERO_JOURNAL_COLUMNS
    assert len({(row["*Narration"], row["*Date"]) for row in rows}) == 1  # one journal
    assert rows[0]["*Date"] == "15/06/2026"
    assert sum(Decimal(row["*Amount"]) for row in rows) == 0
    assert rows[0]["*AccountCode"] == "WFDUE"
    assert Decimal(rows[0]["*Amount"]) == Decimal("548.00")  # the bank feed's one line
    assert {row["*TaxRate"] for row in rows} == {"No VAT"}
    wards = [(row["TrackingName1"], row["TrackingOption1"]) for row in rows]
    assert ("Ward", "Moss") in wards
    assert ("", "") in wards  # match funding: no ward


def test_the_quickbooks_journal_entry_csv_has_debits_and_credits_apart() -> None:
    s = statement()
    rows = list(csv.DictReader(io.StringIO(quickbooks_journal_csv(s, "Common Ground"))))
    assert tuple(rows[0]) == QUICKBOOKS_JOURNAL_COLUMNS
    assert {row["Journal No"] for row in rows} == {"WF260615-leeds-centra"}  # cut at 21
    assert len(rows[0]["Journal No"]) <= 21
    debits = sum(Decimal(row["Debits"] or 0) for row in rows)
    credits = sum(Decimal(row["Credits"] or 0) for row in rows)
    assert debits == credits == Decimal("548.00") + Decimal("18.00")
    assert rows[0]["Account Name"] == "Due from wardfund"
    assert all(not (row["Debits"] and row["Credits"]) for row in rows)


def test_a_payout_run_on_a_bank_holiday_is_journalled_on_the_payment_date() -> None:
    s = replace(statement(), paid_on=datetime(2026, 4, 7, tzinfo=UTC).date())
    rows = list(csv.DictReader(io.StringIO(xero_journal_csv(s, "Common Ground"))))
    assert {row["*Date"] for row in rows} == {"07/04/2026"}
