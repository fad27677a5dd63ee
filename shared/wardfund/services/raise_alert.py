"""Use case: messages reached a dead-letter queue → an alert item, which the notifications
function emails to national finance like every other alert (one path for all alerts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from wardfund.domain.calendar import utc_key
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
