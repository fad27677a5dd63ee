"""The local stand-in for Lambda's DynamoDB stream event source mapping.

Reads the table's stream (moto), keeps the records the mapping's filter patterns keep,
hands them to the real notifications handler in Lambda's event shape, in batches, in
order; on a partial batch failure it retries from the first failed record, as Lambda does,
and after `max_retries` sends a note of the records it gave up on to the on-failure queue.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import boto3

from wardfund.event_sources import TABLE_STREAM_BATCH_SIZE, TABLE_STREAM_RETRY_ATTEMPTS
from wardfund.local.aws.resources import REGION
from wardfund.local.lambdas.lambda_context import LocalLambdaContext

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def matches(pattern: Any, value: Any) -> bool:
    """Lambda event filtering, for what the patterns here use: nested keys, a list of
    allowed values, and `{"prefix": ...}`."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(
            name in value and matches(inner, value[name]) for name, inner in pattern.items()
        )
    if isinstance(pattern, list):
        return any(
            isinstance(value, str) and value.startswith(allowed["prefix"])
            if isinstance(allowed, dict)
            else value == allowed
            for allowed in pattern
        )
    return bool(pattern == value)


def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    stream = dict(record["dynamodb"])
    created = stream.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        stream["ApproximateCreationDateTime"] = int(created.timestamp())
    return {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": REGION,
        "dynamodb": stream,
        "eventSourceARN": stream_arn,
    }


class StreamWorker:
    def __init__(
        self,
        stream_arn: str,
        handler: Handler,
        filters: Sequence[dict[str, Any]],
        failure_queue_url: str,
        max_retries: int = TABLE_STREAM_RETRY_ATTEMPTS,
    ) -> None:
        self.stream_arn = stream_arn
        self.handler = handler
        self.filters = filters
        self.failure_queue_url = failure_queue_url
        self.max_retries = max_retries
        self.client = boto3.client("dynamodbstreams")
        self.positions: dict[str, str] = {}  # shard id -> last sequence number read
        self.invocations = 0
        self.given_up = 0

    def _iterator(self, shard_id: str) -> str:
        position = self.positions.get(shard_id)
        kwargs: dict[str, Any] = {"StreamArn": self.stream_arn, "ShardId": shard_id}
        if position is None:
            kwargs["ShardIteratorType"] = "TRIM_HORIZON"
        else:
            kwargs |= {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": position}
        return str(self.client.get_shard_iterator(**kwargs)["ShardIterator"])

    def _read(self, shard_id: str) -> list[dict[str, Any]]:
        iterator: str | None = self._iterator(shard_id)
        found: list[dict[str, Any]] = []
        while iterator:
            page = self.client.get_records(ShardIterator=iterator)
            records = [dict(record) for record in page.get("Records", [])]
            if not records:
                break
            found.extend(records)
            self.positions[shard_id] = str(records[-1]["dynamodb"]["SequenceNumber"])
            iterator = page.get("NextShardIterator")
        return found

    def drain(self) -> int:
        """Delivers every new record the filters keep; returns how many were delivered."""
        shards = self.client.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        delivered = 0
        for shard in shards.get("Shards", []):
            records = [
                lambda_record(record, self.stream_arn) for record in self._read(shard["ShardId"])
            ]
            kept = [r for r in records if any(matches(p, r) for p in self.filters)]
            for start in range(0, len(kept), TABLE_STREAM_BATCH_SIZE):
                batch = kept[start : start + TABLE_STREAM_BATCH_SIZE]
                delivered += self._deliver(batch, shard["ShardId"])
        return delivered

    def _deliver(self, batch: list[dict[str, Any]], shard_id: str) -> int:
        pending = batch
        for _ in range(1 + self.max_retries):
            self.invocations += 1
            try:
                reply = self.handler(
                    {"Records": pending}, LocalLambdaContext("wardfund-notifications")
                )
                failed = {item["itemIdentifier"] for item in reply.get("batchItemFailures", [])}
            except Exception:  # a function error: Lambda retries the whole batch
                failed = {pending[0]["dynamodb"]["SequenceNumber"]}
            if not failed:
                return len(batch)
            first = next(
                i for i, r in enumerate(pending) if r["dynamodb"]["SequenceNumber"] in failed
            )
            pending = pending[first:]
        self._give_up(pending, shard_id)
        return len(batch) - len(pending)

    def _give_up(self, records: list[dict[str, Any]], shard_id: str) -> None:
        """What Lambda sends an on-failure destination: where the records are, not them."""
        self.given_up += len(records)
        note = {
            "requestContext": {"condition": "RetryAttemptsExhausted"},
            "DDBStreamBatchInfo": {
                "shardId": shard_id,
                "startSequenceNumber": records[0]["dynamodb"]["SequenceNumber"],
                "endSequenceNumber": records[-1]["dynamodb"]["SequenceNumber"],
                "batchSize": len(records),
                "streamArn": self.stream_arn,
            },
        }
        boto3.client("sqs").send_message(
            QueueUrl=self.failure_queue_url, MessageBody=json.dumps(note)
        )
