"""The ledger check's arithmetic: an entry balances when its account balances sum to zero,
and a campaign's figures are what its accounts hold, for every posting the domain makes."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from wardfund.domain.campaign import Campaign
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.ledger import (
    DONOR_FUNDS,
    NATIONAL_SHARE,
    SUSPENSE,
    account_balances,
    campaign_launch_costs_account,
    campaign_match_account,
    campaign_payouts_account,
    campaign_share_account,
    credit,
    debit,
)
from wardfund.domain.ledger_check import (
    add_balances,
    figures_from_balances,
    foreign_campaign_accounts,
    line_balances,
    lines_balance,
    suspense_from_balances,
)
from wardfund.domain.postings import (
    Payment,
    PaymentKind,
    allocate_payment,
    post_payment,
    post_payout,
)

PAID = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)
PAYMENT_LINES = [
    debit(DONOR_FUNDS, 1000),
    debit("national:match_funding", 1000),
    credit(NATIONAL_SHARE, 200),
    credit(campaign_share_account("leeds"), 800),
    credit(campaign_match_account("leeds"), 1000),
]


def test_balances_are_credit_positive_per_account() -> None:
    # Given a matched £10 first payment's lines
    # Then credits count up, debits down, each account on its own
    assert line_balances(PAYMENT_LINES) == {
        "donor_funds": -1000,
        "national:match_funding": -1000,
        "national:share": 200,
        "campaign:leeds:share": 800,
        "campaign:leeds:match": 1000,
    }
    assert line_balances([credit("a", 5), credit("a", 7), debit("a", 2)]) == {"a": 10}
    assert line_balances([]) == {}


def test_an_entry_balances_only_when_debits_equal_credits() -> None:
    assert lines_balance(PAYMENT_LINES)
    assert lines_balance([])
    # a one-sided line, or one line a penny short, does not
    assert not lines_balance([credit(campaign_share_account("leeds"), 100)])
    assert not lines_balance([debit(DONOR_FUNDS, 1000), credit(NATIONAL_SHARE, 999)])
    assert not lines_balance([debit(DONOR_FUNDS, 1000), debit(NATIONAL_SHARE, 1000)])


def test_figures_are_rebuilt_from_the_accounts() -> None:
    # Given a matched £10 payment, a £2 launch cost reimbursed, and a £15 payout
    balances = line_balances(
        [
            *PAYMENT_LINES,
            debit("national:launch_event_funding", 200),
            credit(campaign_launch_costs_account("leeds"), 200),
            debit(campaign_payouts_account("leeds"), 1500),
            credit(DONOR_FUNDS, 1500),
        ]
    )
    # Then the figures are those the accounts hold
    assert figures_from_balances("leeds", balances) == CampaignFigures(
        raised=1000,
        local_share=800,
        national_share=200,
        match=1000,
        paid_out=1500,
        launch_costs=200,
    )


def test_nothing_is_zero_figures() -> None:
    assert figures_from_balances("leeds", {}) == CampaignFigures()
    assert suspense_from_balances({}) == 0


def test_suspense_is_the_suspense_account() -> None:
    balances = line_balances([debit(DONOR_FUNDS, 700), credit(SUSPENSE, 700)])
    assert suspense_from_balances(balances) == 700
    assert suspense_from_balances(line_balances([debit(SUSPENSE, 300)])) == -300


def test_balances_add_up_account_by_account() -> None:
    into = {"a": 5, "b": -2}
    add_balances(into, {"a": 1, "c": 4})
    assert into == {"a": 6, "b": -2, "c": 4}


def test_other_campaigns_accounts_are_named() -> None:
    balances = {
        "campaign:leeds:share": 800,
        "campaign:leeds-east:match": 10,
        "campaign:york:share": 5,
        "national:share": 200,
    }
    assert foreign_campaign_accounts("leeds", balances) == [
        "campaign:leeds-east:match",
        "campaign:york:share",
    ]
    assert foreign_campaign_accounts("york", {"campaign:york:share": 5}) == []


@given(
    gross=st.integers(0, 1_000_000),
    share=st.integers(0, 10_000),
    cap=st.integers(0, 500_000),
    matched=st.integers(0, 500_000),
    kind=st.sampled_from(list(PaymentKind)),
    paid_out=st.integers(0, 1_000_000),
)
def test_every_posting_moves_exactly_the_figures_it_records(
    gross: int, share: int, cap: int, matched: int, kind: PaymentKind, paid_out: int
) -> None:
    # Given any payment to a campaign in the agreement, and any payout
    campaign = Campaign(
        campaign_id="c",
        name="C",
        launch_event_on=date(2026, 1, 1),
        local_share_bps=share,
        match_cap_pence=cap,
    )
    payment = Payment("pi_1", "c", "Ward", kind, gross, "gbp", PAID, "cus_1")
    postings = [
        post_payment(payment, allocate_payment(payment, campaign, matched)),
        post_payout("c@x", "c", paid_out, PAID),
    ]
    # Then the figures rebuilt from each entry's accounts are the figures it records
    for posting in postings:
        balances = account_balances([posting.entry])
        assert figures_from_balances("c", balances) == posting.figures
        assert lines_balance(posting.entry.lines)
