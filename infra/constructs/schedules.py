"""A weekly EventBridge Scheduler schedule that invokes one function, with its own role.

A function, not a construct: the schedule and its role are created directly in the caller's
scope under the ids given, so moving an existing schedule here keeps its logical ids (the
schedules have fixed names, and a replaced named resource would fail to deploy).

Scheduler invokes the function asynchronously, so two things can fail, and both should end in
the same DLQ: Scheduler cannot invoke (throttled, permissions): its retry policy, then
`dead_letter_queue`; the function fails: Lambda's async retries, then the function's own DLQ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aws_cdk import Aws, Duration, TimeZone
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.nag import acknowledge, resource_finding


@dataclass(frozen=True)
class WeeklyTime:
    weekday: str  # MON, TUE, ...
    hour: str
    minute: str
    time_zone: str


def weekly_lambda_schedule(
    scope: Construct,
    *,
    schedule_id: str,
    role_id: str,
    name: str,
    description: str,
    when: WeeklyTime,
    function: lambda_.IFunction,
    payload: Mapping[str, Any],
    retry_attempts: int,
    max_event_age: Duration,
    dead_letter_queue: sqs.IQueue,
    purpose: str,
) -> tuple[scheduler.Schedule, iam.Role]:
    """`payload` is the function's input; `scheduler.ContextAttribute` values are filled in
    by Scheduler at each run (e.g. `<aws.scheduler.scheduled-time>`)."""
    role = iam.Role(
        scope,
        role_id,
        # Assumed by EventBridge Scheduler for this account only; LambdaInvoke adds
        # lambda:InvokeFunction on the function and sqs:SendMessage on the DLQ.
        assumed_by=iam.ServicePrincipal(
            "scheduler.amazonaws.com",
            conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}},
        ),
        description=f"EventBridge Scheduler: invoke the wardfund {purpose}",
    )
    schedule = scheduler.Schedule(
        scope,
        schedule_id,
        schedule_name=name,
        description=description,
        schedule=scheduler.ScheduleExpression.cron(
            minute=when.minute,
            hour=when.hour,
            week_day=when.weekday,
            time_zone=TimeZone.of(when.time_zone),
        ),
        target=targets.LambdaInvoke(
            function,
            input=scheduler.ScheduleTargetInput.from_object(dict(payload)),
            retry_attempts=retry_attempts,
            max_event_age=max_event_age,
            dead_letter_queue=dead_letter_queue,
            role=role,
        ),
    )
    policy = role.node.find_child("DefaultPolicy")
    acknowledge(
        policy,
        resource_finding(policy, "AwsSolutions-IAM5", f"{function.function_arn}:*"),
        f"CDK's LambdaInvoke target grants lambda:InvokeFunction on the {purpose} function and "
        "its qualified ARNs (versions/aliases, ':*'); it is still only this one function.",
    )
    return schedule, role
