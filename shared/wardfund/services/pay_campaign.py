"""Use case: one campaign's unit of work in a payout run (FORMAT.md rule 5).

For the campaign, the payout intent, its journal entry and the new settlement watermark
are written in one transaction before any money moves; the transfer then uses the payout
id as Stripe's idempotency key, so a crash, a repeat delivery or a second run pays no one
twice. A payout an earlier run recorded but could not make (Stripe down, an account to fix,
not enough available balance) is made first; as Stripe forgets idempotency keys after
about a day, it is made only after looking for a transfer an earlier attempt made.

What the campaign may transfer through Stripe is bounded by the run's balance check
(`PayoutTask.allowance`); a payout beyond it, or one Stripe refuses as
`balance_insufficient`, is held (recorded, pending) for the daily retry. Any other failure
is tried again (the task is delivered again) until the last attempt, which holds it with
its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from wardfund.domain.calendar import london_date
from wardfund.domain.campaign import Campaign
from wardfund.domain.figures import ZERO, CampaignFigures
from wardfund.domain.payout_run import PayoutTask, Settlement
from wardfund.domain.payouts import PayoutMethod, PayoutPlan, PayoutStatus, plan_payout
from wardfund.domain.postings import post_payout
from wardfund.domain.run_report import CampaignRunLine
from wardfund.services.ports import (
    BalanceInsufficient,
    CampaignBalance,
    GuardFailed,
    PayoutRecord,
    PayoutStore,
    TransferFailed,
    TransferGateway,
)

BALANCE_HOLD = (
    "held: Stripe's available balance does not cover it; it is tried again daily, first in line"
)


class TryAgain(Exception):
    """A failure worth another attempt (Stripe down, a race on the ledger): the campaign's
    task is delivered again, after a back-off; nothing it did is lost or done twice."""


class _HeldForBalance(Exception):
    pass


class _Budget:
    """What the campaign may still transfer through Stripe in this run."""

    def __init__(self, allowance: int | None) -> None:
        self.left = allowance

    def spend(self, amount: int) -> bool:
        if self.left is None:
            return True
        if amount > self.left:
            return False
        self.left -= amount
        return True


def bank_reference(plan: PayoutPlan) -> str:
    """At most 18 characters, as UK Faster Payments references allow."""
    return f"WF{london_date(plan.run_at):%y%m%d}{plan.campaign_id.upper().replace('-', '')}"[:18]


def _method(campaign: Campaign) -> PayoutMethod:
    """By Stripe transfer only to an account Stripe says can receive one (domain/connect)."""
    if campaign.pays_by_transfer:
        return PayoutMethod.STRIPE_TRANSFER
    return PayoutMethod.BANK_TRANSFER


def _complete(
    campaign: Campaign,
    record: PayoutRecord,
    store: PayoutStore,
    transfers: TransferGateway,
    budget: _Budget,
    *,
    completed_in: datetime | None = None,
    look_first: bool = True,
) -> PayoutRecord:
    """Makes a pending payout the way it was planned; `completed_in`: the later run that
    completes an earlier run's payout. Unless the payout was recorded by this very attempt
    (`look_first` False), an earlier attempt may have made the transfer, and its task may
    come back after Stripe has forgotten the key (a day later, from a dead-letter queue): so
    the transfer is looked for first."""
    plan = record.plan
    if record.status is not PayoutStatus.PENDING:
        return record
    if plan.method is PayoutMethod.STRIPE_TRANSFER:
        key = f"payout-{plan.payout_id}"
        made = None
        if look_first:
            made = transfers.find_transfer(idempotency_key=key, run_at=plan.run_at)
        if made is None:
            if not campaign.connect_account_id:
                raise TransferFailed(
                    "the campaign has no Stripe connected account now; the payout is held "
                    "until it has one"
                )
            if not budget.spend(plan.amount):
                raise _HeldForBalance(BALANCE_HOLD)
            try:
                made = transfers.transfer(
                    idempotency_key=key,
                    amount=plan.amount,
                    destination=campaign.connect_account_id,
                    campaign_id=campaign.campaign_id,
                    run_at=plan.run_at,
                )
            except BalanceInsufficient as error:
                raise _HeldForBalance(f"{BALANCE_HOLD} ({error})") from error
        store.mark_payout(plan, PayoutStatus.PAID, made, completed_in=completed_in)
        return PayoutRecord(plan, PayoutStatus.PAID, made)
    reference = bank_reference(plan)
    store.mark_payout(
        plan, PayoutStatus.AWAITING_BANK_TRANSFER, reference, completed_in=completed_in
    )
    return PayoutRecord(plan, PayoutStatus.AWAITING_BANK_TRANSFER, reference)


def _paid_line(line: CampaignRunLine, done: PayoutRecord) -> CampaignRunLine:
    return replace(
        line,
        paid=done.plan.amount,
        method=str(done.plan.method),
        status=str(done.status),
        reference=done.reference,
    )


@dataclass
class _Attempt:
    task: PayoutTask
    store: PayoutStore
    transfers: TransferGateway
    last_attempt: bool

    def __post_init__(self) -> None:
        self.budget = _Budget(self.task.allowance)

    @property
    def campaign(self) -> Campaign:
        return self.task.campaign

    def fail(self, error: Exception, what: str) -> str:
        """The failure's reason for the report, or TryAgain while attempts are left."""
        if not self.last_attempt:
            raise TryAgain(f"{self.campaign.campaign_id}: {what}: {error}") from error
        return f"{what}: {error}" if what else str(error)

    def resume_earlier(self, balance: CampaignBalance) -> list[CampaignRunLine]:
        """Completes the payouts earlier runs recorded and could not make, oldest first.
        A failure is its own line (and alert); it holds back only that payout."""
        lines = []
        run_at = self.task.run_at
        for earlier in (run for run in balance.unpaid_runs if run < run_at):
            record = self.store.payout(self.campaign.campaign_id, earlier)
            if record is None or record.status is not PayoutStatus.PENDING:
                continue
            line = CampaignRunLine(
                self.campaign.campaign_id, self.campaign.name, ZERO, resumed_from=earlier
            )
            held = f"the payout held from the run of {london_date(earlier):%d %b %Y}"
            try:
                done = _complete(
                    self.campaign, record, self.store, self.transfers, self.budget,
                    completed_in=run_at,
                )  # fmt: skip
            except _HeldForBalance as hold:
                lines.append(
                    replace(
                        line,
                        carried=record.plan.amount,
                        failure=f"{held}: {hold}",
                        held_for_balance=True,
                    )
                )
                continue
            except (TransferFailed, GuardFailed) as error:
                reason = self.fail(error, held)
                lines.append(replace(line, carried=record.plan.amount, failure=reason))
                continue
            lines.append(_paid_line(line, done))
        return lines

    def this_run(self, balance: CampaignBalance) -> CampaignRunLine:
        run_at = self.task.run_at
        line = CampaignRunLine(self.campaign.campaign_id, self.campaign.name, ZERO)
        found: PayoutRecord | int | None = None
        try:
            existing = None
            if balance.settled_through is not None and balance.settled_through >= run_at:
                existing = self.store.payout(self.campaign.campaign_id, run_at)
            line = replace(line, to_date=_before_payout(balance, existing))
            found = existing or self._plan_and_record(balance)
            if isinstance(found, int):
                return replace(line, carried=found)
            done = _complete(
                self.campaign, found, self.store, self.transfers, self.budget,
                look_first=existing is not None,
            )  # fmt: skip
            return _paid_line(line, done)
        except _HeldForBalance as hold:
            amount = found.plan.amount if isinstance(found, PayoutRecord) else 0
            return replace(line, carried=amount, failure=str(hold), held_for_balance=True)
        except GuardFailed as error:
            return replace(line, failure=self.fail(error, "ledger moved during the run"))
        except TransferFailed as error:  # one campaign's failure must not stop the others
            return replace(line, failure=self.fail(error, ""))

    def _plan_and_record(self, balance: CampaignBalance) -> PayoutRecord | int:
        """Returns the new pending payout, or the amount carried when nothing is paid."""
        run_at = self.task.run_at
        cid = self.campaign.campaign_id
        lines = self.store.unsettled_lines(cid, balance.settled_through, run_at)
        plan = plan_payout(cid, run_at, lines, _method(self.campaign))
        if plan is None:
            return sum(line.figures.owed for line in lines)
        self.store.record_payout(
            plan, post_payout(plan.payout_id, cid, plan.amount, run_at), balance.settled_through
        )
        return PayoutRecord(plan, PayoutStatus.PENDING)


def _before_payout(balance: CampaignBalance, found: PayoutRecord | None) -> CampaignFigures:
    """The campaign's figures as they stood before this run's payout (a resumed task has
    already counted it)."""
    if found is None:
        return balance.figures
    return replace(balance.figures, paid_out=balance.figures.paid_out - found.plan.amount)


def pay_campaign(
    task: PayoutTask,
    store: PayoutStore,
    transfers: TransferGateway,
    *,
    last_attempt: bool = True,
) -> Settlement:
    """Pays the campaign of `task` what the run owes it; returns its report lines. Raises
    TryAgain for a failure another attempt may not have (unless this is the last)."""
    attempt = _Attempt(task, store, transfers, last_attempt)
    balance = store.balance(task.campaign.campaign_id)
    lines = attempt.resume_earlier(balance)
    if task.kind == "run":
        lines.append(attempt.this_run(balance))
    campaign = task.campaign
    return Settlement(campaign.campaign_id, campaign.name, campaign.bank_reference, tuple(lines))
