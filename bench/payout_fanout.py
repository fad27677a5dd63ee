"""Payout run fanned out per campaign (issue 16), with Stripe's latency: 100, 650, 2,000 and
5,000 campaigns at 500 ms a transfer, paid at concurrency 1, 5 and 10.

Each campaign is paid by Stripe Connect transfer and owed £18 (its ledger line, balance and
settings written straight to the table: the run is what is measured, not the webhook path).
The schedule's invocation plans the run and queues one task per campaign; the local workers
(the queue's event source mapping) pay them at the given concurrency through the stand-in,
which waits 500 ms before answering each transfer. Reported per run: wall time (plan + every
task + the fan-in), the planner's invocation, the longest single invocation of the pay
function, our AWS calls per campaign (the workers' ReceiveMessage / DeleteMessage are
Lambda's poller's, counted apart), and the ratio to the ideal campaigns × latency ÷
concurrency.

    uv run python -m bench.payout_fanout                     # the whole matrix (long: see RESULTS)
    uv run python -m bench.payout_fanout 100,650 1,5,10      # sizes, concurrencies
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import boto3

from bench.common import calls, count_aws_calls, write_section
from wardfund.adapters.dynamodb.records import campaign_values, journal_values
from wardfund.adapters.dynamodb.table import (
    BALANCE_SK,
    CAMPAIGNS_PK,
    Table,
    campaign_pk,
    line_sk,
    to_item,
)
from wardfund.domain.calendar import LONDON, utc_key
from wardfund.domain.campaign import Campaign
from wardfund.domain.postings import Payment, PaymentKind, allocate_payment, post_payment
from wardfund.local.stack import LocalStack

SIZES = (100, 650, 2000, 5000)
CONCURRENCY = (1, 5, 10)
LATENCY_SECONDS = 0.5
PAID_AT = datetime(2026, 6, 3, 18, tzinfo=UTC)
RUN_AT = datetime(2026, 6, 8, 6, tzinfo=LONDON)
POLLER = {"sqs.ReceiveMessage", "sqs.DeleteMessage", "sqs.ChangeMessageVisibilityBatch"}
RESULTS = Path(__file__).parent / "payout_fanout.json"


def seed(table: Table, campaigns: int) -> None:
    """Each campaign: its settings, one £10 first monthly gift (£18 owed), its balance."""
    items: list[dict[str, Any]] = []
    for c in range(campaigns):
        campaign = Campaign(
            f"c{c:05d}",
            f"Campaign {c}",
            launch_event_on=date(2026, 1, 1),
            connect_account_id=f"acct_1bench{c:05d}",
            version=1,
        )
        payment = Payment(
            f"pi_{c}", campaign.campaign_id, "W", PaymentKind.FIRST_MONTHLY, 1000, "gbp",
            PAID_AT, f"cus_{c}",
        )  # fmt: skip
        allocation = allocate_payment(payment, campaign, 0)
        posting = post_payment(payment, allocation)
        items += [
            {"PK": CAMPAIGNS_PK, "SK": campaign.campaign_id, "version": 1}
            | campaign_values(campaign),
            {
                "PK": campaign_pk(campaign.campaign_id),
                "SK": line_sk(PAID_AT, posting.entry.entry_id),
                "entry_id": posting.entry.entry_id,
                "kind": "payment",
                "effective_at": utc_key(PAID_AT),
                "settle_at": utc_key(PAID_AT),
                "currency": "gbp",
                "journal": journal_values(posting.entry),
                "figures": posting.figures.as_dict(),
                "payment_id": payment.payment_id,
                "ward": "W",
            },
            {
                "PK": campaign_pk(campaign.campaign_id),
                "SK": BALANCE_SK,
                "raised": 1000,
                "local_share": allocation.local_share,
                "national_share": 1000 - allocation.local_share,
                "match": allocation.match,
            },
        ]
    client = boto3.client("dynamodb")
    for start in range(0, len(items), 25):
        request: dict[str, Any] = {
            table.name: [{"PutRequest": {"Item": to_item(i)}} for i in items[start : start + 25]]
        }
        while request:
            request = dict(
                client.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
            )


def run_once(stack: LocalStack, campaigns: int, concurrency: int) -> dict[str, Any]:
    resources = stack.provision()
    seed(Table(resources.table_name), campaigns)
    stack.stripe.reset()  # a new Stripe account: the same payout ids must not meet old keys
    stack.stripe.configure_transfers(latency_seconds=LATENCY_SECONDS)
    stack.set_payout_concurrency(concurrency)
    transfers_before = len(stack.stripe.transfers())
    calls.clear()
    started = time.perf_counter()
    planned = stack.plan_payouts(RUN_AT)
    planner_seconds = time.perf_counter() - started
    drained = stack.drain_payouts()
    wall = time.perf_counter() - started
    outcome = stack.payout_run(RUN_AT, planned)
    made = len(stack.stripe.transfers()) - transfers_before
    ours = Counter({name: n for name, n in calls.items() if name not in POLLER})
    poller = sum(n for name, n in calls.items() if name in POLLER)
    ideal = campaigns * LATENCY_SECONDS / concurrency
    row = {
        "campaigns": campaigns,
        "concurrency": concurrency,
        "wall_seconds": round(wall, 1),
        "ideal_seconds": round(ideal, 1),
        "ratio_to_ideal": round(wall / ideal, 2),
        "planner_seconds": round(planner_seconds, 2),
        "longest_pay_invocation_seconds": round(drained.longest_seconds, 2),
        "calls": sum(ours.values()),
        "calls_per_campaign": round(sum(ours.values()) / campaigns, 2),
        "poller_calls": poller,
        "transfers": made,
        "finished": outcome["finished"],
        "failed": len(outcome["failed"]),
        "by_call": dict(ours.most_common(8)),
    }
    if made != campaigns or not outcome["finished"] or outcome["failed"]:
        raise RuntimeError(f"the run did not pay every campaign once: {row}")
    print(json.dumps(row), flush=True)
    return row


def main(sizes: tuple[int, ...], concurrencies: tuple[int, ...]) -> list[dict[str, Any]]:
    count_aws_calls()
    rows = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    with LocalStack() as stack:
        for campaigns in sizes:
            for concurrency in concurrencies:
                row = run_once(stack, campaigns, concurrency)
                rows = [
                    r
                    for r in rows
                    if (r["campaigns"], r["concurrency"]) != (campaigns, concurrency)
                ]
                rows.append(row)
                rows.sort(key=lambda r: (r["campaigns"], r["concurrency"]))
                RESULTS.write_text(json.dumps(rows, indent=1) + "\n")
    table(rows)
    plot(rows)
    return rows


def table(rows: list[dict[str, Any]]) -> list[str]:
    out = [
        "| campaigns | concurrency | wall (s) | ideal (s) | ratio | planner (s) "
        "| longest pay invocation (s) | our AWS calls per campaign | poller calls |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r['campaigns']:,} | {r['concurrency']} | {r['wall_seconds']} | "
            f"{r['ideal_seconds']} | {r['ratio_to_ideal']} | {r['planner_seconds']} | "
            f"{r['longest_pay_invocation_seconds']} | {r['calls_per_campaign']} | "
            f"{r['poller_calls']:,} |"
        )
    print("\n".join(out))
    return out


SECTION = "## Payout run fanned out per campaign (`uv run python -m bench.payout_fanout`)"


def record(rows: list[dict[str, Any]], note: str) -> None:
    """This benchmark's section of bench/RESULTS.md, from the rows in payout_fanout.json."""
    write_section(
        SECTION,
        [
            f"{LATENCY_SECONDS * 1000:.0f} ms stand-in latency per transfer; moto in its own "
            "process, the pay function's invocations as threads of this one. "
            "Ideal = campaigns × latency ÷ concurrency.",
            "",
            *table(rows),
            "",
            note,
            "",
            "![payout fan-out](payout_fanout.png)",
        ],
    )


