"""`wardfund demo`: the built-in story on the embedded stack, shown as tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.text import Text

from wardfund.cli.outbox import DEFAULT_FOLDER, demo_scenario, save_outbox
from wardfund.cli.tables import Column, columns, print_pairs, print_table
from wardfund.local.scenario.player import ScenarioPlayer
from wardfund.local.stack import LocalStack


def _money(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) / 100:,.2f}"


FIGURES = (
    ("Raised", "raised_pence"),
    ("Campaign share", "local_share_pence"),
    ("Kept nationally", "national_share_pence"),
    ("Match", "match_pence"),
    ("Match left", "match_remaining_pence"),
    ("Paid out", "paid_out_pence"),
    ("Owed", "owed_pence"),
)


def figures_rows(result: dict[str, Any]) -> list[list[str]]:
    return [
        [campaign_id, *(_money(f[key]) for _, key in FIGURES)]
        for campaign_id, f in result["campaigns"].items()
    ]


def payouts_rows(result: dict[str, Any], methods: dict[str, str]) -> list[list[str]]:
    return [
        [
            payout["run_at"].replace("T", " ")[:16],
            payout["campaign"],
            _money(payout["amount_pence"]),
            methods.get(payout["campaign"], ""),
        ]
        for payout in result["payouts"]
    ]


def print_figures(console: Console, result: dict[str, Any]) -> None:
    heads = [Column("Campaign"), *(Column(heading, right=True) for heading, _ in FIGURES)]
    print_table(console, "Campaign figures", heads, figures_rows(result))


def print_payouts(console: Console, result: dict[str, Any], methods: dict[str, str]) -> None:
    heads = columns("Run (Europe/London)", "Campaign", "Amount", "Paid by", right=("Amount",))
    print_table(console, "Payouts", heads, payouts_rows(result, methods))


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
    print_figures(console, result)
    print_payouts(console, result, methods)
    print_pairs(
        console,
        None,
        [
            ("Suspense (no campaign could claim it)", _money(result["suspense_pence"])),
            ("Ledger balanced", "yes" if result["ledger_balanced"] else "NO"),
            ("Stripe transfers made", str(transfers)),
            ("Dead letters", str(result["dead_letters"])),
        ],
    )
    save_outbox(emails, outbox, console)
    return 0 if result["ledger_balanced"] and result["dead_letters"] == 0 else 1
