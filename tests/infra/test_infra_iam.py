"""Every role's exact permissions: (action, resource) pairs, each resource the right ARN.

CDK merges statements (`@aws-cdk/aws-iam:minimizePolicies`), so the tests compare the set of
(action, resource) pairs a role's policies grant rather than statement lists.
"""

from __future__ import annotations

import json
from pathlib import Path
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


def _objects_under(stage: str, prefix: str) -> dict[str, Any]:
    objects = _objects_of_bank_bucket(stage)
    parts = list(objects["Fn::Join"][1])
    parts[-1] = f"/{prefix}/*"
    return {"Fn::Join": ["", parts]}


# --- the bank-details KMS key (issue 15 item 1): who may use it, and only how -----------------
BANK_DETAILS_PURPOSE = {"StringEquals": {"kms:EncryptionContext:wardfund:purpose": "bank-details"}}


def _through_s3(stage: str) -> dict[str, Any]:
    """KMS as S3 calls it, for an object under bank-transfers/ of the bank-files bucket."""
    return {
        "StringEquals": {
            "kms:ViaService": {"Fn::Join": ["", ["s3.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]}
        },
        "StringLike": {"kms:EncryptionContext:aws:s3:arn": _objects_under(stage, "bank-transfers")},
    }


def _key_arn(stage: StageTemplates) -> dict[str, Any]:
    return stage.arn(stage.stateful.bank_details.key)


def _kms(stage: StageTemplates, *actions: str) -> set[tuple[str, str]]:
    return _each(list(actions), _key_arn(stage))


def _conditions(conditional: list[dict], prefix: str) -> list[tuple[str, str]]:
    """(actions, condition) of the conditional statements whose actions start with `prefix`."""
    found = []
    for statement in conditional:
        actions = statement["Action"]
        actions = [actions] if isinstance(actions, str) else sorted(actions)
        if all(action.startswith(prefix) for action in actions):
            found.append((",".join(actions), _key(statement["Condition"])))
    return sorted(found)


def _payout_function_kms(stage: StageTemplates, conditional: list[dict]) -> None:
    """Opens bank details (that purpose only) and writes the SSE-KMS bank files through S3
    (that bucket's bank-transfers/ only); never Encrypt, never Decrypt through S3."""
    assert _conditions(conditional, "kms:") == sorted(
        [
            ("kms:Decrypt", _key(BANK_DETAILS_PURPOSE)),
            ("kms:GenerateDataKey", _key(_through_s3(stage.config.stage))),
        ]
    )


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


LEDGER = (  # DynamoLedgerStore: reads, puts, and TransactWriteItems (Put/Update/ConditionCheck)
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:ConditionCheckItem",
)
IDEMPOTENCY = (
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
)
STREAM_READ = (
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
)


def test_process_role(stage: StageTemplates) -> None:
    fn = stage.stateless.processing.process
    messaging = stage.stateless.messaging
    pairs, conditional = _grants(stage, fn.role)
    assert pairs == (
        XRAY
        | _each(LOGS, stage.arn(fn.log_group))
        | _each(LEDGER, stage.arn(stage.stateful.data.table))
        | _each(CONSUME, stage.arn(messaging.events_queue))
        | _each(["sqs:SendMessage"], stage.arn(messaging.events_dlq))
    )
    # An event that waits for another is postponed on its own receipt handle
    assert ("sqs:ChangeMessageVisibility", _key(stage.arn(messaging.events_queue))) in pairs
    # Emails are no longer queued: the only SendMessage sets an unreadable event aside at once
    sends = {resource for action, resource in pairs if action == "sqs:SendMessage"}
    assert sends == {_key(stage.arn(messaging.events_dlq))}
    assert conditional == []


def test_run_payouts_role(stage: StageTemplates) -> None:
    payouts = stage.stateless.payouts
    fn = payouts.run
    data = stage.stateful.data
    pairs, conditional = _grants(stage, fn.role)
    table_actions = (
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
    )
    assert pairs == (
        XRAY
        | _each(LOGS, stage.arn(fn.log_group))
        | _each(table_actions, stage.arn(data.table))
        | _each(IDEMPOTENCY, stage.arn(data.idempotency_table))
        | _each(
            ["secretsmanager:GetSecretValue"],
            stage.ref(stage.stateful.stripe_secrets.payouts_key),
        )
        | _each(["s3:PutObject"], _objects_of_bank_bucket(stage.config.stage))
        # the function's own async-failure DLQ, and the run's tasks (no emails are queued)
        | _each(["sqs:SendMessage"], stage.arn(payouts.dlq))
        | _each(["sqs:SendMessage"], stage.arn(payouts.tasks.queue))
        # a run it finishes itself (nothing to fan out, or its finisher died): its bank files
        | _kms(stage, "kms:Decrypt", "kms:GenerateDataKey")
    )
    _payout_function_kms(stage, conditional)
    assert len(conditional) == 2


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
        | _each(IDEMPOTENCY, stage.arn(data.idempotency_table))
        # the event source mapping reads the table's stream with this role (that stream only)
        | _each(STREAM_READ, stage.arn(data.table, "StreamArn"))
        # ... and sends its on-failure notes to the notifications DLQ with it (send only)
        | _each(["sqs:SendMessage"], stage.arn(stage.stateless.messaging.notifications_dlq))
        | _each(["s3:GetObject"], _objects_of_bank_bucket(stage.config.stage))
        | {(a, _key(r)) for a in ("ses:SendEmail", "ses:SendRawEmail") for r in ses_resources}
    )
    # SES sending is allowed only From the configured sender address
    (ses_statement,) = conditional
    assert sorted(ses_statement["Action"]) == ["ses:SendEmail", "ses:SendRawEmail"]
    assert ses_statement["Condition"] == {
        "StringEquals": {"ses:FromAddress": f"donations@{domain}"}
    }


def test_alarms_role_only_writes_alert_items(stage: StageTemplates) -> None:
    notifications = stage.stateless.notifications
    fn = notifications.alarms
    pairs, conditional = _grants(stage, fn.role)
    assert pairs == (
        XRAY
        | _each(LOGS, stage.arn(fn.log_group))
        | _each(["dynamodb:PutItem"], stage.arn(stage.stateful.data.table))
        # its own async-failure DLQ
        | _each(["sqs:SendMessage"], stage.arn(notifications.alarms_dlq))
    )
    assert conditional == []


def test_reconcile_role(stage: StageTemplates) -> None:
    reconciliation = stage.stateless.reconciliation
    fn = reconciliation.reconcile
    pairs, conditional = _grants(stage, fn.role)
    assert pairs == (
        XRAY
        | _each(LOGS, stage.arn(fn.log_group))
        | _each(LEDGER, stage.arn(stage.stateful.data.table))
        | _each(
            ["secretsmanager:GetSecretValue"],
            stage.ref(stage.stateful.stripe_secrets.reconcile_key),
        )
        # its own async-failure DLQ; it re-queues no events and sends no email
        | _each(["sqs:SendMessage"], stage.arn(reconciliation.dlq))
    )
    assert conditional == []


@pytest.mark.parametrize("area", ["payouts", "reconciliation"])
def test_scheduler_roles(stage: StageTemplates, area: str) -> None:
    construct = getattr(stage.stateless, area)
    function = construct.run if area == "payouts" else construct.reconcile
    fn_arn = stage.arn(function.function)
    pairs, conditional = _grants(stage, construct.scheduler_role)
    assert pairs == {
        ("lambda:InvokeFunction", _key(fn_arn)),
        ("lambda:InvokeFunction", _key({"Fn::Join": ["", [fn_arn, ":*"]]})),
        ("sqs:SendMessage", _key(stage.arn(construct.dlq))),
    }
    assert conditional == []


def _readers(stage: StageTemplates, secret: Any) -> list[str]:
    """The roles any policy of either stack grants GetSecretValue on `secret`."""
    wanted = _key(stage.ref(secret))
    readers = []
    for kind in ("stateful", "stateless"):
        for resource in stage.resources(kind).values():
            if resource["Type"] != "AWS::IAM::Policy":
                continue
            for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
                actions = statement["Action"]
                actions = [actions] if isinstance(actions, str) else actions
                targets = statement["Resource"]
                targets = targets if isinstance(targets, list) else [targets]
                granted = {_key(stage.resolve_cross_stack(t)) for t in targets}
                if "secretsmanager:GetSecretValue" in actions and wanted in granted:
                    readers.extend(r["Ref"] for r in resource["Properties"]["Roles"])
    return sorted(readers)


def test_each_stripe_secret_is_read_by_its_own_role_only(stage: StageTemplates) -> None:
    # One restricted key per purpose, each readable by one role (issue 13, item 7)
    secrets = stage.stateful.stripe_secrets
    s = stage.stateless
    assert _readers(stage, secrets.payouts_key) == sorted(
        [stage.lid(s.payouts.run.role), stage.lid(s.payouts.pay.role)]
    )
    assert _readers(stage, secrets.reconcile_key) == [stage.lid(s.reconciliation.reconcile.role)]
    assert _readers(stage, secrets.webhook_signing_secret) == [stage.lid(s.api.receive.role)]
    # the operators' key: their CLI role only (issue 13, item 8)
    assert _readers(stage, secrets.operator_key) == [stage.lid(s.operators.role)]
    assert len({secrets.payouts_key, secrets.reconcile_key, secrets.operator_key}) == 3


def _stack_arn(name: str) -> dict[str, Any]:
    return {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":cloudformation:",
                {"Ref": "AWS::Region"},
                ":",
                {"Ref": "AWS::AccountId"},
                f":stack/{name}/*",
            ],
        ]
    }


