"""From a pledge's webhook to the ward night's live page showing it (issue 17).

The embedded stack runs as `wardfund local up` runs it: a worker drains the events queue
every 0.25 s (Lambda's SQS poller, locally) while a real browser (Playwright driving
Debian's Chromium) keeps the night's page open, polling its figures as it does in the room.
For each of N pledges (default 100) the pledge's signed webhooks are POSTed in Stripe's
order; the time is taken from the counting event's POST (`invoice_payment.paid`) to the
page's count showing the new donor. Then, with the page closed and the worker stopped, one
more pledge is delivered event by event to count the AWS calls of its counting event
(Lambda's poller calls apart, as in bench/aws_calls_per_event.py) and the items of its one
transaction (the night's counters are one of them).

    uv run python -m bench.live_page_latency [N]
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import boto3

from bench.common import bar_chart, percentile
from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.table import Table
from wardfund.domain.calendar import london_date
from wardfund.domain.campaign import Campaign
from wardfund.local.background import DRAIN_EVERY_SECONDS
from wardfund.local.emails.screenshots import find_browser
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.world import Donor, StripeWorld
from wardfund.services.campaigns import register_campaign
from wardfund.web.limits import FRESH_SECONDS, POLL_SECONDS

POLLER = {"ReceiveMessage", "DeleteMessageBatch", "ChangeMessageVisibilityBatch"}
COUNTING = "invoice_payment.paid"
calls: Counter[str] = Counter()
transaction_items: list[int] = []


def _count(event_name: str, **_: Any) -> None:
    service, operation = event_name.split(".")[1:3]
    calls[f"{service}.{operation}"] += 1


def _transaction(params: dict[str, Any], **_: Any) -> None:
    transaction_items.append(len(params.get("TransactItems", [])))


class Drainer(threading.Thread):
    def __init__(self, stack: LocalStack) -> None:
        super().__init__(daemon=True)
        self.stack = stack
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(DRAIN_EVERY_SECONDS):
            self.stack.drain()


def main(pledges: int) -> None:
    from playwright.sync_api import sync_playwright

    browser_path = find_browser()
    if browser_path is None:
        sys.exit("needs chromium (scripts/bootstrap installs it)")
    boto3.setup_default_session()
    events = boto3.DEFAULT_SESSION.events  # type: ignore[union-attr]
    events.register("before-call.*.*", _count)
    events.register("provide-client-params.dynamodb.TransactWriteItems", _transaction)
    with LocalStack() as stack:
        assert stack.resources is not None
        now = datetime.now(UTC)
        register_campaign(
            DynamoCampaignStore(Table(stack.resources.table_name)),
            Campaign(
                "leeds-central", "Leeds Central", launch_event_on=london_date(now),
                match_cap_pence=99_999_999, promoter_name="Sam Agent",
                promoter_address="1 High St, Leeds LS1 1AA", on_behalf_of="Jo Candidate",
            ),
            by="bench",
        )  # fmt: skip
        world = StripeWorld()
        drainer = Drainer(stack)
        drainer.start()
        seconds: list[float] = []
        after_last: list[float] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=browser_path, args=["--no-sandbox"]
            )
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(f"{stack.live_url}/leeds-central/headingley")
            for number in range(1, pledges + 1):
                donor = Donor(f"d{number}", f"d{number}@example.org", f"D{number}")
                events = world.pledge(datetime.now(UTC), donor, "leeds-central", "Headingley",
                                      500 + number)  # fmt: skip
                sent = 0.0
                for event in events:
                    if event["type"] == COUNTING:
                        sent = time.monotonic()
                    assert stack.deliver([event]) == [200], event["type"]
                answered = time.monotonic()
                page.wait_for_selector(
                    f"body[data-donors='{number}']", state="attached", timeout=60_000
                )
                shown = time.monotonic()
                seconds.append(shown - sent)
                after_last.append(shown - answered)
            browser.close()
        drainer.stopping.set()
        drainer.join()
        # the counting event's own AWS calls, one event at a time, nothing else running
        stack.drain()
        donor = Donor("last", "last@example.org", "Last")
        for event in world.pledge(datetime.now(UTC), donor, "leeds-central", "Headingley", 900):
            calls.clear()
            transaction_items.clear()
            stack.deliver([event])
            stack.drain()
            if event["type"] == COUNTING:
                ours = {k: v for k, v in calls.items() if k.split(".")[1] not in POLLER}
                items = list(transaction_items)
    median, p95 = statistics.median(seconds), percentile(seconds, 0.95)
    print(f"pledges: {pledges}; the page polls every {POLL_SECONDS} s, its function keeps a "
          f"night's figures {FRESH_SECONDS} s; the queue is drained every "
          f"{DRAIN_EVERY_SECONDS} s")  # fmt: skip
    print(f"webhook ({COUNTING}) to the page showing it: median {median:.2f} s, "
          f"p95 {p95:.2f} s, max {max(seconds):.2f} s (target < 5 s)")  # fmt: skip
    late = statistics.median(after_last), percentile(after_last, 0.95)
    print(f"the pledge's last webhook answered to the page showing it: median {late[0]:.2f} s, "
          f"p95 {late[1]:.2f} s")  # fmt: skip
    which = ", ".join(f"{k} x{v}" for k, v in sorted(ours.items()))
    print(f"AWS calls for the counting event: {sum(ours.values())} ({which}); "
          f"its transaction has {items[0] if items else 0} items, the night's counters one of "
          "them")  # fmt: skip
    plot = bar_chart(
        "live_page_latency",
        f"Webhook to live page, {pledges} pledges (s)",
        {"median": round(median, 2), "p95": round(p95, 2), "max": round(max(seconds), 2)},
        "seconds",
        (5.0, "target: 5 s"),
    )
    print(f"plot: bench/{plot.name}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
