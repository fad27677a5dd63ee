"""A ward night's live figures: what the room's screen shows while people give (issue 17).

A **ward night** is one evening of a campaign's ward assembly, identified by three things:
the campaign id, the ward's key (`Queen's Park` → `queen-s-park`, the key the kit names its
links by) and the London date the evening began. A payment counts for the night of its London
time less `NIGHT_ROLLOVER`, so an assembly that runs past midnight keeps counting, for the
evening's date, until 04:00.

What a night counts, from each payment recorded for a campaign with a ward: new monthly
donors (first payments of monthly gifts) and what they give a month, one-off gifts and their
sum, and the match those first payments were given. Renewals, refunds and disputes do not
change a night: the page counts the room's sign-ups as they are recorded. Only aggregates:
never a donor, never one gift's amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from wardfund.domain.calendar import LONDON, require_aware
from wardfund.domain.campaign import SLUG, Campaign
from wardfund.domain.display import long_day
from wardfund.domain.postings import Allocation, Payment, PaymentKind

NIGHT_ROLLOVER = timedelta(hours=4)
WARD_KEY = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
DASH = "\u2014"


def night_of(at: datetime) -> date:
    """The ward night an instant belongs to: its London date, the small hours counting for
    the evening before."""
    return (require_aware(at).astimezone(LONDON) - NIGHT_ROLLOVER).date()


def ward_key_of(ward: str | None) -> str | None:
    """`Queen's Park` → `queen-s-park` (as `domain.kit.ward_key`); None for no usable name."""
    if not ward:
        return None
    key = re.sub(r"[^a-z0-9]+", "-", ward.strip().lower()).strip("-")[:60].rstrip("-")
    return key or None


@dataclass(frozen=True)
class NightKey:
    campaign_id: str
    ward_key: str
    night: date

    @classmethod
    def parse(cls, campaign_id: str, ward_key: str, night: str) -> NightKey | None:
        """From a URL's parts; None unless each is well formed (nothing else is looked up)."""
        if not SLUG.match(campaign_id) or not WARD_KEY.match(ward_key):
            return None
        try:
            day = date.fromisoformat(night)
        except ValueError:
            return None
        if len(night) != len("2026-06-01"):
            return None
        return cls(campaign_id, ward_key, day)


@dataclass(frozen=True)
class NightCount:
    """What one payment adds to its night."""

    key: NightKey
    ward: str
    new_monthly_donors: int = 0
    monthly_pence: int = 0
    one_off_gifts: int = 0
    one_off_pence: int = 0
    doubled_pence: int = 0


def night_count(payment: Payment, allocation: Allocation) -> NightCount | None:
    """The payment's part of its ward night, or None: a renewal, money in suspense, or a
    payment with no campaign or no ward."""
    if payment.campaign_id is None or allocation.suspense or payment.kind is PaymentKind.RENEWAL:
        return None
    ward_key = ward_key_of(payment.ward)
    if ward_key is None or payment.ward is None:
        return None
    key = NightKey(payment.campaign_id, ward_key, night_of(payment.paid_at))
    ward = " ".join(payment.ward.split())
    if payment.kind is PaymentKind.FIRST_MONTHLY:
        return NightCount(
            key, ward, new_monthly_donors=1, monthly_pence=payment.gross,
            doubled_pence=allocation.match,
        )  # fmt: skip
    return NightCount(key, ward, one_off_gifts=1, one_off_pence=payment.gross)


@dataclass(frozen=True)
class NightTotals:
    """A night's counts as stored (all zero before its first payment)."""

    ward: str | None = None
    new_monthly_donors: int = 0
    monthly_pence: int = 0
    one_off_gifts: int = 0
    one_off_pence: int = 0
    doubled_pence: int = 0


class MatchState(StrEnum):
    OPEN = "open"  # first payments are doubled now, and some of the cap is left
    BEFORE_LAUNCH = "before_launch"  # doubled from the launch event on
    USED_UP = "used_up"
    OVER = "over"  # the agreement has ended (polling day passed, or withdrawn)
    NONE = "none"  # no launch event recorded, or no cap


def pounds(pence: int) -> str:
    """`18600` → `£186`, `1850` → `£18.50`: round pounds read better across a room."""
    whole, part = divmod(max(pence, 0), 100)
    return f"£{whole:,}" if part == 0 else f"£{whole:,}.{part:02d}"