def plot(rows: list[dict[str, Any]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for concurrency in sorted({r["concurrency"] for r in rows}):
        mine = [r for r in rows if r["concurrency"] == concurrency]
        xs = [r["campaigns"] for r in mine]
        (line,) = left.plot(
            xs, [r["wall_seconds"] for r in mine], marker="o", label=f"{concurrency}"
        )
        left.plot(xs, [r["ideal_seconds"] for r in mine], linestyle=":", color=line.get_color())
        right.plot(xs, [r["ratio_to_ideal"] for r in mine], marker="o", label=f"{concurrency}")
    left.set(
        title="Payout run wall time (dotted: ideal)",
        xlabel="campaigns (500 ms a transfer)",
        ylabel="seconds",
    )
    left.legend(title="concurrency", fontsize=8)
    right.axhline(1, color="grey", linewidth=0.8)
    right.set(
        title="Ratio to campaigns × latency ÷ concurrency", xlabel="campaigns", ylabel="ratio"
    )
    right.legend(title="concurrency", fontsize=8)
    figure.tight_layout()
    out = Path(__file__).parent / "payout_fanout.png"
    figure.savefig(out, dpi=110)
    print(f"plot: {out}")


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--record"]:  # the section of RESULTS.md from payout_fanout.json
        record(json.loads(RESULTS.read_text()), " ".join(args[1:]))
    else:
        main(
            _numbers(args[0]) if args else SIZES,
            _numbers(args[1]) if len(args) > 1 else CONCURRENCY,
        )
