"""Notifications queue -> send handler: render an email and send it through SES (v2)."""

from __future__ import annotations

from aws_cdk import ArnFormat, Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.constructs.lambda_function import WardfundFunction
from infra.nag import acknowledge, resource_finding


class Notifications(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        layer: lambda_.ILayerVersion,
        notifications_queue: sqs.IQueue,
        table: dynamodb.ITable,
        idempotency_table: dynamodb.ITable,
        bank_files_bucket: s3.IBucket,
    ) -> None:
        super().__init__(scope, construct_id)
        self._config = config
        self.send = WardfundFunction(
            self,
            "Send",
            spec=c.SEND_NOTIFICATIONS,
            config=config,
            layer=layer,
            environment={
                "TABLE_NAME": table.table_name,
                "IDEMPOTENCY_TABLE_NAME": idempotency_table.table_name,
                "SENDER_ADDRESS": config.sender_address,
                "REPLY_TO_ADDRESS": config.reply_to_address,
                "SES_CONFIGURATION_SET": c.configuration_set_name(config.stage),
                "NATIONAL_FINANCE_EMAIL": config.national_finance_email,
            },
        )
        self.send.allow(c.SEND_TABLE_ACTIONS, [table.table_arn])
        self.send.allow(c.IDEMPOTENCY_ACTIONS, [idempotency_table.table_arn])
        bank_files = bank_files_bucket.arn_for_objects("*")
        self.send.allow(["s3:GetObject"], [bank_files])
        policy = self.send.role.node.find_child("DefaultPolicy")
        acknowledge(
            policy,
            resource_finding(policy, "AwsSolutions-IAM5", bank_files),
            "s3:GetObject needs object ARNs; the sender attaches the bank-transfer CSV the "
            "payout run just wrote, whose key is per batch, so read is scoped to the objects of "
            "the bank-files bucket only.",
        )
        self.send.allow(
            c.SES_SEND_ACTIONS,
            [self.identity_arn, self.configuration_set_arn],
            conditions={"StringEquals": {"ses:FromAddress": config.sender_address}},
        )
        self.send.function.add_event_source(
            event_sources.SqsEventSource(
                notifications_queue,
                batch_size=c.SQS_BATCH_SIZE,
                max_batching_window=Duration.seconds(c.SQS_MAX_BATCHING_WINDOW_SECONDS),
                report_batch_item_failures=True,
            )
        )

    @property
    def identity_arn(self) -> str:
        return self._ses_arn("identity", self._config.sender_domain)

    @property
    def configuration_set_arn(self) -> str:
        return self._ses_arn("configuration-set", c.configuration_set_name(self._config.stage))

    def _ses_arn(self, resource: str, name: str) -> str:
        return Stack.of(self).format_arn(
            service="ses",
            resource=resource,
            resource_name=name,
            arn_format=ArnFormat.SLASH_RESOURCE_NAME,
        )
