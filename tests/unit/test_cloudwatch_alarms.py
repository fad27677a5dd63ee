"""Only a dead-letter queue alarm going into ALARM raises an alert."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from wardfund.adapters.cloudwatch_alarms import dead_letter_alarm
from wardfund.local.lambdas.dead_letter_watch import alarm_notification
from wardfund.services.raise_alert import raise_dead_letter_alert

AT = datetime(2026, 6, 8, 6, 5, 12, 345000, tzinfo=UTC)


class Alerts:
    def __init__(self) -> None:
        self.kept: dict[str, object] = {}

    def raise_alert(self, alert: object) -> bool:
        alert_id = alert.alert_id  # type: ignore[attr-defined]
        if alert_id in self.kept:
            return False
        self.kept[alert_id] = alert
        return True


def test_a_dead_letter_alarm_becomes_one_alert_however_often_it_is_delivered() -> None:
    message = json.dumps(alarm_notification("wardfund-dev-stripe-events-dlq", 3, AT))
    alarm = dead_letter_alarm(message)
    assert alarm is not None
    assert (alarm.queue, alarm.at) == ("wardfund-dev-stripe-events-dlq", AT)
    store = Alerts()
    first = raise_dead_letter_alert(alarm, store)
    raise_dead_letter_alert(alarm, store)  # SNS delivers at least once
    assert list(store.kept) == [first.alert_id]
    assert first.details["queue"] == "wardfund-dev-stripe-events-dlq"


def test_other_alarms_and_back_to_ok_are_ignored() -> None:
    ok = alarm_notification("q-dlq", 0, AT) | {"NewStateValue": "OK"}
    errors = alarm_notification("q-dlq", 1, AT) | {
        "Trigger": {"Namespace": "AWS/Lambda", "MetricName": "Errors", "Dimensions": []}
    }
    assert dead_letter_alarm(json.dumps(ok)) is None
    assert dead_letter_alarm(json.dumps(errors)) is None
    assert dead_letter_alarm("not json") is None
