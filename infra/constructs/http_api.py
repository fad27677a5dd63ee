"""A public HTTP API of one Lambda route per path: its `$default` stage (auto-deployed,
throttled, JSON access logs) and its Lambda routes. The webhooks (donations_api.py) and the
live pages (live_page.py) each have one.

Functions, not a construct: the API, its stage and access-log group are created directly in
the caller's scope (`HttpApi`, `DefaultStage`, `AccessLogs`), so their logical ids are those of
the caller's own children.
"""

from __future__ import annotations

import json

import jsii
from aws_cdk import aws_apigateway as apigw_v1
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.nag import acknowledge

# HTTP API access-log fields ($context variables valid for HTTP APIs).
ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "requestTime": "$context.requestTime",
    "sourceIp": "$context.identity.sourceIp",
    "userAgent": "$context.identity.userAgent",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "integrationStatus": "$context.integrationStatus",
    "integrationLatency": "$context.integrationLatency",
    "integrationError": "$context.integrationErrorMessage",
}


def build_http_api(
    scope: Construct,
    config: StageConfig,
    *,
    description: str,
    rate_limit: float,
    burst_limit: int,
) -> tuple[apigw.HttpApi, apigw.HttpStage]:
    """The API and its only stage, `$default`, throttled to `rate_limit` requests a second
    (`burst_limit` at once); 429 beyond it."""
    api = apigw.HttpApi(scope, "HttpApi", description=description, create_default_stage=False)
    access_logs = logs.LogGroup(
        scope,
        "AccessLogs",
        retention=logs.RetentionDays[c.LOG_RETENTION[config.stage]],
        removal_policy=config.removal_policy,
    )
    stage = apigw.HttpStage(
        scope,
        "DefaultStage",
        http_api=api,
        stage_name="$default",
        auto_deploy=True,
        throttle=apigw.ThrottleSettings(rate_limit=rate_limit, burst_limit=burst_limit),
        access_log_settings=_AccessLogSettings(access_logs),
    )
    return api, stage


def add_lambda_route(
    api: apigw.HttpApi,
    *,
    path: str,
    method: apigw.HttpMethod,
    integration_id: str,
    function: lambda_.IFunction,
    unauthenticated_because: str,
) -> apigw.HttpRoute:
    """`method path` -> `function` (payload format 2.0). The route has no API Gateway
    authoriser, so cdk-nag's APIG4 finding is acknowledged on it with
    `unauthenticated_because`."""
    (route,) = api.add_routes(
        path=path,
        methods=[method],
        integration=integrations.HttpLambdaIntegration(
            integration_id,
            function,
            payload_format_version=apigw.PayloadFormatVersion.VERSION_2_0,
        ),
    )
    acknowledge(route, "AwsSolutions-APIG4", unauthenticated_because)
    return route


@jsii.implements(apigw.IAccessLogSettings)
class _AccessLogSettings:
    """JSON access logs to a CloudWatch log group."""

    def __init__(self, log_group: logs.ILogGroup) -> None:
        self._destination = apigw.LogGroupLogDestination(log_group)

    @property
    def destination(self) -> apigw.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigw_v1.AccessLogFormat:
        return apigw_v1.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FORMAT))
