"""EventBridge Scheduler: the payout schedules (the weekly run, the daily retry of held
payouts, the run's deadline check), and what each sends the payout function."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import boto3

from wardfund.domain.calendar import to_utc

if TYPE_CHECKING:
    from mypy_boto3_scheduler.client import EventBridgeSchedulerClient

PAYOUT_CRON = "cron(0 6 ? * MON *)"
HELD_PAYOUTS_CRON = "cron(0 6 ? * TUE-SUN *)"  # the daily retry of held payouts
PAYOUT_DEADLINE_CRON = "cron(0 8 ? * MON *)"  # PAYOUT_DEADLINE_HOURS after the run
TIME_ZONE = "Europe/London"
SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"


def payout_input(schedule_name: str, kind: str = "run") -> str:
    """`kind`: `run`, `held` or `deadline` (functions/payouts/run.py)."""
    return json.dumps({"scheduled_time": SCHEDULED_TIME, "schedule": schedule_name, "kind": kind})


@dataclass(frozen=True)
class ScheduleTarget:
    name: str
    expression: str
    time_zone: str
    target_arn: str
    input_template: str

    def input_for(self, scheduled_time: datetime) -> dict[str, Any]:
        """What Scheduler sends at `scheduled_time`: the template with its placeholder filled."""
        stamp = to_utc(scheduled_time).strftime("%Y-%m-%dT%H:%M:%SZ")
        parsed: dict[str, Any] = json.loads(self.input_template.replace(SCHEDULED_TIME, stamp))
        return parsed


class PayoutSchedule:
    def __init__(self, client: EventBridgeSchedulerClient | None = None) -> None:
        self.client: EventBridgeSchedulerClient = client or boto3.client("scheduler")

    def ensure(
        self,
        name: str,
        target_arn: str,
        role_arn: str,
        dead_letter_arn: str,
        *,
        cron: str = PAYOUT_CRON,
        kind: str = "run",
    ) -> None:
        self.client.create_schedule(
            Name=name,
            ScheduleExpression=cron,
            ScheduleExpressionTimezone=TIME_ZONE,
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={
                "Arn": target_arn,
                "RoleArn": role_arn,
                "Input": payout_input(name, kind),
                "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
                "DeadLetterConfig": {"Arn": dead_letter_arn},
            },
        )

    def read(self, name: str) -> ScheduleTarget:
        found = self.client.get_schedule(Name=name)
        return ScheduleTarget(
            name=found["Name"],
            expression=found["ScheduleExpression"],
            time_zone=found.get("ScheduleExpressionTimezone", "UTC"),
            target_arn=found["Target"]["Arn"],
            input_template=found["Target"].get("Input", "{}"),
        )
