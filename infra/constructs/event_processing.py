"""Events queue -> process handler: attribute each Stripe event and post it to the ledger.

An event that waits for another (a payment before its invoice, a refund before its payment) is
postponed with `ChangeMessageVisibility` on its own receipt handle (a back-off, 30 s doubling);
the SQS event source's consume grant includes that action on the events queue. An event it can
never read (malformed, or in another Stripe API version) is sent to the events dead-letter
queue at once (`EVENTS_DLQ_URL`, `sqs:SendMessage` on that queue only) with an alert item.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.constructs.lambda_function import WardfundFunction


class EventProcessing(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        layer: lambda_.ILayerVersion,
        events_queue: sqs.IQueue,
        table: dynamodb.ITable,
        dead_letter_queue: sqs.IQueue,
    ) -> None:
        super().__init__(scope, construct_id)
        self.process = WardfundFunction(
            self,
            "Process",
            spec=c.PROCESS,
            config=config,
            layer=layer,
            environment={
                "TABLE_NAME": table.table_name,
                "EVENTS_QUEUE_URL": events_queue.queue_url,
                "EVENTS_DLQ_URL": dead_letter_queue.queue_url,
            },
        )
        self.process.allow(c.LEDGER_TABLE_ACTIONS, [table.table_arn])
        self.process.allow(["sqs:SendMessage"], [dead_letter_queue.queue_arn])
        # Grants sqs:ReceiveMessage, DeleteMessage, ChangeMessageVisibility (the postponing),
        # GetQueueAttributes and GetQueueUrl on the events queue.
        self.process.function.add_event_source(
            event_sources.SqsEventSource(
                events_queue,
                batch_size=c.SQS_BATCH_SIZE,
                max_batching_window=Duration.seconds(c.SQS_MAX_BATCHING_WINDOW_SECONDS),
                max_concurrency=c.SQS_MAX_CONCURRENCY,
                report_batch_item_failures=True,
            )
        )
