"""Load: 5,000 Stripe events in one burst through the local pipeline (4 concurrent
senders, batches of 10 for the processor): all processed, none dead-lettered, exact figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.ledger_report import DynamoLedgerReport
from wardfund.adapters.dynamodb.table import Table
from wardfund.domain.campaign import Campaign
from wardfund.local.stripe.world import Donor, StripeWorld
from wardfund.services.campaigns import register_campaign

EVENTS = 5_000
CAMPAIGNS = [f"load-{n}" for n in range(5)]


def test_five_thousand_events_in_a_burst(stack: Any) -> None:
    # Given five campaigns and 1,250 one-off gifts (four Stripe events each)
    table = Table(stack.resources.table_name)
    for campaign_id in CAMPAIGNS:
        register_campaign(
            DynamoCampaignStore(table),
            Campaign(campaign_id, campaign_id.title(), launch_event_on=date(2026, 1, 1)),
            by="test",
        )
    world = StripeWorld()
    events: list[dict[str, Any]] = []
    at = datetime(2026, 6, 1, 9, tzinfo=UTC)
    n = 0
    while len(events) < EVENTS:
        donor = Donor(f"l{n}", f"l{n}@example.org", f"L {n}")
        events += world.give_once(
            at + timedelta(seconds=n), donor, CAMPAIGNS[n % 5], "W", 1000 + n % 7
        )
        n += 1
    # When they all arrive at once and the queue is drained
    statuses = stack.deliver(events)
    processed = stack.drain()
    # Then every one was accepted, every gift counted once, and nothing dead-lettered
    assert set(statuses) == {200}
    assert processed == n
    assert stack.dead_letters() == 0
    report = DynamoLedgerReport(table)
    raised = sum(report.figures(c).raised for c in CAMPAIGNS)
    assert raised == sum(1000 + i % 7 for i in range(n))
    assert report.check().balanced
