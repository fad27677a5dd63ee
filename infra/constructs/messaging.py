"""The events queue with its dead-letter queue, and the notifications dead-letter queue.

* events: verified Stripe events (from the webhook, or from EventBridge) -> process handler.
  Its visibility timeout is VISIBILITY_TIMEOUT_FACTOR x the consumer's timeout, and a message
  moves to its DLQ after MAX_RECEIVE_COUNT failed receives.
* notifications DLQ: the on-failure destination of the table-stream event source mapping of
  the notifications function. Emails are no longer queued (the table's stream is their outbox),
  so this queue receives Lambda's note of the stream records it gave up on (shard and sequence
  numbers, not the records), for an operator to replay within the stream's 24 h.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.constructs.dead_letter_queue import build_dead_letter_queue


class Messaging(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self._config = config
        self.events_dlq, self.events_queue = self._build_queue_pair("Events", c.PROCESS)
        self.notifications_dlq = build_dead_letter_queue(
            self,
            "NotificationsDlq",
            config,
            serves="the table-stream event source mapping of the notifications function (its "
            "on-failure destination)",
        )

    @property
    def dead_letter_queues(self) -> dict[str, sqs.Queue]:
        return {"Events": self.events_dlq, "Notifications": self.notifications_dlq}

    def _build_queue_pair(self, name: str, consumer: c.FunctionSpec) -> tuple[sqs.Queue, sqs.Queue]:
        dlq = build_dead_letter_queue(self, f"{name}Dlq", self._config)
        queue = sqs.Queue(
            self,
            f"{name}Queue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(c.QUEUE_RETENTION_DAYS),
            visibility_timeout=Duration.seconds(
                c.VISIBILITY_TIMEOUT_FACTOR * consumer.timeout_seconds
            ),
            dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=c.MAX_RECEIVE_COUNT),
        )
        return dlq, queue
