"""Use case: the Payment Links of a ward-assembly kit, made once and reused after."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from wardfund.domain.campaign import Campaign
from wardfund.domain.errors import InvalidCampaign
from wardfund.domain.kit import (
    DEFAULT_MONTHLY_PENCE,
    KitItem,
    KitLink,
    KitRefused,
    KitSheet,
    check_kit_allowed,
    check_privacy,
    doubled_line,
    imprint_of,
    kit_items,
    link_notice,
    ward_key,
)

LINK_VERSION = "v1"  # part of the idempotency key: bump to make new links on purpose


class Campaigns(Protocol):
    def get(self, campaign_id: str) -> Campaign | None: ...


class MatchedSoFar(Protocol):
    def __call__(self, campaign_id: str) -> int: ...


class KitStore(Protocol):
    def link(self, campaign_id: str, ward_key: str, item_key: str) -> tuple[str, str] | None: ...
    def save_link(
        self,
        campaign_id: str,
        ward_key: str,
        ward: str,
        item_key: str,
        link: tuple[str, str],
        at: datetime,
    ) -> None: ...


class PaymentLinks(Protocol):
    def price(self, item: KitItem) -> str: ...
    def create_link(
        self,
        campaign_id: str,
        ward: str,
        item: KitItem,
        price_id: str,
        idempotency_key: str,
        notice: str,
    ) -> tuple[str, str]: ...
    def is_active(self, link_id: str) -> bool: ...
    def set_notice(self, link_id: str, notice: str) -> None: ...


class AuditLog(Protocol):
    def record(
        self, campaign_id: str, *, action: str, by: str, at: datetime, detail: str
    ) -> None: ...


def prepare_kit(
    campaigns: Campaigns,
    matched: MatchedSoFar,
    store: KitStore,
    links: PaymentLinks,
    audit: AuditLog,
    campaign_id: str,
    ward: str,
    *,
    monthly_pence: Sequence[int] = DEFAULT_MONTHLY_PENCE,
    organisation: str,
    privacy_url: str,
    by: str,
    at: datetime,
) -> KitSheet:
    campaign = campaigns.get(campaign_id)
    if campaign is None:
        raise InvalidCampaign(f"no campaign with id {campaign_id!r}")
    ward = " ".join(ward.split())
    if not ward:
        raise KitRefused("the ward needs a name")
    key = ward_key(ward)
    check_kit_allowed(campaign, at)
    imprint = imprint_of(campaign)  # refused before any link is made without them
    check_privacy(organisation, privacy_url)
    notice = link_notice(campaign, imprint, organisation, privacy_url.strip())
    made: list[KitLink] = []
    for item in kit_items(monthly_pence):
        stored = store.link(campaign_id, key, item.key)
        if stored is not None and links.is_active(stored[0]):
            links.set_notice(stored[0], notice)  # the imprint or privacy link may have changed
            made.append(KitLink(item, stored[0], stored[1], reused=True))
            continue
        attempt = f"{LINK_VERSION}-{stored[0]}" if stored else LINK_VERSION
        link = links.create_link(
            campaign_id,
            ward,
            item,
            links.price(item),
            f"wf-kit-{campaign_id}-{key}-{item.key}-{attempt}",
            notice,
        )
        store.save_link(campaign_id, key, ward, item.key, link, at)
        made.append(KitLink(item, link[0], link[1], reused=False))
    created = sum(not link.reused for link in made)
    audit.record(
        campaign_id,
        action="kit prepared",
        by=by,
        at=at,
        detail=f"{ward}: {created} link(s) created, {len(made) - created} reused",
    )
    return KitSheet(
        campaign_id=campaign_id,
        campaign_name=campaign.name,
        ward=ward,
        links=tuple(made),
        doubled_line=doubled_line(campaign, matched(campaign_id), at),
        organisation=organisation.strip(),
        imprint=imprint,
        privacy_url=privacy_url.strip(),
    )
