"""Issue 14, section 3: a CLI that reads well at 80 columns and in a pipe.

`campaign list`, `report --all` and the demo's tables are rendered on a terminal 80 columns
wide and into a pipe; every amount and id they show is found whole (never "£1,988.…" or
"bright…"), no terminal line is wider than the terminal, and the pipe gets plain aligned
text. `campaign show` speaks in people's words and London times; a paid £450 launch invoice
shows its amount in `report CAMPAIGN`."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from tests.integration.operations import approve, deliver, donor, ok, register, said
from wardfund.cli.common import money
from wardfund.cli.demo import figures_rows, payouts_rows, print_figures, print_payouts
from wardfund.cli.main import app
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.world import StripeWorld

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
TERMINAL = {"COLUMNS": "80", "TTY_COMPATIBLE": "1", "NO_COLOR": "1", "WARDFUND_ACTOR": "tester"}
PIPE = {"COLUMNS": "80", "TTY_COMPATIBLE": "0", "WARDFUND_ACTOR": "tester"}
CAMPAIGNS = ("bright-water-and-hillside-east", "leeds-central", "york-outer-north-ward")
AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)


def run(env: dict[str, str], *args: str) -> str:
    result: Result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return ANSI.sub("", result.output)


def assert_whole(text: str, wanted: list[str], width: int | None) -> None:
    for value in wanted:
        assert value in text, f"{value!r} is not printed whole in:\n{text}"
    assert "…" not in text
    if width is not None:
        too_wide = [line for line in text.splitlines() if len(line) > width]
        assert not too_wide, too_wide


@pytest.fixture
def three_campaigns(stack: LocalStack) -> LocalStack:
    world = StripeWorld()
    for number, campaign_id in enumerate(CAMPAIGNS, start=1):
        register(stack, campaign_id, match_cap_pence=198_840 + number)
        deliver(
            stack,
            world.pledge(AT, donor(f"d{number}"), campaign_id, "Headingley", 123_456 * number),
        )
    return stack


def test_campaign_list_and_report_all_are_whole_at_80_columns_and_in_a_pipe(
    three_campaigns: LocalStack,
) -> None:
    listed_values = [*CAMPAIGNS, *(money(198_840 + n) for n in (1, 2, 3)), "80 %"]
    period = ("--from", "2026-06-01", "--to", "2026-06-30")
    report_values = [*CAMPAIGNS, "TOTAL"]
    for number in (1, 2, 3):
        gross = 123_456 * number
        report_values += [money(gross), money(gross * 8000 // 10_000)]
    for env, width in ((TERMINAL, 80), (PIPE, None)):
        listed = run(env, "campaign", "list")
        assert_whole(listed, listed_values, width)
        assert "Withdrawn on" in listed  # not "Left"
        summary = run(env, "report", "--all", *period)
        assert_whole(summary, report_values, width)
    # In a pipe: plain aligned text, one campaign a line, no box drawing
    piped = run(PIPE, "campaign", "list")
    assert not set("│┃━─┏") & set(piped)
    (line,) = [row for row in piped.splitlines() if row.startswith("leeds-central ")]
    assert "£1,988.42" in line


def test_the_demo_tables_are_whole_at_80_columns_and_in_a_pipe() -> None:
    result = {
        "campaigns": {
            "bright-water-and-hillside-east": {
                "raised_pence": 248_550_00,
                "local_share_pence": 198_840_00,
                "national_share_pence": 49_710_00,
                "match_pence": 198_840,
                "match_remaining_pence": 1_160,
                "paid_out_pence": 1_988_40,
                "owed_pence": -12_345_67,
            },
            "leeds-central": dict.fromkeys(
                (
                    "raised_pence",
                    "local_share_pence",
                    "national_share_pence",
                    "match_pence",
                    "match_remaining_pence",
                    "paid_out_pence",
                    "owed_pence",
                ),
                99_999_999,
            ),
        },
        "payouts": [
            {
                "campaign": "bright-water-and-hillside-east",
                "run_at": "2026-06-08T06:00:00+01:00",
                "amount_pence": 1_988_40,
            }
        ],
    }
    methods = {"bright-water-and-hillside-east": "bank-transfer file"}
    wanted = [cell for row in figures_rows(result) for cell in row]
    wanted += [cell for row in payouts_rows(result, methods) for cell in row]
    for terminal in (True, False):
        file = io.StringIO()
        console = Console(file=file, width=80, force_terminal=terminal, color_system=None)
        print_figures(console, result)
        print_payouts(console, result, methods)
        assert_whole(ANSI.sub("", file.getvalue()), wanted, 80 if terminal else None)


def test_campaign_show_says_settings_in_words_and_times_in_london(stack: LocalStack) -> None:
    register(
        stack, "leeds-central", election_on=date(2026, 12, 10), treasurer_emails=("t@l.example",)
    )
    ok("campaign", "update", "leeds-central", "--match-cap", "1500", "--local-share", "72.5")
    shown = run(PIPE, "campaign", "show", "leeds-central")
    for words in (
        "Match cap",
        "£1,500.00",
        "Local share",
        "72.5 %",
        "Polling day",
        "Thu 10 Dec 2026",
        "Withdrawn on",
        "not set",
        "Treasurers",
        "t@l.example",
        "Match cap: £2,000.00 → £1,500.00",
        "Local share: 80 % → 72.5 %",
    ):
        assert words in shown, words
    for field_name in ("match_cap_pence", "local_share_bps", "election_on", "None", "['"):
        assert field_name not in shown, field_name
    # the audit trail's times are London wall times, whole to the second
    assert re.search(r"\w{3} \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2}", shown)
    exported = run(PIPE, "campaign", "export")
    assert "match_cap_pence: 150000  # Match cap £1,500.00" in exported
    assert "local_share_bps: 7250  # Local share 72.5 %" in exported


def test_a_paid_launch_invoice_shows_its_amount_in_the_report(
    stack: LocalStack, tmp_path: Path
) -> None:
    register(stack, "leeds-central")
    document = tmp_path / "hall.pdf"
    document.write_bytes(b"%PDF-1.4 hall\n")
    submitted = ok(
        "invoice", "submit", "leeds-central", "--supplier", "Village Hall", "--amount", "450",
        "--file", str(document),
    )  # fmt: skip
    invoice_id = submitted.stdout.split()[1].rstrip(":")
    approve(invoice_id)
    ok("invoice", "pay", invoice_id, "--to", "supplier")
    today = datetime.now(UTC).date().isoformat()
    report = said(ok("report", "leeds-central", "--from", "2026-01-01", "--to", today))
    assert "paid to Village Hall" in report
    assert "£450.00" in report


def test_every_command_has_an_example_and_there_is_a_version() -> None:
    from typer.main import get_command

    from wardfund.cli.examples import attach

    root = get_command(app)
    attach(root, "")
    missing = []

    def walk(command: object, path: str) -> None:
        inner = getattr(command, "commands", None)
        if inner:
            for name, sub in inner.items():
                walk(sub, f"{path} {name}".strip())
        elif "Example: wardfund" not in (getattr(command, "epilog", None) or ""):
            missing.append(path)

    walk(root, "")
    assert missing == []
    assert CliRunner().invoke(app, ["--version"]).output.startswith("wardfund ")
    shown = said(CliRunner().invoke(app, ["simulate", "--help"], env={"COLUMNS": "200"}))
    assert "../shared/scenarios/FORMAT.md" in shown
    assert (Path(__file__).parents[2] / "../shared/scenarios/FORMAT.md").resolve().is_file()
