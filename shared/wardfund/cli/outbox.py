"""`wardfund outbox [DIR]`: play a story on a fresh embedded stack, write every email it sent.

The embedded stack lives only as long as the command that starts it, so `outbox` starts
one, plays the demo story (or `--scenario FILE`), and writes what SES on moto sent:
`.eml` and `.html` per email and an `index.html`; `--screenshots` adds a PNG of each
(headless Chromium). `wardfund demo` writes its outbox the same way at the end.
"""

from __future__ import annotations

from collections import Counter
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.text import Text

from wardfund.cli.common import labelled
from wardfund.cli.progress import steps, working
from wardfund.local.aws.sent_emails import SentEmail
from wardfund.local.emails.outbox import INDEX, write_outbox
from wardfund.local.emails.screenshots import BrowserMissing, screenshot
from wardfund.local.scenario.file import Scenario, ScenarioError, load_scenario
from wardfund.local.scenario.player import ScenarioPlayer
from wardfund.local.stack import LocalStack

DEFAULT_FOLDER = Path("out/outbox")
DEMO_STORY = "demo.yaml"


def demo_scenario() -> Scenario:
    story = resources.files("wardfund.local.scenario.stories").joinpath(DEMO_STORY)
    with resources.as_file(story) as path:
        return load_scenario(Path(path))


def save_outbox(
    emails: list[SentEmail], folder: Path, console: Console, *, screenshots: bool = False
) -> int:
    """Writes the outbox (and screenshots), says where; returns an exit code."""
    pages = write_outbox(emails, folder)
    kinds = ", ".join(f"{count} {kind}" for kind, count in Counter(e.kind for e in emails).items())
    console.print(
        Text(
            f"Outbox: {len(emails)} email(s) ({kinds or 'none'}) written to {folder}/ "
            f"(open {folder / INDEX})"
        )
    )
    if not screenshots:
        return 0
    try:
        with steps("screenshots (headless Chromium)", len(pages)) as advance:
            for done, page in enumerate(pages, start=1):
                screenshot(page, page.with_suffix(".png"))
                advance(done, len(pages), page.name)
    except BrowserMissing as error:
        console.print(labelled("error:", "red", str(error)))
        return 1
    console.print(Text(f"Screenshots: {len(pages)} PNG(s) beside the emails in {folder}/"))
    return 0


def run_outbox(
    folder: Path, scenario_file: Path | None, console: Console, *, screenshots: bool = False
) -> int:
    try:
        scenario = load_scenario(scenario_file) if scenario_file else demo_scenario()
    except ScenarioError as error:
        console.print(labelled("error:", "red", str(error)))
        return 2
    console.print(Text(f"Playing {scenario.name} on the embedded stack…"))
    with working("starting the embedded stack"):
        stack = LocalStack().start()
    try:
        with steps("playing the story", len(scenario.steps)) as advance:
            ScenarioPlayer(scenario, stack).play(advance)
        emails = stack.sent_emails()
    finally:
        stack.stop()
    return save_outbox(emails, folder, console, screenshots=screenshots)
