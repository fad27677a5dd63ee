"""The treasurer's payout statement: read the payout's ledger lines, itemise, attach the CSV."""

from __future__ import annotations

from wardfund.domain.calendar import london_date
from wardfund.domain.campaign import Campaign
from wardfund.domain.notices import PayoutCompleted
from wardfund.domain.permissibility import PermissibilityRules
from wardfund.domain.postings import PostingKind
from wardfund.domain.statement import PayoutStatement, build_statement
from wardfund.domain.statement_csv import statement_csv
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


def statement_filename(statement: PayoutStatement) -> str:
    return f"{statement.campaign_id}-payout-{london_date(statement.run_at).isoformat()}.csv"


def compose_statement(
    change: PayoutCompleted, campaign: Campaign, reader: NotificationReader, context: EmailContext
) -> Composed:
    statement = read_statement(change, campaign, reader, context.permissibility)
    csv_text = statement_csv(statement, context.organisation_name)
    return Composed(
        view={
            "kind": "payout_statement",
            "s": statement,
            "organisation": context.organisation_name,
            "reply_to": context.reply_to_address,
            "csv_name": statement_filename(statement),
            "payment_kind": str(PostingKind.PAYMENT),
        },
        attachments=(
            Attachment(statement_filename(statement), "text/csv", csv_text.encode("utf-8")),
        ),
    )
