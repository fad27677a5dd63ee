"""Use case: a ward night's live figures, as its public page shows them (issue 17).

Read-only. Each answer is kept `fresh_seconds` (the page's own cache, in the process), so
however many screens and phones poll one night, the table is read at most once a second per
function instance for it; the campaign's settings are kept a minute.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from wardfund.domain.campaign import Campaign
from wardfund.domain.kit import Imprint
from wardfund.domain.live_night import LiveFigures, NightKey, NightTotals, live_figures

CAMPAIGN_SECONDS = 60.0


class NightNotShown(Exception):
    """No page for that night: no such campaign, or it has no imprint to carry."""


class LiveNights(Protocol):
    def night(self, night: NightKey) -> NightTotals: ...
    def campaign(self, campaign_id: str) -> Campaign | None: ...
    def matched(self, campaign_id: str) -> int: ...


def digital_imprint(campaign: Campaign) -> str | None:
    """`Promoted by A, address, on behalf of B.`: what online material carries (no printer)."""
    promoter = (campaign.promoter_name or "").strip()
    address = (campaign.promoter_address or "").strip()
    if not promoter or not address:
        return None
    behalf = (campaign.on_behalf_of or "").strip() or promoter
    return Imprint(promoter, address, behalf, printer="").digital


class LiveFiguresReader:
    def __init__(
        self,
        nights: LiveNights,
        *,
        fresh_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._nights = nights
        self._fresh = fresh_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._figures: dict[NightKey, tuple[float, LiveFigures]] = {}
        self._campaigns: dict[str, tuple[float, Campaign | None]] = {}

    def figures(self, night: NightKey, now: datetime) -> LiveFigures:
        """The night's figures; raises NightNotShown."""
        at = self._clock()
        with self._lock:
            kept = self._figures.get(night)
        if kept is not None and at - kept[0] < self._fresh:
            return kept[1]
        campaign = self._campaign(night.campaign_id, at)
        imprint = digital_imprint(campaign) if campaign else None
        if campaign is None or imprint is None:
            raise NightNotShown(night.campaign_id)
        figures = live_figures(
            campaign,
            night,
            self._nights.night(night),
            self._nights.matched(night.campaign_id),
            imprint,
            now,
        )
        with self._lock:
            if len(self._figures) > 1000:  # a bound on what a stream of made-up URLs can hold
                self._figures.clear()
            self._figures[night] = (at, figures)
        return figures

    def _campaign(self, campaign_id: str, at: float) -> Campaign | None:
        kept = self._campaigns.get(campaign_id)
        if kept is not None and at - kept[0] < CAMPAIGN_SECONDS:
            return kept[1]
        campaign = self._nights.campaign(campaign_id)
        if len(self._campaigns) > 1000:
            self._campaigns.clear()
        self._campaigns[campaign_id] = (at, campaign)
        return campaign
