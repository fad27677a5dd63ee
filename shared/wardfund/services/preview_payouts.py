"""Use case: what the next payout run would pay each campaign, and why, without paying
(`wardfund payout preview`, issue 14, section 1).

Read only. It asks the same questions the run asks, with the run's own rules: the ledger
lines a payout at `run_at` would settle (`plan_payout`: everything owed at or before the
run, in one payout when more than nothing; a negative balance is carried), each campaign's
payouts held from earlier runs, and how Stripe's available balance would be shared out
(`plan_payout_run`'s demand and `allot`: held payouts first, then the smallest, while it
lasts). Nothing is recorded, queued or transferred.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from wardfund.domain.campaign import Campaign
from wardfund.domain.figures import ZERO, CampaignFigures, total
from wardfund.domain.payout_balance import allot
from wardfund.domain.payouts import (
    LedgerLine,
    PayoutFrequency,
    PayoutMethod,
    is_payout_week,
    plan_payout,
)
from wardfund.domain.postings import PostingKind
from wardfund.services.plan_payout_run import transfer_demand
from wardfund.services.ports import PayoutStore, TransferFailed, TransferGateway

GIFTS = (str(PostingKind.PAYMENT), str(PostingKind.DISPUTE_REINSTATED))
TAKEN_BACK = (str(PostingKind.REFUND), str(PostingKind.DISPUTE_WITHDRAWN))


def _count(number: int, what: str) -> str:
    if number == 1:
        return f"1 {what}"
    plural = {"late match": "late matches", "refund or dispute": "refunds or disputes"}
    return f"{number} {plural.get(what, what + 's')}"


@dataclass(frozen=True)
class Why:
    """What the lines a payout would settle add up to, by kind."""

    gifts: int = 0
    gifts_figures: CampaignFigures = ZERO
    late_matches: int = 0
    late_match: int = 0
    taken_back: int = 0
    taken_back_owed: int = 0
    launch_costs: int = 0
    later: int = 0  # lines dated after the run: the next run's

    def words(self) -> str:
        from wardfund.domain.display import pounds

        parts = []
        if self.gifts:
            figures = self.gifts_figures
            match = f", match {pounds(figures.match)}" if figures.match else ""
            parts.append(
                f"{_count(self.gifts, 'gift')}: campaign share {pounds(figures.local_share)}{match}"
            )
        if self.late_matches:
            parts.append(f"{_count(self.late_matches, 'late match')}: {pounds(self.late_match)}")
        if self.taken_back:
            parts.append(
                f"{_count(self.taken_back, 'refund or dispute')}: {pounds(self.taken_back_owed)}"
            )
        if self.launch_costs:
            parts.append(f"launch-event invoices {pounds(self.launch_costs)}")
        if self.later:
            parts.append(f"{self.later} line(s) dated after the run wait for the next")
        return "; ".join(parts) or "nothing new since the last payout"


@dataclass(frozen=True)
class PreviewLine:
    campaign: Campaign
    method: PayoutMethod
    amount: int  # what this run would pay (0: nothing, or a debt carried)
    owed: int  # what the lines up to the run add up to (negative: carried)
    why: Why
    held_earlier: tuple[tuple[datetime, int], ...] = ()
    held_for_balance: bool = False

    @property
    def paid_by(self) -> str:
        return "Stripe transfer" if self.method is PayoutMethod.STRIPE_TRANSFER else "bank transfer"


@dataclass(frozen=True)
class PayoutPreview:
    run_at: datetime
    payout_week: bool
    lines: tuple[PreviewLine, ...] = ()
    available: int | None = None
    balance_error: str | None = None
    demand: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


def _method(campaign: Campaign) -> PayoutMethod:
    if campaign.pays_by_transfer:
        return PayoutMethod.STRIPE_TRANSFER
    return PayoutMethod.BANK_TRANSFER


def _why(lines: Sequence[LedgerLine], run_at: datetime) -> Why:
    due = [line for line in lines if line.settle_at <= run_at]
    gifts = [line for line in due if line.kind in GIFTS]
    late = [line for line in due if line.kind == str(PostingKind.LATE_MATCH)]
    back = [line for line in due if line.kind in TAKEN_BACK]
    launch = [line.figures.launch_costs for line in due]
    return Why(
        gifts=len(gifts),
        gifts_figures=total([line.figures for line in gifts]),
        late_matches=len(late),
        late_match=sum(line.figures.match for line in late),
        taken_back=len(back),
        taken_back_owed=total([line.figures for line in back]).owed,
        launch_costs=sum(launch),
        later=len(lines) - len(due),
    )


def preview_payouts(
    run_at: datetime,
    frequency: PayoutFrequency,
    store: PayoutStore,
    transfers: TransferGateway | None,
) -> PayoutPreview:
    """`transfers`: to read Stripe's available balance (None: not read)."""
    week = is_payout_week(run_at, frequency)
    campaigns = store.campaigns()
    balances = store.balances([campaign.campaign_id for campaign in campaigns])
    found: list[PreviewLine] = []
    demands = []
    for campaign in campaigns:
        cid = campaign.campaign_id
        balance = balances[cid]
        lines = store.unsettled_lines(cid, balance.settled_through, run_at)
        method = _method(campaign)
        plan = plan_payout(cid, run_at, lines, method)
        why = _why(lines, run_at)
        owed = total([line.figures for line in lines if line.settle_at <= run_at]).owed
        demand = transfer_demand(campaign, balance, run_at, "run", store)
        demands.append(demand)
        found.append(
            PreviewLine(
                campaign=campaign,
                method=method,
                amount=plan.amount if plan else 0,
                owed=owed,
                why=why,
                held_earlier=demand.held,
            )
        )
    available, balance_error = None, None
    if transfers is not None and any(demand.total > 0 for demand in demands):
        try:
            available = transfers.available_balance()
        except TransferFailed as error:
            balance_error = str(error)
    allotment = allot(demands, available)
    shown = tuple(
        PreviewLine(
            line.campaign,
            line.method,
            line.amount,
            line.owed,
            line.why,
            line.held_earlier,
            held_for_balance=line.campaign.campaign_id in allotment.held,
        )
        for line in found
    )
    notes = []
    if not week:
        notes.append("not a payout week (fortnightly runs): the run at this time pays no one")
    for campaign in campaigns:  # paid by bank, with an alert, until Stripe says it can receive
        if campaign.connect_not_ready:
            able = campaign.connect.words() if campaign.connect else "cannot receive transfers"
            notes.append(
                f"{campaign.campaign_id}: its Stripe account {campaign.connect_account_id} "
                f"{able}; paid by bank transfer"
            )
    return PayoutPreview(
        run_at=run_at,
        payout_week=week,
        lines=shown,
        available=available,
        balance_error=balance_error,
        demand=allotment.demand,
        notes=tuple(notes),
    )


__all__ = ["PayoutPreview", "PreviewLine", "Why", "preview_payouts"]
