"""Pipeline throughput ratio (issue 7).

Events per second through the full local pipeline (signed POST → receive handler → SQS →
process handler → one DynamoDB transaction), divided by the rate of the same number of
equivalent TransactWriteItems calls made directly against the same moto server, in one run.
The limit is about 0.5: each event costs one queue send and one transaction.
"""

from __future__ import annotations

import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3

from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.table import Table
from wardfund.domain.campaign import Campaign
from wardfund.local.stack import LocalStack
from wardfund.local.stripe_world import Donor, StripeWorld
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


def raw_transactions(table_name: str, count: int) -> float:
    client = boto3.client("dynamodb")
    started = time.perf_counter()
    for n in range(count):
        pk = f"RAW#{uuid.uuid4().hex}"
        client.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": table_name,
                        "Item": {"PK": {"S": pk}, "SK": {"S": "EVENT"}},
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
                {
                    "Put": {
                        "TableName": table_name,
                        "Item": {"PK": {"S": pk}, "SK": {"S": "PAYMENT"}, "gross": {"N": "1000"}},
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
                {
                    "Put": {
                        "TableName": table_name,
                        "Item": {
                            "PK": {"S": "CAMPAIGN#raw"},
                            "SK": {"S": f"LINE#{n:08d}"},
                            "figures": {"M": {"raised": {"N": "1000"}}},
                        },
                    }
                },
                {
                    "Update": {
                        "TableName": table_name,
                        "Key": {"PK": {"S": "CAMPAIGN#raw"}, "SK": {"S": "BALANCE"}},
                        "UpdateExpression": "ADD raised :a",
                        "ExpressionAttributeValues": {":a": {"N": "1000"}},
                    }
                },
                {
                    "ConditionCheck": {
                        "TableName": table_name,
                        "Key": {"PK": {"S": "CAMPAIGN"}, "SK": {"S": "bench"}},
                        "ConditionExpression": "attribute_exists(PK)",
                    }
                },
            ]
        )
    return count / (time.perf_counter() - started)


def main(count: int) -> None:
    with LocalStack() as stack:
        assert stack.resources is not None
        table = stack.resources.table_name
        register_campaign(
            DynamoCampaignStore(Table(table)),
            Campaign("bench", "Bench", launch_event_on=date(2026, 1, 1)),
            by="bench",
        )
        events = counting_events(count)
        started = time.perf_counter()
        statuses = stack.deliver(events)
        processed = stack.drain()
        pipeline_rate = count / (time.perf_counter() - started)
        assert set(statuses) == {200}, set(statuses)
        assert processed == count, processed
        raw_rate = raw_transactions(table, count)
    print(f"events: {count}")
    print(
        f"pipeline: {pipeline_rate:.1f} events/s "
        "(signed POST → receive → SQS → process → transaction)"
    )
    print(f"raw TransactWriteItems: {raw_rate:.1f} calls/s (same moto server, same item count)")
    print(f"ratio: {pipeline_rate / raw_rate:.2f} (target ≥ 0.4, limit ~0.5)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
