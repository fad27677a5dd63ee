"""The payout statement as a CSV bank statement Xero imports: Date, Amount, Payee,
Description, Reference, with dates as dd/mm/yyyy.

One line per campaign share, one per match (given or taken back) and one per launch-event
invoice reimbursed, so the treasurer can code gifts, match funding and launch costs
separately; the lines add up to the payout exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wardfund.domain.display import plain_amount, pounds, short_date, slash_date
from wardfund.domain.safe_csv import csv_text
from wardfund.domain.statement import PayoutStatement, StatementRow

COLUMNS = ("Date", "Amount", "Payee", "Description", "Reference")


@dataclass(frozen=True)
class BankLine:
    at: datetime
    amount: int
    payee: str
    description: str
    reference: str


def _describe(row: StatementRow) -> str:
    where = f", {row.ward} ward" if row.ward else ""
    if row.gross > 0:
        return (
            f"{row.label}{where}: {pounds(row.gross)} given, {pounds(row.national)} kept nationally"
        )
    note = f" of the gift of {short_date(row.gift_date)}" if row.gift_date else ""
    recovered = " (recovered: the gift was in an earlier payout)" if row.recovered else ""
    return f"{row.label}{note}{where}{recovered}"


def bank_lines(statement: PayoutStatement, organisation: str) -> list[BankLine]:
    match_payee = f"{organisation} (match funding)"
    launch_payee = f"{organisation} (launch-event invoices)"
    lines = []
    for row in statement.rows:
        reference = row.payment_id or ""
        if row.share:
            lines.append(BankLine(row.at, row.share, row.donor_name, _describe(row), reference))
        if row.match:
            what = "Match funding" if row.match > 0 else "Match funding taken back"
            lines.append(
                BankLine(row.at, row.match, match_payee, f"{what}: {_describe(row)}", reference)
            )
        if row.launch_costs:
            lines.append(BankLine(row.at, row.launch_costs, launch_payee, row.label, ""))
    return lines


def statement_csv(statement: PayoutStatement, organisation: str) -> str:
    """Through the one CSV writer: a donor's name never becomes a spreadsheet formula."""
    rows = [
        (slash_date(line.at), plain_amount(line.amount), line.payee, line.description,
         line.reference)
        for line in bank_lines(statement, organisation)
    ]  # fmt: skip
    return csv_text(COLUMNS, rows, line_end="\r\n")
