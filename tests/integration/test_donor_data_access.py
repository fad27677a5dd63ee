"""Accountable access to donors' data (issue 13, item 8): every read of names and emails
(`export`, `permissibility`) is written to the campaign's audit trail before anything is shown,
with the name typed (`--by`) and, on a deployed stage, the caller's AWS identity (STS), which
no `--by` can change; every file the CLI writes is readable by its owner only (0600)."""

from __future__ import annotations

import stat
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.integration.operations import (
    RUNNER,
    StripeWorld,
    approver_credentials,
    as_json,
    deliver,
    donor,
    ok,
    register,
)
from wardfund.cli.main import app
from wardfund.domain.calendar import LONDON
from wardfund.local.stack import LocalStack

JUNE_3 = datetime(2026, 6, 3, 19, 0, tzinfo=LONDON)
PERIOD = ("--from", "2026-06-01", "--to", "2026-06-30")


def _identity(credentials: dict[str, str] | None = None) -> str:
    keys = (
        {
            "aws_access_key_id": credentials["AWS_ACCESS_KEY_ID"],
            "aws_secret_access_key": credentials["AWS_SECRET_ACCESS_KEY"],
        }
        if credentials
        else {}
    )
    return str(boto3.client("sts", **keys).get_caller_identity()["Arn"])


def _trail(campaign_id: str, action: str) -> list[dict[str, Any]]:
    return [a for a in as_json("campaign", "show", campaign_id)["audit"] if a["action"] == action]


@pytest.fixture
def campaign_with_donors(stack: LocalStack) -> str:
    """Two donors who gave £600 and £700 once each: over either threshold, so both are shown."""
    cid = register(stack, election_on=None).campaign_id
    world = StripeWorld()
    deliver(stack, world.give_once(JUNE_3, donor("d1"), cid, "Hyde", 60000))
    deliver(stack, world.give_once(JUNE_3.replace(day=4), donor("d2"), cid, "Moss", 70000))
    return cid


def test_export_keeps_the_callers_aws_identity_whatever_by_says(
    stack: LocalStack, campaign_with_donors: str
) -> None:
    cid = campaign_with_donors
    ok("export", cid)
    # another person's credentials, and a name that is not theirs
    other = approver_credentials()
    env = {"COLUMNS": "200", "WARDFUND_ACTOR": "tester"} | other
    shown = RUNNER.invoke(app, ["export", cid, "--by", "tester"], env=env)
    assert shown.exit_code == 0, shown.output
    exported = _trail(cid, "donor data exported")
    assert [(a["by"], a["principal"]) for a in exported] == [
        ("tester", _identity()),
        ("tester", _identity(other)),  # the typed name is the same; the identity is not
    ]
    assert _identity() != _identity(other)


def test_permissibility_is_audited_with_who_read_it(
    stack: LocalStack, campaign_with_donors: str, tmp_path: Path
) -> None:
    cid = campaign_with_donors
    quiet = register(stack, election_on=None).campaign_id  # no donors: nothing shown, no entry
    # When the checks are read as a table, and written to a file
    ok("permissibility", cid, *PERIOD, "--by", "agent-a")
    out = tmp_path / "checks.csv"
    ok("permissibility", "--all", *PERIOD, "--format", "csv", "--output", str(out))
    # Then each campaign whose donors were shown has one entry per read, with who and where
    read = _trail(cid, "permissibility checks read")
    assert [(a["by"], a["principal"], a["detail"]) for a in read] == [
        ("agent-a", _identity(), "2 donor(s), gifts 2026-06-01 to 2026-06-30, to standard output"),
        ("tester", _identity(), f"2 donor(s), gifts 2026-06-01 to 2026-06-30, to {out}"),
    ]
    assert _trail(quiet, "permissibility checks read") == []


def test_files_the_cli_writes_are_readable_by_their_owner_only(
    stack: LocalStack, campaign_with_donors: str, tmp_path: Path
) -> None:
    cid = campaign_with_donors
    already = tmp_path / "already.csv"
    already.write_text("old\n")
    already.chmod(0o644)
    written = {
        "export": (["export", cid, "--output"], tmp_path / "donors.csv"),
        "permissibility": (
            ["permissibility", cid, *PERIOD, "--format", "json", "--output"],
            tmp_path / "checks.json",
        ),
        "report": (["report", cid, *PERIOD, "--format", "csv", "--output"], tmp_path / "r.csv"),
        "campaigns": (["campaign", "export", "--output"], tmp_path / "campaigns.yaml"),
        "over a 0644 file": (["export", cid, "--output"], already),
    }
    for args, path in written.values():
        ok(*args, str(path))
    modes = {name: stat.S_IMODE(path.stat().st_mode) for name, (_, path) in written.items()}
    assert modes == dict.fromkeys(written, 0o600)
    assert "old" not in already.read_text()
