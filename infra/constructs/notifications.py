"""Emails: the table's stream -> send handler -> SES (v2); alarm topic -> alarms handler.

The table's stream is the outbox. The ledger and the payout run write, in the same transactions
as the money, the items that make an email due (a PAYMENT, a PAYOUT# going from pending to
done, the run's RUNS summary, an ALERT, a donor's renewal_failed note); the send function reads
the stream through an event source mapping whose filter patterns are the application's own
(`wardfund.adapters.dynamodb.outbox_records.STREAM_FILTERS`, which the local stream worker
applies too), so it is only invoked for those records. It reads what the emails need from the
table and the bank-files bucket, sends each email once (Powertools idempotency), and only From
the configured sender.

The alarms function turns a dead-letter-queue alarm (CloudWatch -> the alarm topic) into an
ALERT item; its stream record then becomes the alert email like every other alert. The topic
subscription only delivers what that function acts on: ALARM states of `AWS/SQS` metrics.
"""

from __future__ import annotations

import jsii
from aws_cdk import ArnFormat, Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.constructs.dead_letter_queue import build_dead_letter_queue
from infra.constructs.lambda_function import WardfundFunction
from wardfund.adapters.cloudwatch_alarms import ALARM, SQS_NAMESPACE
from wardfund.adapters.dynamodb.outbox_records import STREAM_FILTERS


