"""Use cases on the ledger as it stands: campaign reports, the national summary, the donor
data a campaign is given under the agreement (audited), and permissibility checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from wardfund.domain.account_report import CampaignReport, ReportEntry, build_report
from wardfund.domain.calendar import london_date
from wardfund.domain.campaign import Campaign
from wardfund.domain.donor_report import DonorSummary, Movement, donor_summaries
from wardfund.domain.errors import InvalidCampaign
from wardfund.domain.facts import Donor
from wardfund.domain.permissibility import (
    PermissibilityReview,
    PermissibilityRules,
    gifts_from_payments,
    review_permissibility,
)
from wardfund.domain.postings import Payment


@dataclass
class CampaignLedger:
    """A campaign's ledger entries, the gifts' movements, and the payments they name."""

    entries: list[ReportEntry] = field(default_factory=list)
    movements: list[Movement] = field(default_factory=list)
    payments: dict[str, tuple[Payment, Donor]] = field(default_factory=dict)


class LedgerSource(Protocol):
    def read(self, campaign_id: str) -> CampaignLedger: ...


class Campaigns(Protocol):
    def get(self, campaign_id: str) -> Campaign | None: ...
    def all(self) -> list[Campaign]: ...


class AuditLog(Protocol):
    def record(
        self,
        campaign_id: str,
        *,
        action: str,
        by: str,
        at: datetime,
        detail: str,
        principal: str | None = None,
    ) -> None: ...


def _campaign(campaigns: Campaigns, campaign_id: str) -> Campaign:
    found = campaigns.get(campaign_id)
    if found is None:
        raise InvalidCampaign(f"no campaign with id {campaign_id!r}")
    return found


def campaign_report(
    ledger: LedgerSource, campaigns: Campaigns, campaign_id: str, start: date, end: date
) -> CampaignReport:
    campaign = _campaign(campaigns, campaign_id)
    entries = ledger.read(campaign_id).entries
    return build_report(campaign.campaign_id, campaign.name, entries, start, end)


def all_reports(
    ledger: LedgerSource, campaigns: Campaigns, start: date, end: date
) -> list[CampaignReport]:
    return [
        build_report(c.campaign_id, c.name, ledger.read(c.campaign_id).entries, start, end)
        for c in sorted(campaigns.all(), key=lambda c: c.campaign_id)
    ]


def export_donors(
    ledger: LedgerSource,
    campaigns: Campaigns,
    audit: AuditLog,
    campaign_id: str,
    *,
    by: str,
    at: datetime,
    destination: str,
    principal: str | None = None,
) -> list[DonorSummary]:
    """Every donor of the campaign with their gifts; the export is written to the audit trail
    (with `principal`, the caller's AWS identity on a deployed stage) before it is returned."""
    _campaign(campaigns, campaign_id)
    read = ledger.read(campaign_id)
    donors = donor_summaries(read.payments, read.movements)
    audit.record(
        campaign_id,
        action="donor data exported",
        by=by,
        at=at,
        detail=f"{len(donors)} donor(s), {len(read.payments)} gift(s) to {destination}",
        principal=principal,
    )
    return donors


PERMISSIBILITY_READ = "permissibility checks read"


def record_permissibility_read(
    audit: AuditLog,
    reviews: list[tuple[Campaign, PermissibilityReview]],
    *,
    by: str,
    at: datetime,
    principal: str | None,
    start: date,
    end: date,
    destination: str,
) -> int:
    """Writes to each campaign's audit trail that its donors' names and emails were read (the
    permissibility checks show them), before they are shown; a campaign none of whose donors
    is shown gets no entry. Returns the entries written."""
    written = 0
    for campaign, review in reviews:
        shown = {check.donor.donor_ref for check in review.checks}
        shown |= {near.donor.donor_ref for near in review.review}
        shown |= {total.donor.donor_ref for total in review.reportable}
        if not shown:
            continue
        audit.record(
            campaign.campaign_id,
            action=PERMISSIBILITY_READ,
            by=by,
            at=at,
            detail=f"{len(shown)} donor(s), gifts {start} to {end}, to {destination}",
            principal=principal,
        )
        written += 1
    return written


def permissibility_review(
    campaign: Campaign, read: CampaignLedger, start: date, end: date, rules: PermissibilityRules
) -> PermissibilityReview:
    """The campaign's gifts as they stood at the end of `end` (London), judged by the one
    rule; the gifts given from `start` to `end` are the ones looked at."""
    known = {
        pid: found for pid, found in read.payments.items() if london_date(found[0].paid_at) <= end
    }
    raised: dict[str, int] = {}
    for movement in read.movements:
        if movement.payment_id in known and london_date(movement.at) <= end:
            raised[movement.payment_id] = raised.get(movement.payment_id, 0) + movement.raised
    return review_permissibility(
        gifts_from_payments(known, raised),
        {donor.donor_ref: donor for _, donor in known.values()},
        campaign.campaign_type,
        rules,
        in_scope=lambda gift: start <= gift.received_on <= end,
    )


def permissibility(
    ledger: LedgerSource,
    campaigns: Campaigns,
    campaign_ids: list[str],
    start: date,
    end: date,
    rules: PermissibilityRules,
) -> list[tuple[Campaign, PermissibilityReview]]:
    if end < start:
        raise InvalidCampaign(f"the period ends ({end}) before it starts ({start})")
    found: list[tuple[Campaign, PermissibilityReview]] = []
    for campaign_id in campaign_ids:
        campaign = _campaign(campaigns, campaign_id)
        review = permissibility_review(campaign, ledger.read(campaign_id), start, end, rules)
        found.append((campaign, review))
    return found
