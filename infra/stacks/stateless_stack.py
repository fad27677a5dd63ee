"""Replaceable resources: the API, functions, queues, schedules and alarms.

Reads the stateful stack's tables, the table's stream and the secrets through cross-stack
references; the bank-files bucket and SES are addressed by their fixed names.

Outputs `EventsQueueUrl` and `LivePageUrl` (read by the CLI, shared/wardfund/cli/target.py),
`WebhookUrl` (registered in Stripe as the webhook endpoint), `ConnectWebhookUrl` (registered as
the Connect webhook endpoint, issue 17), and the roles people assume:
`OperatorRoleArn` (the CLI) and `NationalFinanceRoleArn` (whole bank details and bank files).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.constructs.bank_files import import_bank_files_bucket
from infra.constructs.donations_api import DonationsApi
from infra.constructs.event_processing import EventProcessing
from infra.constructs.finance_access import NationalFinanceAccess
from infra.constructs.lambda_function import DependenciesLayer
from infra.constructs.live_page import LivePage
from infra.constructs.messaging import Messaging
from infra.constructs.monitoring import Monitoring
from infra.constructs.notifications import Notifications
from infra.constructs.operator_access import OperatorAccess
from infra.constructs.payouts import Payouts
from infra.constructs.reconciliation import Reconciliation
from infra.constructs.stripe_event_destination import StripeEventDestination
from infra.stacks.stateful_stack import StatefulStack


class StatelessStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        stateful: StatefulStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, termination_protection=config.is_prod, **kwargs)
        table = stateful.data.table
        idempotency_table = stateful.data.idempotency_table
        # By name, not by reference: IAM statements on `<bucket>/*` stay stable, checkable ids.
        bucket = import_bank_files_bucket(self, "BankFilesBucket", config.stage)
        secrets = stateful.stripe_secrets
        bank_details_key_arn = stateful.bank_details.key.key_arn

        layer = DependenciesLayer(self, "Dependencies").layer
        self.monitoring = Monitoring(self, "Monitoring", config=config)
        self.messaging = Messaging(self, "Messaging", config=config)
        self.api = DonationsApi(
            self,
            "DonationsApi",
            config=config,
            layer=layer,
            events_queue=self.messaging.events_queue,
            webhook_secret=secrets.webhook_signing_secret,
            connect_secret=secrets.connect_webhook_signing_secret,
            table=table,
        )
        self.live = LivePage(self, "LivePage", config=config, layer=layer, table=table)
        self.processing = EventProcessing(
            self,
            "EventProcessing",
            config=config,
            layer=layer,
            events_queue=self.messaging.events_queue,
            table=table,
            dead_letter_queue=self.messaging.events_dlq,
        )
        self.payouts = Payouts(
            self,
            "Payouts",
            config=config,
            layer=layer,
            table=table,
            idempotency_table=idempotency_table,
            api_key_secret=secrets.payouts_key,
            bank_files_bucket=bucket,
            bank_details_key_arn=bank_details_key_arn,
        )
        self.reconciliation = Reconciliation(
            self,
            "Reconciliation",
            config=config,
            layer=layer,
            table=table,
            api_key_secret=secrets.reconcile_key,
        )
        self.notifications = Notifications(
            self,
            "Notifications",
            config=config,
            layer=layer,
            table=table,
            idempotency_table=idempotency_table,
            bank_files_bucket=bucket,
            failure_queue=self.messaging.notifications_dlq,
            alarm_topic=self.monitoring.topic,
        )
        dead_letter_queues = {
            **self.messaging.dead_letter_queues,
            "Payouts": self.payouts.dlq,
            "PayoutTasks": self.payouts.tasks.dlq,
            "Reconcile": self.reconciliation.dlq,
            "Alarms": self.notifications.alarms_dlq,
        }
        self.stripe_destination: StripeEventDestination | None = None
        if config.stripe_event_destination:
            self.stripe_destination = StripeEventDestination(
                self,
                "StripeEventDestination",
                config=config,
                events_queue=self.messaging.events_queue,
            )
            dead_letter_queues["StripeEventDelivery"] = self.stripe_destination.delivery_dlq
        self.monitoring.watch(
            dead_letter_queues=dead_letter_queues,
            functions={
                "Receive": self.api.receive.function,
                "Process": self.processing.process.function,
                "RunPayouts": self.payouts.run.function,
                "PayCampaign": self.payouts.pay.function,
                "SendNotifications": self.notifications.send.function,
                "RaiseAlerts": self.notifications.alarms.function,
                "Reconcile": self.reconciliation.reconcile.function,
                "LivePage": self.live.page.function,
                "ConnectWebhook": self.api.connect.function,
            },
        )
        self.monitoring.watch_metric(
            "EventsNotReconciled",
            self.reconciliation.not_reconciled_metric(),
            "the weekly reconciliation left Stripe events unapplied (waiting for another event, "
            "or unreadable); see the Reconcile function's log",
        )
        self.monitoring.watch_metric(
            "WebhookUnavailable",
            self.api.unavailable_metric(),
            "Stripe webhooks were answered 503: the events queue or the webhook signing secret "
            "failed, or the secret is not set (Stripe sends them again); see the Receive log",
        )
        self.monitoring.watch_metric(
            "ConnectWebhookUnavailable",
            self.api.connect_unavailable_metric(),
            "Stripe Connect webhooks were answered 503: the table or the Connect endpoint's "
            "signing secret failed, or the secret is not set (Stripe sends them again); see the "
            "ConnectWebhook log",
        )
        self.monitoring.watch_application_metrics()
        self.monitoring.watch_metric(
            "PayoutRunLate",
            self.payouts.run_late_metric(),
            "the payout run was not finished by its deadline (Monday 08:00 London): campaigns "
            "not yet settled; see the alert email, the payout tasks queue and its dead-letter "
            "queue",
        )
        CfnOutput(
            self,
            c.OUTPUT_EVENTS_QUEUE_URL,
            value=self.messaging.events_queue.queue_url,
            description="Queue of verified Stripe events (EVENTS_QUEUE_URL)",
        )
        CfnOutput(
            self,
            c.OUTPUT_WEBHOOK_URL,
            value=self.api.webhook_url,
            description="Register this in Stripe as the webhook endpoint",
        )
        CfnOutput(
            self,
            c.OUTPUT_CONNECT_WEBHOOK_URL,
            value=self.api.connect_webhook_url,
            description="Register this in Stripe as the Connect webhook endpoint "
            "(events on connected accounts: account.updated)",
        )
        CfnOutput(
            self,
            c.OUTPUT_LIVE_PAGE_URL,
            value=self.live.url,
            description="Ward nights' live pages: <url>/<campaign>/<ward key> (wardfund kit)",
        )
        self.operators = OperatorAccess(
            self,
            "OperatorAccess",
            config=config,
            table=table,
            idempotency_table=idempotency_table,
            bank_files_bucket=bucket,
            operator_key=secrets.operator_key,
            ses_resources=[
                self.notifications.identity_arn,
                self.notifications.configuration_set_arn,
            ],
            bank_details_key_arn=bank_details_key_arn,
        )
        CfnOutput(
            self,
            c.OUTPUT_OPERATOR_ROLE_ARN,
            value=self.operators.role.role_arn,
            description="Operators assume this role (with MFA) to run the wardfund CLI",
        )
        self.finance = NationalFinanceAccess(
            self,
            "NationalFinanceAccess",
            config=config,
            table=table,
            bank_files_bucket=bucket,
            bank_details_key_arn=bank_details_key_arn,
        )
        CfnOutput(
            self,
            c.OUTPUT_NATIONAL_FINANCE_ROLE_ARN,
            value=self.finance.role.role_arn,
            description="National finance assume this role (with MFA) to export campaign bank "
            "details and save the run's bank files (wardfund campaign bank export|files)",
        )
