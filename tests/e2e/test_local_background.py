"""`wardfund local up` keeps a local stack running between commands; each command given
`--local` is a separate process that finds it through `.wardfund/local.json`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import stripe

from wardfund.local.stripe.world import Donor, StripeWorld

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)

pytestmark = pytest.mark.e2e


def cli(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "STRIPE_", "WARDFUND_"))
        and name not in ("TABLE_NAME", "IDEMPOTENCY_TABLE_NAME", "BANK_FILES_BUCKET")
    }
    env |= {"WARDFUND_LOCAL_STATE": str(state), "COLUMNS": "200", "WARDFUND_ACTOR": "e2e"}
    return subprocess.run(
        [sys.executable, "-m", "wardfund.cli.main", *args],
        capture_output=True, text=True, timeout=120, cwd=ROOT, env=env, check=False,
    )  # fmt: skip


def ok(state: Path, *args: str) -> str:
    done = cli(state, *args)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


@pytest.fixture
def state(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / ".wardfund" / "local.json"
    ok(path, "local", "up")
    try:
        yield path
    finally:
        cli(path, "local", "down")


def post_webhook(state: Path, event: dict[str, Any]) -> int:
    found = json.loads(state.read_text())
    payload = json.dumps(event)
    request = urllib.request.Request(
        found["webhook_url"],
        data=payload.encode(),
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": stripe.WebhookSignature.generate_signature_header(
                payload, found["webhook_secret"]
            ),
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return int(answer.status)


def test_commands_share_the_background_stack(state: Path, tmp_path: Path) -> None:
    # Given a campaign added by one process
    ok(
        state,
        "campaign",
        "add",
        "leeds",
        "--name",
        "Leeds",
        "--launch-event",
        "2026-06-01",
        "--promoter", "Sam Agent",
        "--promoter-address", "1 High Street, Leeds LS1 1AA",
        "--on-behalf-of", "Jo Candidate, 2 Park Row, Leeds LS1 2BB",
        "--printer", "Quick Print Ltd, 3 Mill Lane, Leeds LS2 3CC",
        "--local",
    )  # fmt: skip
    # Then another process sees it, with who added it
    shown = json.loads(ok(state, "campaign", "show", "leeds", "--local", "--json"))
    assert shown["campaign"]["name"] == "Leeds"
    assert shown["audit"][0]["by"] == "e2e"
    # When Stripe delivers a gift to the background stack's webhook endpoint
    events = StripeWorld().give_once(
        AT, Donor("d1", "d1@x.example", "D One"), "leeds", "Hyde", 2000
    )
    assert {post_webhook(state, event) for event in events} == {200}
    # Then its queue worker records it, and a report in a new process shows it
    deadline = time.monotonic() + 30
    while True:
        report = json.loads(
            ok(state, "report", "leeds", "--from", "2026-06-01", "--to", "2026-06-30",
               "--format", "json", "--local")
        )  # fmt: skip
        if report["lines"] or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert report["closing_balance_pence"] == 1600
    # And a kit's links come from the background Stripe stand-in, reused next time
    kit = ("kit", "leeds", "Hyde", "-o", str(tmp_path), "--json", "--local")
    privacy = ("--privacy-url", "https://commonground.example/privacy")
    first = json.loads(ok(state, *kit, *privacy))
    again = json.loads(ok(state, *kit, *privacy))
    assert [link["id"] for link in again["links"]] == [link["id"] for link in first["links"]]
    assert all(link["reused"] for link in again["links"])
    # And status names the endpoints
    assert json.loads(ok(state, "local", "status"))["webhook_url"].endswith("/stripe/webhook")


def test_down_stops_it_and_local_commands_then_say_so(tmp_path: Path) -> None:
    path = tmp_path / "local.json"
    ok(path, "local", "up")
    pid = json.loads(path.read_text())["pid"]
    assert "stopped" in ok(path, "local", "down")
    assert not path.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    done = cli(path, "campaign", "list", "--local")
    assert done.returncode == 2
    assert "no local stack is running" in done.stderr
    assert "wardfund local up" in " ".join(done.stderr.split())
    assert cli(path, "local", "status").returncode == 1
    assert "no local stack was running" in ok(path, "local", "down")
