"""`wardfund simulate FILE --json|--check`."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from wardfund.local.scenario_check import differences
from wardfund.local.scenario_file import ScenarioError, load_scenario
from wardfund.local.scenario_player import ScenarioPlayer
from wardfund.local.stack import LocalStack


def run_simulation(file: Path, *, as_json: bool, check: bool, console: Console) -> int:
    try:
        scenario = load_scenario(file)
    except ScenarioError as error:
        console.print(f"[red]error:[/red] {error}", markup=True, highlight=False)
        return 2
    if check and scenario.expect is None:
        console.print(f"[red]error:[/red] {file} has no expect: block to check against")
        return 2
    with LocalStack() as stack:
        try:
            result = ScenarioPlayer(scenario, stack).play()
        except ScenarioError as error:
            console.print(f"[red]error:[/red] {error}", highlight=False)
            return 2
    if as_json:
        print(json.dumps(result, indent=2))
    if not check:
        return 0
    found = differences(scenario.expect or {}, result)
    if found:
        console.print(f"[red]{scenario.name}: {len(found)} difference(s)[/red]")
        for line in found:
            console.print(f"  {line}", highlight=False)
        return 1
    console.print(f"[green]{scenario.name}: matches its expect block[/green]")
    return 0
