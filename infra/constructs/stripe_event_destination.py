"""Optional: Stripe Event Destination -> Amazon EventBridge -> the same events queue.

Stripe creates a partner event source (`aws.partner/stripe.com/<account>/<destination>`);
associating it with an event bus of the same name is what this construct deploys. A rule on that
bus sends each event's `detail` (the Stripe event object, as the webhook would deliver it) to the
events queue, so the process handler is reused without the HTTP hop. Deliveries that EventBridge
cannot make land in their own DLQ.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as events_targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.constructs.dead_letter_queue import build_dead_letter_queue


class StripeEventDestination(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        events_queue: sqs.IQueue,
    ) -> None:
        super().__init__(scope, construct_id)
        if not config.stripe_event_source_name:
            raise ValueError("stripe_event_source_name is required for the event destination")
        source_name = config.stripe_event_source_name
        self.event_bus = events.EventBus(
            self,
            "PartnerEventBus",
            # A partner event bus is named after its event source; CDK derives the name.
            event_source_name=source_name,
            description=f"wardfund {config.stage}: Stripe events via Event Destinations",
        )
        self.delivery_dlq = build_dead_letter_queue(
            self, "DeliveryDlq", config, serves="the EventBridge rule target"
        )
        self.rule = events.Rule(
            self,
            "ToEventsQueue",
            event_bus=self.event_bus,
            description="Stripe events to the wardfund events queue",
            event_pattern=events.EventPattern(
                source=events.Match.prefix(c.STRIPE_PARTNER_SOURCE_PREFIX)
            ),
            targets=[
                events_targets.SqsQueue(
                    events_queue,
                    message=events.RuleTargetInput.from_event_path("$.detail"),
                    dead_letter_queue=self.delivery_dlq,
                    retry_attempts=c.STRIPE_EVENT_DELIVERY_RETRY_ATTEMPTS,
                    max_event_age=Duration.hours(c.STRIPE_EVENT_DELIVERY_MAX_EVENT_AGE_HOURS),
                )
            ],
        )
