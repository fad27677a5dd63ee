"""Campaigns as YAML for import and export; field names as in scenario files (FORMAT.md)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import yaml
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from wardfund.adapters.stripe_amounts import STRIPE_MAX_AMOUNT
from wardfund.domain.campaign import Campaign, CampaignType
from wardfund.domain.errors import InvalidCampaign, WardfundError
from wardfund.domain.money import (
    DEFAULT_LAUNCH_INVOICE_CAP_PENCE,
    DEFAULT_LOCAL_SHARE_BPS,
    DEFAULT_MATCH_CAP_PENCE,
)
from wardfund.domain.setting_words import setting_label, shown_setting

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class CampaignRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    name: str = Field(min_length=1)
    treasurer_emails: list[str] = Field(default_factory=list)
    launch_event_on: date | None = None
    election_on: date | None = None
    match_cap_pence: int = Field(default=DEFAULT_MATCH_CAP_PENCE, ge=0, le=STRIPE_MAX_AMOUNT)
    local_share_bps: int = Field(default=DEFAULT_LOCAL_SHARE_BPS, ge=0, le=10_000)
    launch_invoice_cap_pence: int = Field(
        default=DEFAULT_LAUNCH_INVOICE_CAP_PENCE, ge=0, le=STRIPE_MAX_AMOUNT
    )
    connect_account_id: str | None = Field(default=None, pattern=r"^acct_")
    bank_reference: str | None = None
    withdrawn_at: AwareDatetime | None = None
    campaign_type: CampaignType = CampaignType.CANDIDATE
    promoter_name: str | None = None
    promoter_address: str | None = None
    on_behalf_of: str | None = None
    printer: str | None = None

    def to_campaign(self) -> Campaign:
        for email in self.treasurer_emails:
            check_email(email)
        return Campaign(
            campaign_id=self.id,
            name=self.name,
            treasurer_emails=tuple(self.treasurer_emails),
            launch_event_on=self.launch_event_on,
            election_on=self.election_on,
            match_cap_pence=self.match_cap_pence,
            local_share_bps=self.local_share_bps,
            launch_invoice_cap_pence=self.launch_invoice_cap_pence,
            connect_account_id=self.connect_account_id,
            bank_reference=self.bank_reference,
            withdrawn_at=self.withdrawn_at,
            campaign_type=self.campaign_type,
            promoter_name=self.promoter_name,
            promoter_address=self.promoter_address,
            on_behalf_of=self.on_behalf_of,
            printer=self.printer,
        )

    @classmethod
    def of(cls, campaign: Campaign) -> CampaignRecord:
        return cls(
            id=campaign.campaign_id,
            name=campaign.name,
            treasurer_emails=list(campaign.treasurer_emails),
            launch_event_on=campaign.launch_event_on,
            election_on=campaign.election_on,
            match_cap_pence=campaign.match_cap_pence,
            local_share_bps=campaign.local_share_bps,
            launch_invoice_cap_pence=campaign.launch_invoice_cap_pence,
            connect_account_id=campaign.connect_account_id,
            bank_reference=campaign.bank_reference,
            withdrawn_at=campaign.withdrawn_at,
            campaign_type=campaign.campaign_type,
            promoter_name=campaign.promoter_name,
            promoter_address=campaign.promoter_address,
            on_behalf_of=campaign.on_behalf_of,
            printer=campaign.printer,
        )


def check_email(email: str) -> str:
    if not re.match(EMAIL, email):
        raise InvalidCampaign(f"{email!r} is not an email address")
    return email


EXPORT_HEADER = (
    "# wardfund campaigns, in the shape `wardfund campaign import` reads (field names as in\n"
    "# scenario files: amounts in pence, shares in basis points, 80 % = 8000). Each setting's\n"
    "# meaning in words is the comment beside it.\n"
)
# Fields whose value is one short word or number on its line: a comment can follow it.
_WORDED = (
    "launch_event_on", "election_on", "match_cap_pence", "local_share_bps",
    "launch_invoice_cap_pence", "withdrawn_at", "campaign_type",
)  # fmt: skip
_FIELD = re.compile(r"^(?P<lead>\s*(?:- )?)(?P<name>[a-z_]+): (?P<value>\S+)$")


def _worded(record: dict[str, Any]) -> dict[str, str]:
    campaign = CampaignRecord.model_validate(record).to_campaign()
    return {
        name: f"{setting_label(name)} {shown_setting(name, getattr(campaign, name))}"
        for name in _WORDED
    }


def dump_campaigns(campaigns: list[Campaign]) -> str:
    """YAML for `campaign import`, with each money, share and date field said in words in a
    comment beside it (`match_cap_pence: 200000  # Match cap £2,000.00`)."""
    records = [CampaignRecord.of(c).model_dump(mode="json") for c in campaigns]
    lines = [EXPORT_HEADER.rstrip("\n")]
    for record in records:
        words = _worded(record)
        text = yaml.safe_dump([record], sort_keys=False, allow_unicode=True, width=float("inf"))
        for line in text.splitlines():
            found = _FIELD.match(line)
            if found and found["name"] in words:
                line = f"{line}  # {words[found['name']]}"
            lines.append("  " + line)
    body = "\n".join(lines[1:])
    return f"{lines[0]}\ncampaigns:\n{body}\n" if records else f"{lines[0]}\ncampaigns: []\n"


def load_campaigns(text: str, source: str = "input") -> list[Campaign]:
    """Every campaign in the file, or an error naming the first bad field; none half-read."""
    try:
        raw: Any = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InvalidCampaign(f"{source}: not YAML: {error}") from error
    if isinstance(raw, dict) and set(raw) == {"campaigns"}:
        raw = raw["campaigns"]
    if not isinstance(raw, list):
        raise InvalidCampaign(f"{source}: expected `campaigns:` followed by a list of campaigns")
    campaigns = []
    for index, entry in enumerate(raw):
        try:
            campaigns.append(CampaignRecord.model_validate(entry).to_campaign())
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in problem['loc']) or '(entry)'}: {problem['msg']}"
                for problem in error.errors()
            )
            raise InvalidCampaign(f"{source}: campaign {index + 1}: {problems}") from error
        except WardfundError as error:
            raise InvalidCampaign(f"{source}: campaign {index + 1}: {error}") from error
    return campaigns
