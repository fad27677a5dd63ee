"""The payout statement as files a treasurer's accounts package imports (docs/accounts-import.md).

**With a bank feed** (the usual case) the payout already arrives in Xero or QuickBooks as one
bank line; importing a statement of its parts would count the money twice. So the statement
carries the payout's *split* as one manual journal (Xero's manual journal import CSV;
QuickBooks Online's journal entry import): the campaign share of gifts by ward, match
funding, refunds and disputes taken back by ward, and launch-event invoices reimbursed,
credited, against one debit to a clearing account ("Due from wardfund"). The treasurer
then reconciles the single bank line to that clearing account, which comes back to zero.

**Without a bank feed** only, the bank-statement CSV (Date, Amount, Payee, Description,
Reference; dd/mm/yyyy) is imported into the bank account instead: one line per campaign
share, per match and per launch-event invoice, dated the payment date, adding up to the
payout exactly. Never both: that too would count the money twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from wardfund.domain.display import plain_amount, pounds, short_date
from wardfund.domain.postings import PostingKind
from wardfund.domain.safe_csv import csv_text
from wardfund.domain.statement import TAKEBACK_LABELS, PayoutStatement, StatementRow

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


def _day(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def statement_csv(statement: PayoutStatement, organisation: str) -> str:
    """The bank-statement CSV, for an account WITHOUT a bank feed: every line is dated the
    payment date, when the money reaches the account. Through the one CSV writer: a donor's
    name never becomes a spreadsheet formula."""
    rows = [
        (_day(statement.paid_on), plain_amount(line.amount), line.payee, line.description,
         line.reference)
        for line in bank_lines(statement, organisation)
    ]  # fmt: skip
    return csv_text(COLUMNS, rows, line_end="\r\n")


# ----------------------------------------------------------------------------- journal
@dataclass(frozen=True)
class Account:
    """An account the treasurer creates once (docs/accounts-import.md): Xero finds it by
    code, QuickBooks by name."""

    code: str
    name: str


CLEARING = Account("WFDUE", "Due from wardfund")  # current asset: the payout's clearing
GIFTS = Account("WFGIFTS", "Donations - campaign share")  # income
MATCH = Account("WFMATCH", "Match funding")  # income
TAKEN_BACK = Account("WFREFUND", "Donations refunded or disputed")  # income, debited
LAUNCH = Account("WFLAUNCH", "Launch-event costs reimbursed")  # income (or the cost's account)
ACCOUNTS = (CLEARING, GIFTS, MATCH, TAKEN_BACK, LAUNCH)
XERO_TAX_RATE = "No VAT"  # donations and grants are outside the scope of VAT
TRACKING = "Ward"


@dataclass(frozen=True)
class JournalLine:
    account: Account
    amount: int  # pence; positive a debit, negative a credit (Xero's sign)
    description: str
    ward: str = ""


def _where(ward: str) -> str:
    return f", {ward} ward" if ward else ""


def journal_lines(statement: PayoutStatement, organisation: str) -> list[JournalLine]:
    """The payout's split as one balanced journal: credits for what the campaign was given,
    debits for what was taken back, and one debit of their sum to the clearing account (the
    payout, unless the ledger moved after the run: then what is still due stays there)."""
    gifts: dict[str, int] = defaultdict(int)
    taken: dict[str, int] = defaultdict(int)
    match = launch = 0
    for row in statement.rows:
        if row.kind in TAKEBACK_LABELS:
            taken[row.ward] += row.share + row.match
            continue
        if row.kind == PostingKind.PAYMENT:
            gifts[row.ward] += row.share
        match += row.match
        launch += row.launch_costs
    credits = [
        *(
            JournalLine(GIFTS, -pence, f"Campaign share of gifts{_where(ward)}", ward)
            for ward, pence in sorted(gifts.items())
            if pence
        ),
        *([JournalLine(MATCH, -match, f"Match funding from {organisation}")] if match else []),
        *(
            JournalLine(TAKEN_BACK, -pence, f"Refunds and disputes taken back{_where(ward)}", ward)
            for ward, pence in sorted(taken.items())
            if pence
        ),
        *(
            [JournalLine(LAUNCH, -launch, f"Launch-event invoices reimbursed by {organisation}")]
            if launch
            else []
        ),
    ]
    due = -sum(line.amount for line in credits)
    payout = f"Payout {statement.reference} from {organisation}"
    return [JournalLine(CLEARING, due, payout), *credits]


def journal_narration(statement: PayoutStatement, organisation: str) -> str:
    return f"{organisation} payout {statement.reference}, {statement.campaign_name}"


XERO_JOURNAL_COLUMNS = (
    "*Narration", "*Date", "Description", "*AccountCode", "*TaxRate", "*Amount",
    "TrackingName1", "TrackingOption1",
)  # fmt: skip


def xero_journal_csv(statement: PayoutStatement, organisation: str) -> str:
    """Xero's manual journal import: one journal (same narration and date on every line),
    positive amounts debits, negative credits, dated the payment date."""
    narration = journal_narration(statement, organisation)
    rows = [
        (narration, _day(statement.paid_on), line.description, line.account.code,
         XERO_TAX_RATE, plain_amount(line.amount), TRACKING if line.ward else "", line.ward)
        for line in journal_lines(statement, organisation)
    ]  # fmt: skip
    return csv_text(XERO_JOURNAL_COLUMNS, rows, line_end="\r\n")


QUICKBOOKS_JOURNAL_COLUMNS = (
    "Journal No", "Journal Date", "Account Name", "Debits", "Credits", "Description", "Name",
    "Class",
)  # fmt: skip


def journal_number(statement: PayoutStatement) -> str:
    """QuickBooks' journal number (21 characters at most): WF, the payment date, the id."""
    return f"WF{statement.paid_on:%y%m%d}-{statement.campaign_id}"[:21]


def quickbooks_journal_csv(statement: PayoutStatement, organisation: str) -> str:
    """QuickBooks Online's journal entry import: one entry (one journal number), debits and
    credits in their own columns, the ward as the class, dated the payment date."""
    number, day = journal_number(statement), _day(statement.paid_on)
    rows = [
        (number, day, line.account.name,
         plain_amount(line.amount) if line.amount > 0 else "",
         plain_amount(-line.amount) if line.amount < 0 else "",
         line.description, organisation, line.ward)
        for line in journal_lines(statement, organisation)
    ]  # fmt: skip
    return csv_text(QUICKBOOKS_JOURNAL_COLUMNS, rows, line_end="\r\n")
