"""The mutation score per module from `mutmut results --all true`, and the survivors that the
doc of equivalent mutants does not explain.

    uv run python -m bench.mutation_score RESULTS [EQUIVALENTS_DOC]

Killed counts mutants the tests failed on (a timeout or a mutant mypy refuses counts as
detected too); every other status (survived, no tests, suspicious, ...) is a survivor. A
survivor named in a table row of EQUIVALENTS_DOC (docs/mutation-testing.md) is an
equivalent mutant, with its reason there. Exit 1 when a survivor is not named there.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

DETECTED = {"killed", "timeout", "caught by type check"}
NOT_RUN = "not checked"  # left out of a run limited to some mutants
RESULT = re.compile(r"^\s*(?P<name>\S+__mutmut_\d+): (?P<status>.+?)\s*$")
NAMED = re.compile(r"wardfund\.[\w.]+__mutmut_\d+")
FUNCTION = re.compile(r"\.x[_ǁ]")


def module_of(mutant: str) -> str:
    match = FUNCTION.search(mutant)
    return mutant[: match.start()] if match else mutant.rsplit(".", 1)[0]


def main(argv: list[str]) -> int:
    results = Path(argv[0]).read_text(encoding="utf-8").splitlines()
    doc = Path(argv[1]) if argv[1:] else None
    documented: set[str] = set()
    if doc is not None and doc.exists():
        rows = [row for row in doc.read_text(encoding="utf-8").splitlines() if row.startswith("|")]
        documented = {name for row in rows for name in NAMED.findall(row)}
    status: dict[str, str] = {}
    for line in results:
        found = RESULT.match(line)
        if found:
            status[found["name"]] = found["status"]
    by_module: dict[str, list[str]] = defaultdict(list)
    not_run = sum(1 for value in status.values() if value == NOT_RUN)
    for mutant, value in status.items():
        if value != NOT_RUN:
            by_module[module_of(mutant)].append(mutant)

    print("| module | killed | equivalent (documented) | other survivors | total | score |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    unexplained: list[str] = []
    totals = [0, 0, 0, 0]
    for module in sorted(by_module):
        mutants = by_module[module]
        killed = sum(1 for m in mutants if status[m] in DETECTED)
        survivors = [m for m in mutants if status[m] not in DETECTED]
        equivalent = [m for m in survivors if m in documented]
        others = [m for m in survivors if m not in documented]
        unexplained += others
        row = [killed, len(equivalent), len(others), len(mutants)]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        print(
            f"| {module} | {killed} | {len(equivalent)} | {len(others)} | {len(mutants)} | "
            f"{100 * killed / len(mutants):.1f} % |"
        )
    if totals[3]:
        print(
            f"| all | {totals[0]} | {totals[1]} | {totals[2]} | {totals[3]} | "
            f"{100 * totals[0] / totals[3]:.1f} % |"
        )
    if not_run:
        print(f"\n{not_run} mutant(s) not run this time (a run limited by name) are left out.")
    stale = sorted(m for m in documented if status.get(m) in DETECTED)
    if stale:
        print("\nListed as equivalent but now killed (take them off the list):")
        for mutant in stale:
            print(f"  {mutant}")
    if unexplained:
        print(
            "\nSurvivors neither killed nor listed as equivalent (`mutmut show NAME` in the stage):"
        )
        for mutant in sorted(unexplained):
            print(f"  {mutant}: {status[mutant]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
