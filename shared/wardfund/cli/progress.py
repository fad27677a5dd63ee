"""Progress on long operations (issue 14, section 3): a spinner or a bar on standard error
while it is a terminal, nothing in a pipe or a log (and never on standard output, which
stays what the command prints: a table, CSV, JSON)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from wardfund.cli.common import plain_console

Advance = Callable[[int, int, str], None]  # done, total, what is being done


def _stderr() -> Console:
    return plain_console(stderr=True)


@contextmanager
def working(what: str) -> Iterator[None]:
    """A spinner saying `what…` until the block ends (on a terminal only)."""
    console = _stderr()
    if not console.is_terminal:
        yield
        return
    with console.status(f"{what}…"):
        yield


@contextmanager
def steps(what: str, total: int) -> Iterator[Advance]:
    """A bar of `total` steps; the block calls `advance(done, total, label)` after each."""
    console = _stderr()
    if not console.is_terminal:
        yield lambda done, total, label: None
        return
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(what, total=total)

        def advance(done: int, total: int, label: str) -> None:
            progress.update(task, completed=done, total=total, description=f"{what}: {label}")

        yield advance
