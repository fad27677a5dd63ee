"""One ledger write, tried optimistically first and then exactly: the retry loop every
posting use case shares (a Stripe event, a late match).

The first try is optimistic (cached campaign settings, no balance read) and guarded by
conditions in the one transaction; when a guard fails, later tries read fresh figures
and guard on them exactly. The cap and the payout watermark can never be overrun.

A try lost to another writer (a failed guard, or DynamoDB cancelling the transaction for a
conflict or throttling) is tried again only after a back-off with full jitter: a random
wait between zero and a ceiling that doubles with each lost try, so writers racing on one
campaign's balance spread out instead of colliding again at once.
"""

from __future__ import annotations

import random as _random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from wardfund.domain.campaign import Campaign
from wardfund.domain.payouts import settle_time
from wardfund.services.ports import (
    AlreadyRecorded,
    CampaignBalance,
    GuardFailed,
    Guards,
    LedgerStore,
    LedgerWrite,
)

MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Backoff:
    """Full jitter: before try n+1 (n tries lost), wait random() x min(cap, base x 2^(n-1)).
    `sleep` and `random` are injected so tests neither wait nor guess."""

    base_seconds: float = 0.025
    cap_seconds: float = 1.0
    sleep: Callable[[float], None] = field(default=lambda seconds: time.sleep(seconds))
    random: Callable[[], float] = field(default=lambda: _random.random())  # noqa: S311 - jitter

    def delay(self, lost_before: int) -> float:
        """The wait after `lost_before + 1` lost tries."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2.0**lost_before)
        return self.random() * ceiling

    def wait(self, lost_before: int) -> None:
        self.sleep(self.delay(lost_before))


DEFAULT_BACKOFF = Backoff()


class Outcome(StrEnum):
    POSTED = "posted"
    SUSPENSE = "suspense"
    DUPLICATE = "duplicate"
    NOTED = "noted"
    IGNORED = "ignored"


class StillContended(Exception):
    """Every try lost a race on the same campaign; the queue will deliver the event again."""


class Attempt:
    """What one try knows: cached settings first, fresh settings and balance after a race."""

    def __init__(self, store: LedgerStore, campaign_id: str | None, exact: bool) -> None:
        self.exact = exact
        self.campaign: Campaign | None = (
            store.campaign(campaign_id, fresh=exact) if campaign_id else None
        )
        self.balance: CampaignBalance | None = (
            store.balance(self.campaign.campaign_id) if exact and self.campaign else None
        )

    @property
    def matched(self) -> int:
        return self.balance.figures.match if self.balance else 0

    def settle_at(self, effective_at: datetime) -> datetime:
        if self.balance is None:
            return effective_at
        return settle_time(effective_at, self.balance.settled_through)

    def guards(self, match_given: int | None) -> Guards:
        """`match_given`: the match this posting adds (None when it adds none by rule)."""
        version = self.campaign.version if self.campaign else None
        if self.balance is None:
            at_most = None
            if match_given is not None and self.campaign is not None:
                at_most = self.campaign.match_cap_pence - match_given
            return Guards(settle_before=True, match_at_most=at_most, campaign_version=version)
        return Guards(
            settle_before=False,
            settled_through_is=self.balance.settled_through,
            match_is=self.balance.figures.match if match_given is not None else None,
            campaign_version=version,
        )


def with_retries(
    build: Callable[[Attempt], LedgerWrite],
    store: LedgerStore,
    campaign_id: str | None,
    *,
    always_exact: bool = False,
    backoff: Backoff | None = None,
) -> Outcome:
    """`always_exact`: read fresh settings and figures on the first try too. `backoff`: how
    to wait between tries (DEFAULT_BACKOFF unless a test injects its own)."""
    pause = backoff or DEFAULT_BACKOFF
    for attempt_number in range(MAX_ATTEMPTS):
        if attempt_number > 0:
            pause.wait(attempt_number - 1)
        attempt = Attempt(store, campaign_id, exact=always_exact or attempt_number > 0)
        write = build(attempt)
        try:
            store.commit(write)
        except AlreadyRecorded:
            return Outcome.DUPLICATE
        except GuardFailed:
            continue
        return Outcome.SUSPENSE if write.posting.suspense_delta else Outcome.POSTED
    raise StillContended(f"gave up after {MAX_ATTEMPTS} tries on campaign {campaign_id}")
