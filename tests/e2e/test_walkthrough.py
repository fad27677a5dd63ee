"""Issue 14, section 1: the README's operator walkthrough, run for real.

Every `./wardfund` line of the README block marked `<!-- walkthrough -->` is run, in order,
as its own process through the `./wardfund` wrapper, on a local stack that `local up`
starts in the background; the `#` lines under each command are what it must print (parts
separated by `…`, each found in its output with runs of spaces read as one). `PAYMENT` and
`INVOICE` stand for the ids earlier commands printed."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
MARKER = "<!-- walkthrough -->"

pytestmark = pytest.mark.e2e


@dataclass
class Step:
    command: list[str]
    expected: list[str] = field(default_factory=list)


def walkthrough() -> list[Step]:
    """The README's walkthrough block: commands (continuation lines joined) and the `#  `
    lines under each (a `# ` line with one space only is a heading, not output)."""
    text = README.read_text(encoding="utf-8")
    block = text[text.index(MARKER) :].split("```bash\n", 1)[1].split("\n```", 1)[0]
    steps: list[Step] = []
    pending = ""
    for line in block.splitlines():
        if pending or line.startswith("./wardfund"):
            pending += line.rstrip("\\").strip() + " "
            if not line.endswith("\\"):
                steps.append(Step(shlex.split(pending)))
                pending = ""
        elif line.startswith("#  ") and steps:
            steps[-1].expected.append(line[3:].strip())
    return steps


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def where(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of the walkthrough's shell: its own state file, no AWS names."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "STRIPE_", "WARDFUND_", "POWERTOOLS_"))
        and name not in ("TABLE_NAME", "IDEMPOTENCY_TABLE_NAME", "BANK_FILES_BUCKET")
    }
    env |= {"WARDFUND_LOCAL_STATE": str(tmp_path / ".wardfund" / "local.json")}
    env.pop("COLUMNS", None)
    try:
        yield env
    finally:
        subprocess.run(
            [str(ROOT / "wardfund"), "local", "down"],
            cwd=ROOT, env=env, capture_output=True, timeout=60, check=False,
        )  # fmt: skip


def test_the_readme_walkthrough_prints_its_figures(where: dict[str, str], tmp_path: Path) -> None:
    steps = walkthrough()
    assert len(steps) >= 20, [step.command for step in steps]
    invoice_file = tmp_path / "hall.pdf"
    invoice_file.write_bytes(b"%PDF-1.4 the hall's invoice\n")
    found: dict[str, str] = {}
    for step in steps:
        command = [
            found.get(word, str(invoice_file) if word == "hall.pdf" else word)
            for word in step.command
        ]
        assert command[0] == "./wardfund"
        done = subprocess.run(
            [str(ROOT / "wardfund"), *command[1:]],
            cwd=ROOT, env=where, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        shown = flat(done.stdout)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        for expected in step.expected:
            for part in expected.split("…"):
                assert flat(part).strip() in shown, (command, part, done.stdout)
        if command[1:3] == ["suspense", "list"]:
            (found["PAYMENT"],) = re.findall(r"\bpi_\w+", done.stdout)
        if command[1:3] == ["invoice", "submit"]:
            found["INVOICE"] = re.findall(r"\bli-\w+", done.stdout)[0]
