"""Use cases on campaign settings: add, update, import, withdraw (the launch event, which can
move money, is `launch_event.record_launch_event`).

Every change is saved as a new version with who made it, when, and what changed; invalid
settings raise `InvalidCampaign` before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields, replace
from datetime import datetime
from typing import Any, Literal, Protocol

from wardfund.domain.campaign import Campaign
from wardfund.domain.display import pounds
from wardfund.domain.errors import InvalidCampaign
from wardfund.domain.setting_words import described_change

EDITABLE = tuple(
    f.name for f in fields(Campaign) if f.name not in ("campaign_id", "version", "connect")
)
ImportOutcome = Literal["added", "updated", "unchanged"]


class CampaignStore(Protocol):
    def get(self, campaign_id: str) -> Campaign | None: ...
    def all(self) -> list[Campaign]: ...
    def save(
        self, campaign: Campaign, *, changed_by: str, change: str, at: datetime | None = None
    ) -> Campaign: ...


class UnknownCampaign(InvalidCampaign):
    pass


class CampaignExists(InvalidCampaign):
    pass


def existing(store: CampaignStore, campaign_id: str) -> Campaign:
    found = store.get(campaign_id)
    if found is None:
        raise UnknownCampaign(f"no campaign with id {campaign_id!r}")
    return found


def describe_change(before: Campaign | None, after: Campaign) -> str:
    """`Name: A → B; Match cap: £2,000.00 → £1,500.00` (or `added`), in people's words."""
    if before is None:
        return "added"
    parts = [
        described_change(name, getattr(before, name), getattr(after, name))
        for name in EDITABLE
        if getattr(before, name) != getattr(after, name)
    ]
    return "; ".join(parts) or "no change"


def add_campaign(
    store: CampaignStore, campaign: Campaign, *, by: str, at: datetime | None = None
) -> Campaign:
    if store.get(campaign.campaign_id) is not None:
        raise CampaignExists(f"campaign {campaign.campaign_id!r} exists already: use update")
    return store.save(replace(campaign, version=0), changed_by=by, change="added", at=at)


def update_campaign(
    store: CampaignStore,
    campaign_id: str,
    changes: Mapping[str, Any],
    *,
    by: str,
    at: datetime | None = None,
) -> Campaign:
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidCampaign(f"cannot change {', '.join(unknown)} of a campaign")
    before = existing(store, campaign_id)
    after = replace(before, **changes)  # the domain checks the new settings here
    change = describe_change(before, after)
    if change == "no change":
        return before
    return store.save(after, changed_by=by, change=change, at=at)


def register_campaign(
    store: CampaignStore, campaign: Campaign, *, by: str, at: datetime | None = None
) -> Campaign:
    """Adds a campaign, or updates its settings when it exists (same id)."""
    before = store.get(campaign.campaign_id)
    if before is None:
        return store.save(replace(campaign, version=0), changed_by=by, change="added", at=at)
    after = replace(campaign, version=before.version)
    return store.save(after, changed_by=by, change=describe_change(before, after), at=at)


def import_campaigns(
    store: CampaignStore,
    campaigns: Sequence[Campaign],
    *,
    by: str,
    at: datetime | None = None,
    given: Callable[[str], tuple[int, int]] | None = None,
) -> dict[str, ImportOutcome]:
    """Adds or updates each campaign; all are checked (ids unique, and with `given` — the
    match and launch-event invoices a campaign already has — the caps) before any write."""
    ids = [campaign.campaign_id for campaign in campaigns]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise InvalidCampaign(f"campaign ids appear more than once: {', '.join(repeated)}")
    for campaign in campaigns if given else ():
        assert given is not None
        matched, committed = given(campaign.campaign_id)
        if campaign.match_cap_pence < matched or campaign.launch_invoice_cap_pence < committed:
            raise InvalidCampaign(
                f"campaign {campaign.campaign_id}: a cap cannot go below what is already "
                f"matched ({pounds(matched)}) or committed to launch-event invoices "
                f"({pounds(committed)})"
            )
    outcomes: dict[str, ImportOutcome] = {}
    for campaign in campaigns:
        before = store.get(campaign.campaign_id)
        after = replace(campaign, version=before.version if before else 0)
        if before is not None and describe_change(before, after) == "no change":
            outcomes[campaign.campaign_id] = "unchanged"
            continue
        register_campaign(store, campaign, by=by, at=at)
        outcomes[campaign.campaign_id] = "added" if before is None else "updated"
    return outcomes


def withdraw_campaign(
    store: CampaignStore,
    campaign_id: str,
    at: datetime,
    *,
    by: str,
    side: str = "",
    recorded_at: datetime | None = None,
) -> Campaign:
    """From `at` on, payments stay national; the next payout settles what is owed."""
    campaign = existing(store, campaign_id)
    if campaign.withdrawn_at is not None and campaign.withdrawn_at <= at:
        return campaign
    who = f" ({side} left the agreement)" if side else ""
    return store.save(
        replace(campaign, withdrawn_at=at),
        changed_by=by,
        change=f"withdrew {at.isoformat()}{who}",
        at=recorded_at,
    )
