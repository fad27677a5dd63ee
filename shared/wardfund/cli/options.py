"""Options and arguments that several commands take, declared once with their help text."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

LocalOption = Annotated[
    bool,
    typer.Option(
        "--local", envvar="WARDFUND_LOCAL", help="Use the background local stack (`local up`)."
    ),
]
ProfileOption = Annotated[
    str | None, typer.Option("--profile", help="AWS profile for the deployed stack.")
]
StageOption = Annotated[
    str | None,
    typer.Option(
        "--stage",
        envvar="WARDFUND_STAGE",
        help="Deployed stage: dev or prod (no default: give --stage or --local).",
    ),
]
ByOption = Annotated[
    str | None,
    typer.Option("--by", envvar="WARDFUND_ACTOR", help="Who is acting (for the audit trail)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
]
CampaignIdArgument = Annotated[str, typer.Argument(help="Campaign id.")]
