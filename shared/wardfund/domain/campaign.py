"""A local campaign and the agreement it signed with the national body (FORMAT.md rules 2 and 4)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from wardfund.domain.calendar import london_date, require_aware, start_of_london_day
from wardfund.domain.connect import ConnectStatus, receives_transfers
from wardfund.domain.errors import InvalidCampaign
from wardfund.domain.money import (
    BASIS_POINTS,
    DEFAULT_LAUNCH_INVOICE_CAP_PENCE,
    DEFAULT_LOCAL_SHARE_BPS,
    DEFAULT_MATCH_CAP_PENCE,
)

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class CampaignType(StrEnum):
    """Who the campaign is in electoral law: it decides the permissibility thresholds."""

    CANDIDATE = "candidate"
    PARTY = "party"
    NON_PARTY_CAMPAIGNER = "non_party_campaigner"


def parse_campaign_type(text: str) -> CampaignType:
    wanted = text.strip().lower().replace("-", "_").replace(" ", "_")
    if wanted in ("non_party", "npc", "third_party"):
        wanted = CampaignType.NON_PARTY_CAMPAIGNER
    try:
        return CampaignType(wanted)
    except ValueError:
        kinds = ", ".join(t.value for t in CampaignType)
        raise InvalidCampaign(f"campaign type is one of {kinds}, not {text!r}") from None


# The imprint its printed and online material carries (docs/imprints.md): who promotes it
# (name and a postal address where they can be contacted), on whose behalf (the candidate,
# name and address), and who prints it (name and address). `wardfund kit` needs them all.
IMPRINT_FIELDS = {
    "promoter_name": "--promoter",
    "promoter_address": "--promoter-address",
    "on_behalf_of": "--on-behalf-of",
    "printer": "--printer",
}


@dataclass(frozen=True)
class Campaign:
    campaign_id: str
    name: str
    treasurer_emails: tuple[str, ...] = ()
    launch_event_on: date | None = None
    election_on: date | None = None
    match_cap_pence: int = DEFAULT_MATCH_CAP_PENCE
    local_share_bps: int = DEFAULT_LOCAL_SHARE_BPS
    withdrawn_at: datetime | None = None
    connect_account_id: str | None = None
    bank_reference: str | None = None
    launch_invoice_cap_pence: int = DEFAULT_LAUNCH_INVOICE_CAP_PENCE
    campaign_type: CampaignType = CampaignType.CANDIDATE
    promoter_name: str | None = None
    promoter_address: str | None = None
    on_behalf_of: str | None = None  # name and address; the promoter's own when the same
    printer: str | None = None  # name and address of whoever prints the kit sheets
    version: int = field(default=0, compare=False)
    # What Stripe last said of the connected account (domain/connect.py): not a setting,
    # kept apart from them and written only by `campaign connect` and `account.updated`.
    connect: ConnectStatus | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not SLUG.match(self.campaign_id):
            raise InvalidCampaign(
                f"campaign id {self.campaign_id!r} must be a slug: lower-case letters, digits, '-'"
            )
        if not self.name.strip():
            raise InvalidCampaign(f"campaign {self.campaign_id} needs a name")
        if not 0 <= self.local_share_bps <= BASIS_POINTS:
            raise InvalidCampaign(
                f"local share of {self.campaign_id} must be 0-10000 basis points, "
                f"got {self.local_share_bps}"
            )
        if self.match_cap_pence < 0:
            raise InvalidCampaign(f"match cap of {self.campaign_id} cannot be negative")
        if self.launch_invoice_cap_pence < 0:
            raise InvalidCampaign(
                f"launch-event invoice cap of {self.campaign_id} cannot be negative"
            )
        if (
            self.launch_event_on is not None
            and self.election_on is not None
            and self.election_on < self.launch_event_on
        ):
            raise InvalidCampaign(
                f"polling day {self.election_on} of {self.campaign_id} is before its "
                f"launch event {self.launch_event_on}"
            )
        if self.withdrawn_at is not None:
            require_aware(self.withdrawn_at)
        if not isinstance(self.campaign_type, CampaignType):
            object.__setattr__(self, "campaign_type", parse_campaign_type(self.campaign_type))

    @property
    def pays_by_transfer(self) -> bool:
        """Whether the payout run pays it by Stripe transfer (else by the bank file)."""
        return receives_transfers(self.connect_account_id, self.connect)

    @property
    def connect_not_ready(self) -> bool:
        """It has a connected account that Stripe says cannot receive transfers now."""
        return bool(self.connect_account_id) and not self.pays_by_transfer

    def imprint_missing(self) -> list[str]:
        """The imprint settings not yet given (as their `campaign update` options)."""
        return [
            option
            for name, option in IMPRINT_FIELDS.items()
            if not (getattr(self, name) or "").strip()
        ]

    def agreement_ends_at(self) -> datetime | None:
        """The first instant no longer covered: 00:00 London after polling day, or withdrawal."""
        ends: list[datetime] = []
        if self.election_on is not None:
            ends.append(start_of_london_day(self.election_on + timedelta(days=1)))
        if self.withdrawn_at is not None:
            ends.append(self.withdrawn_at)
        return min(ends) if ends else None

    def in_agreement(self, at: datetime) -> bool:
        ends = self.agreement_ends_at()
        return ends is None or require_aware(at) < ends

    def match_open(self, at: datetime) -> bool:
        """Rule 2: on or after the launch event's London date, and still in the agreement."""
        return (
            self.launch_event_on is not None
            and london_date(at) >= self.launch_event_on
            and self.in_agreement(at)
        )
