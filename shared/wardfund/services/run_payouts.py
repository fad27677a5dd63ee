"""Use case: the scheduled payout run (FORMAT.md rule 5), safe to repeat or resume.

For each campaign the payout intent, its journal entry and the new settlement watermark
are written in one transaction before any money moves; the transfer then uses the
payout id as Stripe's idempotency key, so a crash or a second invocation pays no one twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from wardfund.domain.calendar import london_date
from wardfund.domain.campaign import Campaign
from wardfund.domain.payouts import (
    PayoutFrequency,
    PayoutMethod,
    PayoutPlan,
    PayoutStatus,
    is_payout_week,
    plan_payout,
)
from wardfund.domain.postings import post_payout
from wardfund.services.ports import (
    BankFileStore,
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


def _method(campaign: Campaign) -> PayoutMethod:
    if campaign.connect_account_id:
        return PayoutMethod.STRIPE_TRANSFER
    return PayoutMethod.BANK_TRANSFER


def _plan_and_record(
    campaign: Campaign, run_at: datetime, store: PayoutStore
) -> PayoutRecord | int:
    """Returns the new pending payout, or the amount carried when nothing is paid."""
    balance = store.balance(campaign.campaign_id)
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


def _complete(
    campaign: Campaign, record: PayoutRecord, store: PayoutStore, transfers: TransferGateway
) -> PayoutRecord:
    plan: PayoutPlan = record.plan
    if record.status is not PayoutStatus.PENDING:
        return record
    if plan.method is PayoutMethod.STRIPE_TRANSFER and campaign.connect_account_id:
        transfer_id = transfers.transfer(
            idempotency_key=f"payout-{plan.payout_id}",
            amount=plan.amount,
            destination=campaign.connect_account_id,
            campaign_id=campaign.campaign_id,
            run_at=plan.run_at,
        )
        store.mark_payout(plan, PayoutStatus.PAID, transfer_id)
        return PayoutRecord(plan, PayoutStatus.PAID, transfer_id)
    reference = bank_reference(plan)
    store.mark_payout(plan, PayoutStatus.AWAITING_BANK_TRANSFER, reference)
    return PayoutRecord(plan, PayoutStatus.AWAITING_BANK_TRANSFER, reference)


def bank_reference(plan: PayoutPlan) -> str:
    """At most 18 characters, as UK Faster Payments references allow."""
    return f"WF{london_date(plan.run_at):%y%m%d}{plan.campaign_id.upper().replace('-', '')}"[:18]


def _bank_rows(campaigns: dict[str, Campaign], records: list[PayoutRecord]) -> list[dict[str, str]]:
    rows = []
    for record in records:
        if record.plan.method is not PayoutMethod.BANK_TRANSFER:
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


def run_payouts(
    run_at: datetime,
    frequency: PayoutFrequency,
    store: PayoutStore,
    transfers: TransferGateway,
    bank_files: BankFileStore,
) -> RunSummary:
    summary = RunSummary(run_at=run_at)
    if not is_payout_week(run_at, frequency):
        summary.skipped_off_week = True
        return summary
    campaigns = {campaign.campaign_id: campaign for campaign in store.campaigns()}
    for campaign in campaigns.values():
        try:
            found = store.payout(campaign.campaign_id, run_at) or _plan_and_record(
                campaign, run_at, store
            )
            if isinstance(found, int):
                if found:
                    summary.carried[campaign.campaign_id] = found
                continue
            summary.paid.append(_complete(campaign, found, store, transfers))
        except GuardFailed as error:
            summary.failed[campaign.campaign_id] = f"ledger moved during the run: {error}"
        except TransferFailed as error:  # one campaign's failure must not stop the others
            summary.failed[campaign.campaign_id] = str(error)
    rows = _bank_rows(campaigns, summary.paid)
    if rows:
        summary.bank_file = bank_files.write(run_at, rows)
    if summary.failed:
        raise PayoutRunIncomplete(
            f"{len(summary.failed)} campaign(s) not paid: {sorted(summary.failed)}"
        )
    return summary
