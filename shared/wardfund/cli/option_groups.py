"""A group of options that several commands share, declared once as one function's parameters.

`@options_from(build, into="name")` puts `build`'s parameters (typer options with their
defaults) where the command's keyword-only parameter `name` stands, so `--help` and parsing
are as if the command had declared them itself. The command receives, as `name`, a function
of no arguments that calls `build` with what was given. The command calls it itself, so it
chooses when: after its own checks and inside `command_errors()`, which then reports a bad
value or an unreachable stack like any other error.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

Command = Callable[..., None]

KEYWORD_ONLY = inspect.Parameter.KEYWORD_ONLY


def options_from(build: Callable[..., object], *, into: str) -> Callable[[Command], Command]:
    shared = [
        parameter.replace(kind=KEYWORD_ONLY)
        for parameter in inspect.signature(build, eval_str=True).parameters.values()
    ]

    def add_to(command: Command) -> Command:
        own = inspect.signature(command, eval_str=True)
        stand_in = own.parameters.get(into)
        if stand_in is None or stand_in.kind is not KEYWORD_ONLY:
            raise TypeError(f"{command.__name__} needs a keyword-only parameter {into!r}")
        parameters: list[inspect.Parameter] = []
        for parameter in own.parameters.values():
            parameters.extend(shared if parameter is stand_in else [parameter])

        @functools.wraps(command)
        def run(*args: Any, **given: Any) -> None:
            values = {parameter.name: given.pop(parameter.name) for parameter in shared}
            command(*args, **given, **{into: lambda: build(**values)})

        # typer reads both the signature and the type hints; the wrapper's must both be the new ones
        run.__signature__ = own.replace(parameters=parameters)  # type: ignore[attr-defined]
        run.__annotations__ = {parameter.name: parameter.annotation for parameter in parameters}
        return run

    return add_to
