"""`wardfund demo`: the built-in story on the embedded stack, shown as tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from wardfund.cli.outbox import DEFAULT_FOLDER, demo_scenario, save_outbox
from wardfund.local.scenario_player import ScenarioPlayer
from wardfund.local.stack import LocalStack


def _money(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) / 100:,.2f}"


def _figures_table(result: dict[str, Any]) -> Table:
    table = Table(title="Campaign figures", title_justify="left")
    for heading in (
        "Campaign",
        "Raised",
        "Campaign share",
        "Kept nationally",
        "Match",
        "Match left",
        "Paid out",
        "Owed",
    ):
        table.add_column(heading, justify="left" if heading == "Campaign" else "right")
    for campaign_id, f in result["campaigns"].items():
        table.add_row(
            campaign_id,
            *(
                _money(f[key])
                for key in (
                    "raised_pence",
                    "local_share_pence",
                    "national_share_pence",
                    "match_pence",
                    "match_remaining_pence",
                    "paid_out_pence",
                    "owed_pence",
                )
            ),
        )
    return table


def _payouts_table(result: dict[str, Any], methods: dict[str, str]) -> Table:
    table = Table(title="Payouts", title_justify="left")
    for heading in ("Run (Europe/London)", "Campaign", "Amount", "Paid by"):
        table.add_column(heading, justify="right" if heading == "Amount" else "left")
    for payout in result["payouts"]:
        table.add_row(
            payout["run_at"].replace("T", " ")[:16],
            payout["campaign"],
            _money(payout["amount_pence"]),
            methods.get(payout["campaign"], ""),
        )
    return table


def run_demo(console: Console, outbox: Path = DEFAULT_FOLDER) -> int:
    scenario = demo_scenario()
    console.print(
        Text.assemble(
            ("wardfund demo", "bold"),
            ": starting the embedded stack (moto, webhook endpoint, Stripe stand-in)…",
        )
    )
    with LocalStack() as stack:
        player = ScenarioPlayer(scenario, stack)
        with Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("playing the story", total=len(scenario.steps))

            def advance(done: int, total: int, action: str) -> None:
                progress.update(
                    task, completed=done, description=f"playing the story: {action:<14}"
                )

            result = player.play(advance)
        methods = {
            spec.id: ("Stripe transfer" if spec.connect_account_id else "bank-transfer file")
            for spec in scenario.campaigns
        }
        transfers = len(stack.stripe.transfers())
        emails = stack.sent_emails()
    console.print(_figures_table(result))
    console.print(_payouts_table(result, methods))
    console.print(
        Text(
            f"Suspense (no campaign could claim it): {_money(result['suspense_pence'])}   "
            f"Ledger balanced: {'yes' if result['ledger_balanced'] else 'NO'}   "
            f"Stripe transfers made: {transfers}   Dead letters: {result['dead_letters']}"
        )
    )
    save_outbox(emails, outbox, console)
    return 0 if result["ledger_balanced"] and result["dead_letters"] == 0 else 1
