"""The figures a campaign is judged by, as totals or as the change one posting makes."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class CampaignFigures:
    raised: int = 0
    local_share: int = 0
    national_share: int = 0
    match: int = 0
    paid_out: int = 0
    launch_costs: int = 0  # launch-event invoices reimbursed to the campaign by the agreement

    @property
    def owed(self) -> int:
        return self.local_share + self.match + self.launch_costs - self.paid_out

    def __add__(self, other: CampaignFigures) -> CampaignFigures:
        return CampaignFigures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    def negated(self) -> CampaignFigures:
        return CampaignFigures(**{f.name: -getattr(self, f.name) for f in fields(self)})

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


ZERO = CampaignFigures()


def total(items: list[CampaignFigures] | tuple[CampaignFigures, ...]) -> CampaignFigures:
    result = ZERO
    for item in items:
        result = result + item
    return result
