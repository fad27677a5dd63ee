"""CloudWatch alarm notifications (as SNS delivers them) → the dead-letter alarms we act on.

Only an alarm going into ALARM on an SQS queue's visible-messages metric counts: the
dead-letter queue alarms. Function-error alarms and returns to OK are left to the topic's
other subscribers.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from wardfund.services.raise_alert import DeadLetterAlarm

ALARM = "ALARM"
SQS_NAMESPACE = "AWS/SQS"
QUEUE_DIMENSION = "QueueName"


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class Dimension(_Loose):
    name: str
    value: str


class Trigger(_Loose):
    namespace: str = Field(default="", alias="Namespace")
    metric_name: str = Field(default="", alias="MetricName")
    dimensions: list[Dimension] = Field(default_factory=list, alias="Dimensions")


class AlarmNotification(_Loose):
    alarm_name: str = Field(alias="AlarmName")
    new_state: str = Field(alias="NewStateValue")
    reason: str = Field(default="", alias="NewStateReason")
    changed_at: str = Field(alias="StateChangeTime")
    trigger: Trigger = Field(default_factory=Trigger, alias="Trigger")


def _time(text: str) -> datetime:
    """CloudWatch writes `2026-06-08T06:05:12.345+0000`."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")


def dead_letter_alarm(message: str) -> DeadLetterAlarm | None:
    try:
        notice = AlarmNotification.model_validate_json(message)
    except ValidationError:
        return None
    queues = [d.value for d in notice.trigger.dimensions if d.name == QUEUE_DIMENSION]
    if notice.new_state != ALARM or notice.trigger.namespace != SQS_NAMESPACE or not queues:
        return None
    return DeadLetterAlarm(
        alarm_name=notice.alarm_name,
        queue=queues[0],
        at=_time(notice.changed_at),
        reason=notice.reason,
    )
