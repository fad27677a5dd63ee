"""`wardfund simulate FILE --json|--check`."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.text import Text

from wardfund.cli.common import labelled
from wardfund.local.scenario_check import differences
from wardfund.local.scenario_file import ScenarioError, load_scenario
from wardfund.local.scenario_player import ScenarioPlayer
from wardfund.local.stack import LocalStack


def run_simulation(file: Path, *, as_json: bool, check: bool, console: Console) -> int:
    try:
        scenario = load_scenario(file)
    except ScenarioError as error:
        console.print(labelled("error:", "red", str(error)))
        return 2
    if check and scenario.expect is None:
        console.print(labelled("error:", "red", f"{file} has no expect: block to check against"))
        return 2
    with LocalStack() as stack:
        try:
            result = ScenarioPlayer(scenario, stack).play()
        except ScenarioError as error:
            console.print(labelled("error:", "red", str(error)))
            return 2
    if as_json:
        print(json.dumps(result, indent=2))
    if not check:
        return 0
    found = differences(scenario.expect or {}, result)
    if found:
        console.print(Text(f"{scenario.name}: {len(found)} difference(s)", style="red"))
        for line in found:
            console.print(Text(f"  {line}"))
        return 1
    console.print(Text(f"{scenario.name}: matches its expect block", style="green"))
    return 0
