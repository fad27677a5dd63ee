"""The payout run's fan-out (issue 16): the FIFO tasks queue and its dead-letter queue, the pay
function at a bounded concurrency with only its own permissions, the daily retry of held
payouts, and the run's deadline (a schedule and an alarm)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from infra import constants as c
from infra.config import ConfigError, StageConfig
from tests.infra.test_infra_iam import (
    CONSUME,
    LOGS,
    XRAY,
    _each,
    _grants,
    _key,
    _kms,
    _objects_of_bank_bucket,
    _payout_function_kms,
)
from wardfund.event_sources import PAYOUT_TASKS_MAX_CONCURRENCY

if TYPE_CHECKING:
    from tests.infra.conftest import StageTemplates, Synthesis


@pytest.fixture(params=["dev", "prod"])
def stage(request: pytest.FixtureRequest, synth: Synthesis) -> StageTemplates:
    return synth.dev if request.param == "dev" else synth.prod


def test_tasks_queue_is_fifo_per_campaign_with_a_fifo_dead_letter_queue(
    stage: StageTemplates,
) -> None:
    tasks = stage.stateless.payouts.tasks
    queue = stage.resource(tasks.queue)["Properties"]
    assert queue["FifoQueue"] is True
    assert "ContentBasedDeduplication" not in queue or queue["ContentBasedDeduplication"] is False
    # 6 x the pay function's 60 s: a task is never handed out again while it is being paid
    assert queue["VisibilityTimeout"] == 6 * 60
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": stage.arn(tasks.dlq),
        "maxReceiveCount": 5,
    }
    assert queue["SqsManagedSseEnabled"] is True
    dlq = stage.resource(tasks.dlq)
    assert dlq["Properties"]["FifoQueue"] is True
    assert dlq["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert dlq["DeletionPolicy"] == ("Retain" if stage.config.is_prod else "Delete")


def test_pay_function_takes_one_task_at_a_time_at_the_payout_concurrency(
    stage: StageTemplates,
) -> None:
    payouts = stage.stateless.payouts
    concurrency = stage.config.payout_concurrency
    assert concurrency == PAYOUT_TASKS_MAX_CONCURRENCY == 5
    stage.stateless_template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "EventSourceArn": stage.arn(payouts.tasks.queue),
            "FunctionName": stage.ref(payouts.pay.function),
            "BatchSize": 1,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "ScalingConfig": {"MaximumConcurrency": concurrency},
        },
    )
    function = stage.resource(payouts.pay.function)["Properties"]
    # never throttled below the mapping's concurrency, never above it
    assert function["ReservedConcurrentExecutions"] == concurrency
    assert function["Timeout"] == 60
    env = stage.resolve_cross_stack(function["Environment"]["Variables"])
    assert {k: v for k, v in env.items() if not k.startswith(("POWERTOOLS", "LOG_"))} == {
        "TABLE_NAME": stage.ref(stage.stateful.data.table),
        "STRIPE_API_KEY_SECRET_NAME": f"wardfund/{stage.config.stage}/stripe/payouts-key",
        "BANK_FILES_BUCKET": env["BANK_FILES_BUCKET"],  # its name: test_infra_functions.py
        "PAYOUT_TASKS_QUEUE_URL": stage.ref(payouts.tasks.queue),
        # the run's last campaign writes its bank files (issue 15 item 1)
        "BANK_DETAILS_KEY_ID": stage.arn(stage.stateful.bank_details.key),
        **stage.config.national_bank_environment,
    }


def test_pay_role_has_only_what_paying_one_campaign_needs(stage: StageTemplates) -> None:
    payouts = stage.stateless.payouts
    fn = payouts.pay
    pairs, conditional = _grants(stage, fn.role)
    assert pairs == (
        XRAY
        | _each(LOGS, stage.arn(fn.log_group))
        | _each(
            ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"),
            stage.arn(stage.stateful.data.table),
        )
        | _each(
            ["secretsmanager:GetSecretValue"],
            stage.ref(stage.stateful.stripe_secrets.payouts_key),
        )
        | _each(["s3:PutObject"], _objects_of_bank_bucket(stage.config.stage))
        | _each(CONSUME, stage.arn(payouts.tasks.queue))
        # the run's last campaign writes the bank files (issue 15 item 1)
        | _kms(stage, "kms:Decrypt", "kms:GenerateDataKey")
    )
    _payout_function_kms(stage, conditional)
    assert len(conditional) == 2
    # no idempotency table, no stream, no email, no sending to any queue
    assert not any(action.startswith(("ses:", "sqs:SendMessage")) for action, _ in pairs)


def test_only_the_planner_sends_tasks(stage: StageTemplates) -> None:
    payouts = stage.stateless.payouts
    senders = []
    for resource in stage.resources("stateless").values():
        if resource["Type"] != "AWS::IAM::Policy":
            continue
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
            actions = statement["Action"]
            actions = [actions] if isinstance(actions, str) else actions
            targets = statement["Resource"]
            targets = targets if isinstance(targets, list) else [targets]
            if "sqs:SendMessage" in actions and stage.arn(payouts.tasks.queue) in targets:
                senders.extend(r["Ref"] for r in resource["Properties"]["Roles"])
    assert senders == [stage.lid(payouts.run.role)]


def test_dead_letter_queue_and_function_errors_of_the_fan_out_alarm(
    stage: StageTemplates,
) -> None:
    payouts = stage.stateless.payouts
    topic = stage.ref(stage.stateless.monitoring.topic)
    alarms = [
        r["Properties"]
        for r in stage.resources("stateless").values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
    ]
    (dlq_alarm,) = [
        a
        for a in alarms
        if a["MetricName"] == "ApproximateNumberOfMessagesVisible"
        and a["Dimensions"][0]["Value"]
        == {"Fn::GetAtt": [stage.lid(payouts.tasks.dlq), "QueueName"]}
    ]
    (errors,) = [
        a
        for a in alarms
        if a["MetricName"] == "Errors"
        and a["Dimensions"][0]["Value"] == stage.ref(payouts.pay.function)
    ]
    for alarm in (dlq_alarm, errors):
        assert alarm["AlarmActions"] == [topic]
        assert alarm["Threshold"] == 1


def test_deadline_schedule_and_alarm(stage: StageTemplates) -> None:
    payouts = stage.stateless.payouts
    name = f"wardfund-{stage.config.stage}-payout-run-deadline"
    schedule = stage.resource(payouts.deadline_schedule)["Properties"]
    assert schedule["Name"] == name
    assert schedule["ScheduleExpression"] == "cron(0 8 ? * MON *)"  # two hours after the run
    assert schedule["ScheduleExpressionTimezone"] == "Europe/London"
    assert schedule["Target"]["Arn"] == stage.arn(payouts.run.function)
    assert json.loads(schedule["Target"]["Input"]) == {
        "scheduled_time": "<aws.scheduler.scheduled-time>",
        "schedule": name,
        "kind": "deadline",
    }
    assert schedule["Target"]["DeadLetterConfig"] == {"Arn": stage.arn(payouts.dlq)}
    (late,) = [
        r["Properties"]
        for r in stage.resources("stateless").values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
        and r["Properties"].get("MetricName") == c.PAYOUT_RUN_LATE_METRIC
    ]
    assert late["Namespace"] == "Wardfund"
    assert late["Dimensions"] == [{"Name": "service", "Value": "wardfund"}]
    assert (late["Statistic"], late["Threshold"]) == ("Sum", 1)
    assert late["AlarmActions"] == [stage.ref(stage.stateless.monitoring.topic)]
    assert "deadline" in late["AlarmDescription"]


def test_daily_retry_of_held_payouts_fires_tuesday_to_sunday(stage: StageTemplates) -> None:
    payouts = stage.stateless.payouts
    name = f"wardfund-{stage.config.stage}-daily-held-payouts"
    schedule = stage.resource(payouts.held_schedule)["Properties"]
    assert schedule["Name"] == name
    assert schedule["ScheduleExpression"] == "cron(0 6 ? * TUE-SUN *)"
    assert schedule["ScheduleExpressionTimezone"] == "Europe/London"
    assert json.loads(schedule["Target"]["Input"])["kind"] == "held"
    assert schedule["Target"]["Arn"] == stage.arn(payouts.run.function)


@pytest.mark.parametrize("scope", ["HeldPayouts", "Deadline"])
def test_the_other_schedule_roles_only_invoke_the_run(stage: StageTemplates, scope: str) -> None:
    payouts = stage.stateless.payouts
    role = payouts.node.find_child(scope).node.find_child("SchedulerRole")
    fn_arn = stage.arn(payouts.run.function)
    pairs, conditional = _grants(stage, role)
    assert pairs == {
        ("lambda:InvokeFunction", _key(fn_arn)),
        ("lambda:InvokeFunction", _key({"Fn::Join": ["", [fn_arn, ":*"]]})),
        ("sqs:SendMessage", _key(stage.arn(payouts.dlq))),
    }
    assert conditional == []


def test_the_run_function_emits_the_metric_the_deadline_alarm_watches() -> None:
    source = (c.REPO_ROOT / "functions" / "payouts" / "run.py").read_text()
    assert f'name="{c.PAYOUT_RUN_LATE_METRIC}"' in source


@pytest.mark.parametrize(("given", "expected"), [(None, 5), ("10", 10), (2, 2), ("50", 50)])
def test_payout_concurrency_is_a_setting(given: object, expected: int) -> None:
    context = {"payout_concurrency": given}
    assert StageConfig.from_context(context.get).payout_concurrency == expected


@pytest.mark.parametrize("given", ["1", "51", "ten", 0])
def test_payout_concurrency_out_of_range_stops_synthesis(given: object) -> None:
    with pytest.raises(ConfigError, match="payout_concurrency"):
        StageConfig.from_context({"payout_concurrency": given}.get)
