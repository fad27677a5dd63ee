"""A weekly EventBridge Scheduler schedule that invokes one function, with its own role.

A function, not a construct: the schedule and its role are created directly in the caller's
scope, as `WeeklySchedule` and `SchedulerRole`, so their logical ids are those of the caller's own
children and do not move if the helper changes (the schedules have fixed names, and a replaced
named resource would fail to deploy). Hence one weekly schedule per construct.

Scheduler invokes the function asynchronously, so two things can fail, and both should end in
the same DLQ: Scheduler cannot invoke (throttled, permissions): its retry policy, then
`dead_letter_queue`; the function fails: Lambda's async retries, then the function's own DLQ.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import Aws, Duration, TimeZone
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import constants as c
from infra.constructs.role_policy import acknowledge_wildcard


def weekly_lambda_schedule(
    scope: Construct,
    *,
    name: str,
    description: str,
    spec: c.WeeklySchedule,
    function: lambda_.IFunction,
    payload: Mapping[str, Any],
    dead_letter_queue: sqs.IQueue,
    purpose: str,
) -> tuple[scheduler.Schedule, iam.Role]:
    """`payload` is the function's input; `scheduler.ContextAttribute` values are filled in
    by Scheduler at each run (e.g. `<aws.scheduler.scheduled-time>`)."""
    role = iam.Role(
        scope,
        "SchedulerRole",
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
        "WeeklySchedule",
        schedule_name=name,
        description=description,
        schedule=scheduler.ScheduleExpression.cron(
            minute=spec.minute,
            hour=spec.hour,
            week_day=spec.weekday,
            time_zone=TimeZone.of(spec.time_zone),
        ),
        target=targets.LambdaInvoke(
            function,
            input=scheduler.ScheduleTargetInput.from_object(dict(payload)),
            retry_attempts=spec.retry_attempts,
            max_event_age=Duration.hours(spec.max_event_age_hours),
            dead_letter_queue=dead_letter_queue,
            role=role,
        ),
    )
    acknowledge_wildcard(
        role,
        f"{function.function_arn}:*",
        f"CDK's LambdaInvoke target grants lambda:InvokeFunction on the {purpose} function and "
        "its qualified ARNs (versions/aliases, ':*'); it is still only this one function.",
    )
    return schedule, role
