"""`wardfund outbox resend --from DAY [--to DAY]`: the emails of those days (Europe/London)
sent again from the table, for when the stream gave them up (an SES outage longer than its
retries). Each email already sent is skipped, so running it twice sends nothing new."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

import typer

from wardfund.cli.common import CommandError, command_errors, err, now, out, parse_day
from wardfund.cli.stack_options import Connect, stack_options
from wardfund.domain.calendar import london_date

FromOpt = Annotated[
    str, typer.Option("--from", metavar="DATE", help="First day (YYYY-MM-DD, Europe/London).")
]
ToOpt = Annotated[
    str | None, typer.Option("--to", metavar="DATE", help="Last day (YYYY-MM-DD); default: today.")
]


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{count} {name}" for name, count in sorted(counter.items())) or "none"


@stack_options
def resend(start: FromOpt, end: ToOpt = None, *, connect: Connect) -> None:
    """Send the emails of a window of days the stream gave up; those already sent are skipped."""
    from wardfund.adapters.dynamodb.outbox_backlog import DynamoOutboxBacklog
    from wardfund.adapters.once_only_mailer import REMEMBER_DAYS
    from wardfund.services.resend_emails import resend_emails
    from wardfund.wiring.notifications import email_context, notification_ports

    with command_errors():
        first = parse_day(start, what="--from")
        last = parse_day(end, what="--to") if end else london_date(now())
        if last < first:
            raise CommandError(f"--to ({last}) is before --from ({first})")
        target = connect()
        if (london_date(now()) - first).days >= REMEMBER_DAYS:
            err.print(
                f"warning: the mailer remembers what it sent for {REMEMBER_DAYS} days only; "
                f"emails sent before then may be sent again"
            )
        resent = resend_emails(
            DynamoOutboxBacklog(target.table), first, last, notification_ports(), email_context()
        )
    console = out()
    console.print(f"Window: {first} to {last} (Europe/London)")
    console.print(f"Changes found: {_counts(resent.changes)}")
    console.print(f"Emails handed to the mailer: {_counts(resent.emails)}")
    console.print("(the mailer skips every email already sent: same request id)")