class Notifications(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        layer: lambda_.ILayerVersion,
        table: dynamodb.ITable,
        idempotency_table: dynamodb.ITable,
        bank_files_bucket: s3.IBucket,
        failure_queue: sqs.IQueue,
        alarm_topic: sns.ITopic,
    ) -> None:
        super().__init__(scope, construct_id)
        self._config = config
        if not table.table_stream_arn:
            raise ValueError("the notifications function needs the table's stream")
        if len(STREAM_FILTERS) > c.MAX_STREAM_FILTERS:
            raise ValueError(
                f"{len(STREAM_FILTERS)} stream filters; Lambda allows {c.MAX_STREAM_FILTERS} "
                "per event source mapping unless the quota is raised"
            )
        self.send = self._build_send(
            layer, table, idempotency_table, bank_files_bucket, failure_queue
        )
        self.alarms_dlq = build_dead_letter_queue(
            self,
            "AlarmsDlq",
            config,
            serves="the alarms function's async invocations (from the alarm topic)",
        )
        self.alarms = self._build_alarms(layer, table, alarm_topic)

    # --- send: the table's stream -> SES -----------------------------------------------------

    def _environment(
        self, table: dynamodb.ITable, idempotency_table: dynamodb.ITable, bucket: s3.IBucket
    ) -> dict[str, str]:
        config = self._config
        env = {
            "TABLE_NAME": table.table_name,
            "IDEMPOTENCY_TABLE_NAME": idempotency_table.table_name,
            "BANK_FILES_BUCKET": bucket.bucket_name,
            "SENDER_ADDRESS": config.sender_address,
            "REPLY_TO_ADDRESS": config.reply_to_address,
            "SES_CONFIGURATION_SET": c.configuration_set_name(config.stage),
            "NATIONAL_FINANCE_EMAIL": config.national_finance_email,
            "PAYMENT_FAILED_EMAILS": "true" if config.payment_failed_emails else "false",
            "PERMISSIBILITY_THRESHOLDS_PENCE": ",".join(
                str(pence) for pence in config.permissibility_thresholds_pence
            ),
        }
        # Unset: the code's own default (a generic organisation name; no portal link).
        if config.organisation_name:
            env["ORGANISATION_NAME"] = config.organisation_name
        if config.customer_portal_url:
            env["CUSTOMER_PORTAL_URL"] = config.customer_portal_url
        return env

    def _build_send(
        self,
        layer: lambda_.ILayerVersion,
        table: dynamodb.ITable,
        idempotency_table: dynamodb.ITable,
        bank_files_bucket: s3.IBucket,
        failure_queue: sqs.IQueue,
    ) -> WardfundFunction:
        send = WardfundFunction(
            self,
            "Send",
            spec=c.SEND_NOTIFICATIONS,
            config=self._config,
            layer=layer,
            environment=self._environment(table, idempotency_table, bank_files_bucket),
        )
        stream_arn = str(table.table_stream_arn)
        send.allow(c.SEND_TABLE_ACTIONS, [table.table_arn])
        send.allow(c.IDEMPOTENCY_ACTIONS, [idempotency_table.table_arn])
        # The event source mapping reads the stream with the function's role, and sends its
        # on-failure notes with it too; both are granted here, scoped to exactly those ARNs.
        send.allow(c.STREAM_READ_ACTIONS, [stream_arn])
        send.allow(["sqs:SendMessage"], [failure_queue.queue_arn])
        send.allow_on_objects(
            ["s3:GetObject"],
            bank_files_bucket,
            "s3:GetObject needs object ARNs; the sender attaches the bank-transfer CSV the "
            "payout run just wrote, whose key is per batch, so read is scoped to the objects of "
            "the bank-files bucket only.",
        )
        send.allow(
            c.SES_SEND_ACTIONS,
            [self.identity_arn, self.configuration_set_arn],
            conditions={"StringEquals": {"ses:FromAddress": self._config.sender_address}},
        )
        self.stream_mapping = send.function.add_event_source_mapping(
            "TableStream",
            event_source_arn=stream_arn,
            starting_position=lambda_.StartingPosition.TRIM_HORIZON,
            batch_size=c.STREAM_BATCH_SIZE,
            bisect_batch_on_error=True,
            report_batch_item_failures=True,
            retry_attempts=c.STREAM_RETRY_ATTEMPTS,
            max_record_age=Duration.hours(c.STREAM_MAX_RECORD_AGE_HOURS),
            on_failure=_SendOnlyQueue(failure_queue),
            filters=[lambda_.FilterCriteria.filter(pattern) for pattern in STREAM_FILTERS],
        )
        return send

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

    # --- alarms: the alarm topic -> an ALERT item ----------------------------------------------

    def _build_alarms(
        self, layer: lambda_.ILayerVersion, table: dynamodb.ITable, alarm_topic: sns.ITopic
    ) -> WardfundFunction:
        alarms = WardfundFunction(
            self,
            "Alarms",
            spec=c.RAISE_ALERTS,
            config=self._config,
            layer=layer,
            dead_letter_queue=self.alarms_dlq,
            async_retries=c.RAISE_ALERTS_ASYNC_RETRIES,
            environment={"TABLE_NAME": table.table_name},
        )
        alarms.allow(c.ALERT_TABLE_ACTIONS, [table.table_arn])
        alarm_topic.add_subscription(
            subscriptions.LambdaSubscription(
                alarms.function,
                filter_policy_with_message_body={
                    "NewStateValue": sns.FilterOrPolicy.filter(
                        sns.SubscriptionFilter.string_filter(allowlist=[ALARM])
                    ),
                    "Trigger": sns.FilterOrPolicy.policy(
                        {
                            "Namespace": sns.FilterOrPolicy.filter(
                                sns.SubscriptionFilter.string_filter(allowlist=[SQS_NAMESPACE])
                            )
                        }
                    ),
                },
            )
        )
        return alarms


@jsii.implements(lambda_.IEventSourceDlq)
class _SendOnlyQueue:
    """An on-failure destination that grants nothing by itself (CDK's `SqsDlq` would also
    grant GetQueueAttributes and GetQueueUrl); the construct grants sqs:SendMessage only."""

    def __init__(self, queue: sqs.IQueue) -> None:
        self._queue = queue

    def bind(
        self, _target: lambda_.IEventSourceMapping, _target_handler: lambda_.IFunction
    ) -> lambda_.DlqDestinationConfig:
        return lambda_.DlqDestinationConfig(destination=self._queue.queue_arn)
