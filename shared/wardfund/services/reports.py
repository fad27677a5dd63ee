"""Use cases on the ledger as it stands: campaign reports, the national summary, the donor
data a campaign is given under the agreement (audited), and permissibility checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from wardfund.domain.account_report import CampaignReport, ReportEntry, build_report
from wardfund.domain.campaign import Campaign
from wardfund.domain.donor_report import (
    DonorSummary,
    Movement,
    PermissibilityCheck,
    donor_summaries,
    permissibility_checks,
)
from wardfund.domain.errors import InvalidCampaign
from wardfund.domain.facts import Donor
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
        self, campaign_id: str, *, action: str, by: str, at: datetime, detail: str
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
) -> list[DonorSummary]:
    """Every donor of the campaign with their gifts; the export is written to the audit trail."""
    _campaign(campaigns, campaign_id)
    read = ledger.read(campaign_id)
    donors = donor_summaries(read.payments, read.movements)
    audit.record(
        campaign_id,
        action="donor data exported",
        by=by,
        at=at,
        detail=f"{len(donors)} donor(s), {len(read.payments)} gift(s) to {destination}",
    )
    return donors


def permissibility(
    ledger: LedgerSource, campaigns: Campaigns, campaign_ids: list[str], start: date, end: date
) -> list[tuple[str, PermissibilityCheck]]:
    if end < start:
        raise InvalidCampaign(f"the period ends ({end}) before it starts ({start})")
    found: list[tuple[str, PermissibilityCheck]] = []
    for campaign_id in campaign_ids:
        _campaign(campaigns, campaign_id)
        read = ledger.read(campaign_id)
        checks = permissibility_checks(read.payments, read.movements, start, end)
        found.extend((campaign_id, check) for check in checks)
    return found
