"""A dead-letter queue: encrypted, TLS only, 14 days to investigate; kept in prod (it holds
evidence)."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import constants as c
from infra.config import StageConfig
from infra.nag import acknowledge


def build_dead_letter_queue(
    scope: Construct,
    construct_id: str,
    config: StageConfig,
    *,
    serves: str | None = None,
    fifo: bool = False,
) -> sqs.Queue:
    """`serves` names what sends its failures here when that is not another queue: cdk-nag
    only recognises a dead-letter queue by an SQS redrive policy, so a DLQ of Lambda,
    Scheduler or EventBridge would otherwise be flagged for having no DLQ of its own.
    `fifo`: the dead-letter queue of a FIFO queue must be FIFO itself."""
    queue = sqs.Queue(
        scope,
        construct_id,
        fifo=fifo or None,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=Duration.days(c.DLQ_RETENTION_DAYS),
        removal_policy=config.removal_policy,
    )
    if serves:
        acknowledge(
            queue,
            "AwsSolutions-SQS3",
            f"This queue is itself the dead-letter queue of {serves}; a DLQ needs no DLQ.",
        )
    return queue
