"""HTTP API, queues, event source mappings, the payout schedule, the optional EventBridge path."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from aws_cdk.assertions import Match

if TYPE_CHECKING:
    from conftest import StageTemplates


# --- HTTP API ---------------------------------------------------------------------------------


def test_http_api_routes_post_webhook_to_receive(dev: StageTemplates) -> None:
    template = dev.stateless_template
    api = dev.stateless.api
    # Given an HTTP API (not REST) ...
    template.resource_count_is("AWS::ApiGatewayV2::Api", 1)
    template.has_resource_properties("AWS::ApiGatewayV2::Api", {"ProtocolType": "HTTP"})
    # ... with exactly one route, POST /stripe/webhook, no AWS authoriser (Stripe signs instead)
    template.resource_count_is("AWS::ApiGatewayV2::Route", 1)
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


def test_only_this_api_route_may_invoke_receive(dev: StageTemplates) -> None:
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
    dev.stateless_template.resource_count_is("AWS::Lambda::Permission", 1)


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


def test_work_queues_redrive_to_their_dlqs_after_five_receives(dev: StageTemplates) -> None:
    m = dev.stateless.messaging
    for queue, dlq, consumer_timeout in (
        (m.events_queue, m.events_dlq, 30),
        (m.notifications_queue, m.notifications_dlq, 30),
    ):
        props = _queue(dev, queue)
        assert props["RedrivePolicy"] == {
            "deadLetterTargetArn": dev.arn(dlq),
            "maxReceiveCount": 10,
        }
        # visibility >= 6x the consumer's timeout
        assert props["VisibilityTimeout"] >= 6 * consumer_timeout
        assert props["SqsManagedSseEnabled"] is True
        assert _queue(dev, dlq)["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_visibility_timeouts_follow_the_consumer_timeouts(dev: StageTemplates) -> None:
    s = dev.stateless
    functions = dev.resources("stateless")
    for queue, fn in (
        (s.messaging.events_queue, s.processing.process),
        (s.messaging.notifications_queue, s.notifications.send),
    ):
        timeout = functions[dev.lid(fn.function)]["Properties"]["Timeout"]
        assert _queue(dev, queue)["VisibilityTimeout"] >= 6 * timeout


def test_every_queue_is_encrypted_and_refuses_plain_http(
    dev: StageTemplates, prod: StageTemplates
) -> None:
    for stage in (dev, prod):
        resources = stage.resources("stateless")
        queues = [lid for lid, r in resources.items() if r["Type"] == "AWS::SQS::Queue"]
        # events + notifications (+ DLQs), the run DLQ, and in prod the EventBridge delivery DLQ
        assert len(queues) == (5 if stage is dev else 6)
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


def test_event_source_mappings_report_batch_item_failures(dev: StageTemplates) -> None:
    s = dev.stateless
    for queue, fn in (
        (s.messaging.events_queue, s.processing.process),
        (s.messaging.notifications_queue, s.notifications.send),
    ):
        dev.stateless_template.has_resource_properties(
            "AWS::Lambda::EventSourceMapping",
            {
                "EventSourceArn": dev.arn(queue),
                "FunctionName": dev.ref(fn.function),
                "BatchSize": 10,
                "MaximumBatchingWindowInSeconds": 5,
                "FunctionResponseTypes": ["ReportBatchItemFailures"],
            },
        )
    dev.stateless_template.resource_count_is("AWS::Lambda::EventSourceMapping", 2)


# --- payout schedule --------------------------------------------------------------------------


def test_payout_schedule_fires_monday_0600_london(dev: StageTemplates) -> None:
    payouts = dev.stateless.payouts
    dev.stateless_template.resource_count_is("AWS::Scheduler::Schedule", 1)
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
    }
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 7200, "MaximumRetryAttempts": 3}
    assert target["DeadLetterConfig"] == {"Arn": dev.arn(payouts.dlq)}
    assert target["RoleArn"] == dev.arn(
        payouts.schedule.node.scope.node.find_child("SchedulerRole")
    )


def test_scheduler_role_trusts_only_scheduler_in_this_account(dev: StageTemplates) -> None:
    role = dev.resource(dev.stateless.payouts.node.find_child("SchedulerRole"))["Properties"]
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
