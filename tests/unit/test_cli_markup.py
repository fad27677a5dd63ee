"""What the CLI prints is never read as Rich markup (issue 13, item 5): a donor, campaign or
supplier named with square brackets is printed as it is, in tables and in errors."""

from __future__ import annotations

import pytest
import typer
from rich.table import Table

from wardfund.cli.common import CommandError, command_errors, out

NAMES = ("Markup [/x] Donor", "[bold]x[/bold]", "Leeds [/x] Central", ":smile: [link=x]y[/link]")


@pytest.mark.parametrize("name", NAMES)
def test_a_table_of_names_prints_them_as_they_are(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    table = Table(title=f"{name} (c-1)")
    table.add_column("Name")
    table.add_row(name)
    out().print(table)
    printed = capsys.readouterr().out
    assert printed.count(name) == 2  # the title and the cell, brackets and all


@pytest.mark.parametrize("name", NAMES)
def test_an_error_naming_it_is_printed_as_it_is(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(typer.Exit) as exited, command_errors():
        raise CommandError(f"no campaign named {name!r}")
    assert exited.value.exit_code == 2
    assert f"error: no campaign named {name!r}" in capsys.readouterr().err


def test_labels_keep_their_colour_and_the_text_none() -> None:
    from wardfund.cli.common import labelled

    line = labelled("note:", "yellow", "only [bold]£5[/bold] left")
    assert line.plain == "note: only [bold]£5[/bold] left"
    assert [span.style for span in line.spans] == ["yellow"]