OPERATOR_TABLE = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:ConditionCheckItem",
)


def test_operator_role_has_only_what_the_cli_calls(stage: StageTemplates) -> None:
    # The role operators assume to run the CLI on a stage (issue 13, item 8)
    role = stage.stateless.operators.role
    data = stage.stateful.data
    name = stage.config.stage
    domain = stage.config.sender_domain
    pairs, conditional = _grants(stage, role)
    ses_resources = [
        _ses_arn("identity", domain),
        _ses_arn("configuration-set", f"wardfund-{name}-email"),
    ]
    assert pairs == (
        _each(["cloudformation:DescribeStacks"], _stack_arn(f"Wardfund-{name}-Stateful"))
        | _each(["cloudformation:DescribeStacks"], _stack_arn(f"Wardfund-{name}-Stateless"))
        | _each(OPERATOR_TABLE, stage.arn(data.table))
        # only in a campaign's partition (below): `campaign bank reject` and `approve` delete
        # the change waiting (issue 15 item 1)
        | _each(["dynamodb:DeleteItem"], stage.arn(data.table))
        | _each(IDEMPOTENCY, stage.arn(data.idempotency_table))
        | _each(["s3:PutObject"], _objects_under(name, "launch-invoices"))
        | _each(["s3:GetObject"], _objects_under(name, "bank-transfers"))
        | {(a, _key(r)) for a in ("ses:SendEmail", "ses:SendRawEmail") for r in ses_resources}
        | _each(
            ["secretsmanager:GetSecretValue"],
            stage.ref(stage.stateful.stripe_secrets.operator_key),
        )
        # `campaign bank set` seals new details; they cannot open them (issue 15 item 1)
        | _kms(stage, "kms:Encrypt")
    )
    assert _conditions(conditional, "ses:") == [
        ("ses:SendEmail,ses:SendRawEmail",
         _key({"StringEquals": {"ses:FromAddress": f"donations@{domain}"}})),
    ]  # fmt: skip
    assert _conditions(conditional, "dynamodb:") == [
        ("dynamodb:DeleteItem",
         _key({"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["CAMPAIGN#*"]}})),
    ]  # fmt: skip
    assert _conditions(conditional, "kms:") == [("kms:Encrypt", _key(BANK_DETAILS_PURPOSE))]
    assert len(conditional) == 3
    # no queue, no function, no IAM; no Decrypt (details or files) and no data keys
    assert not {a for a, _ in pairs} & {"sqs:SendMessage", "lambda:InvokeFunction", "iam:PassRole"}
    assert not {a for a, _ in pairs} & {"kms:Decrypt", "kms:GenerateDataKey"}
    props = stage.resource(role)["Properties"]
    assert props["RoleName"] == f"wardfund-{name}-operator"
    assert props["MaxSessionDuration"] == 3600
    assert "ManagedPolicyArns" not in props
    assert props["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            "Effect": "Allow",
            "Principal": {
                "AWS": {
                    "Fn::Join": [
                        "",
                        ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"},
                         ":root"],
                    ]
                }
            },
        }
    ]  # fmt: skip


def test_the_operator_roles_prefixes_are_where_the_cli_writes_and_reads() -> None:
    from datetime import UTC, datetime

    from infra import constants as c
    from wardfund.adapters.s3_bank_files import bank_file_key

    assert bank_file_key(datetime(2026, 6, 8, 5, tzinfo=UTC)).startswith(
        f"{c.BANK_TRANSFERS_PREFIX}/"
    )
    source = Path(__file__).resolve().parents[2] / "shared/wardfund/services/launch_invoices.py"
    assert f'key = f"{c.LAUNCH_INVOICES_PREFIX}/' in source.read_text()


def test_only_the_send_role_reads_the_stream(stage: StageTemplates) -> None:
    readers = []
    for resource in stage.resources("stateless").values():
        if resource["Type"] != "AWS::IAM::Policy":
            continue
        text = json.dumps(resource["Properties"]["PolicyDocument"])
        if "dynamodb:GetRecords" in text or "StreamArn" in text:
            readers.extend(r["Ref"] for r in resource["Properties"]["Roles"])
    assert readers == [stage.lid(stage.stateless.notifications.send.role)]


def test_each_function_has_its_own_role_without_managed_policies(stage: StageTemplates) -> None:
    functions = [
        r for r in stage.resources("stateless").values() if r["Type"] == "AWS::Lambda::Function"
    ]
    roles = [f["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions]
    assert len(set(roles)) == len(functions) == 9
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
