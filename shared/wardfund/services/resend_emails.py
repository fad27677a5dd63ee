"""Use case: the emails of a window of days, sent again from the table itself.

The stream's event source mapping gives a failing batch up after its retries, and stream
records live 24 hours, so emails that failed through a long SES outage are never sent by
the stream. Their items are still in the table: read back as the same changes, each goes
through the same `send_notifications`, whose mailer sends a request id at most once, so
emails that did go out are skipped and a second resend sends nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from wardfund.domain.calendar import start_of_london_day
from wardfund.domain.notices import (
    AlertRaised,
    Change,
    PaymentRecorded,
    PayoutCompleted,
    RenewalFailed,
    RunSummarised,
)
from wardfund.services.notification_ports import EmailContext, NotificationPorts
from wardfund.services.send_notifications import send_notifications

CHANGE_NAMES: dict[type, str] = {
    PaymentRecorded: "payment",
    PayoutCompleted: "payout",
    AlertRaised: "alert",
    RenewalFailed: "renewal failed",
    RunSummarised: "run summary",
}


class OutboxBacklog(Protocol):
    def changes(self, start: datetime, end: datetime) -> list[Change]:
        """Every change the stream made of the items stamped in [start, end)."""
        ...


@dataclass
class Resent:
    """Counts only: never an address or a name."""

    changes: Counter[str] = field(default_factory=Counter)
    emails: Counter[str] = field(default_factory=Counter)  # by kind, handed to the mailer


def london_days(first: date, last: date) -> tuple[datetime, datetime]:
    """[start of `first`, start of the day after `last`), Europe/London."""
    return start_of_london_day(first), start_of_london_day(last + timedelta(days=1))


def resend_emails(
    backlog: OutboxBacklog,
    first: date,
    last: date,
    ports: NotificationPorts,
    context: EmailContext,
) -> Resent:
    resent = Resent()
    for change in backlog.changes(*london_days(first, last)):
        resent.changes[CHANGE_NAMES[type(change)]] += 1
        for email in send_notifications(change, ports, context):
            resent.emails[email.kind] += 1
    return resent
