"""Use case: find the Stripe events the webhooks never delivered, and apply them.

Stripe keeps every event for 30 days (`/v1/events`). Each one wardfund counts goes through
the same use case the queue's processor runs (`record_stripe_event`), which records it
exactly once: an event already applied is a duplicate and changes nothing. Events are
applied oldest first; one that needs another not yet seen waits for the next pass. An event
of a type wardfund counts that it could not count raises an alert, as in the processor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from wardfund.domain.errors import DependencyNotYetSeen
from wardfund.domain.facts import Fact, Ignored, InvoiceSeen
from wardfund.services.ports import LedgerStore
from wardfund.services.raise_alert import AlertStore, raise_ignored_event_alert
from wardfund.services.record_stripe_event import Outcome, StillContended, record_stripe_event

MAX_PASSES = 5


@dataclass(frozen=True)
class LoggedEvent:
    """An event from Stripe's event list, already translated (or why it could not be)."""

    event_id: str
    event_type: str
    created: datetime
    fact: Fact | None
    problem: str | None = None
    read_in_pinned_version: bool = False  # listed in another version, read through its object


class EventLog(Protocol):
    def since(self, since: datetime, until: datetime | None = None) -> Iterable[LoggedEvent]: ...


@dataclass
class ReconcileReport:
    since: datetime
    until: datetime | None
    examined: int = 0
    fixed: list[tuple[LoggedEvent, str]] = field(default_factory=list)
    already: int = 0
    ignored: int = 0
    noted: int = 0
    waiting: list[tuple[LoggedEvent, str]] = field(default_factory=list)
    unreadable: list[tuple[LoggedEvent, str]] = field(default_factory=list)
    ignored_unexpectedly: list[tuple[LoggedEvent, str]] = field(default_factory=list)
    read_in_pinned_version: int = 0

    @property
    def complete(self) -> bool:
        return not self.waiting and not self.unreadable


def _apply(event: LoggedEvent, fact: Fact, store: LedgerStore, report: ReconcileReport) -> None:
    if isinstance(fact, InvoiceSeen):
        missing = store.invoice(fact.invoice_id) is None
        record_stripe_event(event.event_id, fact, store)
        if missing:
            report.fixed.append((event, "invoice noted"))
        else:
            report.already += 1
        return
    outcome = record_stripe_event(event.event_id, fact, store)
    if outcome in (Outcome.POSTED, Outcome.SUSPENSE):
        report.fixed.append((event, str(outcome)))
    elif outcome is Outcome.DUPLICATE:
        report.already += 1
    elif outcome is Outcome.IGNORED:
        report.ignored += 1
    else:
        report.noted += 1


def reconcile(
    log: EventLog,
    store: LedgerStore,
    since: datetime,
    until: datetime | None = None,
    alerts: AlertStore | None = None,
) -> ReconcileReport:
    report = ReconcileReport(since=since, until=until)
    listed = list(log.since(since, until))
    report.examined = len(listed)
    report.read_in_pinned_version = sum(event.read_in_pinned_version for event in listed)
    # Stripe lists newest first; apply oldest first (same second: the order Stripe made them)
    pending = [
        event
        for _, event in sorted(enumerate(listed), key=lambda pair: (pair[1].created, -pair[0]))
    ]
    for _ in range(MAX_PASSES):
        later: list[tuple[LoggedEvent, str]] = []
        for event in pending:
            if event.fact is None:
                report.unreadable.append((event, event.problem or "unreadable"))
                continue
            if isinstance(event.fact, Ignored):
                report.ignored += 1
                if event.fact.unexpected:
                    report.ignored_unexpectedly.append((event, event.fact.why))
                    if alerts is not None:
                        raise_ignored_event_alert(event.event_id, event.created, event.fact, alerts)
                continue
            try:
                _apply(event, event.fact, store, report)
            except (DependencyNotYetSeen, StillContended) as error:
                later.append((event, str(error)))
        if not later or len(later) == len(pending):
            report.waiting = later
            break
        pending = [event for event, _ in later]
    return report
