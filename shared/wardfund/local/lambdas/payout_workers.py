"""The local stand-in for the payout queue's event source mapping (SQS FIFO → pay function).

Up to `concurrency` invocations run at once (threads here, as the mapping's maximum
concurrency is on AWS), each with one task (batch size 1), and SQS itself (moto) keeps a
campaign's messages apart: none is handed out while another of its group is in flight.
A task that fails (a reported item failure, or the handler raising, as a crashed
invocation would) is set aside until the round ends, then made visible again at once
(Lambda would wait out its back-off) for the next round; after as many rounds as a task has
attempts, a task that still fails is left queued (on AWS it would come back until its
receives ran out), so a test can mend what broke it and drain again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import boto3

from wardfund.event_sources import PAYOUT_TASK_ATTEMPTS
from wardfund.local.aws.resources import ACCOUNT, REGION
from wardfund.local.lambdas.lambda_context import LocalLambdaContext
from wardfund.local.lambdas.queue_worker import sqs_record

FUNCTION_NAME = "wardfund-pay-campaign"
TIMEOUT_SECONDS = 60
IDLE_POLL_SECONDS = 0.01


@dataclass
class DrainReport:
    """`longest_seconds`: the longest single invocation of the pay function."""

    delivered: int = 0
    failed: int = 0
    invocations: int = 0
    rounds: int = 0
    longest_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


class PayoutWorkers:
    def __init__(
        self,
        queue_url: str,
        handler: Callable[[dict[str, Any], Any], dict[str, Any]],
        concurrency: int,
    ) -> None:
        self.queue_url = queue_url
        self.queue_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue_url.rsplit('/', 1)[1]}"
        self.handler = handler
        self.concurrency = concurrency
        self.client = boto3.client("sqs")
        self._lock = threading.Lock()

    def drain(self, rounds: int = PAYOUT_TASK_ATTEMPTS) -> DrainReport:
        """Takes every task there is; a task that fails is delivered again in the next
        round, for at most `rounds` rounds (as many as a task's attempts, so a failure
        worth trying again is tried to its last attempt), and is then left queued."""
        report = DrainReport()
        for _ in range(rounds):
            parked: list[str] = []
            self._round(report, parked)
            report.rounds += 1
            for start in range(0, len(parked), 10):  # ChangeMessageVisibilityBatch's largest
                self.client.change_message_visibility_batch(
                    QueueUrl=self.queue_url,
                    Entries=[
                        {"Id": str(n), "ReceiptHandle": handle, "VisibilityTimeout": 0}
                        for n, handle in enumerate(parked[start : start + 10])
                    ],
                )
            if not parked:
                break
        return report

    def _round(self, report: DrainReport, parked: list[str]) -> None:
        active = [0]

        def work() -> None:
            while True:
                with self._lock:
                    active[0] += 1
                messages = self.client.receive_message(
                    QueueUrl=self.queue_url,
                    MaxNumberOfMessages=1,
                    MessageAttributeNames=["All"],
                    AttributeNames=["All"],
                    WaitTimeSeconds=0,
                ).get("Messages", [])
                if messages:
                    self._deliver(messages[0], report, parked)
                with self._lock:
                    active[0] -= 1
                    idle = not messages and active[0] == 0
                if idle:
                    return
                if not messages:
                    time.sleep(IDLE_POLL_SECONDS)  # a campaign's next task waits for its group

        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="payout-worker") as pool:
            for future in [pool.submit(work) for _ in range(self.concurrency)]:
                future.result()

    def _deliver(self, message: Any, report: DrainReport, parked: list[str]) -> None:
        event = {"Records": [sqs_record(message, self.queue_arn)]}
        started = time.perf_counter()
        failed = False
        try:
            reply = self.handler(event, LocalLambdaContext(FUNCTION_NAME, TIMEOUT_SECONDS))
            failed = bool(reply.get("batchItemFailures"))
        except Exception as error:  # a crashed invocation: the task comes back
            failed = True
            with self._lock:
                report.errors.append(f"{type(error).__name__}: {error}")
        seconds = time.perf_counter() - started
        if not failed:
            self.client.delete_message(
                QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"]
            )
        with self._lock:
            report.invocations += 1
            report.longest_seconds = max(report.longest_seconds, seconds)
            if failed:
                report.failed += 1
                parked.append(message["ReceiptHandle"])
            else:
                report.delivered += 1
