"""Use case: plan a payout run in one short invocation, then fan it out per campaign.

Lists the campaigns (one query) and their balances (batches of a hundred), asks Stripe for
the available balance once, decides what each campaign may transfer (domain/payout_balance:
held payouts first, then the smallest, while the balance lasts), records the run with its
plan, and sends one task per campaign to the payout queue. Nothing here moves money, so
the invocation takes seconds at any number of campaigns.

Invoked again for the same time (a retry, or by hand), it changes nothing it recorded: it
sends again the tasks of campaigns not yet settled (the queue drops repeats within five
minutes, and a settled campaign's repeat does nothing), so a run whose first invocation
died while sending still reaches every campaign.

The weekly `run` plans every campaign; the daily `held` retry plans only campaigns with a
payout held from an earlier run, and plans nothing (records no run) when there is none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from wardfund.domain.campaign import Campaign
from wardfund.domain.payout_balance import BalanceAllotment, TransferDemand, allot
from wardfund.domain.payout_run import PayoutTask, RunKind, RunState
from wardfund.domain.payouts import PayoutFrequency, PayoutMethod, PayoutStatus, is_payout_week
from wardfund.services.finish_payout_run import finish_payout_run
from wardfund.services.ports import (
    BankFileStore,
    CampaignBalance,
    PayoutRunStore,
    PayoutStore,
    PayoutTaskQueue,
    TransferFailed,
    TransferGateway,
)
from wardfund.services.raise_alert import AlertStore


@dataclass(frozen=True)
class RunPlan:
    """What the invocation did. `sent`: tasks sent now (all of them for a new run, the
    unsettled ones for a run invoked again)."""

    run_at: datetime
    kind: RunKind
    skipped_off_week: bool = False
    campaigns: int = 0
    sent: int = 0
    again: bool = False
    finished: bool = False
    allotment: BalanceAllotment | None = None
    balance_error: str | None = None


def transfer_demand(
    campaign: Campaign,
    balance: CampaignBalance,
    run_at: datetime,
    kind: RunKind,
    store: PayoutStore,
) -> TransferDemand:
    """What paying this campaign by transfer would draw on Stripe's balance: its held earlier
    transfers and, on a weekly run, what it is owed. The run and the preview both ask."""
    held = []
    for earlier in (run for run in balance.unpaid_runs if run < run_at):
        record = store.payout(campaign.campaign_id, earlier)
        if (
            record is not None
            and record.status is PayoutStatus.PENDING
            and record.plan.method is PayoutMethod.STRIPE_TRANSFER
        ):
            held.append((earlier, record.plan.amount))
    new = balance.figures.owed if kind == "run" and campaign.pays_by_transfer else 0
    return TransferDemand(campaign.campaign_id, tuple(held), new)


def _read_available(transfers: TransferGateway) -> tuple[int | None, str | None]:
    """Stripe's available balance, or None (and why) when it cannot be read: the run then
    pays without a limit of its own, and Stripe refuses what it cannot pay."""
    try:
        return transfers.available_balance(), None
    except TransferFailed as error:
        return None, str(error)


def plan_payout_run(
    run_at: datetime,
    kind: RunKind,
    frequency: PayoutFrequency,
    store: PayoutStore,
    runs: PayoutRunStore,
    transfers: TransferGateway,
    queue: PayoutTaskQueue,
    bank_files: BankFileStore,
    alerts: AlertStore,
) -> RunPlan:
    if kind == "run" and not is_payout_week(run_at, frequency):
        return RunPlan(run_at, kind, skipped_off_week=True)
    state = runs.run(run_at)
    if state is not None:
        return _again(state, runs, store, queue, bank_files, alerts)
    campaigns = store.campaigns()
    balances = store.balances([campaign.campaign_id for campaign in campaigns])
    chosen: list[Campaign] = []
    demands: list[TransferDemand] = []
    for campaign in campaigns:
        balance = balances[campaign.campaign_id]
        if kind == "held" and not any(run < run_at for run in balance.unpaid_runs):
            continue
        chosen.append(campaign)
        demands.append(transfer_demand(campaign, balance, run_at, kind, store))
    if kind == "held" and not chosen:
        return RunPlan(run_at, kind)
    available, balance_error = None, None
    if any(demand.total > 0 for demand in demands):
        available, balance_error = _read_available(transfers)
    allotment = allot(demands, available)
    tasks = [
        PayoutTask(
            run_at,
            kind,
            campaign,
            None if available is None else allotment.allowance(campaign.campaign_id),
        )
        for campaign in chosen
    ]
    state = RunState(
        run_at=run_at,
        kind=kind,
        expected=len(tasks),
        remaining=len(tasks),
        available=available,
        demand=allotment.demand,
        held_for_balance=sum(allotment.held.values()),
    )
    if not runs.start(state, tasks):  # another invocation planned it first
        started = runs.run(run_at)
        assert started is not None
        return _again(started, runs, store, queue, bank_files, alerts)
    if not tasks:  # nothing to fan out: the run is finished here
        finish_payout_run(state, runs, store, bank_files, alerts)
        return RunPlan(run_at, kind, finished=True)
    queue.send(tasks)
    return RunPlan(
        run_at,
        kind,
        campaigns=len(tasks),
        sent=len(tasks),
        allotment=allotment,
        balance_error=balance_error,
    )


def _again(
    state: RunState,
    runs: PayoutRunStore,
    store: PayoutStore,
    queue: PayoutTaskQueue,
    bank_files: BankFileStore,
    alerts: AlertStore,
) -> RunPlan:
    """The run was planned already: send the unsettled campaigns' tasks again; if every
    campaign is settled but the run is not finished (its finisher died and its task is not
    coming back), finish it (each of its writes is made once, whoever makes it)."""
    again = RunPlan(state.run_at, state.kind, campaigns=state.expected, again=True)
    if state.finished:
        return replace(again, finished=True)
    settled = runs.settled_campaigns(state.run_at)
    tasks: Sequence[PayoutTask] = [
        task for task in runs.tasks(state.run_at) if task.campaign.campaign_id not in settled
    ]
    if not tasks and state.remaining == 0:
        finish_payout_run(state, runs, store, bank_files, alerts)
        return replace(again, finished=True)
    queue.send(tasks)
    return replace(again, sent=len(tasks))
