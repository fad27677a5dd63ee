"""A ward-assembly kit: the Payment Links a ward's table shows as QR codes, and the sheet.

Monthly gifts at set amounts and at an amount the donor chooses (a £1-a-month price with an
adjustable quantity: Stripe has no pay-what-you-want for recurring prices), and a one-off
gift of any amount. Each link carries the campaign and ward in its metadata, copied to the
subscription or payment, which is how the pipeline attributes the gift.

The sheet asks for money for a candidate's campaign, so it is election material: it carries
the campaign's imprint (promoter's name and address, on whose behalf, and the printer, for
printed copies) and the organisation's name, and, since a gift is collected there and can
reveal a political opinion, a short privacy line with a link to the privacy notice. A kit is
refused until the campaign has its imprint and a privacy notice link is set. The Payment
Links carry the same privacy line and the digital imprint (no printer) in their custom text.
See docs/imprints.md.
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
    """No kit for that campaign or ward (or those amounts), or no imprint or privacy link."""


@dataclass(frozen=True)
class Imprint:
    """Who is behind the sheet, as the imprint rules ask (docs/imprints.md)."""

    promoter: str  # name
    promoter_address: str
    on_behalf_of: str  # name and address; the promoter's own when they are the same
    printer: str  # name and address

    @property
    def promoted(self) -> str:
        """`Promoted by A, address, on behalf of B, address.` (no `on behalf of` when the
        promoter publishes it for themselves)."""
        by = f"Promoted by {self.promoter}, {self.promoter_address}"
        same = self.on_behalf_of.strip().lower() in (
            self.promoter.strip().lower(),
            f"{self.promoter}, {self.promoter_address}".strip().lower(),
        )
        return f"{by}." if same else f"{by}, on behalf of {self.on_behalf_of}."

    @property
    def printed(self) -> str:
        """The imprint for printed copies: the printer, then the promoter."""
        return f"Printed by {self.printer}. {self.promoted}"

    @property
    def digital(self) -> str:
        """The imprint online (the Payment Links): no printer."""
        return self.promoted


def imprint_of(campaign: Campaign) -> Imprint:
    missing = campaign.imprint_missing()
    if missing:
        raise KitRefused(
            f"campaign {campaign.campaign_id} has no imprint yet: printed material asking for "
            f"money for it needs one; set {', '.join(missing)} with `wardfund campaign update "
            f"{campaign.campaign_id}` (see docs/imprints.md)"
        )
    return Imprint(
        promoter=(campaign.promoter_name or "").strip(),
        promoter_address=(campaign.promoter_address or "").strip(),
        on_behalf_of=(campaign.on_behalf_of or "").strip(),
        printer=(campaign.printer or "").strip(),
    )


PRIVACY_URL = re.compile(r"^https://[^\s/$.?#][^\s]*$")


def privacy_line(organisation: str, campaign_name: str, url: str) -> str:
    """The short notice where the donor's data is collected (the sheet, the Payment Link)."""
    return (
        f"Privacy: {organisation} collects your name, email address and gift and shares them "
        f"with {campaign_name} for the campaign's records and the law on donations; a gift "
        f"can show your political opinions. How your data is used and your rights: {url}"
    )


def check_privacy(organisation: str, url: str) -> None:
    if not organisation.strip():
        raise KitRefused(
            "the organisation's name is needed on the sheet: set ORGANISATION_NAME or give "
            "--organisation"
        )
    if not PRIVACY_URL.match(url.strip()):
        raise KitRefused(
            "donors need a privacy notice where they give: set PRIVACY_NOTICE_URL or give "
            f"--privacy-url, an https:// address (got {url!r})"
        )


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
    organisation: str
    imprint: Imprint
    privacy_url: str

    @property
    def privacy_line(self) -> str:
        return privacy_line(self.organisation, self.campaign_name, self.privacy_url)

    @property
    def organisation_line(self) -> str:
        return f"A ward assembly of {self.campaign_name}, with {self.organisation}."


def link_notice(campaign: Campaign, imprint: Imprint, organisation: str, url: str) -> str:
    """The Payment Link's custom text beside the pay button: the privacy line and the
    digital imprint (Stripe allows 1,200 characters)."""
    return f"{privacy_line(organisation, campaign.name, url)} {imprint.digital}"[:1200]


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
