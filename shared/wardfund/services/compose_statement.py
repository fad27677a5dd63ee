"""The treasurer's payout statement: read the payout's ledger lines, itemise, attach the CSV."""

from __future__ import annotations

from wardfund.domain.calendar import london_date
from wardfund.domain.campaign import Campaign
from wardfund.domain.notices import PayoutCompleted
from wardfund.domain.permissibility import PermissibilityRules
from wardfund.domain.postings import PostingKind
from wardfund.domain.statement import PayoutStatement, build_statement
from wardfund.domain.statement_csv import (
    ACCOUNTS,
    CLEARING,
    journal_lines,
    journal_number,
    quickbooks_journal_csv,
    statement_csv,
    xero_journal_csv,
)
from wardfund.services.notification_ports import (
    Attachment,
    Composed,
    EmailContext,
    NotificationReader,
)


def read_statement(
    change: PayoutCompleted,
    campaign: Campaign,
    reader: NotificationReader,
    rules: PermissibilityRules,
) -> PayoutStatement:
    lines = reader.lines_until(change.campaign_id, change.run_at)
    settled = set(change.settles)
    payment_ids = {
        line.payment_id for line in lines if line.line_key in settled and line.payment_id
    }
    previous_run = reader.previous_run(change.run_at)
    return build_statement(
        payout=change,
        campaign=campaign,
        lines=lines,
        payments=reader.payments(sorted(payment_ids)),
        notes=reader.lifecycle(change.campaign_id, previous_run, change.run_at),
        previous_run=previous_run,
        rules=rules,
    )


def statement_filename(statement: PayoutStatement, what: str = "") -> str:
    """`leeds-central-payout-2026-06-15.csv` (the bank statement, for an account without a
    feed), `...-xero-journal.csv`, `...-quickbooks-journal.csv`: the run's London date."""
    day = london_date(statement.run_at).isoformat()
    return f"{statement.campaign_id}-payout-{day}{'-' + what if what else ''}.csv"


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def compose_statement(
    change: PayoutCompleted, campaign: Campaign, reader: NotificationReader, context: EmailContext
) -> Composed:
    statement = read_statement(change, campaign, reader, context.permissibility)
    organisation = context.organisation_name
    files = {
        "xero": statement_filename(statement, "xero-journal"),
        "quickbooks": statement_filename(statement, "quickbooks-journal"),
        "bank": statement_filename(statement),
    }
    return Composed(
        view={
            "kind": "payout_statement",
            "s": statement,
            "organisation": context.organisation_name,
            "reply_to": context.reply_to_address,
            "files": files,
            "journal": journal_lines(statement, organisation),
            "journal_number": journal_number(statement),
            "clearing": CLEARING,
            "accounts": ACCOUNTS,
            "payment_kind": str(PostingKind.PAYMENT),
        },
        attachments=(
            Attachment(files["xero"], "text/csv", _utf8(xero_journal_csv(statement, organisation))),
            Attachment(
                files["quickbooks"],
                "text/csv",
                _utf8(quickbooks_journal_csv(statement, organisation)),
            ),
            Attachment(files["bank"], "text/csv", _utf8(statement_csv(statement, organisation))),
        ),
    )
