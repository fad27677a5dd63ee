"""Counts the AWS calls wardfund's own code makes for each Stripe event of a donation.

Each event of a pledge (and of a one-off gift) is delivered alone, in Stripe's order,
and the queue drained, with a botocore hook counting calls in between. Calls made by
the local stand-in for Lambda's SQS poller (ReceiveMessage, DeleteMessageBatch,
ChangeMessageVisibilityBatch) are counted apart: in AWS, Lambda makes those, not us.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import boto3

from bench.common import bar_chart
from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.table import Table
from wardfund.domain.calendar import LONDON
from wardfund.domain.campaign import Campaign
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.world import Donor, StripeWorld
from wardfund.services.campaigns import register_campaign

POLLER = {"ReceiveMessage", "DeleteMessageBatch", "ChangeMessageVisibilityBatch"}
calls: Counter[str] = Counter()


def _count(event_name: str, **_: Any) -> None:
    service, operation = event_name.split(".")[1:3]
    calls[f"{service}.{operation}"] += 1


def measure(stack: LocalStack, events: list[dict[str, Any]]) -> list[tuple[str, Counter[str]]]:
    rows = []
    for event in events:
        calls.clear()
        stack.deliver([event])
        stack.drain()
        rows.append((event["type"], Counter(calls)))
    return rows


def main() -> None:
    session = boto3.setup_default_session()
    del session
    boto3.DEFAULT_SESSION.events.register("before-call.*.*", _count)  # type: ignore[union-attr]
    with LocalStack() as stack:
        assert stack.resources is not None
        register_campaign(
            DynamoCampaignStore(Table(stack.resources.table_name)),
            Campaign("leeds-central", "Leeds Central", launch_event_on=datetime(2026, 6, 1).date()),
            by="bench",
        )
        world = StripeWorld()
        at = datetime(2026, 6, 3, 19, 30, tzinfo=LONDON)
        # warm the caches (secret, campaign settings) as a running Lambda would have them
        stack.deliver(world.pledge(at, Donor("w", "w@example.org", "W"), "leeds-central", "X", 900))
        stack.drain()
        pledge = world.pledge(
            at, Donor("d1", "d1@example.org", "D1"), "leeds-central", "Headingley", 1000
        )
        one_off = world.give_once(
            at, Donor("d2", "d2@example.org", "D2"), "leeds-central", "Headingley", 2000
        )
        print("| donation | Stripe event | our AWS calls | which | poller calls (Lambda's) |")
        print("|---|---|---:|---|---:|")
        totals = {}
        per_event: dict[str, float] = {}
        for label, events in (("monthly pledge", pledge), ("one-off gift", one_off)):
            total = 0
            for event_type, counted in measure(stack, events):
                ours = {k: v for k, v in counted.items() if k.split(".")[1] not in POLLER}
                poller = sum(v for k, v in counted.items() if k.split(".")[1] in POLLER)
                total += sum(ours.values())
                which = ", ".join(f"{k} x{v}" for k, v in sorted(ours.items())) or "-"
                print(f"| {label} | {event_type} | {sum(ours.values())} | {which} | {poller} |")
                if ours:
                    per_event[f"{label}: {event_type}"] = sum(ours.values())
            totals[label] = (total, len(events))
        for label, (total, count) in totals.items():
            print(f"\n{label}: {total} AWS calls of our own for its {count} Stripe events")
        plot = bar_chart(
            "aws_calls_per_event",
            "AWS calls our code makes per Stripe event (those with any)",
            per_event,
            "calls",
            (3, "target: ≤ 3 per donation's counting event"),
        )
        print(f"\nplot: bench/{plot.name}")


if __name__ == "__main__":
    main()
