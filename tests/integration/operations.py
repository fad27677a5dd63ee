"""Helpers for the operations commands' tests: run `wardfund ...` in this process against
the embedded stack the `stack` fixture provisioned (its names are in the environment, the
same way the deployed stack's are), and make Stripe events happen."""

from __future__ import annotations

import json
import os
import re
import uuid
from datetime import date
from typing import Any

import boto3
from typer.testing import CliRunner, Result

from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.ledger_report import DynamoLedgerReport
from wardfund.adapters.dynamodb.table import Table
from wardfund.cli.main import app
from wardfund.domain.campaign import Campaign
from wardfund.domain.figures import CampaignFigures
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.world import Donor, StripeWorld
from wardfund.services.campaigns import register_campaign

RUNNER = CliRunner()
APPROVER = "national-finance"  # a second person: whoever submits an invoice cannot approve it
_APPROVER_KEYS: dict[str, dict[str, str]] = {}  # moto endpoint -> the approver's AWS keys


def wardfund(*args: str) -> Result:
    return RUNNER.invoke(app, [*args], env={"COLUMNS": "200", "WARDFUND_ACTOR": "tester"})


def approver_credentials() -> dict[str, str]:
    """AWS keys of a second IAM user on moto: STS names them apart from the tester's."""
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    if endpoint not in _APPROVER_KEYS:
        iam = boto3.client("iam")
        iam.create_user(UserName=APPROVER)
        made = iam.create_access_key(UserName=APPROVER)["AccessKey"]
        _APPROVER_KEYS[endpoint] = {
            "AWS_ACCESS_KEY_ID": made["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": made["SecretAccessKey"],
        }
    return _APPROVER_KEYS[endpoint]


def as_approver(*args: str) -> Result:
    """`wardfund ...` run by the second person, with their own AWS credentials."""
    env = {"COLUMNS": "200", "WARDFUND_ACTOR": APPROVER} | approver_credentials()
    return RUNNER.invoke(app, [*args], env=env)


def approve(invoice_id: str) -> Result:
    result = as_approver("invoice", "approve", invoice_id)
    assert result.exit_code == 0, result.output
    return result


def said(result: Result) -> str:
    """Everything printed (stdout and stderr), with line wrapping undone."""
    return re.sub(r"\s+", " ", result.output)


def ok(*args: str) -> Result:
    result = wardfund(*args)
    assert result.exit_code == 0, result.output
    return result


def as_json(*args: str) -> Any:
    return json.loads(ok(*args, "--json").stdout)


def json_of(*args: str) -> Any:
    return json.loads(ok(*args).stdout)


def table(stack: LocalStack) -> Table:
    assert stack.resources is not None
    return Table(stack.resources.table_name)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def register(stack: LocalStack, campaign_id: str | None = None, **settings: Any) -> Campaign:
    campaign_id = campaign_id or unique("c")
    settings.setdefault("launch_event_on", date(2026, 6, 1))
    campaign = Campaign(campaign_id, f"Campaign {campaign_id}", **settings)
    return register_campaign(DynamoCampaignStore(table(stack)), campaign, by="test")


def figures(stack: LocalStack, campaign_id: str) -> CampaignFigures:
    return DynamoLedgerReport(table(stack)).figures(campaign_id)


def donor(donor_id: str) -> Donor:
    return Donor(donor_id, f"{donor_id}@donors.example", f"Donor {donor_id.upper()}")


def deliver(stack: LocalStack, events: list[dict[str, Any]]) -> None:
    for event in events:  # one at a time, in Stripe's order
        assert stack.deliver([event]) == [200], event["type"]
    stack.drain()


__all__ = ["StripeWorld"]
