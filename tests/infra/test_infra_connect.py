"""Stripe's Connect endpoint (issue 17, section 2): its own secret, read by its own function
only; its route on the webhook API; a function that may touch only the campaigns'
partitions, and only to read and put; its alarm and its output."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from infra import constants as c

if TYPE_CHECKING:
    from aws_cdk import aws_iam as iam
    from conftest import StageTemplates, Synthesis


@pytest.fixture(params=["dev", "prod"])
def stage(request: pytest.FixtureRequest, synth: Synthesis) -> StageTemplates:
    return synth.dev if request.param == "dev" else synth.prod


def statements_of(stage: StageTemplates, role: iam.IRole) -> list[dict[str, Any]]:
    role_id = stage.lid(role)
    found = []
    for resource in stage.resources("stateless").values():
        if (
            resource["Type"] == "AWS::IAM::Policy"
            and {"Ref": role_id} in resource["Properties"]["Roles"]
        ):
            found += resource["Properties"]["PolicyDocument"]["Statement"]
    return found


def secret_readers(stage: StageTemplates, secret: Any) -> set[str]:
    """The stateless roles with a statement allowing GetSecretValue on `secret`."""
    arn = stage.ref(secret)
    readers = set()
    for resource in stage.resources("stateless").values():
        if resource["Type"] != "AWS::IAM::Policy":
            continue
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
            resources = statement["Resource"]
            resources = resources if isinstance(resources, list) else [resources]
            resolved = [stage.resolve_cross_stack(r) for r in resources]
            if "secretsmanager:GetSecretValue" in json.dumps(statement["Action"]) and (
                arn in resolved
            ):
                readers |= {role["Ref"] for role in resource["Properties"]["Roles"]}
    return readers


def test_the_connect_endpoint_has_its_own_secret_read_by_its_own_function_only(
    stage: StageTemplates,
) -> None:
    secrets = stage.stateful.stripe_secrets
    secret = stage.resource(secrets.connect_webhook_signing_secret)
    assert secret["Properties"]["Name"] == f"wardfund/{stage.config.stage}/stripe/" + (
        "connect-webhook-signing-secret"
    )
    assert "SecretString" not in secret["Properties"]  # a generated placeholder, never a value
    connect_role = stage.lid(stage.stateless.api.connect.role)
    receive_role = stage.lid(stage.stateless.api.receive.role)
    assert secret_readers(stage, secrets.connect_webhook_signing_secret) == {connect_role}
    # and the platform endpoint's secret is not the Connect function's to read
    assert connect_role not in secret_readers(stage, secrets.webhook_signing_secret)
    assert receive_role in secret_readers(stage, secrets.webhook_signing_secret)


def test_post_stripe_connect_webhook_reaches_the_connect_function(stage: StageTemplates) -> None:
    api = stage.stateless.api
    routes = [
        r["Properties"]
        for r in stage.resources("stateless").values()
        if r["Type"] == "AWS::ApiGatewayV2::Route"
    ]
    keys = sorted(route["RouteKey"] for route in routes)
    assert "POST /stripe/connect-webhook" in keys
    assert "POST /stripe/webhook" in keys
    (connect,) = [r for r in routes if r["RouteKey"] == "POST /stripe/connect-webhook"]
    assert connect["ApiId"] == stage.ref(api.api)
    integration_id = connect["Target"]["Fn::Join"][1][1]["Ref"]
    integration = stage.resources("stateless")[integration_id]["Properties"]
    function_id = stage.lid(api.connect.function)
    assert integration["IntegrationUri"]["Fn::GetAtt"] == [function_id, "Arn"]
    assert integration["PayloadFormatVersion"] == "2.0"


def test_the_connect_function_reads_and_puts_only_in_the_campaigns_partitions(
    stage: StageTemplates,
) -> None:
    function = stage.resource(stage.stateless.api.connect.function)["Properties"]
    assert function["Handler"] == "functions.connect.webhook.handler"
    assert function["ReservedConcurrentExecutions"] == c.CONNECT_WEBHOOK_CONCURRENCY
    variables = function["Environment"]["Variables"]
    assert variables["STRIPE_CONNECT_WEBHOOK_SECRET_NAME"] == c.connect_webhook_secret_name(
        stage.config.stage
    )
    assert "STRIPE_WEBHOOK_SECRET_NAME" not in variables
    assert "EVENTS_QUEUE_URL" not in variables
    statements = statements_of(stage, stage.stateless.api.connect.role)
    table = [s for s in statements if "dynamodb" in json.dumps(s["Action"])]
    (only,) = table
    assert sorted(only["Action"]) == sorted(c.CONNECT_WEBHOOK_TABLE_ACTIONS)
    assert stage.resolve_cross_stack(only["Resource"]) == stage.arn(stage.stateful.data.table)
    assert only["Condition"] == {
        "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["CAMPAIGN", "CAMPAIGN#*"]}
    }
    actions = {a for s in statements for a in json.dumps(s["Action"]).split('"') if ":" in a}
    assert not {a for a in actions if a.startswith(("sqs:", "s3:", "kms:", "ses:"))}
    assert not {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Scan"} & actions


def test_the_connect_endpoint_is_alarmed_and_its_url_is_an_output(stage: StageTemplates) -> None:
    outputs = stage.stateless_template.to_json()["Outputs"]
    assert c.OUTPUT_CONNECT_WEBHOOK_URL in outputs
    assert "/stripe/connect-webhook" in json.dumps(outputs[c.OUTPUT_CONNECT_WEBHOOK_URL])
    alarms = [
        r["Properties"]
        for r in stage.resources("stateless").values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
    ]
    metrics = {a.get("MetricName") for a in alarms}
    assert c.CONNECT_WEBHOOK_UNAVAILABLE_METRIC in metrics
    function_id = stage.lid(stage.stateless.api.connect.function)
    assert any(function_id in json.dumps(a) for a in alarms)  # its errors
