"""What national finance receives: the summary of each payout run, and alerts."""

from __future__ import annotations

from wardfund.domain.calendar import london_date
from wardfund.domain.notices import AlertRaised, RunSummarised
from wardfund.services.notification_ports import (
    Attachment,
    BankFileReader,
    Composed,
    EmailContext,
    NotificationReader,
)

ALERT_DETAIL_NAMES = (
    "campaign_id",
    "campaign_name",
    "ward",
    "payment_id",
    "payment_kind",
    "currency",
    "needed",
    "queue",
    "alarm",
    "event_id",
    "event_type",
    "object_id",
    "error_type",
)


def bank_file_name(location: str) -> str:
    return location.rsplit("/", 1)[-1]


def compose_summary(
    change: RunSummarised,
    reader: NotificationReader,
    bank_files: BankFileReader,
    context: EmailContext,
) -> Composed:
    report = change.report
    attachments: tuple[Attachment, ...] = ()
    if report.bank_file and report.paid_by_bank:
        attachments = (
            Attachment(
                bank_file_name(report.bank_file), "text/csv", bank_files.read(report.bank_file)
            ),
        )
    return Composed(
        view={
            "kind": "national_summary",
            "report": report,
            "run_day": london_date(report.run_at),
            "updated": bool(change.revision),
            "suspense": reader.suspense(),
            "suspense_items": reader.open_suspense(),
            "bank_file_name": bank_file_name(report.bank_file) if report.bank_file else "",
            "organisation": context.organisation_name,
        },
        attachments=attachments,
    )


def compose_alert(change: AlertRaised, context: EmailContext) -> Composed:
    return Composed(
        view={
            "kind": "alert",
            "alert": change,
            "alert_kind": str(change.kind),
            "details": dict.fromkeys(ALERT_DETAIL_NAMES, "") | dict(change.details),
            "organisation": context.organisation_name,
        }
    )
