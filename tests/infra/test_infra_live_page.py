"""The ward nights' live page (issue 17): its own HTTP API (GET only, throttled, logged), a
function that can read three narrow kinds of item and write nothing, its output for the CLI."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from infra.constructs.live_page import LIVE_READS, read_only_condition
from wardfund.adapters.dynamodb.live_nights import (
    BALANCE_ATTRIBUTES,
    NIGHT_ATTRIBUTES,
    PUBLIC_CAMPAIGN_ATTRIBUTES,
)
from wardfund.web.limits import BURST_LIMIT, RATE_LIMIT_PER_SECOND, RESERVED_CONCURRENCY

if TYPE_CHECKING:
    from conftest import StageTemplates, Synthesis


@pytest.fixture(params=["dev", "prod"])
def stage(request: pytest.FixtureRequest, synth: Synthesis) -> StageTemplates:
    return synth.dev if request.param == "dev" else synth.prod


def _policy_statements(stage: StageTemplates) -> list[dict[str, Any]]:
    role_id = stage.lid(stage.stateless.live.page.role)
    statements = []
    for resource in stage.resources("stateless").values():
        if (
            resource["Type"] == "AWS::IAM::Policy"
            and {"Ref": role_id} in resource["Properties"]["Roles"]
        ):
            statements += resource["Properties"]["PolicyDocument"]["Statement"]
    return statements


def test_the_function_may_only_get_three_kinds_of_item_and_write_nothing(
    stage: StageTemplates,
) -> None:
    statements = _policy_statements(stage)
    table_arn = {"Fn::GetAtt": [stage.lid(stage.stateful.data.table), "Arn"]}
    table = [s for s in statements if "dynamodb" in json.dumps(s["Action"])]
    # GetItem only, on the table's ARN (no index, no stream), each with its conditions
    assert [s["Action"] for s in table] == ["dynamodb:GetItem"] * 3
    for statement in table:
        assert stage.resolve_cross_stack(statement["Resource"]) == table_arn
    assert [s["Condition"] for s in table] == [
        read_only_condition(["LIVE#*"], NIGHT_ATTRIBUTES),
        read_only_condition(["CAMPAIGN"], PUBLIC_CAMPAIGN_ATTRIBUTES),
        read_only_condition(["CAMPAIGN#*"], BALANCE_ATTRIBUTES),
    ]
    # the conditions hold the attributes the page projects, and never a private one
    allowed = {a for s in table for a in s["Condition"]["ForAllValues:StringEquals"][
        "dynamodb:Attributes"]}  # fmt: skip
    for private in ("treasurer_emails", "bank_reference", "connect_account_id", "donor_name",
                    "donor_email", "donor_ref", "journal", "figures", "printer"):  # fmt: skip
        assert private not in allowed
    assert [reads[0] for reads in LIVE_READS] == [("LIVE#*",), ("CAMPAIGN",), ("CAMPAIGN#*",)]
    # and nothing else but its own logs and X-Ray
    others = {json.dumps(s["Action"]) for s in statements if s not in table}
    assert others == {
        json.dumps(["logs:CreateLogStream", "logs:PutLogEvents"]),
        json.dumps(["xray:PutTelemetryRecords", "xray:PutTraceSegments"]),
    }


def test_the_function_has_the_table_name_and_bounded_concurrency(stage: StageTemplates) -> None:
    function = stage.resource(stage.stateless.live.page.function)["Properties"]
    assert function["Handler"] == "functions.live.page.handler"
    assert function["ReservedConcurrentExecutions"] == RESERVED_CONCURRENCY
    variables = function["Environment"]["Variables"]
    assert stage.resolve_cross_stack(variables["TABLE_NAME"]) == stage.ref(
        stage.stateful.data.table
    )
    assert set(variables) == {
        "TABLE_NAME", "POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "LOG_LEVEL",
    }  # fmt: skip


def test_its_own_api_routes_get_only_to_the_function_throttled_and_logged(
    stage: StageTemplates,
) -> None:
    live = stage.stateless.live
    route = stage.resource(live.route)["Properties"]
    assert route["RouteKey"] == "GET /live/{proxy+}"
    assert route["AuthorizationType"] == "NONE"
    assert route["ApiId"] == stage.ref(live.api)
    integration_id = route["Target"]["Fn::Join"][1][1]["Ref"]
    integration = stage.resources("stateless")[integration_id]["Properties"]
    assert integration["IntegrationUri"] == stage.arn(live.page.function)
    assert integration["PayloadFormatVersion"] == "2.0"
    # one route on this API: no POST, PUT or DELETE anywhere
    routes = [
        r["Properties"]
        for r in stage.resources("stateless").values()
        if r["Type"] == "AWS::ApiGatewayV2::Route"
        and r["Properties"]["ApiId"] == stage.ref(live.api)
    ]
    assert [r["RouteKey"] for r in routes] == ["GET /live/{proxy+}"]
    # the stage throttles (429 beyond it) and logs every request
    stage_json = stage.resource(live.stage)["Properties"]
    assert stage_json["DefaultRouteSettings"] == {
        "ThrottlingBurstLimit": BURST_LIMIT,
        "ThrottlingRateLimit": RATE_LIMIT_PER_SECOND,
    }
    assert json.loads(stage_json["AccessLogSettings"]["Format"])["status"] == "$context.status"
    # only this API's GET routes may invoke the function
    stage.stateless_template.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "FunctionName": stage.arn(live.page.function),
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": {"Fn::Join": ["", [
                "arn:", {"Ref": "AWS::Partition"}, ":execute-api:", {"Ref": "AWS::Region"},
                ":", {"Ref": "AWS::AccountId"}, ":", stage.ref(live.api), "/*/*/live/{proxy+}",
            ]]},
        },
    )  # fmt: skip


def test_the_stack_publishes_the_live_pages_url_for_the_kit(synth: Synthesis) -> None:
    from wardfund.cli.target import STACK_OUTPUTS

    assert STACK_OUTPUTS["LivePageUrl"] == "LIVE_PAGE_URL"
    for stage in synth.stages:
        outputs = stage.stateless_template.to_json()["Outputs"]
        assert outputs["LivePageUrl"]["Value"] == {
            "Fn::Join": ["", [stage.arn(stage.stateless.live.api, "ApiEndpoint"), "/live"]]
        }
