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

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.constructs.dead_letter_queue import build_dead_letter_queue
from infra.constructs.lambda_function import WardfundFunction
from infra.constructs.monitoring import application_metric
from infra.constructs.schedules import weekly_lambda_schedule
from wardfund.adapters.stripe_keys import RECONCILE


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
        self.dlq = build_dead_letter_queue(
            self,
            "ReconcileDlq",
            config,
            serves="the reconcile schedule target and of the reconcile function's async "
            "invocations",
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
            async_retries=c.RECONCILE_ASYNC_RETRIES,
            environment={
                "TABLE_NAME": table.table_name,
                "STRIPE_API_KEY_SECRET_NAME": c.stripe_key_secret_name(
                    self._config.stage, RECONCILE
                ),
            },
        )
        # DynamoLedgerStore, exactly as the process function uses it.
        reconcile.allow(c.LEDGER_TABLE_ACTIONS, [table.table_arn])
        reconcile.allow(["secretsmanager:GetSecretValue"], [api_key_secret.secret_arn])
        return reconcile

    def _build_schedule(self) -> tuple[scheduler.Schedule, iam.Role]:
        return weekly_lambda_schedule(
            self,
            name=c.reconcile_schedule_name(self._config.stage),
            description="Weekly reconciliation of missed Stripe events, before the payout run.",
            spec=c.RECONCILE_SCHEDULE,
            function=self.reconcile.function,
            payload={"scheduled_time": scheduler.ContextAttribute.scheduled_time},
            dead_letter_queue=self.dlq,
            purpose="reconciliation",
        )

    def not_reconciled_metric(self) -> cloudwatch.Metric:
        """Events the last run could not apply (waiting for another event, or unreadable):
        a Powertools metric, so it carries the `service` dimension."""
        return application_metric(c.NOT_RECONCILED_METRIC)
