"""Use case: a campaign's unit of work is settled; the last one produces the run's bank file
and summary, once.

Settling counts each campaign once (a repeat delivery counts nothing), and exactly one
settling is the run's last, even when two campaigns finish at the same moment (see
adapters/dynamodb/payout_runs.py). The last one's worker then writes the bank file (only if
no file is there), the summary (only if none is there), an alert for each campaign that
could not be paid, and one alert for the payouts held for Stripe's balance. If it dies
part way, its task is delivered again, finds its campaign settled and itself the finisher
of an unfinished run, and finishes it: each step is written once whatever the repeats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from wardfund.domain.calendar import utc_key
from wardfund.domain.display import pounds
from wardfund.domain.figures import ZERO
from wardfund.domain.notices import AlertKind, AlertRaised
from wardfund.domain.payout_run import RunState, Settled, Settlement
from wardfund.domain.payouts import PayoutStatus, payout_id
from wardfund.domain.run_report import CampaignRunLine, RunReport
from wardfund.services.ports import (
    BankFileStore,
    PayoutRecord,
    PayoutRunStore,
    PayoutStore,
)
from wardfund.services.raise_alert import AlertStore


def _resumed_line(settlement: Settlement, record: PayoutRecord) -> CampaignRunLine:
    return CampaignRunLine(
        settlement.campaign_id,
        settlement.campaign_name,
        ZERO,
        paid=record.plan.amount,
        method=str(record.plan.method),
        status=str(record.status),
        reference=record.reference,
        resumed_from=record.plan.run_at,
    )


def assemble_report(
    run_at: datetime, settlements: Sequence[Settlement], completed: Sequence[PayoutRecord]
) -> tuple[tuple[CampaignRunLine, ...], list[dict[str, str]]]:
    """The run's lines (campaign by campaign: earlier payouts made, then this run's) and its
    bank-file rows. An earlier payout this run made is in the run's `completed` records even
    when the attempt that made it died before settling, so it is reported (and filed) once."""
    by_campaign: dict[str, list[PayoutRecord]] = {}
    for record in completed:
        by_campaign.setdefault(record.plan.campaign_id, []).append(record)
    lines: list[CampaignRunLine] = []
    rows: list[dict[str, str]] = []
    for settlement in sorted(settlements, key=lambda s: s.campaign_id):
        made = {line.resumed_from for line in settlement.lines if line.paid}
        own = [
            _resumed_line(settlement, record)
            for record in sorted(
                by_campaign.get(settlement.campaign_id, []), key=lambda r: r.plan.run_at
            )
            if record.plan.run_at not in made
        ]
        for line in [*own, *settlement.lines]:
            lines.append(line)
            if line.paid and line.status == str(PayoutStatus.AWAITING_BANK_TRANSFER):
                rows.append(_bank_row(run_at, settlement, line))
    return tuple(lines), rows


def _bank_row(run_at: datetime, settlement: Settlement, line: CampaignRunLine) -> dict[str, str]:
    return {
        "payout_id": payout_id(settlement.campaign_id, line.resumed_from or run_at),
        "campaign_id": settlement.campaign_id,
        "payee": settlement.campaign_name,
        "bank_details_reference": settlement.bank_reference or "",
        "amount_pence": str(line.paid),
        "amount_gbp": f"{line.paid / 100:.2f}",
        "reference": line.reference or "",
    }


def balance_alert(state: RunState, report: RunReport) -> AlertRaised | None:
    """One alert for every payout the run holds for Stripe's available balance."""
    held = report.held_for_balance
    if not held:
        return None
    amount = sum(line.carried for line in held)
    if state.available is None:
        seen = "Stripe refused transfers for want of available balance (balance_insufficient)"
    elif state.demand > state.available:
        seen = (
            f"Stripe's available balance was {pounds(state.available)} when the run "
            f"started; its Stripe payouts came to {pounds(state.demand)}, "
            f"{pounds(state.demand - state.available)} short"
        )
    else:
        seen = (
            f"Stripe's available balance was {pounds(state.available)} when the run started, "
            f"enough for its {pounds(state.demand)} of Stripe payouts, but Stripe then refused "
            "transfers for want of it (balance_insufficient): something else drew on the "
            "balance during the run (an automatic payout to the bank?)"
        )
    return AlertRaised(
        alert_id=f"{utc_key(state.run_at)}#{AlertKind.PAYOUTS_HELD}",
        kind=AlertKind.PAYOUTS_HELD,
        at=state.run_at,
        reason=(
            f"{seen}. {len(held)} payout(s), {pounds(amount)} in all, are recorded and "
            "held: each is tried again every day at 06:00 (first in line) until it is made. "
            "Held: " + ", ".join(f"{line.name} {pounds(line.carried)}" for line in held)
        ),
        amount=amount,
    )


def finish_payout_run(
    state: RunState,
    runs: PayoutRunStore,
    store: PayoutStore,
    bank_files: BankFileStore,
    alerts: AlertStore,
) -> RunReport:
    """The fan-in: bank file, summary and alerts, each written once; then the run is done."""
    lines, rows = assemble_report(
        state.run_at, runs.settlements(state.run_at), store.completed_in(state.run_at)
    )
    report = RunReport(run_at=state.run_at, lines=lines)
    if rows:
        report = replace(report, bank_file=bank_files.write(state.run_at, rows))
    store.record_run(report)
    alert = balance_alert(state, report)
    if alert is not None:
        alerts.raise_alert(alert)
    runs.finish(state.run_at)
    return report


def settle_campaign(
    state_of_run: datetime,
    settlement: Settlement,
    runs: PayoutRunStore,
    store: PayoutStore,
    bank_files: BankFileStore,
    alerts: AlertStore,
) -> RunReport | None:
    """Settles the campaign in its run; returns the run's report when this settling
    finished the run (the last campaign, or a repeat of the last one's interrupted task)."""
    settled = runs.settle(state_of_run, settlement)
    if settled is Settled.FIRST:
        return None
    state = runs.run(state_of_run)
    if state is None or state.finished or state.remaining:
        return None
    if settled is Settled.AGAIN and state.finisher != settlement.campaign_id:
        return None
    return finish_payout_run(state, runs, store, bank_files, alerts)
