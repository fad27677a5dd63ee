"""Payout run scaling (issue 7): 250, 500 and 1,000 campaigns × 20 donors each.

Since issue 16 the run is fanned out (a plan, then one task per campaign, paid by the local
workers at the default concurrency, with no Stripe latency: every campaign here is paid by
bank); the SQS receives and deletes of the workers are Lambda's poller's and not counted.

The ledger lines are written straight to the table (the run under test is the payout
run, not the webhook path), shaped by the domain's own posting functions; then the
payout function runs as the schedule would, counting wall time and AWS calls.
Calls must grow with campaigns, not with donors.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3

from bench.common import calls, count_aws_calls
from bench.payout_fanout import POLLER
from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.records import journal_values
from wardfund.adapters.dynamodb.table import Table, campaign_pk, line_sk, to_item
from wardfund.domain.calendar import LONDON, utc_key
from wardfund.domain.campaign import Campaign
from wardfund.domain.postings import Payment, PaymentKind, allocate_payment, post_payment
from wardfund.local.stack import LocalStack
from wardfund.services.campaigns import register_campaign

SIZES = (250, 500, 1000)
DONORS = 20
MORE_DONORS = (250, 60)  # the same campaigns with three times the donors: calls must not grow
PAID_AT = datetime(2026, 6, 3, 18, tzinfo=UTC)
RUN_AT = datetime(2026, 6, 8, 6, tzinfo=LONDON)


def seed(table: Table, campaigns: int, donors: int) -> None:
    store = DynamoCampaignStore(table)
    client = boto3.client("dynamodb")
    for c in range(campaigns):
        campaign = register_campaign(
            store,
            Campaign(f"c{c:04d}", f"Campaign {c}", launch_event_on=date(2026, 1, 1)),
            by="bench",
        )
        items: list[dict[str, Any]] = []
        raised = share = match = 0
        for d in range(donors):
            at = PAID_AT + timedelta(minutes=d)
            payment = Payment(
                f"pi_{c}_{d}",
                campaign.campaign_id,
                "W",
                PaymentKind.FIRST_MONTHLY,
                1000,
                "gbp",
                at,
                f"cus_{c}_{d}",
            )
            allocation = allocate_payment(payment, campaign, match)
            posting = post_payment(payment, allocation)
            raised, share, match = (
                raised + 1000,
                share + allocation.local_share,
                match + allocation.match,
            )
            items.append(
                {
                    "PK": campaign_pk(campaign.campaign_id),
                    "SK": line_sk(at, posting.entry.entry_id),
                    "entry_id": posting.entry.entry_id,
                    "kind": "payment",
                    "effective_at": utc_key(at),
                    "settle_at": utc_key(at),
                    "currency": "gbp",
                    "journal": journal_values(posting.entry),
                    "figures": posting.figures.as_dict(),
                    "payment_id": payment.payment_id,
                    "ward": "W",
                }
            )
        for start in range(0, len(items), 25):
            client.batch_write_item(
                RequestItems={
                    table.name: [
                        {"PutRequest": {"Item": to_item(i)}} for i in items[start : start + 25]
                    ]
                }
            )
        client.update_item(
            TableName=table.name,
            Key={"PK": {"S": campaign_pk(campaign.campaign_id)}, "SK": {"S": "BALANCE"}},
            UpdateExpression="SET raised = :r, local_share = :s, national_share = :n, #m = :m",
            ExpressionAttributeNames={"#m": "match"},
            ExpressionAttributeValues={
                ":r": {"N": str(raised)},
                ":s": {"N": str(share)},
                ":n": {"N": str(raised - share)},
                ":m": {"N": str(match)},
            },
        )


def run_once(stack: LocalStack, campaigns: int, donors: int) -> tuple[float, int]:
    resources = stack.provision()
    seed(Table(resources.table_name), campaigns, donors)
    calls.clear()
    started = time.perf_counter()
    result = stack.fire_payout_schedule(RUN_AT)
    seconds = time.perf_counter() - started
    for name in POLLER:  # the local workers' receives and deletes are Lambda's poller's
        calls.pop(name, None)
    total = sum(calls.values())
    assert len(result["paid"]) == campaigns, result
    print(
        f"{campaigns} campaigns × {donors} donors: {seconds:.1f} s, {total} AWS calls "
        f"({total / campaigns:.2f} per campaign): {dict(calls.most_common(6))}",
        flush=True,
    )
    return seconds, total


def main(sizes: tuple[int, ...]) -> list[tuple[int, float, int]]:
    count_aws_calls()
    rows = []
    with LocalStack() as stack:
        for campaigns in sizes:
            rows.append((campaigns, *run_once(stack, campaigns, DONORS)))
        campaigns, donors = MORE_DONORS
        _, total = run_once(stack, campaigns, donors)
    same = next((row[2] for row in rows if row[0] == campaigns), None)
    if same is not None:
        print(f"{donors} donors instead of {DONORS}: {total} calls against {same}")
    plot(rows)
    return rows


def plot(rows: list[tuple[int, float, int]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    xs = [r[0] for r in rows]
    left.plot(xs, [r[1] for r in rows], marker="o")
    left.set(title="Payout run wall time", xlabel="campaigns (20 donors each)", ylabel="seconds")
    right.plot(xs, [r[2] for r in rows], marker="o", color="tab:orange")
    right.set(title="AWS calls in the run", xlabel="campaigns (20 donors each)", ylabel="calls")
    figure.tight_layout()
    out = Path(__file__).parent / "payout_scaling.png"
    figure.savefig(out, dpi=110)
    print(f"plot: {out}")


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or SIZES)
