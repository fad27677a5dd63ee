"""Use case: record a campaign's launch event, and match the first payments it makes eligible.

Rule 2: first payments dated on or after the launch event that were recorded before it are
matched when it is recorded, in the order they were paid, under the cap, while the campaign
is still in the agreement. The CLI (`wardfund campaign launch-event`) and the scenario
player both come here, so a stage and a story apply the rule the same way.

Safe to run again: each late match is one transaction with its own marker, so a retried
or repeated recording matches nothing twice; the cap and payout watermark are guarded in
that transaction, so a first payment posted at the same moment cannot push past the cap.
A first payment that reads the campaign before the launch event is saved fails its
settings-version check and is posted again with the launch event (matched then).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Protocol

from wardfund.domain.campaign import Campaign
from wardfund.domain.errors import InvalidCampaign
from wardfund.domain.postings import PostingKind, allocate_late_match, post_money_in
from wardfund.services.campaigns import CampaignStore, existing
from wardfund.services.ledger_attempts import Attempt, Outcome, with_retries
from wardfund.services.ports import HoldingChange, LedgerStore, LedgerWrite, StoredPayment

LATE_MATCH_RECORD = "LATE_MATCH"


class LateMatchStore(LedgerStore, Protocol):
    def payments_of(self, campaign_id: str) -> list[StoredPayment]: ...


@dataclass(frozen=True)
class LateMatch:
    payment_id: str
    paid_at: datetime
    match: int


@dataclass(frozen=True)
class LaunchEventRecorded:
    campaign: Campaign
    matched: tuple[LateMatch, ...]
    already_recorded: bool = False

    @property
    def match_added(self) -> int:
        return sum(late.match for late in self.matched)


def record_launch_event(
    campaigns: CampaignStore,
    ledger: LateMatchStore,
    campaign_id: str,
    held_on: date,
    *,
    by: str,
    at: datetime,
) -> LaunchEventRecorded:
    """`at`: when it is recorded (the late matches are dated then and paid by the next run).

    Recording the same date again completes an earlier recording that stopped part way;
    another date is refused, as a campaign has one launch event.
    """
    campaign = existing(campaigns, campaign_id)
    again = campaign.launch_event_on == held_on
    if campaign.launch_event_on is not None and not again:
        raise InvalidCampaign(
            f"campaign {campaign_id} already has its launch event, held on "
            f"{campaign.launch_event_on}; a campaign has one launch event"
        )
    if campaign.election_on is not None and held_on > campaign.election_on:
        raise InvalidCampaign(
            f"a launch event held on {held_on} is after polling day {campaign.election_on} "
            f"of campaign {campaign_id}"
        )
    if not again:
        campaign = campaigns.save(
            replace(campaign, launch_event_on=held_on),
            changed_by=by,
            change=f"launch event {held_on}",
            at=at,
        )
    matched = (
        match_earlier_first_payments(ledger, campaign, at) if campaign.in_agreement(at) else ()
    )
    return LaunchEventRecorded(campaign, matched, already_recorded=again)


def match_earlier_first_payments(
    ledger: LateMatchStore, campaign: Campaign, at: datetime
) -> tuple[LateMatch, ...]:
    waiting = sorted(
        (
            stored
            for stored in ledger.payments_of(campaign.campaign_id)
            if campaign.match_open(stored.payment.paid_at) and not stored.holding.match_base
        ),
        key=lambda stored: (stored.payment.paid_at, stored.payment.payment_id),
    )
    made: list[LateMatch] = []
    for stored in waiting:
        late = _match_one(ledger, stored.payment.payment_id, campaign.campaign_id, at)
        if late is not None:
            made.append(late)
    return tuple(made)


def _match_one(
    ledger: LateMatchStore, payment_id: str, campaign_id: str, at: datetime
) -> LateMatch | None:
    found: list[LateMatch] = []

    def build(attempt: Attempt) -> LedgerWrite:
        found.clear()
        stored = ledger.payment(payment_id)
        if stored is None or attempt.campaign is None:
            raise _NothingToMatch
        late = allocate_late_match(
            stored.payment, stored.allocation, stored.holding, attempt.campaign, attempt.matched
        )
        if late is None:
            raise _NothingToMatch
        part, after = late
        found.append(LateMatch(payment_id, stored.payment.paid_at, part.match))
        return LedgerWrite(
            event_id=f"late-match:{payment_id}",
            record_key=LATE_MATCH_RECORD,
            posting=post_money_in(
                f"{PostingKind.LATE_MATCH}:{payment_id}",
                PostingKind.LATE_MATCH,
                at,
                campaign_id,
                stored.payment.currency,
                part,
            ),
            settle_at=attempt.settle_at(at),
            guards=attempt.guards(part.match),
            reversal=part,
            payment_id=payment_id,
            ward=stored.payment.ward,
            holding=HoldingChange(stored, after),
        )

    try:
        outcome = with_retries(build, ledger, campaign_id, always_exact=True)
    except _NothingToMatch:
        return None
    return found[0] if outcome is Outcome.POSTED and found else None


class _NothingToMatch(Exception):
    """The cap is used up, or the payment was matched meanwhile."""
