"""Replaceable resources: the API, functions, queues, schedule and alarms.

Reads the stateful stack's tables and secrets through cross-stack references; the bank-files
bucket and SES are addressed by their fixed names.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from constructs import Construct

from infra.config import StageConfig
from infra.constructs.bank_files import import_bank_files_bucket
from infra.constructs.donations_api import DonationsApi
from infra.constructs.event_processing import EventProcessing
from infra.constructs.lambda_function import DependenciesLayer
from infra.constructs.messaging import Messaging
from infra.constructs.monitoring import Monitoring
from infra.constructs.notifications import Notifications
from infra.constructs.payouts import Payouts
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

        layer = DependenciesLayer(self, "Dependencies").layer
        self.messaging = Messaging(self, "Messaging", config=config)
        self.api = DonationsApi(
            self,
            "DonationsApi",
            config=config,
            layer=layer,
            events_queue=self.messaging.events_queue,
            webhook_secret=secrets.webhook_signing_secret,
        )
        self.processing = EventProcessing(
            self,
            "EventProcessing",
            config=config,
            layer=layer,
            events_queue=self.messaging.events_queue,
            notifications_queue=self.messaging.notifications_queue,
            table=table,
        )
        self.payouts = Payouts(
            self,
            "Payouts",
            config=config,
            layer=layer,
            table=table,
            idempotency_table=idempotency_table,
            api_key_secret=secrets.api_key,
            bank_files_bucket=bucket,
            notifications_queue=self.messaging.notifications_queue,
        )
        self.notifications = Notifications(
            self,
            "Notifications",
            config=config,
            layer=layer,
            notifications_queue=self.messaging.notifications_queue,
            table=table,
            idempotency_table=idempotency_table,
            bank_files_bucket=bucket,
        )
        dead_letter_queues = {**self.messaging.dead_letter_queues, "Payouts": self.payouts.dlq}
        self.stripe_destination: StripeEventDestination | None = None
        if config.stripe_event_destination:
            self.stripe_destination = StripeEventDestination(
                self,
                "StripeEventDestination",
                config=config,
                events_queue=self.messaging.events_queue,
            )
            dead_letter_queues["StripeEventDelivery"] = self.stripe_destination.delivery_dlq
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            config=config,
            dead_letter_queues=dead_letter_queues,
            functions={
                "Receive": self.api.receive.function,
                "Process": self.processing.process.function,
                "RunPayouts": self.payouts.run.function,
                "SendNotifications": self.notifications.send.function,
            },
        )
