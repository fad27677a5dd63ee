"""The `wardfund` command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    name="wardfund",
    help="Ward-assembly donations shared between a national body and local campaigns.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
err = Console(stderr=True)


@app.command()
def simulate(
    file: Annotated[Path, typer.Argument(help="Scenario YAML (see shared/scenarios/FORMAT.md).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Compare with the file's expect: block.")
    ] = False,
) -> None:
    """Play a scenario through the real pipeline on the embedded local stack."""
    from wardfund.cli.simulate import run_simulation

    code = run_simulation(file, as_json=as_json or not check, check=check, console=err)
    raise typer.Exit(code)


@app.command()
def demo() -> None:
    """Start the embedded stack and play a multi-campaign story, showing each campaign's figures."""
    from wardfund.cli.demo import run_demo

    raise typer.Exit(run_demo(Console()))


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
