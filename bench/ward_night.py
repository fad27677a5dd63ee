"""A ward-assembly night's burst (issue 16): 2,000 monthly pledges, every Stripe event of each,
signed and POSTed to the local webhook endpoint within 10 minutes.

The events go out at an even pace (a pledge every 0.3 s at the defaults), each pledge's events
in Stripe's order, several pledges in flight at once. The events queue is consumed as Lambda's
SQS event source mapping consumes it: up to its maximum concurrency of process functions at
once, each a separate process (a Lambda instance), taking batches of up to ten. Sampled once a
second: the queue's depth and how many process invocations are running. Afterwards, from each
message's SentTimestamp and when it was first received, the age of the oldest queued message
at each second. Then: nothing lost (every POST answered 200, nothing dead-lettered, every
pledge's payment in the ledger, every donor thanked once), figures exact per campaign (the
split, and the match: every pledge is a first monthly payment after the launch event, so a
campaign's match is the smaller of what it raised and its cap), the ledger balanced.

    uv run python -m bench.ward_night                  # 2,000 pledges in 600 s
    uv run python -m bench.ward_night 200 60           # pledges, seconds
    uv run python -m bench.ward_night --record "note"  # RESULTS.md's section from the JSON
"""

from __future__ import annotations

import json
import multiprocessing
import queue
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3

from bench.common import percentile, write_section
from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.ledger_report import DynamoLedgerReport
from wardfund.adapters.dynamodb.table import Table
from wardfund.domain.campaign import DEFAULT_MATCH_CAP_PENCE, Campaign
from wardfund.event_sources import EVENTS_QUEUE_BATCH_SIZE, EVENTS_QUEUE_MAX_CONCURRENCY
from wardfund.local.aws.resources import ACCOUNT, REGION
from wardfund.local.lambdas.queue_worker import invoke_batch, queue_counts
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.world import Donor, StripeWorld
from wardfund.services.campaigns import register_campaign

PLEDGES, WINDOW_SECONDS = 2000, 600.0
CAMPAIGNS = 40
AMOUNTS = (1000, 2500, 5000)  # a campaign's pledges are all one of these: 50 × £50 passes the cap
NIGHT = datetime(2026, 6, 3, 17, 30, tzinfo=UTC)  # 18:30 London
SENDERS = 8  # pledges whose events are being sent at once
HERE = Path(__file__).parent
RESULTS = HERE / "ward_night.json"
SECTION = "## Ward-night burst (`uv run python -m bench.ward_night`)"


@dataclass(frozen=True)
class Pledge:
    n: int
    campaign_id: str
    amount: int


def pledges(count: int) -> list[Pledge]:
    return [
        Pledge(n, f"ward-night-{n % CAMPAIGNS:02d}", AMOUNTS[(n % CAMPAIGNS) % len(AMOUNTS)])
        for n in range(count)
    ]


def expected(plan: list[Pledge]) -> dict[str, tuple[int, int, int, int]]:
    """Raised, campaign share, kept nationally and match per campaign, worked out here: 80 %
    of each amount (all divide exactly), and the match capped at £2,000."""
    raised: dict[str, int] = {}
    for p in plan:
        raised[p.campaign_id] = raised.get(p.campaign_id, 0) + p.amount
    return {
        c: (r, r * 8 // 10, r * 2 // 10, min(r, DEFAULT_MATCH_CAP_PENCE)) for c, r in raised.items()
    }


def consume(
    stop: Any,
    ready: Any,
    active: Any,
    records: Any,
    queue_url: str,
    batch: int,
) -> None:
    """One process function instance: receive a batch, invoke, delete what succeeded. What the
    handler asked to postpone (an event waiting for another) comes back after its back-off.
    Reports, per invocation, each message's id, SentTimestamp, and whether it was done."""
    from functions.donations.process import handler

    def counted(event: dict[str, Any], context: Any) -> dict[str, Any]:
        with active.get_lock():
            active.value += 1
        try:
            return handler(event, context)
        finally:
            with active.get_lock():
                active.value -= 1

    client = boto3.client("sqs")
    arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue_url.rsplit('/', 1)[1]}"
    with ready.get_lock():
        ready.value += 1
    while not stop.is_set():
        got = client.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=batch,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
            WaitTimeSeconds=1,
        ).get("Messages", [])
        if not got:
            continue
        received = time.time()
        failed = invoke_batch(client, queue_url, arn, counted, got, "wardfund-process")
        finished = time.time()
        records.put(
            [
                (
                    m["MessageId"],
                    int(m["Attributes"]["SentTimestamp"]) / 1000,
                    received,
                    finished if m["MessageId"] not in failed else None,
                )
                for m in got
            ]
        )


@dataclass
class Message:
    sent: float
    first_received: float
    deleted: float | None = None
    receives: int = 0


