"""Writes a scenario of N monthly pledges across a few campaigns (default 250), for timing."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

import yaml

from wardfund.domain.calendar import LONDON


def story(pledges: int, campaigns: int = 5) -> dict[str, object]:
    start = datetime(2026, 6, 2, 18, 0, tzinfo=LONDON)
    ids = [f"campaign-{n:03d}" for n in range(campaigns)]
    steps: list[dict[str, object]] = []
    for n in range(pledges):
        steps.append(
            {
                "at": (start + timedelta(minutes=n)).isoformat(),
                "pledge": {
                    "donor": f"d{n:04d}",
                    "campaign": ids[n % campaigns],
                    "ward": f"Ward {n % 7}",
                    "amount_pence": 500 + 100 * (n % 20),
                },
            }
        )
    steps.append({"at": datetime(2026, 6, 15, 6, tzinfo=LONDON).isoformat(), "payout_run": {}})
    return {
        "name": f"{pledges}-monthly-pledges",
        "campaigns": [
            {"id": cid, "name": cid.title(), "launch_event_on": "2026-06-01", "election_on": None}
            for cid in ids
        ],
        "steps": steps,
    }


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 250
    out = Path(__file__).parent / "stories" / f"{count}-pledges.yaml"
    out.write_text(yaml.safe_dump(story(count), sort_keys=False))
    print(out)
