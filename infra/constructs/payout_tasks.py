"""The payout run's fan-out: one task per campaign on an SQS FIFO queue, paid by the pay
function at a bounded concurrency (docs/payout-fan-out.md says why a queue and not a Step
Functions Distributed Map).

* The queue is FIFO with the campaign as the message group: SQS hands out none of a
  campaign's tasks while another is in flight, so one campaign is paid by one worker at a
  time (a run's task and its repeat, a weekly run's and a daily retry's), while different
  campaigns are paid in parallel. Its visibility timeout is VISIBILITY_TIMEOUT_FACTOR x the
  pay function's timeout; a task that keeps failing moves to the FIFO dead-letter queue after
  PAYOUT_TASKS_RECEIVES receives (the DLQ alarm, and the run's deadline alarm, then fire).
* The event source mapping hands one task per invocation (batch size 1) and runs at most
  `payout_concurrency` invocations at once (its maximum concurrency); the function's reserved
  concurrency is the same number, so it is never throttled below it nor runs above it: the
  setting that keeps Stripe's rate limits.
* A failed transfer is reported as the record's failure and delivered again after a back-off
  (ChangeMessageVisibility, granted to the mapping's consumer), up to its attempts; the last
  one holds the payout for the daily retry.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.constructs.bank_details_key import grant_payout_function
from infra.constructs.dead_letter_queue import build_dead_letter_queue
from infra.constructs.lambda_function import WardfundFunction


class PayoutTasks(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        layer: lambda_.ILayerVersion,
        table: dynamodb.ITable,
        api_key_secret: secretsmanager.ISecret,
        stripe_key_secret_name: str,
        bank_files_bucket: s3.IBucket,
        bank_details_key_arn: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self._config = config
        self._bank_details_key_arn = bank_details_key_arn
        self.dlq = build_dead_letter_queue(
            self, "TasksDlq", config, fifo=True, serves="the payout tasks FIFO queue"
        )
        self.queue = self._build_queue()
        self.pay = self._build_pay_function(
            layer, table, api_key_secret, stripe_key_secret_name, bank_files_bucket
        )

    def _build_queue(self) -> sqs.Queue:
        return sqs.Queue(
            self,
            "TasksQueue",
            fifo=True,
            content_based_deduplication=False,  # the planner sets run + campaign as the id
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(c.QUEUE_RETENTION_DAYS),
            visibility_timeout=Duration.seconds(
                c.VISIBILITY_TIMEOUT_FACTOR * c.PAY_CAMPAIGN.timeout_seconds
            ),
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=self.dlq, max_receive_count=c.PAYOUT_TASKS_RECEIVES
            ),
        )

    def _build_pay_function(
        self,
        layer: lambda_.ILayerVersion,
        table: dynamodb.ITable,
        api_key_secret: secretsmanager.ISecret,
        stripe_key_secret_name: str,
        bank_files_bucket: s3.IBucket,
    ) -> WardfundFunction:
        pay = WardfundFunction(
            self,
            "Pay",
            spec=c.PAY_CAMPAIGN,
            config=self._config,
            layer=layer,
            reserved_concurrency=self._config.payout_concurrency,
            environment={
                "TABLE_NAME": table.table_name,
                "STRIPE_API_KEY_SECRET_NAME": stripe_key_secret_name,
                "BANK_FILES_BUCKET": bank_files_bucket.bucket_name,
                "PAYOUT_TASKS_QUEUE_URL": self.queue.queue_url,
                "BANK_DETAILS_KEY_ID": self._bank_details_key_arn,
                **self._config.national_bank_environment,
            },
        )
        pay.allow(c.PAY_TABLE_ACTIONS, [table.table_arn])
        pay.allow(["secretsmanager:GetSecretValue"], [api_key_secret.secret_arn])
        pay.allow_on_objects(
            ["s3:PutObject"],
            bank_files_bucket,
            "s3:PutObject needs object ARNs and the run's last campaign writes a new CSV key per "
            "run (only if it is not there), so it is scoped to the objects of the bank-files "
            "bucket only (write only: no read, list or delete).",
        )
        # the run's last campaign writes the bank files: the campaigns' details, opened
        grant_payout_function(pay.role, self._bank_details_key_arn, bank_files_bucket)
        # Grants sqs:ReceiveMessage, DeleteMessage, ChangeMessageVisibility (the back-off),
        # GetQueueAttributes and GetQueueUrl on the tasks queue.
        pay.function.add_event_source(
            event_sources.SqsEventSource(
                self.queue,
                batch_size=c.PAYOUT_TASKS_BATCH,
                max_concurrency=self._config.payout_concurrency,
                report_batch_item_failures=True,
            )
        )
        return pay

    def allow_sending(self, planner: WardfundFunction) -> None:
        """The planner sends each run's tasks (SendMessageBatch is authorised as SendMessage)."""
        planner.allow(["sqs:SendMessage"], [self.queue.queue_arn])
