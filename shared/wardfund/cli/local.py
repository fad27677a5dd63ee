"""`wardfund local up|down|status`: the background local stack that `--local` commands use."""

from __future__ import annotations

import json

import typer

from wardfund.cli.common import command_errors, out

app = typer.Typer(help="A local stack in the background, for commands given --local.")


@app.command()
def up() -> None:
    """Start the local stack (moto, webhook endpoint, Stripe stand-in, queue worker)."""
    from wardfund.local.background import start_background, state_path
    from wardfund.local.webhook_server import live_base

    with command_errors():
        state = start_background()
    out().print(f"local stack running (pid {state.pid}); state in {state_path()}")
    out().print(f"webhook endpoint: {state.webhook_url}")
    out().print(f"Stripe stand-in:  {state.stripe_api_base}")
    out().print(f"live pages:       {live_base(state.webhook_url)}/<campaign>/<ward key>")


@app.command()
def down() -> None:
    """Stop the local stack; everything in it is gone."""
    from wardfund.local.background import stop_background

    out().print("stopped" if stop_background() else "no local stack was running")


@app.command()
def status() -> None:
    """Print the running local stack's endpoints and names as JSON (exit 1 when none)."""
    from wardfund.local.background import status as read_status

    found = read_status()
    if found is None:
        out().print("no local stack is running")
        raise typer.Exit(1)
    print(json.dumps({k: v for k, v in found.items() if k != "stripe_api_key"}, indent=2))
