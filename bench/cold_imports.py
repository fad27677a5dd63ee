"""Cold import time of each handler module in a fresh interpreter (median of 10), beside
`import stripe` and `import boto3` for scale (issue 7)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

from bench.common import bar_chart

ROOT = Path(__file__).resolve().parents[1]
RUNS = 10
ENV = os.environ | {
    "AWS_DEFAULT_REGION": "eu-west-2",
    "AWS_ACCESS_KEY_ID": "x",
    "AWS_SECRET_ACCESS_KEY": "x",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "TABLE_NAME": "t",
    "IDEMPOTENCY_TABLE_NAME": "i",
}
MODULES = {
    "boto3": "boto3",
    "stripe": "stripe",
    "boto3 + stripe": "boto3, stripe",
    "receive handler": "functions.donations.receive",
    "process handler": "functions.donations.process",
    "payout handler": "functions.payouts.run",
    "notifications handler": "functions.notifications.send",
}


def once(statement: str) -> float:
    code = (
        f"import time; t = time.perf_counter(); import {statement}; print(time.perf_counter() - t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=ENV, cwd=ROOT, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    medians = {
        name: statistics.median(once(stmt) for _ in range(RUNS)) for name, stmt in MODULES.items()
    }
    print(f"| module | median of {RUNS} cold imports (s) |")
    print("|---|---:|")
    for name, seconds in medians.items():
        print(f"| {name} | {seconds:.3f} |")
    added = medians["receive handler"] - medians["boto3 + stripe"]
    print(f"\nreceive handler adds {added:.3f} s to boto3 + stripe (target ≤ 0.15 s)")
    limit = medians["boto3 + stripe"] + 0.15
    plot = bar_chart(
        "cold_imports",
        f"Cold import, median of {RUNS} fresh interpreters",
        {name: round(seconds, 3) for name, seconds in medians.items()},
        "seconds",
        (limit, "receive handler's target: boto3 + stripe + 0.15 s"),
    )
    print(f"\nplot: bench/{plot.name}")


if __name__ == "__main__":
    main()
