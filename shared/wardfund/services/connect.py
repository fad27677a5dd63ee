"""Use case: `wardfund campaign connect CAMPAIGN` (issue 17, section 2).

Creates the campaign's Stripe connected account (unless it has one), records what Stripe
said of it (it cannot receive transfers yet), makes an onboarding link (an Account Link)
and leaves the notice that emails it to every treasurer, with an entry in the campaign's
audit trail. Run again, it makes a new link for the same account: an Account Link works
once and for minutes only.

The account is recorded before the campaign is pointed at it, so the payout run never takes
a new account for one typed in by hand (which it would pay by transfer): it pays by bank
until Stripe's `account.updated` says the account can receive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from wardfund.domain.calendar import LONDON
from wardfund.domain.campaign import Campaign
from wardfund.domain.connect import ConnectStatus
from wardfund.domain.errors import InvalidCampaign
from wardfund.domain.notices import ConnectOnboarding
from wardfund.services.campaigns import CampaignStore, existing, update_campaign


class Link(Protocol):
    @property
    def url(self) -> str: ...
    @property
    def created(self) -> datetime: ...
    @property
    def expires_at(self) -> datetime: ...


class ConnectGateway(Protocol):
    def create_account(
        self, campaign_id: str, campaign_name: str, email: str | None
    ) -> ConnectStatus: ...
    def onboarding_link(self, account_id: str, refresh_url: str, return_url: str) -> Link: ...


class ConnectRecords(Protocol):
    def record(
        self, campaign_id: str, status: ConnectStatus
    ) -> tuple[bool, ConnectStatus | None]: ...
    def onboarding_sent(
        self,
        onboarding: ConnectOnboarding,
        *,
        principal: str | None,
        detail: str,
        audited_at: datetime | None = None,
    ) -> None: ...


@dataclass(frozen=True)
class Connected:
    campaign: Campaign
    account_id: str
    created: bool  # the account was made now
    status: ConnectStatus | None  # what Stripe last said of it (None: never, typed by hand)
    link_expires_at: datetime
    emailed: tuple[str, ...]


def connect_campaign(
    campaign_id: str,
    *,
    campaigns: CampaignStore,
    records: ConnectRecords,
    stripe: ConnectGateway,
    refresh_url: str,
    return_url: str,
    by: str,
    at: datetime,
    principal: str | None = None,
) -> Connected:
    campaign = existing(campaigns, campaign_id)
    treasurers = tuple(dict.fromkeys(e.strip() for e in campaign.treasurer_emails if e.strip()))
    if not treasurers:
        raise InvalidCampaign(
            f"campaign {campaign_id} has no treasurer's email to send the link to: "
            f"add one with `wardfund campaign update {campaign_id} --treasurer EMAIL`"
        )
    for url, option in ((refresh_url, "--refresh-url"), (return_url, "--return-url")):
        if not url.startswith("https://"):
            raise InvalidCampaign(f"{option} must be an https:// address, not {url!r}")
    created = False
    status = campaign.connect
    account_id = campaign.connect_account_id
    if not account_id:
        status = stripe.create_account(campaign_id, campaign.name, treasurers[0])
        records.record(campaign_id, status)  # first: see the module's docstring
        account_id = status.account_id
        campaign = update_campaign(
            campaigns, campaign_id, {"connect_account_id": account_id}, by=by, at=at
        )
        created = True
    link = stripe.onboarding_link(account_id, refresh_url, return_url)
    until = link.expires_at.astimezone(LONDON)
    records.onboarding_sent(
        ConnectOnboarding(
            campaign_id=campaign_id,
            account_id=account_id,
            at=link.created,
            link_url=link.url,
            link_expires_at=link.expires_at,
            requested_by=by,
        ),
        principal=principal,
        audited_at=at,
        detail=(
            f"Stripe onboarding link for {account_id} emailed to {len(treasurers)} "
            f"treasurer(s); it works once, until {until:%H:%M} (London)"
        ),
    )
    return Connected(campaign, account_id, created, status, link.expires_at, treasurers)


__all__ = ["ConnectGateway", "ConnectRecords", "Connected", "connect_campaign"]
