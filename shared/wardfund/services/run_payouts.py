"""Use case: the scheduled payout run (FORMAT.md rule 5), safe to repeat or resume.

For each campaign the payout intent, its journal entry and the new settlement watermark
are written in one transaction before any money moves; the transfer then uses the
payout id as Stripe's idempotency key, so a crash or a second invocation pays no one twice.
A payout an earlier run recorded but could not make (Stripe down, an account to fix, every
retry spent) is made by the next run; as Stripe forgets idempotency keys after about a day,
that run first looks for a transfer the earlier attempts may have made.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from wardfund.domain.calendar import london_date
from wardfund.domain.campaign import Campaign
from wardfund.domain.figures import ZERO, CampaignFigures
from wardfund.domain.payouts import (
    PayoutFrequency,
    PayoutMethod,
    PayoutPlan,
    PayoutStatus,
    is_payout_week,
    plan_payout,
)
from wardfund.domain.postings import post_payout
from wardfund.domain.run_report import CampaignRunLine, RunReport
from wardfund.services.ports import (
    BankFileStore,
    CampaignBalance,
    GuardFailed,
    PayoutRecord,
    PayoutStore,
    TransferFailed,
    TransferGateway,
)


class PayoutRunIncomplete(Exception):
    """Some campaigns could not be paid this time; the run is retried and resumes."""


@dataclass
class RunSummary:
    run_at: datetime
    skipped_off_week: bool = False
    paid: list[PayoutRecord] = field(default_factory=list)
    carried: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    bank_file: str | None = None
    lines: list[CampaignRunLine] = field(default_factory=list)

    def report(self) -> RunReport:
        return RunReport(run_at=self.run_at, lines=tuple(self.lines), bank_file=self.bank_file)


def _method(campaign: Campaign) -> PayoutMethod:
    if campaign.connect_account_id:
        return PayoutMethod.STRIPE_TRANSFER
    return PayoutMethod.BANK_TRANSFER


def _plan_and_record(
    campaign: Campaign, run_at: datetime, store: PayoutStore, balance: CampaignBalance
) -> PayoutRecord | int:
    """Returns the new pending payout, or the amount carried when nothing is paid."""
    lines = store.unsettled_lines(campaign.campaign_id, balance.settled_through, run_at)
    plan = plan_payout(campaign.campaign_id, run_at, lines, _method(campaign))
    if plan is None:
        return sum(line.figures.owed for line in lines)
    store.record_payout(
        plan,
        post_payout(plan.payout_id, plan.campaign_id, plan.amount, run_at),
        balance.settled_through,
    )
    return PayoutRecord(plan, PayoutStatus.PENDING)


def _before_payout(balance: CampaignBalance, found: PayoutRecord | None) -> CampaignFigures:
    """The campaign's figures as they stood before this run's payout (a resumed run has
    already counted it)."""
    if found is None:
        return balance.figures
    return replace(balance.figures, paid_out=balance.figures.paid_out - found.plan.amount)


def _complete(
    campaign: Campaign,
    record: PayoutRecord,
    store: PayoutStore,
    transfers: TransferGateway,
    *,
    completed_in: datetime | None = None,
) -> PayoutRecord:
    """Makes a pending payout the way it was planned; `completed_in`: the later run that
    completes an earlier run's payout (by then Stripe may have forgotten the key)."""
    plan: PayoutPlan = record.plan
    if record.status is not PayoutStatus.PENDING:
        return record
    if plan.method is PayoutMethod.STRIPE_TRANSFER:
        key = f"payout-{plan.payout_id}"
        made = None
        if completed_in is not None:
            made = transfers.find_transfer(idempotency_key=key, run_at=plan.run_at)
        if made is None:
            if not campaign.connect_account_id:
                raise TransferFailed(
                    "the campaign has no Stripe connected account now; the payout is held "
                    "until it has one"
                )
            made = transfers.transfer(
                idempotency_key=key,
                amount=plan.amount,
                destination=campaign.connect_account_id,
                campaign_id=campaign.campaign_id,
                run_at=plan.run_at,
            )
        store.mark_payout(plan, PayoutStatus.PAID, made, completed_in=completed_in)
        return PayoutRecord(plan, PayoutStatus.PAID, made)
    reference = bank_reference(plan)
    store.mark_payout(
        plan, PayoutStatus.AWAITING_BANK_TRANSFER, reference, completed_in=completed_in
    )
    return PayoutRecord(plan, PayoutStatus.AWAITING_BANK_TRANSFER, reference)


def bank_reference(plan: PayoutPlan) -> str:
    """At most 18 characters, as UK Faster Payments references allow."""
    return f"WF{london_date(plan.run_at):%y%m%d}{plan.campaign_id.upper().replace('-', '')}"[:18]


