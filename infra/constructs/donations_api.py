"""HTTP API `POST /stripe/webhook` -> receive handler (verify signature, enqueue the event), and
`POST /stripe/connect-webhook` -> the Connect webhook handler (issue 17: verify with the
Connect endpoint's own secret, record what a campaign's connected account can do)."""

from __future__ import annotations

import json

import jsii
from aws_cdk import aws_apigateway as apigw_v1
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.constructs.lambda_function import WardfundFunction
from infra.nag import acknowledge
from wardfund.adapters.dynamodb.table import CAMPAIGNS_PK, campaign_pk

# HTTP API access-log fields ($context variables valid for HTTP APIs).
_ACCESS_LOG_FORMAT = {
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


class DonationsApi(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        layer: lambda_.ILayerVersion,
        events_queue: sqs.IQueue,
        webhook_secret: secretsmanager.ISecret,
        connect_secret: secretsmanager.ISecret,
        table: dynamodb.ITable,
    ) -> None:
        super().__init__(scope, construct_id)
        self._config = config
        self.receive = self._build_receive_function(layer, events_queue, webhook_secret)
        self.connect = self._build_connect_function(layer, connect_secret, table)
        self.api = apigw.HttpApi(
            self,
            "HttpApi",
            description=f"wardfund {config.stage}: Stripe webhook endpoint",
            create_default_stage=False,
        )
        self.stage = self._build_stage()
        self.route = self._build_route()
        self.connect_route = self._build_connect_route()

    @property
    def webhook_url(self) -> str:
        """What to register in Stripe as the webhook endpoint (a stack output)."""
        return f"{self.api.api_endpoint}{c.WEBHOOK_PATH}"

    @property
    def connect_webhook_url(self) -> str:
        """What to register in Stripe as the Connect webhook endpoint (a stack output)."""
        return f"{self.api.api_endpoint}{c.CONNECT_WEBHOOK_PATH}"

    def connect_unavailable_metric(self) -> cloudwatch.Metric:
        """Connect webhooks answered 503: its secret or the table failed (Stripe retries)."""
        return cloudwatch.Metric(
            namespace=c.POWERTOOLS_METRICS_NAMESPACE,
            metric_name=c.CONNECT_WEBHOOK_UNAVAILABLE_METRIC,
            dimensions_map={"service": c.POWERTOOLS_SERVICE_NAME},
            statistic=cloudwatch.Stats.SUM,
        )

    def unavailable_metric(self) -> cloudwatch.Metric:
        """Webhooks answered 503: the events queue or the signing secret failed (a Powertools
        metric of the receive function, so it carries the `service` dimension)."""
        return cloudwatch.Metric(
            namespace=c.POWERTOOLS_METRICS_NAMESPACE,
            metric_name=c.WEBHOOK_UNAVAILABLE_METRIC,
            dimensions_map={"service": c.POWERTOOLS_SERVICE_NAME},
            statistic=cloudwatch.Stats.SUM,
        )

    def _build_receive_function(
        self,
        layer: lambda_.ILayerVersion,
        events_queue: sqs.IQueue,
        webhook_secret: secretsmanager.ISecret,
    ) -> WardfundFunction:
        receive = WardfundFunction(
            self,
            "Receive",
            spec=c.RECEIVE,
            config=self._config,
            layer=layer,
            reserved_concurrency=c.RECEIVE_CONCURRENCY,
            environment={
                "EVENTS_QUEUE_URL": events_queue.queue_url,
                "STRIPE_WEBHOOK_SECRET_NAME": c.webhook_secret_name(self._config.stage),
                "WEBHOOK_TOLERANCE_SECONDS": str(c.WEBHOOK_TOLERANCE_SECONDS),
            },
        )
        receive.allow(["sqs:SendMessage"], [events_queue.queue_arn])
        receive.allow(["secretsmanager:GetSecretValue"], [webhook_secret.secret_arn])
        return receive

    def _build_connect_function(
        self,
        layer: lambda_.ILayerVersion,
        connect_secret: secretsmanager.ISecret,
        table: dynamodb.ITable,
    ) -> WardfundFunction:
        """Reads its own secret only (not the platform endpoint's), and the table only in the
        campaigns' partitions (`CAMPAIGN`: settings and the accounts' status items;
        `CAMPAIGN#<id>`: audit entries): GetItem, Query, PutItem; no update or delete."""
        function = WardfundFunction(
            self,
            "ConnectWebhook",
            spec=c.CONNECT_WEBHOOK,
            config=self._config,
            layer=layer,
            reserved_concurrency=c.CONNECT_WEBHOOK_CONCURRENCY,
            environment={
                "TABLE_NAME": table.table_name,
                "STRIPE_CONNECT_WEBHOOK_SECRET_NAME": c.connect_webhook_secret_name(
                    self._config.stage
                ),
                "WEBHOOK_TOLERANCE_SECONDS": str(c.WEBHOOK_TOLERANCE_SECONDS),
            },
        )
        function.allow(["secretsmanager:GetSecretValue"], [connect_secret.secret_arn])
        function.allow(
            c.CONNECT_WEBHOOK_TABLE_ACTIONS,
            [table.table_arn],
            {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [CAMPAIGNS_PK, campaign_pk("*")]}},
        )
        return function

    def _build_stage(self) -> apigw.HttpStage:
        access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=logs.RetentionDays[c.LOG_RETENTION[self._config.stage]],
            removal_policy=self._config.removal_policy,
        )
        return apigw.HttpStage(
            self,
            "DefaultStage",
            http_api=self.api,
            stage_name="$default",
            auto_deploy=True,
            throttle=apigw.ThrottleSettings(
                rate_limit=c.API_THROTTLE_RATE_LIMIT, burst_limit=c.API_THROTTLE_BURST_LIMIT
            ),
            access_log_settings=_AccessLogSettings(access_logs),
        )

    def _build_route(self) -> apigw.HttpRoute:
        (route,) = self.api.add_routes(
            path=c.WEBHOOK_PATH,
            methods=[apigw.HttpMethod.POST],
            integration=integrations.HttpLambdaIntegration(
                "ReceiveIntegration",
                self.receive.function,
                payload_format_version=apigw.PayloadFormatVersion.VERSION_2_0,
            ),
        )
        acknowledge(
            route,
            "AwsSolutions-APIG4",
            "Stripe cannot sign requests with AWS credentials or send a bearer token; "
            "the receive handler authenticates every request by verifying the Stripe-Signature "
            "HMAC (and timestamp tolerance) before anything is enqueued.",
        )
        return route

    def _build_connect_route(self) -> apigw.HttpRoute:
        (route,) = self.api.add_routes(
            path=c.CONNECT_WEBHOOK_PATH,
            methods=[apigw.HttpMethod.POST],
            integration=integrations.HttpLambdaIntegration(
                "ConnectWebhookIntegration",
                self.connect.function,
                payload_format_version=apigw.PayloadFormatVersion.VERSION_2_0,
            ),
        )
        acknowledge(
            route,
            "AwsSolutions-APIG4",
            "Stripe cannot sign requests with AWS credentials or send a bearer token; the "
            "Connect webhook handler authenticates every request by verifying the "
            "Stripe-Signature HMAC with the Connect endpoint's own secret before it records "
            "anything.",
        )
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
        return apigw_v1.AccessLogFormat.custom(json.dumps(_ACCESS_LOG_FORMAT))
