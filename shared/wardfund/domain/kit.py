"""A ward-assembly kit: the Payment Links a ward's table shows as QR codes, and the sheet.

Monthly gifts at set amounts and at an amount the donor chooses (a £1-a-month price with an
adjustable quantity: Stripe has no pay-what-you-want for recurring prices), and a one-off
gift of any amount. Each link carries the campaign and ward in its metadata, copied to the
subscription or payment, which is how the pipeline attributes the gift.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from wardfund.domain.campaign import Campaign
from wardfund.domain.errors import WardfundError

DEFAULT_MONTHLY_PENCE = (500, 1000, 2000)
CHOOSE_MINIMUM_POUNDS, CHOOSE_DEFAULT_POUNDS, CHOOSE_MAXIMUM_POUNDS = 3, 10, 500
ONE_OFF_MINIMUM_PENCE, ONE_OFF_PRESET_PENCE = 100, 1000
MAX_LINKS = 8
DOUBLED = "Your first monthly payment is doubled while the match lasts."
DOUBLED_AFTER_LAUNCH = (
    "Your first monthly payment will be doubled, while the match lasts, "
    "from the campaign's launch event."
)


class KitRefused(WardfundError):
    """No kit for that campaign or ward (or those amounts)."""


@dataclass(frozen=True)
class KitItem:
    key: str  # stable: names the stored link and the price's lookup key
    label: str
    mode: Literal["subscription", "payment"]
    unit_amount: int | None  # pence; None: the donor chooses (one-off)
    adjustable: bool = False  # monthly, £1 a unit, the donor chooses how many

    @property
    def lookup_key(self) -> str:
        return f"wardfund_{self.key}_gbp"


@dataclass(frozen=True)
class KitLink:
    item: KitItem
    link_id: str
    url: str
    reused: bool


@dataclass(frozen=True)
class KitSheet:
    campaign_id: str
    campaign_name: str
    ward: str
    links: tuple[KitLink, ...]
    doubled_line: str | None


def ward_key(ward: str) -> str:
    """`Queen's Park` → `queen-s-park`: names the stored links, never shown."""
    key = re.sub(r"[^a-z0-9]+", "-", ward.strip().lower()).strip("-")
    if not key:
        raise KitRefused(f"ward {ward!r} needs at least one letter or digit")
    return key[:60]


def _pounds(pence: int) -> str:
    return f"£{pence // 100}" if pence % 100 == 0 else f"£{pence / 100:.2f}"


def kit_items(monthly_pence: Sequence[int] = DEFAULT_MONTHLY_PENCE) -> tuple[KitItem, ...]:
    amounts = sorted(set(monthly_pence))
    if not amounts or any(p < 100 for p in amounts) or len(amounts) + 2 > MAX_LINKS:
        raise KitRefused(
            f"monthly amounts must be £1 or more, 1 to {MAX_LINKS - 2} of them: {monthly_pence}"
        )
    fixed = [KitItem(f"monthly_{p}", f"{_pounds(p)} a month", "subscription", p) for p in amounts]
    return (
        *fixed,
        KitItem("monthly_choose", "Monthly: you choose the amount", "subscription", 100, True),
        KitItem("one_off", "A one-off gift", "payment", None),
    )


def doubled_line(campaign: Campaign, matched: int, at: datetime) -> str | None:
    """The match line, when a first monthly payment can still be doubled."""
    if not campaign.in_agreement(at) or matched >= campaign.match_cap_pence:
        return None
    return DOUBLED if campaign.match_open(at) else DOUBLED_AFTER_LAUNCH


def check_kit_allowed(campaign: Campaign, at: datetime) -> None:
    if not campaign.in_agreement(at):
        raise KitRefused(
            f"campaign {campaign.campaign_id} is no longer in the agreement: no new links"
        )
