"""An example for every command's `--help` (issue 14, section 3), kept in one place so a
test can check that none is missing. Each is shown under the command's own help as
`Example: ...`; they are the README's walkthrough where it has one."""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup

L = "--local"
EXAMPLES: dict[str, str] = {
    "": "wardfund campaign list --local",
    "simulate": "wardfund simulate ../shared/scenarios/launch-and-match.yaml --check",
    "demo": "wardfund demo",
    "campaign add": 'wardfund campaign add leeds-central --name "Leeds Central" --treasurer '
    "t@leeds.example --launch-event 2026-06-01 --polling-day 2026-12-10 --match-cap 2000 "
    "--local-share 80 --local",
    "campaign update": "wardfund campaign update leeds-central --match-cap 2500 --local",
    "campaign show": "wardfund campaign show leeds-central --local",
    "campaign list": "wardfund campaign list --local",
    "campaign launch-event": "wardfund campaign launch-event leeds-central --on 2026-06-01 --local",
    "campaign withdraw": "wardfund campaign withdraw leeds-central --at 2026-09-30 --local",
    "campaign export": "wardfund campaign export -o campaigns.yaml --local",
    "campaign import": "wardfund campaign import campaigns.yaml --local",
    "campaign connect": "wardfund campaign connect leeds-central --local",
    "campaign bank": "wardfund campaign bank show leeds-central --local",
    "campaign bank set": 'wardfund campaign bank set leeds-central --account-name "Leeds Central" '
    '--sort-code 08-99-99 --by "T. Reasurer" --local',
    "campaign bank approve": 'wardfund campaign bank approve leeds-central --by "A. Jones" --local',
    "campaign bank reject": 'wardfund campaign bank reject leeds-central --reason "not asked for" '
    "--local",
    "campaign bank show": "wardfund campaign bank show leeds-central --local",
    "campaign bank export": "wardfund campaign bank export -o bank-details.csv --stage prod",
    "campaign bank files": "wardfund campaign bank files 2026-06-15 --to ~/payments --stage prod",
    "invoice submit": 'wardfund invoice submit leeds-central --supplier "Hall" --amount 450 '
    "--file hall.pdf --local",
    "invoice approve": "wardfund invoice approve li-0123456789 --by national-finance --local",
    "invoice reject": 'wardfund invoice reject li-0123456789 --reason "not a launch cost" --local',
    "invoice pay": "wardfund invoice pay li-0123456789 --to supplier --local",
    "invoice list": "wardfund invoice list leeds-central --local",
    "invoice show": "wardfund invoice show li-0123456789 --local",
    "local up": "wardfund local up",
    "local down": "wardfund local down",
    "local status": "wardfund local status",
    "local give": "wardfund local give leeds-central --ward Headingley --amount 25 --donor d1",
    "local pledge": "wardfund local pledge leeds-central --ward Headingley --monthly 10 --donor d2",
    "local renew": "wardfund local renew d2",
    "local refund": "wardfund local refund d1 --amount 5",
    "local dispute": "wardfund local dispute d2 --outcome opened",
    "suspense list": "wardfund suspense list --local",
    "suspense assign": 'wardfund suspense assign pi_3Q... leeds-central --by "A. Jones" --local',
    "suspense refund": 'wardfund suspense refund pi_3Q... --by "A. Jones" --local',
    "payout preview": "wardfund payout preview --local",
    "payout run": "wardfund payout run --local --at 2026-06-08T06:00",
    "report": "wardfund report leeds-central --from 2026-06-01 --to 2026-06-30 --local",
    "export": "wardfund export leeds-central -o donors.csv --local",
    "permissibility": "wardfund permissibility leeds-central --from 2026-06-01 --local",
    "reconcile": "wardfund reconcile --since 2026-06-01 --local",
    "kit": 'wardfund kit leeds-central "Headingley" --local',
    "outbox": "wardfund outbox out/outbox --screenshots",
    "outbox write": "wardfund outbox out/outbox --screenshots",
    "outbox resend": "wardfund outbox resend --from 2026-06-01 --stage prod",
}


def example_for(path: str) -> str | None:
    return EXAMPLES.get(path)


def attach(command: Any, path: str) -> None:
    """Sets the example of `command` (at `path`, like `campaign add`) and of those under it."""
    example = EXAMPLES.get(path)
    if example and not getattr(command, "_example_attached", False):
        command.epilog = f"Example: {example}"
        command._example_attached = True
    for name, inner in getattr(command, "commands", {}).items():
        attach(inner, f"{path} {name}".strip())


class ExamplesGroup(TyperGroup):
    """The root group: every command it hands out carries its example."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = super().get_command(ctx, cmd_name)
        if found is not None:
            attach(found, cmd_name)
        return found

    def format_help(self, ctx: Any, formatter: Any) -> None:
        attach(self, "")
        super().format_help(ctx, formatter)


__all__ = ["EXAMPLES", "ExamplesGroup", "attach", "example_for"]
