"""Use cases on campaign settings: register, hold the launch event, withdraw."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Protocol

from wardfund.domain.campaign import Campaign
from wardfund.domain.errors import InvalidCampaign


class CampaignStore(Protocol):
    def get(self, campaign_id: str) -> Campaign | None: ...
    def all(self) -> list[Campaign]: ...
    def save(self, campaign: Campaign, *, changed_by: str, change: str) -> Campaign: ...


class UnknownCampaign(InvalidCampaign):
    pass


def _existing(store: CampaignStore, campaign_id: str) -> Campaign:
    found = store.get(campaign_id)
    if found is None:
        raise UnknownCampaign(f"no campaign with id {campaign_id!r}")
    return found


def register_campaign(store: CampaignStore, campaign: Campaign, *, by: str) -> Campaign:
    """Adds a campaign, or updates its settings when it exists (same id)."""
    existing = store.get(campaign.campaign_id)
    if existing is None:
        return store.save(replace(campaign, version=0), changed_by=by, change="added")
    return store.save(replace(campaign, version=existing.version), changed_by=by, change="updated")


def hold_launch_event(
    store: CampaignStore, campaign_id: str, held_on: date, *, by: str
) -> Campaign:
    campaign = _existing(store, campaign_id)
    return store.save(
        replace(campaign, launch_event_on=held_on), changed_by=by, change=f"launch event {held_on}"
    )


def withdraw_campaign(store: CampaignStore, campaign_id: str, at: datetime, *, by: str) -> Campaign:
    campaign = _existing(store, campaign_id)
    if campaign.withdrawn_at is not None and campaign.withdrawn_at <= at:
        return campaign
    return store.save(replace(campaign, withdrawn_at=at), changed_by=by, change=f"withdrew {at}")
