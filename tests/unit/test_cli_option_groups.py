"""Options shared through `options_from`: they read and parse as if each command declared
them, in the place the command marks, and what they build is built only when asked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from wardfund.cli.option_groups import options_from

built: list[tuple[str, int]] = []


def _window(
    colour: Annotated[str, typer.Option("--colour", help="Frame colour.")] = "white",
    panes: Annotated[int, typer.Option("--panes", envvar="PANES", help="How many.")] = 1,
) -> str:
    built.append((colour, panes))
    return f"{panes} {colour} pane(s)"


window_options = options_from(_window, into="window")
app = typer.Typer()


@app.command()
@window_options
def fit(
    room: Annotated[str, typer.Argument(help="Which room.")],
    *,
    window: Callable[[], str],
    quiet: Annotated[bool, typer.Option("--quiet", help="Say nothing.")] = False,
) -> None:
    if not quiet:
        print(f"{room}: {window()}")


def run(*args: str, env: dict[str, str] | None = None) -> str:
    built.clear()
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200", **(env or {})})
    assert result.exit_code == 0, result.output
    return result.output


def test_the_options_stand_where_the_command_marks_them() -> None:
    help_text = run("--help")

    assert help_text.index("--colour") < help_text.index("--panes") < help_text.index("--quiet")
    assert "Frame colour." in help_text
    assert "[env var: PANES]" in help_text


def test_given_values_and_defaults_reach_the_builder_parsed() -> None:
    assert run("hall", "--panes", "3", "--colour", "red") == "hall: 3 red pane(s)\n"
    assert run("hall") == "hall: 1 white pane(s)\n"
    assert run("hall", env={"PANES": "2"}) == "hall: 2 white pane(s)\n"


def test_the_builder_runs_only_when_the_command_calls_it() -> None:
    run("hall", "--quiet")

    assert built == []


def test_a_command_without_a_keyword_only_place_for_them_is_refused() -> None:
    def no_place(room: str, window: Callable[[], str]) -> None: ...

    with pytest.raises(TypeError, match="keyword-only parameter 'window'"):
        window_options(no_place)
