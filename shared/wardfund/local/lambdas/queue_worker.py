"""The local stand-in for Lambda's SQS event source mapping.

Receives batches, invokes the real process handler, deletes what succeeded and makes
reported failures visible again at once (Lambda would wait out the visibility timeout);
the queue's redrive policy moves a message that keeps failing to the dead-letter queue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import boto3

from wardfund.event_sources import EVENTS_QUEUE_BATCH_SIZE
from wardfund.local.aws.resources import ACCOUNT, REGION
from wardfund.local.lambdas.lambda_context import LocalLambdaContext


def sqs_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    """A message as ReceiveMessage gives it → the record Lambda hands the function."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": {
            name: {
                "stringValue": value.get("StringValue"),
                "dataType": value["DataType"],
                "stringListValues": [],
                "binaryListValues": [],
            }
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }


def invoke_batch(
    client: Any,
    queue_url: str,
    queue_arn: str,
    handler: Callable[[dict[str, Any], Any], dict[str, Any]],
    messages: list[dict[str, Any]],
    function_name: str,
) -> set[str]:
    """One invocation with a batch, as the mapping makes it: the messages that succeeded are
    deleted; returns the ids of those the function reported failed (left for the caller)."""
    event = {"Records": [sqs_record(message, queue_arn) for message in messages]}
    reply = handler(event, LocalLambdaContext(function_name))
    failed = {item["itemIdentifier"] for item in reply.get("batchItemFailures", [])}
    succeeded = [m for m in messages if m["MessageId"] not in failed]
    if succeeded:
        client.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(succeeded)
            ],
        )
    return failed


def queue_counts(client: Any, url: str) -> tuple[int, int]:
    """Messages waiting in a queue, and messages received and not yet deleted."""
    attributes = client.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return (
        int(attributes["ApproximateNumberOfMessages"]),
        int(attributes["ApproximateNumberOfMessagesNotVisible"]),
    )


class QueueWorker:
    def __init__(
        self, queue_url: str, handler: Callable[[dict[str, Any], Any], dict[str, Any]]
    ) -> None:
        self.queue_url = queue_url
        self.queue_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue_url.rsplit('/', 1)[1]}"
        self.handler = handler
        self.client = boto3.client("sqs")
        self.invocations = 0

    def drain(self, max_rounds: int = 10_000) -> int:
        """Runs until the queue is empty; returns how many messages were processed."""
        done = 0
        for _ in range(max_rounds):
            messages = self.client.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=EVENTS_QUEUE_BATCH_SIZE,
                MessageAttributeNames=["All"],
                AttributeNames=["All"],
                WaitTimeSeconds=0,
            ).get("Messages", [])
            if not messages:
                return done
            succeeded = self._deliver(cast(list[dict[str, Any]], messages))
            done += succeeded
            if succeeded == 0:
                return done  # everything here waits for events not yet sent: try next drain
            if len(messages) < EVENTS_QUEUE_BATCH_SIZE and succeeded == len(messages):
                return done  # nothing was left visible, and nothing was put back
        raise RuntimeError(f"queue {self.queue_url} did not drain in {max_rounds} rounds")

    def _deliver(self, messages: list[dict[str, Any]]) -> int:
        self.invocations += 1
        failed = invoke_batch(
            self.client, self.queue_url, self.queue_arn, self.handler, messages, "wardfund-process"
        )
        # Locally no time passes between drains, so the handler's back-off is cut to zero.
        retry = [m for m in messages if m["MessageId"] in failed]
        if retry:
            self.client.change_message_visibility_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                    for i, m in enumerate(retry)
                ],
            )
        return len(messages) - len(retry)

    def depth(self, url: str | None = None) -> int:
        return sum(queue_counts(self.client, url or self.queue_url))
