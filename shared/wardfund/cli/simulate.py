"""`wardfund simulate FILE --json|--check [--local]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from wardfund.cli.common import labelled
from wardfund.cli.progress import steps, working
from wardfund.local.scenario.check import differences
from wardfund.local.scenario.file import Scenario, ScenarioError, load_scenario


def _fresh(scenario: Scenario) -> dict[str, Any]:
    """On an embedded stack of its own, started and stopped here."""
    from wardfund.local.scenario.player import ScenarioPlayer
    from wardfund.local.stack import LocalStack

    with working("starting the embedded stack"):
        stack = LocalStack().start()
    try:
        with steps("playing the story", len(scenario.steps)) as advance:
            return ScenarioPlayer(scenario, stack).play(advance)
    finally:
        stack.stop()


def _into_running(file: Path) -> dict[str, Any]:
    """Into the background local stack (`wardfund local up`), as it is: nothing reset."""
    from wardfund.local.background import control

    with working("playing the story into the local stack"):
        answer = control({"action": "simulate", "path": str(file.resolve())})
    result: dict[str, Any] = answer["result"]
    return result


def run_simulation(
    file: Path, *, as_json: bool, check: bool, console: Console, local: bool = False
) -> int:
    try:
        scenario = load_scenario(file)
    except ScenarioError as error:
        console.print(labelled("error:", "red", str(error)))
        return 2
    if check and scenario.expect is None:
        console.print(labelled("error:", "red", f"{file} has no expect: block to check against"))
        return 2
    try:
        result = _into_running(file) if local else _fresh(scenario)
    except (ScenarioError, RuntimeError) as error:  # RuntimeError: the local stack's refusal
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
