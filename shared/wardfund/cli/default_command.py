"""A command group that runs its default command when no subcommand is named, so
`wardfund outbox [DIR]` keeps working beside `wardfund outbox resend`."""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup

DEFAULT_COMMAND = "write"


class DefaultCommandGroup(TyperGroup):
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # `ctx` is the Context of the click that typer bundles, which it does not export.
        named = bool(args) and (args[0] in self.commands or args[0] in ("--help", "-h"))
        return super().parse_args(ctx, args if named else [DEFAULT_COMMAND, *args])
