"""What a fanned-out payout run came to, read back from the table: the answer the local
stack gives for a fired payout schedule (the planner's answer, and the run's summary once
its last campaign has settled)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from wardfund.adapters.dynamodb.payout_runs import DynamoPayoutRuns
from wardfund.adapters.dynamodb.records import run_report_from
from wardfund.adapters.dynamodb.table import RUNS_PK, Table
from wardfund.domain.calendar import utc_key
from wardfund.local.lambdas.payout_workers import DrainReport


def run_outcome(
    table: Table, run_at: datetime, planned: dict[str, Any], drained: DrainReport
) -> dict[str, Any]:
    """`paid`: every payout the run made (earlier held ones too); `carried_pence`: campaigns
    owed something but not paid this week; `failed`: campaigns whose payout is held, why;
    `finished`: the bank file and summary are written."""
    state = DynamoPayoutRuns(table).run(run_at)
    summary = table.get(RUNS_PK, utc_key(run_at))
    report = run_report_from(summary) if summary else None
    lines = report.lines if report else ()
    return {
        **planned,
        "finished": bool(state and state.finished) or bool(planned.get("finished")),
        "remaining": state.remaining if state else 0,
        "paid": [
            {"campaign": line.campaign_id, "amount_pence": line.paid, "status": line.status}
            for line in lines
            if line.paid
        ],
        "carried_pence": {
            line.campaign_id: line.carried
            for line in lines
            if line.resumed_from is None and not line.failure and not line.paid and line.carried
        },
        "failed": {
            line.campaign_id + (" (held)" if line.resumed_from else ""): line.failure
            for line in lines
            if line.failure
        },
        "bank_file": report.bank_file if report else None,
        "workers": asdict(drained),
    }
