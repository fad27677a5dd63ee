"""The mutation score per module from `mutmut results --all true`, and the survivors that the
doc of equivalent mutants does not explain.

    uv run python -m bench.mutation_score RESULTS [--equivalents docs/mutation-testing.md]
        [--record bench/RESULTS.md --commit TEXT --seconds N --workers N]

Killed counts mutants the tests failed on (a timeout or a mutant mypy refuses counts as
detected too); every other status (survived, no tests, suspicious, ...) is a survivor. A
survivor named in a table row of the equivalents doc is an equivalent mutant, with its
reason there. `--record` writes the table as the "Mutation testing" section of the results
file, in place of the one there (the other sections are left as they are). Exit 1 when a
survivor is not named in the doc.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

DETECTED = {"killed", "timeout", "caught by type check"}
NOT_RUN = "not checked"  # left out of a run limited to some mutants
RESULT = re.compile(r"^\s*(?P<name>\S+__mutmut_\d+): (?P<status>.+?)\s*$")
NAMED = re.compile(r"wardfund\.[\w.]+__mutmut_\d+")
FUNCTION = re.compile(r"\.x[_ǁ]")
SECTION = "## Mutation testing of the money modules"


@dataclass
class Score:
    rows: list[str] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    not_run: int = 0


def module_of(mutant: str) -> str:
    match = FUNCTION.search(mutant)
    return mutant[: match.start()] if match else mutant.rsplit(".", 1)[0]


def documented_in(doc: Path | None) -> set[str]:
    if doc is None or not doc.exists():
        return set()
    rows = [row for row in doc.read_text(encoding="utf-8").splitlines() if row.startswith("|")]
    return {name for row in rows for name in NAMED.findall(row)}


def score(results: Path, documented: set[str]) -> Score:
    status: dict[str, str] = {}
    for line in results.read_text(encoding="utf-8").splitlines():
        found = RESULT.match(line)
        if found:
            status[found["name"]] = found["status"]
    result = Score(not_run=sum(1 for value in status.values() if value == NOT_RUN))
    by_module: dict[str, list[str]] = defaultdict(list)
    for mutant, value in status.items():
        if value != NOT_RUN:
            by_module[module_of(mutant)].append(mutant)
    result.rows = [
        "| module | killed | equivalent (documented) | other survivors | total | score |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    totals = [0, 0, 0, 0]
    for module in sorted(by_module):
        mutants = by_module[module]
        killed = sum(1 for m in mutants if status[m] in DETECTED)
        survivors = [m for m in mutants if status[m] not in DETECTED]
        equivalent = [m for m in survivors if m in documented]
        others = [m for m in survivors if m not in documented]
        result.unexplained += [f"{m}: {status[m]}" for m in sorted(others)]
        row = [killed, len(equivalent), len(others), len(mutants)]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        result.rows.append(
            f"| {module} | {killed} | {len(equivalent)} | {len(others)} | {len(mutants)} | "
            f"{100 * killed / len(mutants):.1f} % |"
        )
    if totals[3]:
        result.rows.append(
            f"| all | {totals[0]} | {totals[1]} | {totals[2]} | {totals[3]} | "
            f"{100 * totals[0] / totals[3]:.1f} % |"
        )
    result.stale = sorted(m for m in documented if status.get(m) in DETECTED)
    return result


def record(target: Path, rows: list[str], commit: str, seconds: int, workers: int) -> None:
    """Put the table in `target` as its mutation-testing section, replacing the old one."""
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ")
    section = [
        f"{SECTION} (`bench/mutation.sh`)",
        "",
        f"mutmut {version('mutmut')} on {when}, commit {commit}; the unit tests only, "
        f"{workers} worker(s), {seconds // 60} min {seconds % 60} s. Killed counts a timeout as "
        "detected; the equivalent mutants, each with its reason, are listed in "
        "[docs/mutation-testing.md](../docs/mutation-testing.md). Not part of `make bench` "
        "(which writes this file afresh): run `MUTATION_RECORD=1 bench/mutation.sh` to add it "
        "again.",
        "",
        *rows,
    ]
    lines = target.read_text(encoding="utf-8").splitlines() if target.exists() else []
    start = next((i for i, line in enumerate(lines) if line.startswith(SECTION)), None)
    if start is None:
        kept = [*lines, ""] if lines else []
        target.write_text("\n".join([*kept, *section]) + "\n", encoding="utf-8")
        return
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    after = ["", *lines[end:]] if end < len(lines) else []
    target.write_text("\n".join([*lines[:start], *section, *after]) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--equivalents", type=Path, default=Path("docs/mutation-testing.md"))
    parser.add_argument("--record", type=Path)
    parser.add_argument("--commit", default="unknown")
    parser.add_argument("--seconds", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)

    result = score(args.results, documented_in(args.equivalents))
    print("\n".join(result.rows))
    if result.not_run:
        print(f"\n{result.not_run} mutant(s) not run this time (a run limited by name) left out.")
    if result.stale:
        print("\nListed as equivalent but now killed (take them off the list):")
        print("\n".join(f"  {mutant}" for mutant in result.stale))
    if args.record is not None:
        if result.not_run:
            print("\nnot recorded: a run limited by name is not a score", file=sys.stderr)
        else:
            record(args.record, result.rows, args.commit, args.seconds, args.workers)
            print(f"\nrecorded in {args.record}")
    if result.unexplained:
        print("\nSurvivors neither killed nor listed as equivalent (`mutmut show NAME`):")
        print("\n".join(f"  {line}" for line in result.unexplained))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
