"""A story that cannot happen (FORMAT.md "Output": the file itself is wrong), found before
anything is played: each problem names its step."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wardfund.local.scenario.file import CampaignSpec, Step

PLEDGE_ACTIONS = ("renew", "renewal_fails", "cancel")


class _Story:
    def __init__(self, campaigns: Sequence[CampaignSpec]) -> None:
        self.polling_day: dict[str, date | None] = {c.id: c.election_on for c in campaigns}
        self.launched: dict[str, str] = {
            c.id: f"launch_event_on {c.launch_event_on} in campaigns"
            for c in campaigns
            if c.launch_event_on is not None
        }
        self.pledges: dict[str, str] = {}  # donor -> "live" or where it was cancelled
        self.disputed: dict[tuple[str, int], str] = {}

    def problem(self, step: Step, where: str) -> str | None:
        detail = step.detail
        match step.action:
            case "launch_event":
                return self._launch_event(detail.campaign, detail.held_on, where)
            case "pledge":
                if self.pledges.get(detail.donor) == "live":
                    return f"donor {detail.donor} already has a live monthly pledge"
                self.pledges[detail.donor] = "live"
            case "renew" | "renewal_fails" | "cancel":
                return self._pledge_action(step.action, detail.donor, where)
            case "dispute_opened":
                key = (detail.donor, detail.payment)
                if key in self.disputed:
                    first = self.disputed[key]
                    return f"payment {key[1]} of donor {key[0]} was already disputed at {first}"
                self.disputed[key] = where
        return None

    def _launch_event(self, campaign: str, held_on: date, where: str) -> str | None:
        if campaign in self.launched:
            return f"a second launch event for {campaign} (the first: {self.launched[campaign]})"
        polling_day = self.polling_day.get(campaign)
        if polling_day is not None and held_on > polling_day:
            return f"launch event of {campaign} held on {held_on}, after polling day {polling_day}"
        self.launched[campaign] = where
        return None

    def _pledge_action(self, action: str, donor: str, where: str) -> str | None:
        state = self.pledges.get(donor)
        if state is None:
            return f"{action} of donor {donor}, who has no monthly pledge"
        if state != "live":
            return f"{action} of donor {donor}'s pledge, already cancelled at {state}"
        if action == "cancel":
            self.pledges[donor] = where
        return None


def story_problems(campaigns: Sequence[CampaignSpec], steps: Sequence[Step]) -> list[str]:
    story = _Story(campaigns)
    found: list[str] = []
    for number, step in enumerate(steps, start=1):
        where = f"step {number} ({step.action} at {step.at.isoformat()})"
        problem = story.problem(step, where)
        if problem:
            found.append(f"{where}: {problem}")
    return found
