"""SQS: where verified Stripe events wait for the processor, and where the ones it cannot
read are set aside (the queue's dead-letter queue)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from wardfund.services.accept_webhook import Unavailable

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient


def _code(error: Exception) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code") or "ClientError")
    return type(error).__name__


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
        """Queues the event; Unavailable when SQS does not take it (after botocore's retries),
        so the webhook answers 503 and Stripe sends the event again."""
        try:
            self.client.send_message(
                QueueUrl=self.queue_url,
                MessageBody=body,
                MessageAttributes={
                    "event_id": {"DataType": "String", "StringValue": event_id},
                    "event_type": {"DataType": "String", "StringValue": event_type},
                },
            )
        except (ClientError, BotoCoreError) as error:
            raise Unavailable(f"the events queue did not take it ({_code(error)})") from error


class SqsDeadLetters:
    """Puts a message the processor cannot read on the dead-letter queue itself, at once,
    instead of failing it until the redrive policy moves it there. The body is kept as it
    came, so a redrive to the source queue (after a fix) delivers it again unchanged."""

    def __init__(self, queue_url: str, client: SQSClient | None = None) -> None:
        self.queue_url = queue_url
        self.client: SQSClient = client or boto3.client("sqs")

    @property
    def queue_name(self) -> str:
        return self.queue_url.rstrip("/").rsplit("/", 1)[-1]

    def put(self, body: str, attributes: dict[str, str]) -> None:
        self.client.send_message(
            QueueUrl=self.queue_url,
            MessageBody=body,
            MessageAttributes={
                name: {"DataType": "String", "StringValue": value}
                for name, value in attributes.items()
                if value
            },
        )
