"""The payout run: EventBridge Scheduler schedules -> the run (planner) function -> one task per
campaign on the payout tasks queue -> the pay function (infra/constructs/payout_tasks.py).

Three schedules invoke the run function, each with its `kind`: the weekly run (Monday 06:00
London), the daily retry of held payouts (06:00, Tuesday to Sunday) and the run's deadline
check (Monday 08:00: a run not finished by then raises an alert and the `PayoutRunLate`
metric, which an alarm watches).

The schedule always fires weekly (Monday 06:00 Europe/London); with PAYOUT_FREQUENCY=fortnightly
the handler itself skips off-weeks. Scheduler invokes the function asynchronously, so two things
can fail and both end in the same DLQ:
* Scheduler cannot invoke (throttled, permissions): its retry policy, then the DLQ;
* the function fails: Lambda's async retries, then the function's DLQ.
The run's emails (statements, national summary, payout-failure alerts) are not sent from here:
the run writes the items, and the table's stream makes them due (see notifications.py).
"""

from __future__ import annotations

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.constructs.bank_details_key import grant_payout_function
from infra.constructs.dead_letter_queue import build_dead_letter_queue
from infra.constructs.lambda_function import WardfundFunction
from infra.constructs.monitoring import application_metric
from infra.constructs.payout_tasks import PayoutTasks
from infra.constructs.schedules import weekly_lambda_schedule
from wardfund.adapters.stripe_keys import PAYOUTS


class Payouts(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        layer: lambda_.ILayerVersion,
        table: dynamodb.ITable,
        idempotency_table: dynamodb.ITable,
        api_key_secret: secretsmanager.ISecret,
        bank_files_bucket: s3.IBucket,
        bank_details_key_arn: str,
    ) -> None:
        """`bank_details_key_arn`: the bank-details KMS key (the stateful stack's); the run
        and pay functions both may finish a run, and so write its bank files."""
        super().__init__(scope, construct_id)
        self._config = config
        self._bank_details_key_arn = bank_details_key_arn
        self._stripe_key_secret_name = c.stripe_key_secret_name(self._config.stage, PAYOUTS)
        self.dlq = build_dead_letter_queue(
            self,
            "RunDlq",
            config,
            serves="the payout schedule target and of the run function's async invocations",
        )
        self.tasks = PayoutTasks(
            self,
            "Tasks",
            config=config,
            layer=layer,
            table=table,
            api_key_secret=api_key_secret,
            stripe_key_secret_name=self._stripe_key_secret_name,
            bank_files_bucket=bank_files_bucket,
            bank_details_key_arn=bank_details_key_arn,
        )
        self.run = self._build_run_function(
            layer, table, idempotency_table, api_key_secret, bank_files_bucket
        )
        self.tasks.allow_sending(self.run)
        self.schedule, self.scheduler_role = self._build_schedule()
        self.held_schedule = self._build_other_schedule(
            "HeldPayouts",
            c.held_payouts_schedule_name(config.stage),
            c.HELD_PAYOUTS_SCHEDULE,
            "held",
            "Daily retry of payouts held (Stripe's available balance short, or a failed transfer).",
        )
        self.deadline_schedule = self._build_other_schedule(
            "Deadline",
            c.payout_deadline_schedule_name(config.stage),
            c.PAYOUT_DEADLINE_SCHEDULE,
            "deadline",
            "The payout run's deadline: a run not finished by now raises an alert.",
        )

    @property
    def pay(self) -> WardfundFunction:
        return self.tasks.pay

    def run_late_metric(self) -> cloudwatch.Metric:
        """Deadline checks that found the run not finished: a Powertools metric, so it carries
        the `service` dimension."""
        return application_metric(c.PAYOUT_RUN_LATE_METRIC)

    def _build_run_function(
        self,
        layer: lambda_.ILayerVersion,
        table: dynamodb.ITable,
        idempotency_table: dynamodb.ITable,
        api_key_secret: secretsmanager.ISecret,
        bank_files_bucket: s3.IBucket,
    ) -> WardfundFunction:
        run = WardfundFunction(
            self,
            "Run",
            spec=c.RUN_PAYOUTS,
            config=self._config,
            layer=layer,
            reserved_concurrency=c.RUN_PAYOUTS_RESERVED_CONCURRENCY,
            dead_letter_queue=self.dlq,
            async_retries=c.RUN_PAYOUTS_ASYNC_RETRIES,
            environment={
                "TABLE_NAME": table.table_name,
                "IDEMPOTENCY_TABLE_NAME": idempotency_table.table_name,
                "STRIPE_API_KEY_SECRET_NAME": self._stripe_key_secret_name,
                "PAYOUT_TASKS_QUEUE_URL": self.tasks.queue.queue_url,
                "BANK_FILES_BUCKET": bank_files_bucket.bucket_name,
                "PAYOUT_FREQUENCY": self._config.payout_frequency,
                "BANK_DETAILS_KEY_ID": self._bank_details_key_arn,
                **self._config.national_bank_environment,
            },
        )
        run.allow(c.RUN_TABLE_ACTIONS, [table.table_arn])
        run.allow(c.IDEMPOTENCY_ACTIONS, [idempotency_table.table_arn])
        run.allow(["secretsmanager:GetSecretValue"], [api_key_secret.secret_arn])
        run.allow_on_objects(
            ["s3:PutObject"],
            bank_files_bucket,
            "s3:PutObject needs object ARNs and the run names a new CSV key per payout batch, "
            "so it is scoped to the objects of the bank-files bucket only (write only: no "
            "read, list or delete).",
        )
        # a run with nothing to fan out, or whose finisher died, is finished here
        grant_payout_function(run.role, self._bank_details_key_arn, bank_files_bucket)
        return run

    def _build_schedule(self) -> tuple[scheduler.Schedule, iam.Role]:
        name = c.payout_schedule_name(self._config.stage)
        return weekly_lambda_schedule(
            self,
            name=name,
            description="Weekly campaign payout run (the handler skips off-weeks if fortnightly).",
            spec=c.PAYOUT_SCHEDULE,
            function=self.run.function,
            payload={
                "scheduled_time": scheduler.ContextAttribute.scheduled_time,
                "schedule": name,
                "kind": "run",
            },
            dead_letter_queue=self.dlq,
            purpose="payout run",
        )

    def _build_other_schedule(
        self, construct_id: str, name: str, spec: c.WeeklySchedule, kind: str, description: str
    ) -> scheduler.Schedule:
        """Each schedule in its own scope (its `WeeklySchedule` and `SchedulerRole`)."""
        schedule, _ = weekly_lambda_schedule(
            Construct(self, construct_id),
            name=name,
            description=description,
            spec=spec,
            function=self.run.function,
            payload={
                "scheduled_time": scheduler.ContextAttribute.scheduled_time,
                "schedule": name,
                "kind": kind,
            },
            dead_letter_queue=self.dlq,
            purpose=f"payout run ({kind})",
        )
        return schedule
