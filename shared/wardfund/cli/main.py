"""The `wardfund` command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from wardfund.cli.common import plain_console
from wardfund.cli.examples import ExamplesGroup

CONTRACT = "../shared/scenarios/FORMAT.md"  # from the project root, as the README links it

app = typer.Typer(
    name="wardfund",
    cls=ExamplesGroup,
    help="Ward-assembly donations shared between a national body and local campaigns. "
    "Commands that read or change money need --local (the stack `wardfund local up` keeps "
    "running) or --stage dev|prod (a deployed stage, with your AWS credentials).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
err = plain_console(stderr=True)  # names and scenario text are printed as they are


def version_text() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"wardfund {version('wardfund')}"
    except PackageNotFoundError:  # pragma: no cover - run from a source tree not installed
        return "wardfund (not installed)"


def _version(given: bool) -> None:
    if given:
        print(version_text())
        raise typer.Exit(0)


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and stop."
        ),
    ] = False,
) -> None:
    """Ward-assembly donations shared between a national body and local campaigns."""


@app.command()
def simulate(
    file: Annotated[
        Path,
        typer.Argument(
            help=f"Scenario YAML; its format is the contract in {CONTRACT} (from the project "
            "root), with examples beside it."
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Compare with the file's expect: block.")
    ] = False,
    local: Annotated[
        bool,
        typer.Option(
            "--local",
            help="Play it into the running local stack (`local up`) instead of a fresh one.",
        ),
    ] = False,
) -> None:
    """Play a scenario through the real pipeline on the embedded local stack (a fresh one,
    or with --local the one `local up` keeps running)."""
    from wardfund.cli.simulate import run_simulation

    code = run_simulation(file, as_json=as_json or not check, check=check, console=err, local=local)
    raise typer.Exit(code)


@app.command()
def demo() -> None:
    """Start the embedded stack and play a multi-campaign story, showing each campaign's figures."""
    from wardfund.cli.demo import run_demo

    raise typer.Exit(run_demo(plain_console()))


# Operations on the agreement (issue 6): each group in its own module.
from wardfund.cli import campaign as campaign_cli  # noqa: E402
from wardfund.cli import invoice as invoice_cli  # noqa: E402
from wardfund.cli import kit as kit_cli  # noqa: E402
from wardfund.cli import local as local_cli  # noqa: E402
from wardfund.cli import payout as payout_cli  # noqa: E402
from wardfund.cli import reconcile as reconcile_cli  # noqa: E402
from wardfund.cli import report as report_cli  # noqa: E402
from wardfund.cli import suspense as suspense_cli  # noqa: E402

app.add_typer(campaign_cli.app, name="campaign")
app.add_typer(invoice_cli.app, name="invoice")
app.add_typer(local_cli.app, name="local")
app.add_typer(suspense_cli.app, name="suspense")
app.add_typer(payout_cli.app, name="payout")
app.command()(report_cli.report)
app.command()(report_cli.export)
app.command()(report_cli.permissibility)
app.command()(reconcile_cli.reconcile)
app.command()(kit_cli.kit)


from wardfund.cli import outbox_resend  # noqa: E402
from wardfund.cli.default_command import DEFAULT_COMMAND, DefaultCommandGroup  # noqa: E402

outbox_app = typer.Typer(
    cls=DefaultCommandGroup,
    help="The emails: write a story's (default), or resend the days the stream gave up.",
    no_args_is_help=False,
)
app.add_typer(outbox_app, name="outbox")
outbox_app.command("resend")(outbox_resend.resend)


@outbox_app.command(DEFAULT_COMMAND)
def outbox(
    folder: Annotated[Path, typer.Argument(help="Where to write the emails.")] = Path("out/outbox"),
    scenario: Annotated[
        Path | None, typer.Option(help="Play this scenario instead of the demo story.")
    ] = None,
    screenshots: Annotated[
        bool, typer.Option("--screenshots", help="Also a PNG of each email (headless Chromium).")
    ] = False,
) -> None:
    """Play the demo story (or a scenario) and write every email sent as .eml and .html."""
    from wardfund.cli.outbox import run_outbox

    raise typer.Exit(run_outbox(folder, scenario, err, screenshots=screenshots))


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
