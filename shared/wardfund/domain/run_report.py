"""What one payout run did, campaign by campaign: kept with the run, emailed to national finance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wardfund.domain.figures import CampaignFigures, total


@dataclass(frozen=True)
class CampaignRunLine:
    """`to_date`: the campaign's figures at the run, before this run's payout.
    `carried`: what is owed but not paid (negative after a refund that followed a payout).
    `resumed_from`: set when the line completes a payout an earlier run recorded but could
    not make (its figures are in that run's report).
    `held_for_balance`: the payout is recorded but waits for Stripe's available balance
    (`failure` says why; a daily retry makes it): one alert for the run, not one each."""

    campaign_id: str
    name: str
    to_date: CampaignFigures
    paid: int = 0
    method: str | None = None
    status: str | None = None
    reference: str | None = None
    carried: int = 0
    failure: str | None = None
    resumed_from: datetime | None = None
    held_for_balance: bool = False


@dataclass(frozen=True)
class RunReport:
    run_at: datetime
    lines: tuple[CampaignRunLine, ...]
    bank_file: str | None = None

    @property
    def totals(self) -> CampaignFigures:
        return total([line.to_date for line in self.lines])

    @property
    def paid(self) -> int:
        return sum(line.paid for line in self.lines)

    @property
    def carried(self) -> int:
        return sum(line.carried for line in self.lines)

    @property
    def failures(self) -> dict[str, str]:
        return {line.campaign_id: line.failure for line in self.lines if line.failure}

    @property
    def held_for_balance(self) -> tuple[CampaignRunLine, ...]:
        return tuple(line for line in self.lines if line.held_for_balance)

    @property
    def paid_by_bank(self) -> tuple[CampaignRunLine, ...]:
        return tuple(line for line in self.lines if line.paid and line.method == "bank_transfer")
