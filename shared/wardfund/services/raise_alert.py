"""Use cases: something needs a person → an alert item, which the notifications function
emails to national finance like every other alert (one path for all alerts).

Messages reached a dead-letter queue; a Stripe event of a type wardfund counts was not
counted; an event wardfund cannot read was set aside. Each alert's id is stable for what it
reports, so a retry or a second copy of the event raises it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from wardfund.domain.calendar import utc_key
from wardfund.domain.facts import Ignored
from wardfund.domain.notices import AlertKind, AlertRaised


@dataclass(frozen=True)
class DeadLetterAlarm:
    alarm_name: str
    queue: str
    at: datetime
    reason: str


class AlertStore(Protocol):
    def raise_alert(self, alert: AlertRaised) -> bool:
        """Keeps the alert; False when an alert with this id was kept already."""
        ...


def raise_dead_letter_alert(alarm: DeadLetterAlarm, store: AlertStore) -> AlertRaised:
    alert = AlertRaised(
        alert_id=f"{utc_key(alarm.at)}#{AlertKind.DEAD_LETTERS}#{alarm.queue}",
        kind=AlertKind.DEAD_LETTERS,
        at=alarm.at,
        reason=alarm.reason or f"messages are waiting in {alarm.queue}",
        details={"queue": alarm.queue, "alarm": alarm.alarm_name},
    )
    store.raise_alert(alert)
    return alert


def raise_ignored_event_alert(
    event_id: str, at: datetime, fact: Ignored, store: AlertStore
) -> AlertRaised:
    """An event of a type wardfund counts whose object it cannot count: acknowledged (there is
    nothing to record) but named, so a person can look at it in Stripe."""
    details = {"event_id": event_id, "event_type": fact.event_type}
    if fact.object_id:
        details["object_id"] = fact.object_id
    alert = AlertRaised(
        alert_id=f"{utc_key(at)}#{AlertKind.EVENT_IGNORED}#{event_id}",
        kind=AlertKind.EVENT_IGNORED,
        at=at,
        reason=fact.why,
        details=details,
    )
    store.raise_alert(alert)
    return alert


@dataclass(frozen=True)
class SetAside:
    """A queued message wardfund cannot read (`error_type`, `reason`: no personal data),
    moved to the dead-letter queue at once. `ref`: its event id, else the message id."""

    ref: str
    event_type: str
    error_type: str
    reason: str
    queue: str
    at: datetime


def raise_set_aside_alert(message: SetAside, store: AlertStore) -> AlertRaised:
    details = {"event_id": message.ref, "error_type": message.error_type, "queue": message.queue}
    if message.event_type:
        details["event_type"] = message.event_type
    alert = AlertRaised(
        alert_id=f"{utc_key(message.at)}#{AlertKind.EVENT_SET_ASIDE}#{message.ref}",
        kind=AlertKind.EVENT_SET_ASIDE,
        at=message.at,
        reason=message.reason,
        details=details,
    )
    store.raise_alert(alert)
    return alert
