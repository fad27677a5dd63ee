"""The scenario file format of FORMAT.md, read strictly: a typo is an error that names itself."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    ValidationError,
    model_validator,
)

from wardfund.domain.money import DEFAULT_LOCAL_SHARE_BPS, DEFAULT_MATCH_CAP_PENCE
from wardfund.local.scenario.shape import expect_problems
from wardfund.local.scenario.story import story_problems

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class ScenarioError(ValueError):
    """The file cannot be played; the message says where and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Delivery(_Strict):
    copies: PositiveInt = 1
    shuffle: bool = False
    seed: int = 1


class National(_Strict):
    finance_email: str = Field(default="finance@national.example", pattern=EMAIL)
    sender: str = Field(default="wardfund@national.example", pattern=EMAIL)
    payment_failed_emails: bool = False


class CampaignSpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    name: str = Field(min_length=1)
    treasurer_emails: list[str] = Field(default_factory=list)
    launch_event_on: date | None = None
    election_on: date | None = None
    match_cap_pence: int = Field(default=DEFAULT_MATCH_CAP_PENCE, ge=0)
    local_share_bps: int = Field(default=DEFAULT_LOCAL_SHARE_BPS, ge=0, le=10_000)
    # FORMAT.md calls it `connect_account`; the campaign's own field keeps the Stripe name.
    connect_account_id: str | None = Field(
        default=None, pattern=r"^acct_", validation_alias="connect_account"
    )
    bank_reference: str | None = None

    @model_validator(mode="after")
    def _launch_before_polling_day(self) -> CampaignSpec:
        held, polling_day = self.launch_event_on, self.election_on
        if held is not None and polling_day is not None and held > polling_day:
            raise ValueError(
                f"campaign {self.id}: launch_event_on {held} is after polling day {polling_day}"
            )
        return self


class Gift(_Strict):
    donor: str = Field(min_length=1)
    campaign: str = Field(min_length=1)
    ward: str = Field(min_length=1)
    amount_pence: PositiveInt
    email: str | None = None
    name: str | None = None
    currency: str = Field(default="gbp", pattern=r"^[a-z]{3}$")


class DonorOnly(_Strict):
    donor: str


class PaymentRef(_Strict):
    donor: str
    payment: PositiveInt


class RefundSpec(PaymentRef):
    amount_pence: PositiveInt | None = None


class DisputeClosed(PaymentRef):
    outcome: Literal["won", "lost"]


class LaunchEvent(_Strict):
    campaign: str
    held_on: date


class CampaignOnly(_Strict):
    campaign: str


class Nothing(_Strict):
    pass


ACTIONS = (
    "pledge",
    "give_once",
    "renew",
    "renewal_fails",
    "cancel",
    "refund",
    "dispute_opened",
    "dispute_closed",
    "launch_event",
    "withdraw",
    "payout_run",
)


class Step(_Strict):
    at: AwareDatetime
    pledge: Gift | None = None
    give_once: Gift | None = None
    renew: DonorOnly | None = None
    renewal_fails: DonorOnly | None = None
    cancel: DonorOnly | None = None
    refund: RefundSpec | None = None
    dispute_opened: PaymentRef | None = None
    dispute_closed: DisputeClosed | None = None
    launch_event: LaunchEvent | None = None
    withdraw: CampaignOnly | None = None
    payout_run: Nothing | None = None

    @model_validator(mode="after")
    def _one_action(self) -> Step:
        named = [action for action in ACTIONS if getattr(self, action) is not None]
        if len(named) != 1:
            raise ValueError(
                f"a step needs exactly one action of {', '.join(ACTIONS)}; found {named or 'none'}"
            )
        return self

    @property
    def action(self) -> str:
        return next(action for action in ACTIONS if getattr(self, action) is not None)

    @property
    def detail(self) -> Any:
        return getattr(self, self.action)


class Scenario(_Strict):
    name: str
    delivery: Delivery = Delivery()
    national: National = National()
    campaigns: list[CampaignSpec] = Field(default_factory=list)
    steps: list[Step]
    expect: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        ids = [campaign.id for campaign in self.campaigns]
        if len(ids) != len(set(ids)):
            raise ValueError(f"campaign ids must be unique: {ids}")
        for earlier, later in zip(self.steps, self.steps[1:], strict=False):
            if later.at < earlier.at:
                raise ValueError(
                    f"steps must be in time order: {later.at} comes after {earlier.at}"
                )
        for step in self.steps:
            ref = getattr(step.detail, "campaign", None)
            if step.action in ("launch_event", "withdraw") and ref not in ids:
                raise ValueError(f"{step.action} at {step.at} names unknown campaign {ref!r}")
        problems = story_problems(self.campaigns, self.steps)
        problems += expect_problems(self.expect or {}, ids)
        if problems:
            raise ValueError("\n  ".join(problems))
        return self


def _where(error: ValidationError) -> str:
    lines = []
    for problem in error.errors():
        path = ".".join(str(part) for part in problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        lines.append(f"  {path}: {message}" if path else f"  {message}")
    return "\n".join(lines)


def load_scenario(path: Path) -> Scenario:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ScenarioError(f"{path}: cannot read YAML: {error}") from error
    if not isinstance(raw, dict):
        raise ScenarioError(f"{path}: a scenario is a YAML mapping with name, campaigns, steps")
    try:
        return Scenario.model_validate(raw)
    except ValidationError as error:
        raise ScenarioError(f"{path}: not a valid scenario:\n{_where(error)}") from error