def _count(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"


@dataclass(frozen=True)
class LiveFigures:
    """Everything the page shows, numbers and words; the words are made here, once, for the
    server's first paint and for the page's script alike."""

    key: NightKey
    tonight: bool
    campaign_name: str
    ward: str
    totals: NightTotals
    match_state: MatchState
    match_cap_pence: int
    matched_pence: int
    imprint: str

    @property
    def match_left_pence(self) -> int:
        return max(self.match_cap_pence - self.matched_pence, 0)

    @property
    def title(self) -> str:
        return f"{self.ward} ward assembly"

    @property
    def when(self) -> str:
        return "tonight" if self.tonight else f"on {long_day(self.key.night)}"

    @property
    def donors_line(self) -> str:
        totals = self.totals
        if not totals.new_monthly_donors:
            return "no new monthly donors yet" if self.tonight else "no new monthly donors"
        donors = _count(totals.new_monthly_donors, "new monthly donor", "new monthly donors")
        return f"{donors}, {pounds(totals.monthly_pence)} a month"

    @property
    def headline(self) -> str:
        """`Headingley ward assembly — tonight: 17 new monthly donors, £186 a month`."""
        return f"{self.title} {DASH} {self.when}: {self.donors_line}"

    @property
    def one_off_line(self) -> str:
        gifts = self.totals.one_off_gifts
        if not gifts:
            return ""
        return f"and {_count(gifts, 'one-off gift', 'one-off gifts')}, "\
            f"{pounds(self.totals.one_off_pence)}"  # fmt: skip

    @property
    def match_line(self) -> str:
        left = pounds(self.match_left_pence)
        return {
            MatchState.OPEN: f"every first payment doubled {DASH} {left} of doubling left",
            MatchState.BEFORE_LAUNCH: "first monthly payments doubled from the launch event",
            MatchState.USED_UP: f"all {pounds(self.match_cap_pence)} of doubling given",
            MatchState.OVER: "",
            MatchState.NONE: "",
        }[self.match_state]

    @property
    def doubled_line(self) -> str:
        doubled = self.totals.doubled_pence
        return f"{pounds(doubled)} doubled {self.when}" if doubled else ""

    @property
    def thermometer_percent(self) -> int:
        """How full the match cap is, 0-100 (the thermometer)."""
        if self.match_cap_pence <= 0:
            return 0
        used = min(max(self.matched_pence, 0), self.match_cap_pence)
        return used * 100 // self.match_cap_pence

    @property
    def thermometer_label(self) -> str:
        if self.match_cap_pence <= 0 or self.match_state in (MatchState.OVER, MatchState.NONE):
            return ""
        used = min(max(self.matched_pence, 0), self.match_cap_pence)
        return f"{pounds(used)} of {pounds(self.match_cap_pence)} doubled"

    def text(self) -> dict[str, str]:
        """The page's words by element (`data-field`), set with textContent by its script."""
        return {
            "campaign": self.campaign_name,
            "title": self.title,
            "when": self.when,
            "headline": self.headline,
            "donors": f"{self.totals.new_monthly_donors:,}",
            "donors_label": "new monthly donor" if self.totals.new_monthly_donors == 1
            else "new monthly donors",
            "monthly": pounds(self.totals.monthly_pence),
            "one_off": self.one_off_line,
            "match": self.match_line,
            "doubled": self.doubled_line,
            "thermometer": self.thermometer_label,
            "imprint": self.imprint,
        }  # fmt: skip

    def as_json(self) -> dict[str, Any]:
        totals = self.totals
        return {
            "campaign_id": self.key.campaign_id,
            "ward_key": self.key.ward_key,
            "night": self.key.night.isoformat(),
            "tonight": self.tonight,
            "new_monthly_donors": totals.new_monthly_donors,
            "monthly_pence": totals.monthly_pence,
            "one_off_gifts": totals.one_off_gifts,
            "one_off_pence": totals.one_off_pence,
            "doubled_pence": totals.doubled_pence,
            "match": {
                "state": str(self.match_state),
                "cap_pence": self.match_cap_pence,
                "used_pence": min(max(self.matched_pence, 0), self.match_cap_pence),
                "left_pence": self.match_left_pence,
                "percent": self.thermometer_percent,
            },
            "text": self.text(),
        }


def match_state(campaign: Campaign, matched_pence: int, now: datetime) -> MatchState:
    if not campaign.in_agreement(now):
        return MatchState.OVER
    if campaign.launch_event_on is None or campaign.match_cap_pence <= 0:
        return MatchState.NONE
    if matched_pence >= campaign.match_cap_pence:
        return MatchState.USED_UP
    return MatchState.OPEN if campaign.match_open(now) else MatchState.BEFORE_LAUNCH


def live_figures(
    campaign: Campaign,
    key: NightKey,
    totals: NightTotals,
    matched_pence: int,
    imprint: str,
    now: datetime,
) -> LiveFigures:
    """The night's figures as the page shows them at `now`. Before its first payment the
    ward is named from its key (`queen-s-park` → `Queen S Park`) until a payment names it."""
    ward = totals.ward or key.ward_key.replace("-", " ").title()
    return LiveFigures(
        key=key,
        tonight=key.night == night_of(now),
        campaign_name=campaign.name,
        ward=ward,
        totals=totals,
        match_state=match_state(campaign, matched_pence, now),
        match_cap_pence=campaign.match_cap_pence,
        matched_pence=matched_pence,
        imprint=imprint,
    )
