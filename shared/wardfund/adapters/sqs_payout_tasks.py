"""SQS (FIFO): a payout run's units of work, one message per campaign.

The message group is the campaign, so SQS never hands out two of a campaign's messages at
once (a run's task and its repeat, or a weekly run's and a daily retry's): one campaign is
paid by one worker at a time, while different campaigns are paid in parallel. The
deduplication id is the run and the campaign, so a run invoked again within SQS's
five-minute window sends nothing twice (later repeats are settled already and do nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import boto3

from wardfund.adapters.payout_task_records import task_body
from wardfund.domain.calendar import to_utc
from wardfund.domain.payout_run import PayoutTask

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

SEND_BATCH = 10  # SendMessageBatch's largest request
SEND_TRIES = 5


def deduplication_id(task: PayoutTask) -> str:
    """At most 128 characters of letters, digits and punctuation."""
    return f"{to_utc(task.run_at):%Y%m%dT%H%M%S}-{task.kind}-{task.campaign.campaign_id}"


class SqsPayoutTasks:
    def __init__(self, queue_url: str, client: SQSClient | None = None) -> None:
        self.queue_url = queue_url
        self.client: SQSClient = client or boto3.client("sqs")

    def send(self, tasks: Sequence[PayoutTask]) -> None:
        for start in range(0, len(tasks), SEND_BATCH):
            entries: list[SendMessageBatchRequestEntryTypeDef] = [
                {
                    "Id": str(n),
                    "MessageBody": task_body(task),
                    "MessageGroupId": task.campaign.campaign_id,
                    "MessageDeduplicationId": deduplication_id(task),
                }
                for n, task in enumerate(tasks[start : start + SEND_BATCH])
            ]
            for _ in range(SEND_TRIES):
                answer = self.client.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
                failed = {entry["Id"] for entry in answer.get("Failed", [])}
                entries = [entry for entry in entries if entry["Id"] in failed]
                if not entries:
                    break
            else:
                raise RuntimeError(f"SQS refused {len(entries)} payout task(s) {SEND_TRIES} times")

    def postpone(self, receipt_handle: str, seconds: int) -> None:
        """Makes a received task visible again only after `seconds` (its back-off)."""
        self.client.change_message_visibility(
            QueueUrl=self.queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
        )
