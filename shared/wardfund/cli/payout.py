"""`wardfund payout preview|run` (issue 14, section 1).

`preview` says what the next run would pay each campaign and why, without paying, on the
local stack or a deployed stage. `run --local` invokes the payout function on the running
local stack as the weekly schedule would at that time (on a stage the schedule runs it).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Annotated, Any

import typer

from wardfund.cli.common import CommandError, command_errors, now, out, parse_time
from wardfund.cli.progress import working
from wardfund.cli.stack_options import Connect, stack_options
from wardfund.cli.tables import columns, print_table
from wardfund.domain.calendar import LONDON
from wardfund.domain.display import pounds

app = typer.Typer(
    help="Payout runs: what the next one would pay (preview), or run one on the local stack.",
    no_args_is_help=True,
)
RUN_HOUR = 6  # Monday 06:00 Europe/London, as the weekly schedule runs
AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="TIME",
        help="The run's time (ISO, London when no offset; default: the next Monday 06:00).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def next_run(after: datetime) -> datetime:
    """The first Monday 06:00 London strictly after `after`."""
    local = after.astimezone(LONDON)
    day = local.date() + timedelta(days=(7 - local.weekday()) % 7)
    run = datetime(day.year, day.month, day.day, RUN_HOUR, tzinfo=LONDON)
    return run if run > after else run + timedelta(days=7)


def _run_at(at: str | None) -> datetime:
    return parse_time(at, what="--at") if at else next_run(now())


def _when(at: datetime) -> str:
    return at.astimezone(LONDON).strftime("%a %d %b %Y %H:%M")


@app.command()
@stack_options
def preview(at: AtOpt = None, as_json: JsonOpt = False, *, connect: Connect) -> None:
    """What the run at that time would pay each campaign, how, and why; nothing is paid."""
    from wardfund.adapters.dynamodb.payout_store import DynamoPayoutStore
    from wardfund.adapters.stripe_gateway import StripeTransfers
    from wardfund.services.ports import TransferFailed
    from wardfund.services.preview_payouts import preview_payouts

    with command_errors():
        run_at = _run_at(at)
        target = connect()
        client: list[Any] = []

        def stripe_client() -> Any:
            """The operator key's client; a key that cannot be had leaves the balance unread
            (the preview is still made, saying why), as a Stripe that does not answer does."""
            if not client:
                try:
                    client.append(target.stripe())
                except RuntimeError as error:  # StripeKeyMissing, StripeKeyUnavailable
                    raise TransferFailed(str(error)) from error
            return client[0]

        with working("reading the ledger"):
            found = preview_payouts(
                run_at,
                target.settings.payout_frequency,
                DynamoPayoutStore(target.table),
                StripeTransfers(stripe_client),
            )
    if as_json:
        print(
            json.dumps(
                {
                    "run_at": run_at.astimezone(LONDON).isoformat(),
                    "payout_week": found.payout_week,
                    "total_pence": found.total,
                    "available_pence": found.available,
                    "balance_error": found.balance_error,
                    "campaigns": [
                        {
                            "campaign": line.campaign.campaign_id,
                            "amount_pence": line.amount,
                            "owed_pence": line.owed,
                            "paid_by": line.paid_by,
                            "held_for_balance": line.held_for_balance,
                            "held_earlier_pence": sum(amount for _, amount in line.held_earlier),
                            "why": line.why.words(),
                        }
                        for line in found.lines
                    ],
                },
                indent=2,
            )
        )
        return
    rows = []
    for line in found.lines:
        pays = pounds(line.amount) if line.amount else "nothing"
        if line.owed < 0:
            pays = f"nothing ({pounds(line.owed)} carried)"
        why = line.why.words()
        if line.held_earlier:
            held = sum(amount for _, amount in line.held_earlier)
            why += f"; first the payout held from an earlier run, {pounds(held)}"
        if line.held_for_balance:
            why += "; held: Stripe's available balance would not cover it"
        rows.append([line.campaign.campaign_id, pays, line.paid_by if line.amount else "", why])
    print_table(
        out(),
        f"Payout run of {_when(run_at)} (London), previewed: nothing is paid",
        columns("Campaign", "Would pay", "By", "Why", right=("Would pay",)),
        rows,
        caption=f"would pay {pounds(found.total)} to "
        f"{sum(1 for line in found.lines if line.amount)} campaign(s)",
    )
    if found.available is not None:
        out().print(f"Stripe's available balance: {pounds(found.available)}")
    elif found.balance_error:
        out().print(f"Stripe's available balance could not be read: {found.balance_error}")
    for note in found.notes:
        out().print(note)


RunAtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="TIME",
        help="The run's time (ISO, London when no offset; default: now).",
    ),
]


@app.command()
def run(
    local: Annotated[
        bool, typer.Option("--local", help="On the running local stack (`local up`).")
    ] = False,
    at: RunAtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run the payout run on the local stack as the weekly schedule would at that time: each
    campaign is paid (Stripe stand-in transfer, or a line in the bank-transfer file)."""
    from wardfund.local.background import control

    with command_errors():
        if not local:
            raise CommandError(
                "on a deployed stage the schedule runs payouts (Monday 06:00); give --local to "
                "run one on the local stack, or see what it would pay: wardfund payout preview"
            )
        run_at = (parse_time(at, what="--at") if at else now()).replace(microsecond=0)
        with working("running the payout run"):
            answer = control({"action": "payout_run", "at": run_at.isoformat()})
    if as_json:
        print(json.dumps(answer, indent=2))
        return
    rows = [
        [
            made["campaign"],
            pounds(int(made["amount_pence"])),
            "Stripe transfer" if made["method"] == "stripe_transfer" else "bank transfer",
            str(made.get("status") or "").replace("_", " "),
            str(made.get("reference") or ""),
        ]
        for made in answer["payouts"]
    ]
    total = sum(int(made["amount_pence"]) for made in answer["payouts"])
    print_table(
        out(),
        f"Payout run of {_when(run_at)} (London)",
        columns("Campaign", "Paid", "By", "Status", "Reference", right=("Paid",)),
        rows,
        caption=f"paid {pounds(total)} to {len(rows)} campaign(s)",
    )
    outcome = answer.get("outcome", {})
    for campaign, carried in sorted(outcome.get("carried_pence", {}).items()):
        out().print(f"{campaign}: nothing paid, {pounds(int(carried))} carried to the next run")
    for campaign, why in sorted(outcome.get("failed", {}).items()):
        out().print(f"{campaign}: not paid: {why}")