class Timeline:
    """Once a second: queue depth (visible, in flight) and process invocations running."""

    def __init__(self, queue_url: str, active: Any) -> None:
        self.queue_url, self.active = queue_url, active
        self.rows: list[tuple[float, int, int, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.started = time.time()

    def __enter__(self) -> Timeline:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        client = boto3.client("sqs")
        while not self._stop.wait(1.0):
            visible, in_flight = queue_counts(client, self.queue_url)
            self.rows.append((time.time(), visible, in_flight, int(self.active.value)))


def oldest_age(at: float, messages: dict[str, Message]) -> float:
    """The age at `at` of the oldest message sent by then and not yet deleted (as SQS's
    ApproximateAgeOfOldestMessage counts: a message received and put back still counts)."""
    waiting = [m.sent for m in messages.values() if m.sent <= at < (m.deleted or float("inf"))]
    return at - min(waiting) if waiting else 0.0


def run(count: int, window: float) -> dict[str, Any]:
    plan = pledges(count)
    world = StripeWorld()
    spacing = window / count
    stories = [
        world.pledge(
            NIGHT + timedelta(seconds=p.n * spacing),
            Donor(f"wn{p.n}", f"wn{p.n}@donors.example", f"Donor {p.n}"),
            p.campaign_id,
            f"Ward {p.n % 7}",
            p.amount,
        )
        for p in plan
    ]
    with LocalStack() as stack:
        assert stack.resources is not None
        assert stack.worker is not None
        table = Table(stack.resources.table_name)
        for c in sorted({p.campaign_id for p in plan}):
            register_campaign(
                DynamoCampaignStore(table),
                Campaign(c, f"Ward night {c[-2:]}", launch_event_on=date(2026, 6, 1)),
                by="bench",
            )
        stack.stripe.add_events([e for story in stories for e in story])
        queue_url = stack.worker.queue_url
        spawn = multiprocessing.get_context("spawn")
        stop, records = spawn.Event(), spawn.Queue()
        ready, active = spawn.Value("i", 0), spawn.Value("i", 0)
        workers = [
            spawn.Process(
                target=consume,
                args=(
                    stop,
                    ready,
                    active,
                    records,
                    queue_url,
                    EVENTS_QUEUE_BATCH_SIZE,
                ),
                daemon=True,
            )
            for _ in range(EVENTS_QUEUE_MAX_CONCURRENCY)
        ]
        for w in workers:
            w.start()
        while ready.value < len(workers):  # their cold starts, before the first event
            if any(w.exitcode is not None for w in workers):
                raise SystemExit("a process function instance could not start")
            time.sleep(0.2)
        statuses: list[int] = []
        lock = threading.Lock()

        def send(events: list[dict[str, Any]]) -> None:
            got = []
            for event in events:
                payload = json.dumps(event)
                got.append(stack.post(payload.encode(), stack.sign(payload))[0])
            with lock:
                statuses.extend(got)

        with Timeline(queue_url, active) as timeline, ThreadPoolExecutor(SENDERS) as senders:
            started = time.time()
            for n, story in enumerate(stories):
                time.sleep(max(0.0, started + n * spacing - time.time()))
                senders.submit(send, story)
            senders.shutdown(wait=True)
            sent_seconds = time.time() - started
            while True:  # until the queue is empty and nobody is working
                time.sleep(1)
                if timeline.rows and timeline.rows[-1][1:] == (0, 0, 0):
                    break
            drained = time.time()
            drained_seconds = drained - started
        stop.set()
        messages: dict[str, Message] = {}
        while True:
            try:
                for message_id, sent, received, deleted in records.get(timeout=3):
                    message = messages.setdefault(message_id, Message(sent, received))
                    message.first_received = min(message.first_received, received)
                    message.receives += 1
                    message.deleted = deleted or message.deleted
            except queue.Empty:
                break
        for w in workers:
            w.join(timeout=10)
        emails_started = time.time()
        stack.drain_notifications()
        emails_seconds = time.time() - emails_started
        thanked = sum(1 for e in stack.sent_emails() if e.kind == "donor_thanks")
        report = DynamoLedgerReport(table)
        got = {
            c: (f.raised, f.local_share, f.national_share, f.match)
            for c in expected(plan)
            for f in [report.figures(c)]
        }
        check = report.check()
        dead = stack.dead_letters()
    want = expected(plan)
    ages = [oldest_age(row[0], messages) for row in timeline.rows]
    summary = {
        "pledges": count,
        "events_posted": len(statuses),
        "window_seconds": window,
        "sent_seconds": round(sent_seconds, 1),
        "drained_seconds": round(drained_seconds, 1),
        "queued_messages": len(messages),
        "not_200": sum(1 for s in statuses if s != 200),
        "dead_letters": dead,
        "figures_exact": got == want,
        "ledger_balanced": check.balanced,
        "raised_pence": sum(g[0] for g in got.values()),
        "match_pence": sum(g[3] for g in got.values()),
        "campaigns_at_cap": sum(1 for g in got.values() if g[3] == DEFAULT_MATCH_CAP_PENCE),
        "donors_thanked": thanked,
        "emails_seconds": round(emails_seconds, 1),
        "process_concurrency_max": max((r[3] for r in timeline.rows), default=0),
        "oldest_message_age_max_seconds": round(max(ages, default=0.0), 1),
        "wait_to_first_receive_p95_seconds": round(
            percentile([m.first_received - m.sent for m in messages.values()], 0.95), 2
        ),
        "sent_to_deleted_p95_seconds": round(
            percentile([(m.deleted or drained) - m.sent for m in messages.values()], 0.95), 2
        ),
        "messages_received_again": sum(1 for m in messages.values() if m.receives > 1),
    }
    timeline_rows = [
        {
            "t": round(t - started, 1),
            "visible": visible,
            "in_flight": in_flight,
            "invocations": running,
            "oldest_age": round(age, 2),
        }
        for (t, visible, in_flight, running), age in zip(timeline.rows, ages, strict=True)
    ]
    print(json.dumps(summary, indent=1))
    lost = summary["not_200"] or dead or thanked != count or len(messages) != 3 * count
    if lost or not summary["figures_exact"] or not check.balanced:
        bad = {c: (got[c], want[c]) for c in want if got[c] != want[c]}
        raise SystemExit(f"the burst lost or miscounted something: {summary} {bad}")
    out = {"summary": summary, "timeline": timeline_rows}
    RESULTS.write_text(json.dumps(out, indent=1) + "\n")
    plot(out)
    return out


def plot(out: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    summary, rows = out["summary"], out["timeline"]
    ts = [r["t"] for r in rows]
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
    top.plot(ts, [r["oldest_age"] for r in rows], color="tab:red")
    top.set(ylabel="seconds", title="Age of the oldest queued message")
    bottom.plot(ts, [r["invocations"] for r in rows], label="process invocations running")
    depth = bottom.twinx()
    depth.plot(ts, [r["visible"] + r["in_flight"] for r in rows], color="tab:grey", linewidth=0.8)
    depth.set_ylabel("messages queued (grey)")
    bottom.set(
        xlabel=f"seconds since the first pledge ({summary['pledges']:,} pledges sent in "
        f"{summary['sent_seconds']:.0f} s)",
        ylabel="invocations",
        ylim=(0, EVENTS_QUEUE_MAX_CONCURRENCY + 0.5),
        title="Process function concurrency",
    )
    for axis in (top, bottom):
        axis.axvspan(0, summary["sent_seconds"], color="tab:blue", alpha=0.06)
    figure.tight_layout()
    figure.savefig(HERE / "ward_night.png", dpi=110)
    print(f"plot: {HERE / 'ward_night.png'}")


def record(note: str) -> None:
    s = json.loads(RESULTS.read_text())["summary"]
    write_section(
        SECTION,
        [
            f"{s['pledges']:,} monthly pledges ({s['events_posted']:,} Stripe events, "
            f"{s['queued_messages']:,} of them queued) sent in {s['sent_seconds']} s at an even "
            f"pace; {EVENTS_QUEUE_MAX_CONCURRENCY} process instances (separate processes), "
            f"batches of {EVENTS_QUEUE_BATCH_SIZE}. Everything processed "
            f"{s['drained_seconds']} s after the first pledge.",
            "",
            "| measure | value |",
            "|---|---:|",
            f"| POSTs not answered 200 | {s['not_200']} |",
            f"| dead-lettered | {s['dead_letters']} |",
            f"| figures exact per campaign | {'yes' if s['figures_exact'] else 'NO'} |",
            f"| ledger balanced | {'yes' if s['ledger_balanced'] else 'NO'} |",
            f"| raised | £{s['raised_pence'] / 100:,.2f} |",
            f"| match | £{s['match_pence'] / 100:,.2f} "
            f"({s['campaigns_at_cap']} campaigns at the cap) |",
            f"| donors thanked | {s['donors_thanked']:,} |",
            f"| thank-you emails sent afterwards in | {s['emails_seconds']} s |",
            f"| process concurrency, most | {s['process_concurrency_max']} |",
            f"| oldest queued message, oldest | {s['oldest_message_age_max_seconds']} s |",
            f"| wait to first receive, p95 | {s['wait_to_first_receive_p95_seconds']} s |",
            f"| sent to processed, p95 | {s['sent_to_deleted_p95_seconds']} s |",
            f"| messages put back (an event waiting for another) | "
            f"{s['messages_received_again']} |",
            "",
            note,
            "",
            "![ward-night burst](ward_night.png)",
        ],
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--record"]:
        record(" ".join(args[1:]))
    else:
        run(
            int(args[0]) if args else PLEDGES,
            float(args[1]) if len(args) > 1 else WINDOW_SECONDS,
        )
