"""HTTP API `POST /stripe/webhook` -> receive handler (verify signature, enqueue the event), and
`POST /stripe/connect-webhook` -> the Connect webhook handler (issue 17: verify with the
Connect endpoint's own secret, record what a campaign's connected account can do)."""

from __future__ import annotations

from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.constructs.http_api import add_lambda_route, build_http_api
from infra.constructs.lambda_function import WardfundFunction
from infra.constructs.monitoring import application_metric
from wardfund.adapters.dynamodb.table import CAMPAIGNS_PK, campaign_pk


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
        self.api, self.stage = build_http_api(
            self,
            config,
            description=f"wardfund {config.stage}: Stripe webhook endpoint",
            rate_limit=c.API_THROTTLE_RATE_LIMIT,
            burst_limit=c.API_THROTTLE_BURST_LIMIT,
        )
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
        return application_metric(c.CONNECT_WEBHOOK_UNAVAILABLE_METRIC)

    def unavailable_metric(self) -> cloudwatch.Metric:
        """Webhooks answered 503: the events queue or the signing secret failed (a Powertools
        metric of the receive function, so it carries the `service` dimension)."""
        return application_metric(c.WEBHOOK_UNAVAILABLE_METRIC)

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

    def _build_route(self) -> apigw.HttpRoute:
        return add_lambda_route(
            self.api,
            path=c.WEBHOOK_PATH,
            method=apigw.HttpMethod.POST,
            integration_id="ReceiveIntegration",
            function=self.receive.function,
            unauthenticated_because="Stripe cannot sign requests with AWS credentials or send a "
            "bearer token; the receive handler authenticates every request by verifying the "
            "Stripe-Signature HMAC (and timestamp tolerance) before anything is enqueued.",
        )

    def _build_connect_route(self) -> apigw.HttpRoute:
        return add_lambda_route(
            self.api,
            path=c.CONNECT_WEBHOOK_PATH,
            method=apigw.HttpMethod.POST,
            integration_id="ConnectWebhookIntegration",
            function=self.connect.function,
            unauthenticated_because="Stripe cannot sign requests with AWS credentials or send a "
            "bearer token; the Connect webhook handler authenticates every request by verifying "
            "the Stripe-Signature HMAC with the Connect endpoint's own secret before it records "
            "anything.",
        )
