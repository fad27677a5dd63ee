"""What national finance receives: the summary of each payout run, and alerts."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from wardfund.domain.bank_files import summary_location
from wardfund.domain.calendar import london_date, parse_utc_key
from wardfund.domain.notices import ALERT_DETAIL_NAMES, AlertRaised, RunSummarised
from wardfund.services.notification_ports import (
    BankFileReader,
    Composed,
    EmailContext,
    NotificationReader,
)

RECENT_CHANGE_DAYS = 30  # bank details changed this recently are flagged to check


def bank_file_name(location: str) -> str:
    return location.rsplit("/", 1)[-1]


def bank_file_summary(
    location: str | None, bank_files: BankFileReader, run_day: date
) -> dict[str, Any] | None:
    """What the run's bank files hold, without account numbers (the `...-summary.json`
    the run writes beside them); None for a run from before there was one."""
    found = summary_location(location) if location else None
    if found is None:
        return None
    summary: dict[str, Any] = json.loads(bank_files.read(found))
    folder = found.rsplit("/", 1)[0]
    summary["links"] = {kind: f"{folder}/{name}" for kind, name in summary["files"].items()}
    summary["payment_date"] = date.fromisoformat(summary["payment_date"])
    summary["bacs_arrives"] = date.fromisoformat(summary["bacs_arrives"])
    for payment in summary["payments"]:
        changed = payment.get("details_changed_at")
        payment["changed_on"] = london_date(parse_utc_key(changed)) if changed else None
        payment["recently_changed"] = bool(
            changed and payment["changed_on"] >= run_day - timedelta(days=RECENT_CHANGE_DAYS)
        )
    return summary


def compose_summary(
    change: RunSummarised,
    reader: NotificationReader,
    bank_files: BankFileReader,
    context: EmailContext,
) -> Composed:
    """The summary links the run's bank files (it does not attach them: they hold whole
    account numbers, readable only with the bank-details key) and says what to check."""
    report = change.report
    run_day = london_date(report.run_at)
    return Composed(
        view={
            "kind": "national_summary",
            "report": report,
            "run_day": run_day,
            "bank": bank_file_summary(report.bank_file, bank_files, run_day)
            if report.paid_by_bank
            else None,
            "recent_days": RECENT_CHANGE_DAYS,
            "updated": bool(change.revision),
            "suspense": reader.suspense(),
            "suspense_items": reader.open_suspense(),
            "bank_file_name": bank_file_name(report.bank_file) if report.bank_file else "",
            "organisation": context.organisation_name,
        },
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
