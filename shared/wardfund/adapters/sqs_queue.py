"""SQS: where verified Stripe events wait for the processor."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient


class SqsEventQueue:
    def __init__(self, queue_url: str, client: SQSClient | None = None) -> None:
        self.queue_url = queue_url
        self.client: SQSClient = client or boto3.client("sqs")

    def postpone(self, receipt_handle: str, seconds: int) -> None:
        """Makes a received message visible again only after `seconds`."""
        self.client.change_message_visibility(
            QueueUrl=self.queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
        )

    def send(self, body: str, event_id: str, event_type: str) -> None:
        self.client.send_message(
            QueueUrl=self.queue_url,
            MessageBody=body,
            MessageAttributes={
                "event_id": {"DataType": "String", "StringValue": event_id},
                "event_type": {"DataType": "String", "StringValue": event_type},
            },
        )
