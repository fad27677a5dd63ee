"""Postings: every journal entry balances, and figures follow rules 1-4 whatever the inputs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from wardfund.domain.campaign import Campaign
from wardfund.domain.figures import ZERO
from wardfund.domain.ledger import (
    NATIONAL_MATCH_FUNDING,
    account_balances,
    campaign_share_account,
)
from wardfund.domain.ledger_check import figures_from_balances
from wardfund.domain.postings import (
    Payment,
    PaymentKind,
    PostingKind,
    allocate_payment,
    allocate_reinstatement,
    allocate_takeback,
    holding_when_paid,
    post_money_in,
    post_money_out,
    post_payment,
    post_payout,
)

PAID = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)
LEEDS = Campaign(
    campaign_id="leeds-central",
    name="Leeds Central",
    launch_event_on=date(2026, 6, 1),
    election_on=date(2026, 12, 10),
)


def payment(
    gross: int, kind: PaymentKind = PaymentKind.FIRST_MONTHLY, **overrides: object
) -> Payment:
    values: dict[str, object] = {
        "payment_id": "pi_1",
        "campaign_id": "leeds-central",
        "ward": "Headingley",
        "kind": kind,
        "gross": gross,
        "currency": "gbp",
        "paid_at": PAID,
        "donor_ref": "cus_1",
    }
    return Payment(**(values | overrides))  # type: ignore[arg-type]


def test_first_monthly_payment_is_split_and_matched() -> None:
    allocation = allocate_payment(payment(1000), LEEDS, matched_so_far=0)
    assert (allocation.local_share, allocation.national_share, allocation.match) == (800, 200, 1000)


def test_one_offs_and_renewals_are_never_matched() -> None:
    for kind in (PaymentKind.ONE_OFF, PaymentKind.RENEWAL):
        assert allocate_payment(payment(1000, kind), LEEDS, 0).match == 0


def test_after_polling_day_everything_stays_national() -> None:
    late = payment(1000, paid_at=datetime(2026, 12, 11, 9, tzinfo=UTC))
    allocation = allocate_payment(late, LEEDS, 0)
    assert (allocation.local_share, allocation.national_share, allocation.match) == (0, 1000, 0)


def test_unknown_campaign_or_other_currency_goes_to_suspense() -> None:
    assert allocate_payment(payment(700), None, 0).suspense == 700
    assert allocate_payment(payment(700, currency="eur"), LEEDS, 0).suspense == 700


@given(
    gross=st.integers(1, 1_000_000),
    share=st.integers(0, 10_000),
    cap=st.integers(0, 500_000),
    matched=st.integers(0, 500_000),
    kind=st.sampled_from(list(PaymentKind)),
    refunds=st.lists(st.integers(1, 1_000_000), max_size=4),
)
def test_every_entry_balances_and_reversals_never_overshoot(
    gross: int, share: int, cap: int, matched: int, kind: PaymentKind, refunds: list[int]
) -> None:
    campaign = Campaign(
        campaign_id="c",
        name="C",
        launch_event_on=date(2026, 1, 1),
        local_share_bps=share,
        match_cap_pence=cap,
    )
    pay = payment(gross, kind, campaign_id="c")
    allocation = allocate_payment(pay, campaign, matched)
    assert allocation.local_share + allocation.national_share == gross
    assert matched + allocation.match <= max(cap, matched)
    postings = [post_payment(pay, allocation)]
    remaining = gross
    holding = holding_when_paid(allocation)
    for number, amount in enumerate(refunds):
        amount = min(amount, remaining)
        if amount == 0:
            break
        remaining -= amount
        part, holding = allocate_takeback(allocation, holding, amount)
        postings.append(post_money_out(f"r{number}", PostingKind.REFUND, PAID, "c", "gbp", part))
    figures = sum((p.figures for p in postings[1:]), postings[0].figures)
    for posting in postings:
        # each entry's lines move exactly the figures it records, the match from national funds
        moved = account_balances([posting.entry])
        assert figures_from_balances("c", moved) == posting.figures
        assert moved.get(NATIONAL_MATCH_FUNDING, 0) == -posting.figures.match
    assert 0 <= figures.local_share <= allocation.local_share
    assert 0 <= figures.match <= allocation.match
    assert figures.raised == remaining
    balances = account_balances(p.entry for p in postings)
    assert balances.get(campaign_share_account("c"), 0) == figures.local_share


def test_dispute_won_restores_share_and_match_only_to_the_cap() -> None:
    allocation = allocate_payment(payment(1000), LEEDS, matched_so_far=0)
    taken, disputed = allocate_takeback(allocation, holding_when_paid(allocation), 1000)
    restored, after = allocate_reinstatement(
        allocation, disputed, 1000, cap=200_000, matched_now=199_500
    )
    assert restored.local_share == taken.local_share == 800
    assert restored.match == 500
    assert after.match_base == 500
    posting = post_money_in(
        "d", PostingKind.DISPUTE_REINSTATED, PAID, "leeds-central", "gbp", restored
    )
    assert account_balances([posting.entry]) == {
        "donor_funds": -1000,
        "national:share": 200,
        "campaign:leeds-central:share": 800,
        "national:match_funding": -500,
        "campaign:leeds-central:match": 500,
    }
    assert posting.figures.raised == 1000


def test_payout_moves_owed_to_paid() -> None:
    posting = post_payout("leeds-central@x", "leeds-central", 7000, PAID + timedelta(days=5))
    assert account_balances([posting.entry]) == {
        "campaign:leeds-central:payouts": -7000,
        "donor_funds": 7000,
    }
    assert (ZERO + posting.figures).owed == -7000
