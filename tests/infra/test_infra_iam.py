"""Every role's exact permissions: (action, resource) pairs, each resource the right ARN.

CDK merges statements (`@aws-cdk/aws-iam:minimizePolicies`), so the tests compare the set of
(action, resource) pairs a role's policies grant rather than statement lists.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from aws_cdk.assertions import Match

if TYPE_CHECKING:
    from conftest import StageTemplates, Synthesis


XRAY = {("xray:PutTraceSegments", "*"), ("xray:PutTelemetryRecords", "*")}


def _key(resource: Any) -> str:
    return resource if isinstance(resource, str) else json.dumps(resource, sort_keys=True)


def _grants(stage: StageTemplates, role: Any) -> tuple[set[tuple[str, str]], list[dict]]:
    """(action, resource) pairs granted to `role` by any AWS::IAM::Policy, and the statements
    carrying conditions. Cross-stack references are resolved to the producing value."""
    role_id = stage.lid(role)
    pairs: set[tuple[str, str]] = set()
    conditional: list[dict] = []
    for resource in stage.resources("stateless").values():
        if resource["Type"] != "AWS::IAM::Policy":
            continue
        if {"Ref": role_id} not in resource["Properties"]["Roles"]:
            continue
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Allow"
            assert set(statement) <= {"Action", "Effect", "Resource", "Condition"}
            actions = statement["Action"]
            resources = statement["Resource"]
            actions = [actions] if isinstance(actions, str) else actions
            resources = resources if isinstance(resources, list) else [resources]
            for action in actions:
                for target in resources:
                    pairs.add((action, _key(stage.resolve_cross_stack(target))))
            if "Condition" in statement:
                conditional.append(statement)
    return pairs, conditional


def _each(actions: tuple[str, ...] | list[str], resource: Any) -> set[tuple[str, str]]:
    return {(action, _key(resource)) for action in actions}


def _objects_of_bank_bucket(stage: str) -> dict[str, Any]:
    return {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                f":s3:::wardfund-{stage}-bank-files-",
                {"Ref": "AWS::AccountId"},
                "-",
                {"Ref": "AWS::Region"},
                "/*",
            ],
        ]
    }


def _ses_arn(kind: str, name: str) -> dict[str, Any]:
    return {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":ses:",
                {"Ref": "AWS::Region"},
                ":",
                {"Ref": "AWS::AccountId"},
                f":{kind}/{name}",
            ],
        ]
    }


LOGS = ("logs:CreateLogStream", "logs:PutLogEvents")
CONSUME = (
    "sqs:ReceiveMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueUrl",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
)


@pytest.fixture(params=["dev", "prod"])
def stage(request: pytest.FixtureRequest, synth: Synthesis) -> StageTemplates:
    return synth.dev if request.param == "dev" else synth.prod


def test_receive_role(stage: StageTemplates) -> None:
    fn = stage.stateless.api.receive
    pairs, conditional = _grants(stage, fn.role)
    assert pairs == (
        XRAY
        | _each(LOGS, stage.arn(fn.log_group))
        | _each(["sqs:SendMessage"], stage.arn(stage.stateless.messaging.events_queue))
        | _each(
            ["secretsmanager:GetSecretValue"],
            stage.ref(stage.stateful.stripe_secrets.webhook_signing_secret),
        )
    )
    assert conditional == []


def test_process_role(stage: StageTemplates) -> None:
    fn = stage.stateless.processing.process
    messaging = stage.stateless.messaging
    pairs, conditional = _grants(stage, fn.role)
    table_actions = (
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:ConditionCheckItem",
    )
    assert pairs == (
        XRAY
        | _each(LOGS, stage.arn(fn.log_group))
        | _each(table_actions, stage.arn(stage.stateful.data.table))
        | _each(["sqs:SendMessage"], stage.arn(messaging.notifications_queue))
        | _each(CONSUME, stage.arn(messaging.events_queue))
    )
    assert conditional == []


def test_run_payouts_role(stage: StageTemplates) -> None:
    payouts = stage.stateless.payouts
    fn = payouts.run
    data = stage.stateful.data
    pairs, conditional = _grants(stage, fn.role)
    table_actions = (
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
    )
    idempotency_actions = (
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
    )
    assert pairs == (
        XRAY
        | _each(LOGS, stage.arn(fn.log_group))
        | _each(table_actions, stage.arn(data.table))
        | _each(idempotency_actions, stage.arn(data.idempotency_table))
        | _each(["secretsmanager:GetSecretValue"], stage.ref(stage.stateful.stripe_secrets.api_key))
        | _each(["s3:PutObject"], _objects_of_bank_bucket(stage.config.stage))
        | _each(["sqs:SendMessage"], stage.arn(stage.stateless.messaging.notifications_queue))
        # the function's own async-failure DLQ
        | _each(["sqs:SendMessage"], stage.arn(payouts.dlq))
    )
    assert conditional == []


def test_send_notifications_role(stage: StageTemplates) -> None:
    fn = stage.stateless.notifications.send
    data = stage.stateful.data
    domain = stage.config.sender_domain
    pairs, conditional = _grants(stage, fn.role)
    ses_resources = [
        _ses_arn("identity", domain),
        _ses_arn("configuration-set", f"wardfund-{stage.config.stage}-email"),
    ]
    assert pairs == (
        XRAY
        | _each(LOGS, stage.arn(fn.log_group))
        | _each(
            ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"), stage.arn(data.table)
        )
        | _each(
            ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
            stage.arn(data.idempotency_table),
        )
        | _each(["s3:GetObject"], _objects_of_bank_bucket(stage.config.stage))
        | {(a, _key(r)) for a in ("ses:SendEmail", "ses:SendRawEmail") for r in ses_resources}
        | _each(CONSUME, stage.arn(stage.stateless.messaging.notifications_queue))
    )
    # SES sending is allowed only From the configured sender address
    (ses_statement,) = conditional
    assert sorted(ses_statement["Action"]) == ["ses:SendEmail", "ses:SendRawEmail"]
    assert ses_statement["Condition"] == {
        "StringEquals": {"ses:FromAddress": f"donations@{domain}"}
    }


def test_scheduler_role(stage: StageTemplates) -> None:
    payouts = stage.stateless.payouts
    run_arn = stage.arn(payouts.run.function)
    pairs, conditional = _grants(stage, payouts.node.find_child("SchedulerRole"))
    assert pairs == {
        ("lambda:InvokeFunction", _key(run_arn)),
        ("lambda:InvokeFunction", _key({"Fn::Join": ["", [run_arn, ":*"]]})),
        ("sqs:SendMessage", _key(stage.arn(payouts.dlq))),
    }
    assert conditional == []


def test_each_function_has_its_own_role_without_managed_policies(stage: StageTemplates) -> None:
    functions = [
        r for r in stage.resources("stateless").values() if r["Type"] == "AWS::Lambda::Function"
    ]
    roles = [f["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions]
    assert len(set(roles)) == len(functions) == 4
    for role_id in roles:
        role = stage.resources("stateless")[role_id]["Properties"]
        assert "ManagedPolicyArns" not in role
        assert "Policies" not in role
        assert role["AssumeRolePolicyDocument"]["Statement"] == [
            {
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
            }
        ]


def test_no_iam_policy_anywhere_grants_a_wildcard_action(synth: Synthesis) -> None:
    for stage in synth.stages:
        for kind in ("stateful", "stateless"):
            for resource in stage.resources(kind).values():
                if resource["Type"] != "AWS::IAM::Policy":
                    continue
                for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
                    actions = statement["Action"]
                    for action in [actions] if isinstance(actions, str) else actions:
                        assert "*" not in action


def test_bank_files_bucket_policy_only_denies_plain_http(dev: StageTemplates) -> None:
    bucket = dev.stateful.bank_files.bucket
    dev.stateful_template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "Bucket": dev.ref(bucket),
            "PolicyDocument": {
                "Statement": [
                    {
                        "Action": "s3:*",
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        "Effect": "Deny",
                        "Principal": {"AWS": "*"},
                        "Resource": [dev.arn(bucket), {"Fn::Join": ["", [dev.arn(bucket), "/*"]]}],
                    }
                ],
                "Version": "2012-10-17",
            },
        },
    )


def test_access_log_bucket_policy_lets_only_s3_logging_write_from_the_bank_bucket(
    dev: StageTemplates,
) -> None:
    logs_bucket = dev.stateful.bank_files.access_logs
    bucket = dev.stateful.bank_files.bucket
    dev.stateful_template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "Bucket": dev.ref(logs_bucket),
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": "s3:PutObject",
                                "Effect": "Allow",
                                "Principal": {"Service": "logging.s3.amazonaws.com"},
                                "Condition": {
                                    "ArnLike": {"aws:SourceArn": dev.arn(bucket)},
                                    "StringEquals": {
                                        "aws:SourceAccount": {"Ref": "AWS::AccountId"}
                                    },
                                },
                            }
                        )
                    ]
                )
            },
        },
    )