def _bank_rows(campaigns: dict[str, Campaign], records: list[PayoutRecord]) -> list[dict[str, str]]:
    rows = []
    for record in records:
        if record.status is not PayoutStatus.AWAITING_BANK_TRANSFER:
            continue
        campaign = campaigns[record.plan.campaign_id]
        rows.append(
            {
                "payout_id": record.plan.payout_id,
                "campaign_id": campaign.campaign_id,
                "payee": campaign.name,
                "bank_details_reference": campaign.bank_reference or "",
                "amount_pence": str(record.plan.amount),
                "amount_gbp": f"{record.plan.amount / 100:.2f}",
                "reference": record.reference or "",
            }
        )
    return rows


def _add_paid(summary: RunSummary, line: CampaignRunLine, done: PayoutRecord) -> None:
    summary.paid.append(done)
    summary.lines.append(
        replace(
            line,
            paid=done.plan.amount,
            method=str(done.plan.method),
            status=str(done.status),
            reference=done.reference,
        )
    )


def _resume_earlier(
    campaign: Campaign,
    run_at: datetime,
    balance: CampaignBalance,
    store: PayoutStore,
    transfers: TransferGateway,
    summary: RunSummary,
) -> None:
    """Completes the payouts earlier runs recorded and could not make. A failure is its own
    line (and alert); it holds back only that payout, not this run's."""
    for earlier in (run for run in balance.unpaid_runs if run < run_at):
        line = CampaignRunLine(campaign.campaign_id, campaign.name, ZERO, resumed_from=earlier)
        record = store.payout(campaign.campaign_id, earlier)
        if record is None or record.status is not PayoutStatus.PENDING:
            continue
        try:
            done = _complete(campaign, record, store, transfers, completed_in=run_at)
        except (TransferFailed, GuardFailed) as error:
            reason = f"the payout held from the run of {london_date(earlier):%d %b %Y}: {error}"
            summary.failed[f"{campaign.campaign_id} (held)"] = reason
            summary.lines.append(replace(line, carried=record.plan.amount, failure=reason))
            continue
        _add_paid(summary, line, done)


def _completed_before(
    campaign: Campaign, records: Sequence[PayoutRecord], summary: RunSummary
) -> None:
    """Earlier runs' payouts an earlier try of this run completed: still this run's to report."""
    for record in records:
        line = CampaignRunLine(
            campaign.campaign_id, campaign.name, ZERO, resumed_from=record.plan.run_at
        )
        _add_paid(summary, line, record)


def _pay_campaign(
    campaign: Campaign,
    run_at: datetime,
    store: PayoutStore,
    transfers: TransferGateway,
    summary: RunSummary,
) -> None:
    line = CampaignRunLine(campaign.campaign_id, campaign.name, ZERO)
    failure: str | None = None
    try:
        balance = store.balance(campaign.campaign_id)
        _resume_earlier(campaign, run_at, balance, store, transfers, summary)
        existing = store.payout(campaign.campaign_id, run_at)
        line = replace(line, to_date=_before_payout(balance, existing))
        found = existing or _plan_and_record(campaign, run_at, store, balance)
        if isinstance(found, int):
            if found:
                summary.carried[campaign.campaign_id] = found
            summary.lines.append(replace(line, carried=found))
            return
        done = _complete(campaign, found, store, transfers)
        _add_paid(summary, line, done)
    except GuardFailed as error:
        failure = f"ledger moved during the run: {error}"
    except TransferFailed as error:  # one campaign's failure must not stop the others
        failure = str(error)
    if failure is not None:
        summary.failed[campaign.campaign_id] = failure
        summary.lines.append(replace(line, failure=failure))


def run_payouts(
    run_at: datetime,
    frequency: PayoutFrequency,
    store: PayoutStore,
    transfers: TransferGateway,
    bank_files: BankFileStore,
) -> RunSummary:
    """Pays every campaign what it is owed, then records the run's summary (and an alert for
    each campaign that could not be paid) for the national finance email."""
    summary = RunSummary(run_at=run_at)
    if not is_payout_week(run_at, frequency):
        summary.skipped_off_week = True
        return summary
    campaigns = {campaign.campaign_id: campaign for campaign in store.campaigns()}
    completed_before: dict[str, list[PayoutRecord]] = {}
    for record in store.completed_in(run_at):
        completed_before.setdefault(record.plan.campaign_id, []).append(record)
    for campaign in campaigns.values():
        _completed_before(campaign, completed_before.get(campaign.campaign_id, []), summary)
        _pay_campaign(campaign, run_at, store, transfers, summary)
    rows = _bank_rows(campaigns, summary.paid)
    if rows:
        summary.bank_file = bank_files.write(run_at, rows)
    store.record_run(summary.report())
    if summary.failed:
        raise PayoutRunIncomplete(
            f"{len(summary.failed)} campaign(s) not paid: {sorted(summary.failed)}"
        )
    return summary
