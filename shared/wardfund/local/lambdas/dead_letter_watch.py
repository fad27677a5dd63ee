"""The local stand-in for the dead-letter alarms: CloudWatch alarm → SNS → alarms function.

After the queues are drained, the stack asks each dead-letter queue how many messages it
holds; when that number went up, it invokes the real alarms handler with the SNS event the
alarm topic would deliver (the CloudWatch alarm notification as the message).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import boto3

from wardfund.local.aws.resources import ACCOUNT, REGION
from wardfund.local.lambdas.lambda_context import LocalLambdaContext
from wardfund.local.lambdas.queue_worker import queue_counts

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:wardfund-local-alarms"


def alarm_notification(queue_name: str, depth: int, at: datetime) -> dict[str, Any]:
    return {
        "AlarmName": f"{queue_name}-not-empty",
        "AlarmDescription": f"messages in the dead-letter queue {queue_name}",
        "AWSAccountId": ACCOUNT,
        "NewStateValue": "ALARM",
        "NewStateReason": (
            f"Threshold Crossed: 1 datapoint [{float(depth)}] was greater than or equal to "
            "the threshold (1.0)."
        ),
        "StateChangeTime": at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000",
        "Region": "EU (London)",
        "OldStateValue": "OK",
        "Trigger": {
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Namespace": "AWS/SQS",
            "Statistic": "MAXIMUM",
            "Dimensions": [{"name": "QueueName", "value": queue_name}],
            "Period": 300,
            "EvaluationPeriods": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Threshold": 1.0,
        },
    }


def sns_event(message: dict[str, Any], at: datetime) -> dict[str, Any]:
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{TOPIC}:{uuid.uuid4()}",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": str(uuid.uuid4()),
                    "TopicArn": TOPIC,
                    "Subject": f'ALARM: "{message["AlarmName"]}" in EU (London)',
                    "Message": json.dumps(message),
                    "Timestamp": at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                    "SignatureVersion": "1",
                    "Signature": "local",
                    "SigningCertUrl": "https://sns.eu-west-2.amazonaws.com/local.pem",
                    "UnsubscribeUrl": "https://sns.eu-west-2.amazonaws.com/?Action=Unsubscribe",
                    "MessageAttributes": {},
                },
            }
        ]
    }


class DeadLetterWatch:
    def __init__(self, queues: Mapping[str, str], handler: Handler) -> None:
        """`queues`: queue name → URL of each dead-letter queue to watch."""
        self.queues = dict(queues)
        self.handler = handler
        self.client = boto3.client("sqs")
        self.seen = dict.fromkeys(self.queues, 0)

    def check(self) -> int:
        """Raises an alarm for each queue that holds more than when last checked."""
        raised = 0
        for name, url in self.queues.items():
            depth = sum(queue_counts(self.client, url))
            if depth > self.seen[name]:
                at = datetime.now(UTC)
                self.handler(
                    sns_event(alarm_notification(name, depth, at), at),
                    LocalLambdaContext("wardfund-alarms"),
                )
                raised += 1
            self.seen[name] = depth
        return raised
