"""The weekly reconciliation: an EventBridge Scheduler schedule -> reconcile handler.

Every Monday at 05:00 Europe/London, an hour before the payout run, the handler lists the
Stripe events of the last days (`GET /v1/events`, with the Stripe API key) and applies, through
the same use case as the process function, the ones the webhooks never delivered. It is safe
to run again (events apply once), so it needs no reserved concurrency; it does not re-queue
events and sends nothing, so it has no queue or email permissions.

Failures end in the reconcile DLQ (Scheduler's retries, then Lambda's async retries); the
function's `EventsNotReconciled` metric (events still waiting for another, or unreadable) and
its errors raise alarms in the monitoring construct.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.constructs.lambda_function import WardfundFunction
from infra.constructs.messaging import build_dead_letter_queue
from infra.constructs.schedules import WeeklyTime, weekly_lambda_schedule
from infra.nag import acknowledge


class Reconciliation(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        layer: lambda_.ILayerVersion,
        table: dynamodb.ITable,
        api_key_secret: secretsmanager.ISecret,
    ) -> None:
        super().__init__(scope, construct_id)
        self._config = config
        self.dlq = build_dead_letter_queue(self, "ReconcileDlq", config)
        acknowledge(
            self.dlq,
            "AwsSolutions-SQS3",
            "This queue is itself the dead-letter queue of the reconcile schedule target "
            "and of the reconcile function's async invocations; a DLQ needs no DLQ.",
        )
        self.reconcile = self._build_function(layer, table, api_key_secret)
        self.schedule, self.scheduler_role = self._build_schedule()

    def _build_function(
        self,
        layer: lambda_.ILayerVersion,
        table: dynamodb.ITable,
        api_key_secret: secretsmanager.ISecret,
    ) -> WardfundFunction:
        reconcile = WardfundFunction(
            self,
            "Reconcile",
            spec=c.RECONCILE,
            config=self._config,
            layer=layer,
            dead_letter_queue=self.dlq,
            environment={
                "TABLE_NAME": table.table_name,
                "STRIPE_API_KEY_SECRET_NAME": c.api_key_secret_name(self._config.stage),
            },
        )
        reconcile.function.configure_async_invoke(
            retry_attempts=c.RECONCILE_ASYNC_RETRY_ATTEMPTS,
            max_event_age=Duration.hours(c.RECONCILE_MAX_EVENT_AGE_HOURS),
        )
        # DynamoLedgerStore, exactly as the process function uses it.
        reconcile.allow(c.LEDGER_TABLE_ACTIONS, [table.table_arn])
        reconcile.allow(["secretsmanager:GetSecretValue"], [api_key_secret.secret_arn])
        return reconcile

    def _build_schedule(self) -> tuple[scheduler.Schedule, iam.Role]:
        return weekly_lambda_schedule(
            self,
            schedule_id="WeeklySchedule",
            role_id="SchedulerRole",
            name=c.reconcile_schedule_name(self._config.stage),
            description="Weekly reconciliation of missed Stripe events, before the payout run.",
            when=WeeklyTime(
                weekday=c.RECONCILE_SCHEDULE_WEEKDAY,
                hour=c.RECONCILE_SCHEDULE_HOUR,
                minute=c.RECONCILE_SCHEDULE_MINUTE,
                time_zone=c.RECONCILE_SCHEDULE_TIME_ZONE,
            ),
            function=self.reconcile.function,
            payload={"scheduled_time": scheduler.ContextAttribute.scheduled_time},
            retry_attempts=c.RECONCILE_SCHEDULE_RETRY_ATTEMPTS,
            max_event_age=Duration.hours(c.RECONCILE_SCHEDULE_MAX_EVENT_AGE_HOURS),
            dead_letter_queue=self.dlq,
            purpose="reconciliation",
        )

    def not_reconciled_metric(self) -> cloudwatch.Metric:
        """Events the last run could not apply (waiting for another event, or unreadable):
        a Powertools metric, so it carries the `service` dimension."""
        return cloudwatch.Metric(
            namespace=c.POWERTOOLS_METRICS_NAMESPACE,
            metric_name=c.NOT_RECONCILED_METRIC,
            dimensions_map={"service": c.POWERTOOLS_SERVICE_NAME},
            statistic=cloudwatch.Stats.SUM,
            period=Duration.minutes(c.ALARM_PERIOD_MINUTES),
        )
