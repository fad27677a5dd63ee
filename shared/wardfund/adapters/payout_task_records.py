"""A payout run's unit of work and a campaign's settlement as plain values: the body of a
payout task message, the run's plan items and its settlement items hold these."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from wardfund.adapters.dynamodb.connect_store import connect_from, connect_values
from wardfund.adapters.dynamodb.records import (
    campaign_from,
    campaign_values,
    run_line_values,
    run_lines_from,
)
from wardfund.domain.calendar import parse_utc_key, utc_key
from wardfund.domain.payout_run import RUN_KINDS, PayoutTask, RunKind, Settlement


def run_kind(text: str) -> RunKind:
    for kind in RUN_KINDS:
        if kind == text:
            return kind
    raise ValueError(f"not a payout run kind: {text!r}")


def task_values(task: PayoutTask) -> dict[str, Any]:
    return {
        "run_at": utc_key(task.run_at),
        "kind": task.kind,
        "campaign": campaign_values(task.campaign),
        # what Stripe said of its account when the run was planned: it decides the method
        "connect": connect_values(task.campaign.connect) if task.campaign.connect else None,
        "allowance": task.allowance,
    }


def task_from(values: dict[str, Any]) -> PayoutTask:
    allowance = values.get("allowance")
    connect = values.get("connect")
    campaign = campaign_from(values["campaign"])
    return PayoutTask(
        run_at=parse_utc_key(values["run_at"]),
        kind=run_kind(values["kind"]),
        campaign=replace(campaign, connect=connect_from(connect)) if connect else campaign,
        allowance=None if allowance is None else int(allowance),
    )


def task_body(task: PayoutTask) -> str:
    return json.dumps(task_values(task), sort_keys=True)


def task_from_body(body: str) -> PayoutTask:
    return task_from(json.loads(body))


def settlement_values(settlement: Settlement) -> dict[str, Any]:
    return {
        "campaign_id": settlement.campaign_id,
        "campaign_name": settlement.campaign_name,
        "bank_reference": settlement.bank_reference,
        "lines": run_line_values(settlement.lines),
    }


def settlement_from(values: dict[str, Any]) -> Settlement:
    return Settlement(
        campaign_id=values["campaign_id"],
        campaign_name=values.get("campaign_name", values["campaign_id"]),
        bank_reference=values.get("bank_reference"),
        lines=run_lines_from(values.get("lines", [])),
    )
