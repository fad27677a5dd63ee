"""Postings field by field: each posting's entry, kind, time, campaign, figures and suspense,
and rule 3's holdings at the edges (suspense, a partial dispute, a late match of a penny)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from wardfund.domain.campaign import Campaign
from wardfund.domain.errors import InvalidAmount
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.ledger import credit, debit, journal_entry
from wardfund.domain.postings import (
    Allocation,
    Holding,
    Payment,
    PaymentKind,
    Posting,
    PostingKind,
    allocate_late_match,
    allocate_payment,
    allocate_reinstatement,
    allocate_takeback,
    held,
    holding_when_paid,
    post_money_in,
    post_money_out,
    post_payment,
    post_payout,
)

PAID = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)
LEEDS = Campaign(
    campaign_id="leeds",
    name="Leeds",
    launch_event_on=date(2026, 6, 1),
    election_on=date(2026, 12, 10),
)


def payment(gross: int = 1000, **overrides: Any) -> Payment:
    values: dict[str, Any] = {
        "payment_id": "pi_1",
        "campaign_id": "leeds",
        "ward": "Headingley",
        "kind": PaymentKind.FIRST_MONTHLY,
        "gross": gross,
        "currency": "gbp",
        "paid_at": PAID,
        "donor_ref": "cus_1",
    }
    return Payment(**(values | overrides))


# ----------------------------------------------------------------------------- allocations
def test_a_payment_no_campaign_claims_is_all_suspense() -> None:
    lost = payment(700, campaign_id="nowhere")
    assert allocate_payment(lost, None, 0) == Allocation(amount=700, suspense=700)


def test_a_payment_after_polling_day_is_all_national() -> None:
    late = payment(1000, paid_at=datetime(2026, 12, 11, 9, tzinfo=UTC))
    assert allocate_payment(late, LEEDS, 0) == Allocation(amount=1000, national_share=1000)


def test_a_matched_first_payment_allocation() -> None:
    assert allocate_payment(payment(1000), LEEDS, 199_500) == Allocation(
        amount=1000, local_share=800, national_share=200, match=500
    )
    assert holding_when_paid(Allocation(amount=1000, match=500)) == Holding(0, 500)


# ----------------------------------------------------------------------------- postings
def test_a_payment_posting_field_by_field() -> None:
    allocation = allocate_payment(payment(1000), LEEDS, 0)
    assert post_payment(payment(1000), allocation) == Posting(
        entry=journal_entry(
            "payment:pi_1",
            "gbp",
            [
                debit("donor_funds", 1000),
                credit("national:share", 200),
                credit("campaign:leeds:share", 800),
                debit("national:match_funding", 1000),
                credit("campaign:leeds:match", 1000),
            ],
        ),
        kind=PostingKind.PAYMENT,
        effective_at=PAID,
        campaign_id="leeds",
        figures=CampaignFigures(raised=1000, local_share=800, national_share=200, match=1000),
        suspense_delta=0,
    )


def test_suspense_in_and_out_are_the_suspense_account_and_no_campaign() -> None:
    # Given £7 that no campaign could claim (its metadata names an unknown campaign)
    part = Allocation(amount=700, suspense=700)
    # When it comes in, and is refunded
    money_in = post_money_in("payment:pi_lost", PostingKind.PAYMENT, PAID, "nowhere", "gbp", part)
    money_out = post_money_out("refund:re_1", PostingKind.REFUND, PAID, "nowhere", "gbp", part)
    # Then it is in suspense and back out, filed under no campaign, with no campaign figures
    assert money_in == Posting(
        entry=journal_entry(
            "payment:pi_lost", "gbp", [debit("donor_funds", 700), credit("suspense", 700)]
        ),
        kind=PostingKind.PAYMENT,
        effective_at=PAID,
        campaign_id=None,
        figures=CampaignFigures(),
        suspense_delta=700,
    )
    assert money_out == Posting(
        entry=journal_entry(
            "refund:re_1", "gbp", [credit("donor_funds", 700), debit("suspense", 700)]
        ),
        kind=PostingKind.REFUND,
        effective_at=PAID,
        campaign_id=None,
        figures=CampaignFigures(),
        suspense_delta=-700,
    )


def test_a_refund_posting_field_by_field() -> None:
    part = Allocation(amount=500, local_share=400, national_share=100, match=500)
    posting = post_money_out("refund:re_1", PostingKind.REFUND, PAID, "leeds", "gbp", part)
    assert posting == Posting(
        entry=journal_entry(
            "refund:re_1",
            "gbp",
            [
                credit("donor_funds", 500),
                debit("national:share", 100),
                debit("campaign:leeds:share", 400),
                credit("national:match_funding", 500),
                debit("campaign:leeds:match", 500),
            ],
        ),
        kind=PostingKind.REFUND,
        effective_at=PAID,
        campaign_id="leeds",
        figures=CampaignFigures(raised=-500, local_share=-400, national_share=-100, match=-500),
        suspense_delta=0,
    )


def test_a_payout_posting_field_by_field() -> None:
    lines = [debit("campaign:leeds:payouts", 7000), credit("donor_funds", 7000)]
    assert post_payout("leeds@x", "leeds", 7000, PAID) == Posting(
        entry=journal_entry("payout:leeds@x", "gbp", lines),
        kind=PostingKind.PAYOUT,
        effective_at=PAID,
        campaign_id="leeds",
        figures=CampaignFigures(paid_out=7000),
    )


# ----------------------------------------------------------------------------- rule 3 edges
def test_suspense_is_taken_back_from_suspense() -> None:
    # Given £10 in suspense, £3 of it refunded
    original = Allocation(amount=1000, suspense=1000)
    part, after = allocate_takeback(original, Holding(), 300)
    # Then £3 leaves suspense, and £7 is held there
    assert part == Allocation(amount=300, suspense=300)
    assert after == Holding(taken_back=300)
    assert held(original, after) == Allocation(amount=700, suspense=700)


def test_a_won_dispute_of_part_of_a_payment_restores_what_it_took() -> None:
    # Given a £10 payment matched £10, half of it disputed (t = 500), the cap with 700p of room
    original = Allocation(amount=1000, local_share=800, national_share=200, match=1000)
    holding = Holding(taken_back=500, match_base=1000)
    # When the dispute is won
    part, after = allocate_reinstatement(original, holding, 500, cap=200_000, matched_now=199_300)
    # Then the 400p of share and 500p of match it took come back, the match base unchanged
    assert part == Allocation(amount=500, local_share=400, national_share=100, match=500)
    assert after == Holding(taken_back=0, match_base=1000)


def test_a_dispute_won_in_full_after_a_refund_keeps_the_match_base() -> None:
    # Given £10 matched £10: £5 refunded, the other £5 disputed, the cap with room for it all
    original = Allocation(amount=1000, local_share=800, national_share=200, match=1000)
    holding = Holding(taken_back=1000, match_base=1000)
    # When the dispute is won, the match comes back in full (500p): the base stays 1000p
    part, after = allocate_reinstatement(original, holding, 500, cap=200_000, matched_now=0)
    assert part.match == 500
    assert after == Holding(taken_back=500, match_base=1000)


def test_a_late_match_of_a_single_penny_is_still_a_match() -> None:
    # Given a first payment made before a launch event was recorded, and a cap with 1p left
    campaign = Campaign("leeds", "Leeds", launch_event_on=date(2026, 6, 1), match_cap_pence=1)
    original = Allocation(amount=1000, local_share=800, national_share=200)
    # When the launch event is recorded, Then that penny is matched
    late = allocate_late_match(payment(1000), original, Holding(), campaign, 0)
    assert late is not None
    part, after = late
    assert part == Allocation(amount=0, match=1)
    assert after == Holding(match_base=1)


def test_a_payment_in_another_currency_is_never_matched_late() -> None:
    # Even when its allocation shows no suspense, a payment in euros is not the agreement's
    original = Allocation(amount=1000, local_share=800, national_share=200)
    assert allocate_late_match(payment(1000, currency="eur"), original, Holding(), LEEDS, 0) is None
    assert allocate_late_match(payment(1000), original, Holding(), LEEDS, 0) is not None


@pytest.mark.parametrize(
    ("refused", "message"),
    [
        (lambda: payment(-1), "payment pi_1 must be a whole"),
        (lambda: Holding(taken_back=-1), "amount taken back must be a whole"),
        (lambda: Holding(match_base=-1), "match base must be a whole"),
        (lambda: allocate_takeback(Allocation(amount=10), Holding(), -1), "amount taken back must"),
        (
            lambda: allocate_reinstatement(Allocation(amount=10), Holding(), -1, 0, 0),
            "amount reinstated must be a whole",
        ),
        (lambda: post_payout("leeds@x", "leeds", -1, PAID), "payout leeds@x must be a whole"),
    ],
)
def test_a_refused_amount_is_named(refused: Callable[[], object], message: str) -> None:
    with pytest.raises(InvalidAmount, match="^" + message):
        refused()
