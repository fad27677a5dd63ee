"""Tables that never cut a figure or an id (issue 14, section 3).

Every listing the CLI prints goes through `print_table`, which picks one of three layouts:

- on a terminal wide enough, a boxed table whose cells never wrap or shorten;
- on a terminal too narrow for that (80 columns, say), each row stacked as a small block,
  `Heading  value` per line, so every amount and id is printed whole;
- in a pipe or a file, plain text in aligned columns (no box, no colour, no cut), which
  `grep`, `cut` and `column` read as they are.

Cells are text as it is (names come from donors and operators): no markup is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

GAP = "  "  # between columns of the plain layout


@dataclass(frozen=True)
class Column:
    heading: str
    right: bool = False  # amounts and counts line up on the right


def columns(*headings: str, right: Sequence[str] = ()) -> list[Column]:
    return [Column(heading, heading in right) for heading in headings]


def _widths(heads: Sequence[Column], rows: Sequence[Sequence[str]]) -> list[int]:
    return [
        max([len(column.heading), *(len(row[index]) for row in rows)])
        for index, column in enumerate(heads)
    ]


def boxed_width(heads: Sequence[Column], rows: Sequence[Sequence[str]]) -> int:
    """Columns a boxed table needs: each cell padded by one either side, and a rule
    between and around the columns."""
    return sum(_widths(heads, rows)) + 3 * len(heads) + 1


def _cell(text: str, width: int, right: bool) -> str:
    return text.rjust(width) if right else text.ljust(width)


def plain_lines(
    title: str | None,
    heads: Sequence[Column],
    rows: Sequence[Sequence[str]],
    caption: str | None = None,
) -> list[str]:
    """The pipe layout: a title, a header, a rule, one line per row, the caption."""
    widths = _widths(heads, rows)
    lines = [title] if title else []

    def line(cells: Sequence[str]) -> str:
        return GAP.join(
            _cell(cell, width, column.right)
            for cell, width, column in zip(cells, widths, heads, strict=True)
        ).rstrip()

    lines.append(line([column.heading for column in heads]))
    lines.append(GAP.join("-" * width for width in widths))
    lines += [line(row) for row in rows]
    if caption:
        lines.append(caption)
    return lines


def stacked_lines(
    title: str | None,
    heads: Sequence[Column],
    rows: Sequence[Sequence[str]],
    caption: str | None = None,
) -> list[str]:
    """The narrow-terminal layout: each row a block headed by its first cell, then one
    `Heading  value` line per other cell (empty cells left out)."""
    label = max((len(column.heading) for column in heads[1:]), default=0)
    lines = [title, ""] if title else []
    for row in rows:
        lines.append(f"{heads[0].heading}: {row[0]}" if row[0] else heads[0].heading)
        for column, cell in zip(heads[1:], row[1:], strict=True):
            if cell:
                lines.append(f"  {column.heading.ljust(label)}  {cell}")
        lines.append("")
    if caption:
        lines.append(caption)
    elif lines and not lines[-1]:
        lines.pop()
    return lines


def _boxed(
    title: str | None, heads: Sequence[Column], rows: Sequence[Sequence[str]], caption: str | None
) -> Table:
    table = Table(title=title, caption=caption, box=box.SQUARE, title_justify="left")
    for column in heads:
        table.add_column(column.heading, justify="right" if column.right else "left", no_wrap=True)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def print_table(
    console: Console,
    title: str | None,
    heads: Sequence[Column],
    rows: Sequence[Sequence[str]],
    caption: str | None = None,
) -> None:
    """Prints the rows in the layout that suits where the console writes (module docstring)."""
    rows = [[str(cell) for cell in row] for row in rows]
    if not rows:  # a title and "none", not an empty frame
        for line in ([title] if title else []) + ["  (none)"] + ([caption] if caption else []):
            console.print(Text(line), soft_wrap=True)
        return
    if not console.is_terminal:
        for line in plain_lines(title, heads, rows, caption):
            console.print(Text(line), soft_wrap=True)
        return
    if boxed_width(heads, rows) <= console.width:
        console.print(_boxed(title, heads, rows, caption))
        return
    for line in stacked_lines(title, heads, rows, caption):
        console.print(Text(line), soft_wrap=True)


def print_pairs(console: Console, title: str | None, pairs: Sequence[tuple[str, str]]) -> None:
    """`Label  value` lines (a record's settings or figures), labels aligned; never cut."""
    if title:
        console.print(Text(title, style="bold" if console.is_terminal else ""), soft_wrap=True)
    width = max((len(label) for label, _ in pairs), default=0)
    for label, value in pairs:
        console.print(Text(f"  {label.ljust(width)}  {value}".rstrip()), soft_wrap=True)


__all__ = [
    "Column",
    "boxed_width",
    "columns",
    "plain_lines",
    "print_pairs",
    "print_table",
    "stacked_lines",
]
