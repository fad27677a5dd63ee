"""Plays a scenario through the embedded stack and reads the figures back (FORMAT.md)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.ledger_store import DynamoLedgerStore
from wardfund.adapters.dynamodb.table import Table
from wardfund.domain.campaign import Campaign
from wardfund.domain.errors import WardfundError
from wardfund.local.scenario.file import CampaignSpec, Scenario, ScenarioError, Step
from wardfund.local.scenario.result import StepEmail, figures
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.world import Donor, StripeWorld
from wardfund.services.campaigns import register_campaign, withdraw_campaign
from wardfund.services.launch_event import record_launch_event

ACTOR = "scenario"
Progress = Callable[[int, int, str], None]


def campaign_from_spec(spec: CampaignSpec) -> Campaign:
    return Campaign(
        campaign_id=spec.id,
        name=spec.name,
        treasurer_emails=tuple(spec.treasurer_emails),
        launch_event_on=spec.launch_event_on,
        election_on=spec.election_on,
        match_cap_pence=spec.match_cap_pence,
        local_share_bps=spec.local_share_bps,
        connect_account_id=spec.connect_account_id,
        bank_reference=spec.bank_reference,
    )


class ScenarioPlayer:
    def __init__(
        self,
        scenario: Scenario,
        stack: LocalStack,
        world: StripeWorld | None = None,
        donor_prefix: str = "",
    ) -> None:
        """`world`: Stripe's side so far (the background stack's, which keeps one for its
        life); a new one by default. `donor_prefix`: put before each donor id the story
        names, so a story played into a running stack meets none of its donors."""
        self.donor_prefix = donor_prefix
        self.scenario = scenario
        self.stack = stack
        assert stack.resources is not None
        self.table = Table(stack.resources.table_name)
        self.campaigns = DynamoCampaignStore(self.table)
        self.world = world or StripeWorld()
        self.random = random.Random(scenario.delivery.seed)  # noqa: S311 (reproducible shuffles, not secrets)
        self.donors: dict[str, Donor] = {}
        self.emails: list[StepEmail] = []

    def play(self, progress: Progress | None = None) -> dict[str, Any]:
        national = self.scenario.national
        self.stack.use_national_settings(
            national.sender, national.finance_email, national.payment_failed_emails
        )
        for spec in self.scenario.campaigns:
            register_campaign(self.campaigns, campaign_from_spec(spec), by=ACTOR)
        total = len(self.scenario.steps)
        for number, step in enumerate(self.scenario.steps, start=1):
            try:
                self._play(step)
            except (ValueError, WardfundError) as error:
                raise ScenarioError(
                    f"step {number} ({step.action} at {step.at.isoformat()}): {error}"
                ) from error
            self.stack.drain_notifications()
            self._emails_of(number)
            if progress:
                progress(number, total, step.action)
        self.stack.drain()
        self.stack.drain_notifications()
        self._emails_of(total)  # anything left is the last step's work
        return self.result()

    def _emails_of(self, step: int) -> None:
        sent = self.stack.sent_emails(after=len(self.emails))
        self.emails += [StepEmail(step, email) for email in sent]

    def _donor(self, donor_id: str, email: str | None, name: str | None) -> Donor:
        known = self.donors.get(donor_id)
        if known is None:
            known = Donor(
                self.donor_prefix + donor_id,
                email or f"{donor_id}@donors.example",
                name or donor_id,
            )
            self.donors[donor_id] = known
        return known

    def _events(self, step: Step) -> list[dict[str, Any]]:
        detail, at = step.detail, step.at
        match step.action:
            case "pledge" | "give_once":
                donor = self._donor(detail.donor, detail.email, detail.name)
                make = self.world.pledge if step.action == "pledge" else self.world.give_once
                return make(
                    at, donor, detail.campaign, detail.ward, detail.amount_pence, detail.currency
                )
            case "renew":
                return self.world.renew(at, self.donor_prefix + detail.donor)
            case "renewal_fails":
                return self.world.renewal_fails(at, self.donor_prefix + detail.donor)
            case "cancel":
                return self.world.cancel(at, self.donor_prefix + detail.donor)
            case "refund":
                return self.world.refund(
                    at, self.donor_prefix + detail.donor, detail.payment, detail.amount_pence
                )
            case "dispute_opened":
                return self.world.dispute_opened(
                    at, self.donor_prefix + detail.donor, detail.payment
                )
            case "dispute_closed":
                return self.world.dispute_closed(
                    at, self.donor_prefix + detail.donor, detail.payment, detail.outcome
                )
        raise ScenarioError(f"no Stripe events for {step.action}")

    def _play(self, step: Step) -> None:
        detail = step.detail
        if step.action == "launch_event":
            self.stack.drain()
            record_launch_event(
                self.campaigns,
                DynamoLedgerStore(self.table),
                detail.campaign,
                detail.held_on,
                by=ACTOR,
                at=step.at,
            )
        elif step.action == "withdraw":
            withdraw_campaign(self.campaigns, detail.campaign, step.at, by=ACTOR)
        elif step.action == "payout_run":
            self.stack.drain()
            self.stack.fire_payout_schedule(step.at)
        else:
            self._deliver(self._events(step))

    def _deliver(self, events: list[dict[str, Any]]) -> None:
        deliveries = [event for event in events for _ in range(self.scenario.delivery.copies)]
        if self.scenario.delivery.shuffle:
            self.random.shuffle(deliveries)
        statuses = self.stack.deliver(deliveries)
        refused = [s for s in statuses if s != 200]
        if refused:
            raise ScenarioError(f"the webhook endpoint refused {len(refused)} event(s): {refused}")
        self.stack.drain()

    def result(self) -> dict[str, Any]:
        return figures(self.scenario.name, self.table, self.emails, self.stack.dead_letters())
