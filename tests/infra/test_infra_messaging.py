"""HTTP API, queues, event source mappings (queue and table stream), the alarm topic's
subscription, the payout and reconcile schedules, the optional EventBridge path."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from aws_cdk.assertions import Match

from wardfund.adapters.dynamodb.outbox_records import STREAM_FILTERS
from wardfund.event_sources import EVENTS_QUEUE_MAX_CONCURRENCY

if TYPE_CHECKING:
    from conftest import StageTemplates, Synthesis


# --- HTTP API ---------------------------------------------------------------------------------


def test_http_api_routes_post_webhook_to_receive(dev: StageTemplates) -> None:
    template = dev.stateless_template
    api = dev.stateless.api
    # Given an HTTP API (not REST); the other is the live page's (test_infra_live_page.py) ...
    template.resource_count_is("AWS::ApiGatewayV2::Api", 2)
    template.has_resource_properties("AWS::ApiGatewayV2::Api", {"ProtocolType": "HTTP"})
    # ... with POST /stripe/webhook, no AWS authoriser (Stripe signs instead)
    # (and GET /live/{proxy+}, and POST /stripe/connect-webhook: test_infra_connect.py)
    template.resource_count_is("AWS::ApiGatewayV2::Route", 3)
    route = dev.resource(api.route)["Properties"]
    assert route["RouteKey"] == "POST /stripe/webhook"
    assert route["AuthorizationType"] == "NONE"
    assert route["ApiId"] == dev.ref(api.api)
    # ... integrated with the receive function, payload format 2.0
    integration_id = route["Target"]["Fn::Join"][1][1]["Ref"]
    integration = dev.resources("stateless")[integration_id]["Properties"]
    assert integration == {
        "ApiId": dev.ref(api.api),
        "IntegrationType": "AWS_PROXY",
        "IntegrationUri": dev.arn(api.receive.function),
        "PayloadFormatVersion": "2.0",
    }


def test_only_this_api_route_may_invoke_receive_and_only_the_topic_alarms(
    dev: StageTemplates,
) -> None:
    api = dev.stateless.api
    dev.stateless_template.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": dev.arn(api.receive.function),
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": {
                "Fn::Join": [
                    "",
                    Match.array_with([dev.ref(api.api), "/*/*/stripe/webhook"]),
                ]
            },
        },
    )
    dev.stateless_template.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": dev.arn(dev.stateless.notifications.alarms.function),
            "Principal": "sns.amazonaws.com",
            "SourceArn": dev.ref(dev.stateless.monitoring.topic),
        },
    )
    # Schedules invoke through their roles, event source mappings through the function's role;
    # the third is the live page's route (test_infra_live_page.py), the fourth the Connect
    # webhook's (test_infra_connect.py)
    dev.stateless_template.resource_count_is("AWS::Lambda::Permission", 4)


def test_default_stage_is_throttled_and_access_logged(dev: StageTemplates) -> None:
    stage = dev.resource(dev.stateless.api.stage)["Properties"]
    assert stage["StageName"] == "$default"
    assert stage["AutoDeploy"] is True
    assert stage["DefaultRouteSettings"] == {"ThrottlingBurstLimit": 100, "ThrottlingRateLimit": 50}
    access = stage["AccessLogSettings"]
    assert access["DestinationArn"]["Fn::GetAtt"][1] == "Arn"
    fields = json.loads(access["Format"])
    assert fields["requestId"] == "$context.requestId"
    assert fields["status"] == "$context.status"


# --- queues -----------------------------------------------------------------------------------


def _queue(stage: StageTemplates, queue: object) -> dict:
    return stage.resource(queue)["Properties"]  # type: ignore[arg-type]


def test_events_queue_redrives_to_its_dlq_after_ten_receives(dev: StageTemplates) -> None:
    m = dev.stateless.messaging
    props = _queue(dev, m.events_queue)
    assert props["RedrivePolicy"] == {
        "deadLetterTargetArn": dev.arn(m.events_dlq),
        "maxReceiveCount": 10,
    }
    assert props["SqsManagedSseEnabled"] is True
    assert _queue(dev, m.events_dlq)["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_visibility_timeout_follows_the_consumer_timeout(dev: StageTemplates) -> None:
    s = dev.stateless
    timeout = dev.resource(s.processing.process.function)["Properties"]["Timeout"]
    assert _queue(dev, s.messaging.events_queue)["VisibilityTimeout"] >= 6 * timeout


def test_every_dead_letter_queue_keeps_messages_14_days_and_has_no_dlq(
    dev: StageTemplates, prod: StageTemplates
) -> None:
    for stage in (dev, prod):
        for dlq in _dead_letter_queues(stage):
            props = _queue(stage, dlq)
            assert props["MessageRetentionPeriod"] == 14 * 24 * 3600
            assert "RedrivePolicy" not in props


def _dead_letter_queues(stage: StageTemplates) -> list[Any]:
    s = stage.stateless
    dlqs = [
        s.messaging.events_dlq,
        s.messaging.notifications_dlq,
        s.payouts.dlq,
        s.payouts.tasks.dlq,
        s.reconciliation.dlq,
        s.notifications.alarms_dlq,
    ]
    if s.stripe_destination is not None:
        dlqs.append(s.stripe_destination.delivery_dlq)
    return dlqs


def test_every_queue_is_encrypted_and_refuses_plain_http(
    dev: StageTemplates, prod: StageTemplates
) -> None:
    for stage in (dev, prod):
        resources = stage.resources("stateless")
        queues = [lid for lid, r in resources.items() if r["Type"] == "AWS::SQS::Queue"]
        # the events and payout tasks queues and the dead-letter queues; no notifications work
        # queue any more
        work = {stage.stateless.messaging.events_queue, stage.stateless.payouts.tasks.queue}
        assert set(queues) == {stage.lid(q) for q in work} | {
            stage.lid(q) for q in _dead_letter_queues(stage)
        }
        assert len(queues) == (8 if stage is dev else 9)
        for lid in queues:
            assert resources[lid]["Properties"]["SqsManagedSseEnabled"] is True
        policies = [r for r in resources.values() if r["Type"] == "AWS::SQS::QueuePolicy"]
        denied = set()
        for policy in policies:
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                if statement["Effect"] == "Deny":
                    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
                    denied.update(q["Ref"] for q in policy["Properties"]["Queues"])
        assert denied == set(queues)


def test_events_queue_mapping_reports_batch_item_failures(dev: StageTemplates) -> None:
    s = dev.stateless
    dev.stateless_template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "EventSourceArn": dev.arn(s.messaging.events_queue),
            "FunctionName": dev.ref(s.processing.process.function),
            "BatchSize": 10,
            "MaximumBatchingWindowInSeconds": 5,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            # at most this many processors race on the campaigns' balance items at once
            "ScalingConfig": {"MaximumConcurrency": EVENTS_QUEUE_MAX_CONCURRENCY},
        },
    )
    assert EVENTS_QUEUE_MAX_CONCURRENCY == 5
    # the events queue, the payout tasks queue and the table's stream; nothing else
    dev.stateless_template.resource_count_is("AWS::Lambda::EventSourceMapping", 3)


# --- table stream -> notifications ------------------------------------------------------------


@pytest.mark.parametrize("stage_name", ["dev", "prod"])
def test_table_stream_mapping_feeds_the_send_function(synth: Synthesis, stage_name: str) -> None:
    stage = synth.dev if stage_name == "dev" else synth.prod
    s = stage.stateless
    mapping = stage.resolve_cross_stack(stage.resource(s.notifications.stream_mapping))
    props = mapping["Properties"]
    filters = props.pop("FilterCriteria")["Filters"]
    props.pop("Tags")
    assert props == {
        # the stateful stack's table stream (a cross-stack reference)
        "EventSourceArn": stage.arn(stage.stateful.data.table, "StreamArn"),
        "FunctionName": stage.ref(s.notifications.send.function),
        "StartingPosition": "TRIM_HORIZON",
        "BatchSize": 25,
        "BisectBatchOnFunctionError": True,
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "MaximumRetryAttempts": 5,
        "MaximumRecordAgeInSeconds": 24 * 3600,
        # what Lambda gave up on: a note (shard, sequence numbers) to the notifications DLQ
        "DestinationConfig": {
            "OnFailure": {"Destination": stage.arn(s.messaging.notifications_dlq)}
        },
    }
    # Exactly the application's own patterns (also used by the local stream worker), at most
    # Lambda's default five filters per mapping
    assert [json.loads(f["Pattern"]) for f in filters] == [dict(p) for p in STREAM_FILTERS]
    assert len(filters) <= 5


def test_stream_filters_keep_only_the_items_that_make_emails_due(dev: StageTemplates) -> None:
    mapping = dev.resource(dev.stateless.notifications.stream_mapping)["Properties"]
    patterns = [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]]
    text = json.dumps(patterns)
    for item in ('"PAYMENT"', '"PAYOUT#"', '"RUNS"', '"ALERT"', '"DONOR#"'):
        assert item in text
    # every pattern names the event (INSERT/MODIFY; never REMOVE) and the item's keys
    for pattern in patterns:
        assert set(pattern["eventName"]) <= {"INSERT", "MODIFY"}
        assert "Keys" in pattern["dynamodb"]


def test_main_table_streams_new_and_old_images(synth: Synthesis) -> None:
    for stage in synth.stages:
        props = stage.resource(stage.stateful.data.table)["Properties"]
        assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}


# --- alarm topic -> alarms function -----------------------------------------------------------


def test_alarm_topic_delivers_dlq_alarms_to_the_alarms_function(
    dev: StageTemplates, prod: StageTemplates
) -> None:
    for stage in (dev, prod):
        s = stage.stateless
        stage.stateless_template.has_resource_properties(
            "AWS::SNS::Subscription",
            {
                "Protocol": "lambda",
                "Endpoint": stage.arn(s.notifications.alarms.function),
                "TopicArn": stage.ref(s.monitoring.topic),
                # what functions/notifications/alarms.py acts on: ALARM states of SQS metrics
                "FilterPolicyScope": "MessageBody",
                "FilterPolicy": {"NewStateValue": ["ALARM"], "Trigger": {"Namespace": ["AWS/SQS"]}},
            },
        )


# --- payout schedule --------------------------------------------------------------------------


def test_payout_schedule_fires_monday_0600_london(dev: StageTemplates) -> None:
    payouts = dev.stateless.payouts
    # the weekly run, the daily retry of held payouts, the run's deadline, reconciliation
    dev.stateless_template.resource_count_is("AWS::Scheduler::Schedule", 4)
    schedule = dev.resource(payouts.schedule)["Properties"]
    assert schedule["Name"] == "wardfund-dev-weekly-payout-run"
    assert schedule["ScheduleExpression"] == "cron(0 6 ? * MON *)"
    assert schedule["ScheduleExpressionTimezone"] == "Europe/London"
    assert schedule["State"] == "ENABLED"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    target = schedule["Target"]
    assert target["Arn"] == dev.arn(payouts.run.function)
    assert json.loads(target["Input"]) == {
        "scheduled_time": "<aws.scheduler.scheduled-time>",
        "schedule": "wardfund-dev-weekly-payout-run",
        "kind": "run",
    }
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 7200, "MaximumRetryAttempts": 3}
    assert target["DeadLetterConfig"] == {"Arn": dev.arn(payouts.dlq)}
    assert target["RoleArn"] == dev.arn(payouts.scheduler_role)


@pytest.mark.parametrize("stage_name", ["dev", "prod"])
def test_reconcile_schedule_fires_monday_0500_london_before_the_payouts(
    synth: Synthesis, stage_name: str
) -> None:
    stage = synth.dev if stage_name == "dev" else synth.prod
    reconciliation = stage.stateless.reconciliation
    schedule = stage.resource(reconciliation.schedule)["Properties"]
    # the only input the handler reads: the time Scheduler meant to run it
    assert json.loads(schedule["Target"].pop("Input")) == {
        "scheduled_time": "<aws.scheduler.scheduled-time>"
    }
    assert schedule == {
        "Name": f"wardfund-{stage_name}-weekly-reconcile",
        "Description": "Weekly reconciliation of missed Stripe events, before the payout run.",
        "ScheduleExpression": "cron(0 5 ? * MON *)",
        "ScheduleExpressionTimezone": "Europe/London",
        "State": "ENABLED",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {
            "Arn": stage.arn(reconciliation.reconcile.function),
            "RetryPolicy": {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 3},
            "DeadLetterConfig": {"Arn": stage.arn(reconciliation.dlq)},
            "RoleArn": stage.arn(reconciliation.scheduler_role),
        },
    }
    payouts = stage.resource(stage.stateless.payouts.schedule)["Properties"]
    assert payouts["ScheduleExpressionTimezone"] == schedule["ScheduleExpressionTimezone"]
    assert payouts["ScheduleExpression"] == "cron(0 6 ? * MON *)"  # an hour later


@pytest.mark.parametrize("area", ["payouts", "reconciliation"])
def test_scheduler_roles_trust_only_scheduler_in_this_account(
    dev: StageTemplates, area: str
) -> None:
    role = dev.resource(getattr(dev.stateless, area).scheduler_role)["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
            "Effect": "Allow",
            "Principal": {"Service": "scheduler.amazonaws.com"},
        }
    ]
    assert "ManagedPolicyArns" not in role


def test_prod_schedule_is_still_weekly_the_handler_skips_off_weeks(prod: StageTemplates) -> None:
    schedule = prod.resource(prod.stateless.payouts.schedule)["Properties"]
    assert schedule["ScheduleExpression"] == "cron(0 6 ? * MON *)"
    assert schedule["Name"] == "wardfund-prod-weekly-payout-run"


# --- optional Stripe Event Destination (EventBridge) ------------------------------------------


def test_dev_has_no_eventbridge_path(dev: StageTemplates) -> None:
    assert dev.stateless.stripe_destination is None
    dev.stateless_template.resource_count_is("AWS::Events::EventBus", 0)
    dev.stateless_template.resource_count_is("AWS::Events::Rule", 0)


def test_stripe_event_destination_feeds_the_events_queue(prod: StageTemplates) -> None:
    destination = prod.stateless.stripe_destination
    assert destination is not None
    source = "aws.partner/stripe.com/acct_123/ed_test_456"
    prod.stateless_template.has_resource_properties(
        "AWS::Events::EventBus", {"Name": source, "EventSourceName": source}
    )
    rule = prod.resource(destination.rule)["Properties"]
    assert rule["EventBusName"] == prod.ref(destination.event_bus)
    assert rule["EventPattern"] == {"source": [{"prefix": "aws.partner/stripe.com"}]}
    assert rule["State"] == "ENABLED"
    (target,) = rule["Targets"]
    assert target["Arn"] == prod.arn(prod.stateless.messaging.events_queue)
    assert target["InputPath"] == "$.detail"  # the Stripe event object, as the webhook sends it
    assert target["DeadLetterConfig"] == {"Arn": prod.arn(destination.delivery_dlq)}
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 10}


def test_only_this_rule_may_send_to_the_events_queue(prod: StageTemplates) -> None:
    destination = prod.stateless.stripe_destination
    assert destination is not None
    prod.stateless_template.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        {
            "Queues": [prod.ref(prod.stateless.messaging.events_queue)],
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        {
                            "Action": [
                                "sqs:GetQueueAttributes",
                                "sqs:GetQueueUrl",
                                "sqs:SendMessage",
                            ],
                            "Condition": {
                                "ArnEquals": {"aws:SourceArn": prod.arn(destination.rule)}
                            },
                            "Effect": "Allow",
                            "Principal": {"Service": "events.amazonaws.com"},
                            "Resource": prod.arn(prod.stateless.messaging.events_queue),
                        }
                    ]
                )
            },
        },
    )
