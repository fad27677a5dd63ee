"""Pipeline throughput ratio (issue 7).

Events per second through the full local pipeline (signed POST → receive handler → SQS →
process handler → one DynamoDB transaction), divided by the rate of the same number of
equivalent TransactWriteItems calls made directly against the same moto server, in one run.
Each event costs one queue send as well as its transaction, so the ratio would be about 0.5
if a send cost as much as a transaction; on moto a send is cheaper, and the pipeline's own
Python work runs on the other core while moto serves, so it can come out above 0.5.
"""

from __future__ import annotations

import copy
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3

from bench.common import bar_chart
from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.table import Table
from wardfund.domain.campaign import Campaign
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.world import Donor, StripeWorld
from wardfund.services.campaigns import register_campaign


def counting_events(count: int) -> list[dict[str, Any]]:
    """The one event per one-off gift that the pipeline counts (checkout.session.completed)."""
    world = StripeWorld()
    at = datetime(2026, 6, 1, 9, tzinfo=UTC)
    events = []
    for n in range(count):
        gift = world.give_once(
            at + timedelta(seconds=n), Donor(f"b{n}", f"b{n}@x.org", "B"), "bench", "W", 1000
        )
        events.append(next(e for e in gift if e["type"] == "checkout.session.completed"))
    return events


class TransactionRecorder:
    """Keeps the exact TransactWriteItems requests the pipeline made, to replay them raw."""

    def __init__(self) -> None:
        self.requests: list[list[dict[str, Any]]] = []
        self.on = False

    def __call__(self, params: dict[str, Any], **_: Any) -> None:
        if self.on:
            self.requests.append(copy.deepcopy(params["TransactItems"]))


def copy_table(source: str, target: str) -> None:
    """A second table with the campaign settings and balance, so the same transactions pass."""
    client = boto3.client("dynamodb")
    client.create_table(
        TableName=target,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k in ("PK", "SK")],
        KeySchema=[
            {"AttributeName": "PK", "KeyType": "HASH"},
            {"AttributeName": "SK", "KeyType": "RANGE"},
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    for item in client.scan(TableName=source)["Items"]:
        client.put_item(TableName=target, Item=item)


def raw_transactions(table_name: str, requests: list[list[dict[str, Any]]]) -> float:
    """Replays the pipeline's own transactions (same items, conditions and sizes)."""
    client = boto3.client("dynamodb")
    for request in requests:
        for operation in request:
            next(iter(operation.values()))["TableName"] = table_name
    started = time.perf_counter()
    for request in requests:
        client.transact_write_items(TransactItems=request)  # type: ignore[arg-type]
    return len(requests) / (time.perf_counter() - started)


def main(count: int) -> None:
    boto3.setup_default_session()
    recorder = TransactionRecorder()
    assert boto3.DEFAULT_SESSION is not None
    boto3.DEFAULT_SESSION.events.register(
        "provide-client-params.dynamodb.TransactWriteItems", recorder
    )
    with LocalStack() as stack:
        assert stack.resources is not None
        table = stack.resources.table_name
        register_campaign(
            DynamoCampaignStore(Table(table)),
            Campaign("bench", "Bench", launch_event_on=date(2026, 1, 1)),
            by="bench",
        )
        copy_table(table, f"{table}-raw")
        events = counting_events(count)
        recorder.on = True
        started = time.perf_counter()
        statuses = stack.deliver(events)
        processed = stack.drain()
        pipeline_rate = count / (time.perf_counter() - started)
        assert set(statuses) == {200}, set(statuses)
        assert processed == count, processed
        recorder.on = False
        assert len(recorder.requests) == count, len(recorder.requests)
        raw_rate = raw_transactions(f"{table}-raw", recorder.requests)
    print(f"events: {count}")
    print(
        f"pipeline: {pipeline_rate:.1f} events/s "
        "(signed POST → receive → SQS → process → transaction)"
    )
    replayed = f"the pipeline's own {count} transactions replayed on the same moto server"
    print(f"raw TransactWriteItems: {raw_rate:.1f} calls/s ({replayed})")
    print(f"ratio: {pipeline_rate / raw_rate:.2f} (target ≥ 0.4)")
    plot = bar_chart(
        "pipeline_throughput",
        f"{count} events: pipeline against raw transactions, ratio {pipeline_rate / raw_rate:.2f}",
        {
            "raw TransactWriteItems": round(raw_rate, 1),
            "full pipeline": round(pipeline_rate, 1),
        },
        "per second",
        (0.4 * raw_rate, "target: 0.4 × raw"),
    )
    print(f"plot: bench/{plot.name}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
