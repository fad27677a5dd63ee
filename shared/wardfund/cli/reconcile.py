"""`wardfund reconcile --since DATE`: apply the Stripe events the webhooks missed."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from wardfund.cli.common import CommandError, command_errors, err, labelled, now, out, parse_time
from wardfund.cli.options import JsonOption
from wardfund.cli.progress import working
from wardfund.cli.stack_options import Connect, stack_options
from wardfund.cli.tables import columns, print_table
from wardfund.domain.calendar import LONDON
from wardfund.services.reconcile import LoggedEvent, ReconcileReport

STRIPE_KEEPS_DAYS = 30


def report_json(report: ReconcileReport) -> dict[str, object]:
    def rows(pairs: list[tuple[LoggedEvent, str]]) -> list[dict[str, str]]:
        return [
            {
                "event_id": event.event_id,
                "type": event.event_type,
                "created": event.created.astimezone(LONDON).isoformat(),
                "outcome": outcome,
            }
            for event, outcome in pairs
        ]

    return {
        "since": report.since.isoformat(),
        "until": report.until.isoformat() if report.until else None,
        "examined": report.examined,
        "fixed": rows(list(report.fixed)),
        "already_recorded": report.already,
        "ignored": report.ignored,
        "noted": report.noted,
        "waiting": rows(list(report.waiting)),
        "unreadable": rows(list(report.unreadable)),
        "ignored_unexpectedly": rows(list(report.ignored_unexpectedly)),
        "read_in_pinned_version": report.read_in_pinned_version,
    }


@stack_options
def reconcile(
    since: Annotated[
        str, typer.Option("--since", help="From this date or time (London when no offset).")
    ],
    until: Annotated[str | None, typer.Option("--until", help="Up to this time.")] = None,
    as_json: JsonOption = False,
    *,
    connect: Connect,
) -> None:
    """List Stripe's events since then and apply any the ledger has not; report what changed."""
    from wardfund.adapters.dynamodb.alert_store import DynamoAlertStore
    from wardfund.adapters.dynamodb.ledger_store import DynamoLedgerStore
    from wardfund.adapters.stripe_event_log import StripeEventLog
    from wardfund.services.reconcile import reconcile as run

    with command_errors():
        start = parse_time(since, what="--since")
        end = parse_time(until, what="--until") if until else None
        if end is not None and end <= start:
            raise CommandError(f"--until ({end}) is not after --since ({start})")
        target = connect()
        with working("reading Stripe's events"):
            report = run(
                StripeEventLog(target.stripe),
                DynamoLedgerStore(target.table),
                start,
                end,
                DynamoAlertStore(target.table),
            )
    if as_json:
        print(json.dumps(report_json(report), indent=2))
    else:
        shown = [*report.fixed, *report.waiting, *report.unreadable, *report.ignored_unexpectedly]
        print_table(
            out(),
            f"Reconciled {report.examined} Stripe event(s)",
            columns("Created (London)", "Event", "Type", "Outcome"),
            [
                [
                    event.created.astimezone(LONDON).strftime("%Y-%m-%d %H:%M:%S"),
                    event.event_id,
                    event.event_type,
                    outcome,
                ]
                for event, outcome in shown
            ],
        )
        out().print(
            f"fixed {len(report.fixed)}, already recorded {report.already}, "
            f"ignored {report.ignored}, waiting {len(report.waiting)}, "
            f"unreadable {len(report.unreadable)}, "
            f"not counted (alerted) {len(report.ignored_unexpectedly)}"
        )
    if (now() - start).days >= STRIPE_KEEPS_DAYS:
        err.print(labelled("note:", "yellow", f"Stripe keeps events {STRIPE_KEEPS_DAYS} days only"))
    if not report.complete:
        raise typer.Exit(1)
