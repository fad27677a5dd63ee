"""Rule 3 made cumulative, and rule 2's late match: worked examples and exact properties.

What a campaign holds of a payment depends only on the total taken back (never on the parts),
a payment taken back in full leaves nothing, a won dispute short of the cap lowers the match
base, and through any sequence of payments, refunds, disputes and a late launch event the cap
holds and the journal balances account by account.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wardfund.domain.campaign import Campaign
from wardfund.domain.errors import InvalidAmount
from wardfund.domain.ledger import (
    DONOR_FUNDS,
    NATIONAL_MATCH_FUNDING,
    NATIONAL_SHARE,
    JournalEntry,
    account_balances,
    campaign_match_account,
    campaign_share_account,
)
from wardfund.domain.money import held_part, smallest_base_holding
from wardfund.domain.postings import (
    Allocation,
    Holding,
    Payment,
    PaymentKind,
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
)

PAID = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)


def campaign(
    share: int = 8000, cap: int = 200_000, launch: date | None = date(2026, 6, 1)
) -> Campaign:
    return Campaign(
        campaign_id="c",
        name="C",
        launch_event_on=launch,
        local_share_bps=share,
        match_cap_pence=cap,
    )


def first_payment(gross: int, payment_id: str = "pi_1", at: datetime = PAID) -> Payment:
    return Payment(
        payment_id=payment_id,
        campaign_id="c",
        ward="W",
        kind=PaymentKind.FIRST_MONTHLY,
        gross=gross,
        currency="gbp",
        paid_at=at,
        donor_ref="cus_1",
    )


def take_back_in_parts(original: Allocation, parts: list[int]) -> tuple[Allocation, Holding]:
    holding = holding_when_paid(original)
    for amount in parts:
        _, holding = allocate_takeback(original, holding, amount)
    return held(original, holding), holding


# ------------------------------------------------------------------ worked examples


def test_awkward_pennies_999_at_75_percent_refunded_in_three_parts() -> None:
    # Given a matched 999p first payment at a 75 % share (share 749, match 999)
    original = allocate_payment(first_payment(999), campaign(share=7500), 0)
    assert (original.local_share, original.match) == (749, 999)
    holding = holding_when_paid(original)
    # When 333 is refunded: the share held is 749 - floor(749*333/999) = 500, match 666
    part, holding = allocate_takeback(original, holding, 333)
    assert (held(original, holding).local_share, held(original, holding).match) == (500, 666)
    assert (part.local_share, part.match, part.national_share) == (249, 333, 84)
    # And 333 more: 749 - floor(749*666/999) = 250, match 333
    part, holding = allocate_takeback(original, holding, 333)
    assert (part.local_share, part.match) == (250, 333)
    # And the rest: nothing is held
    part, holding = allocate_takeback(original, holding, 333)
    assert (part.local_share, part.match) == (250, 333)
    assert held(original, holding) == Allocation(amount=0)


def test_333_refunded_100_100_and_the_rest_leaves_nothing() -> None:
    # Refund by refund this left the campaign 2p of share and 1p of match.
    original = allocate_payment(first_payment(333), campaign(), 0)
    now, _ = take_back_in_parts(original, [100, 100, 133])
    assert (now.local_share, now.match, now.amount) == (0, 0, 0)


def test_a_dispute_after_refunds_covers_what_is_left() -> None:
    # Given 1000 (share 800, match 1000) with 500 refunded
    original = allocate_payment(first_payment(1000), campaign(), 0)
    refund, holding = allocate_takeback(original, holding_when_paid(original), 500)
    assert (refund.local_share, refund.match) == (400, 500)
    # When the remaining 500 is disputed, the rest of share and match goes
    dispute, holding = allocate_takeback(original, holding, 500)
    assert (dispute.local_share, dispute.match) == (400, 500)
    assert held(original, holding) == Allocation(amount=0)


def test_won_short_of_the_cap_lowers_the_match_base() -> None:
    # Given 1000 matched 1000, refunded 500, the rest disputed, and 200 of cap room left
    original = allocate_payment(first_payment(1000), campaign(cap=2000), 0)
    _, holding = take_back_in_parts(original, [500, 500])
    # When the dispute is won: the share comes back in full (400), the match only 200
    back, holding = allocate_reinstatement(original, holding, 500, cap=2000, matched_now=1800)
    assert (back.amount, back.local_share, back.national_share, back.match) == (500, 400, 100, 200)
    # Then the base is the smallest m with m - floor(m*500/1000) = 200, which is 399
    assert holding == Holding(taken_back=500, match_base=399)
    # And a later refund of 200 takes back from it: 200 - (399 - floor(399*700/1000)) = 80
    later, holding = allocate_takeback(original, holding, 200)
    assert (later.local_share, later.match) == (160, 80)
    assert held(original, holding).match == 120


def test_won_with_room_gives_everything_back_and_keeps_the_base() -> None:
    original = allocate_payment(first_payment(1000), campaign(), 0)
    _, disputed = allocate_takeback(original, holding_when_paid(original), 1000)
    back, holding = allocate_reinstatement(original, disputed, 1000, cap=200_000, matched_now=0)
    assert back == original
    assert holding == holding_when_paid(original)


def test_won_with_no_room_gives_the_share_back_and_no_match() -> None:
    original = allocate_payment(first_payment(1000), campaign(), 0)
    _, disputed = allocate_takeback(original, holding_when_paid(original), 1000)
    back, holding = allocate_reinstatement(
        original, disputed, 1000, cap=200_000, matched_now=200_000
    )
    assert (back.local_share, back.match) == (800, 0)
    assert holding == Holding(taken_back=0, match_base=0)


def test_late_match_of_a_partly_refunded_first_payment() -> None:
    # Given 1000 unmatched (no launch event when it was paid), 400 refunded
    before_launch = campaign(launch=None)
    original = allocate_payment(first_payment(1000), before_launch, 0)
    assert original.match == 0
    _, holding = allocate_takeback(original, holding_when_paid(original), 400)
    # When the launch event (held 06-01) is recorded: base min(1000, 1500), held 600
    late = allocate_late_match(first_payment(1000), original, holding, campaign(cap=1500), 0)
    assert late is not None
    part, after = late
    assert (part.amount, part.local_share, part.national_share, part.match) == (0, 0, 0, 600)
    assert after == Holding(taken_back=400, match_base=1000)


def test_late_match_only_for_eligible_unmatched_first_payments() -> None:
    launched = campaign(cap=1500)
    paid = allocate_payment(first_payment(1000), launched, 0)
    # already matched at payment
    assert (
        allocate_late_match(first_payment(1000), paid, holding_when_paid(paid), launched, 0) is None
    )
    unmatched = allocate_payment(first_payment(1000), campaign(launch=None), 0)
    fresh = holding_when_paid(unmatched)
    # paid before the launch event's day
    early = first_payment(1000, at=datetime(2026, 5, 31, 22, 59, 59, tzinfo=UTC))
    assert allocate_late_match(early, unmatched, fresh, launched, 0) is None
    # a renewal, or the cap used up
    renewal = Payment(**{**first_payment(1000).__dict__, "kind": PaymentKind.RENEWAL})
    assert allocate_late_match(renewal, unmatched, fresh, launched, 0) is None
    assert allocate_late_match(first_payment(1000), unmatched, fresh, launched, 1500) is None
    # taken back in full: nothing would be held, so nothing is matched
    _, gone = allocate_takeback(unmatched, fresh, 1000)
    assert allocate_late_match(first_payment(1000), unmatched, gone, launched, 0) is None
    # 23:00 UTC on 31 May is 00:00 on 1 June in London: matched
    on_the_day = first_payment(1000, at=datetime(2026, 5, 31, 23, 0, tzinfo=UTC))
    late = allocate_late_match(on_the_day, unmatched, fresh, launched, 1000)
    assert late is not None
    assert late[0].match == 500


def test_smallest_base_examples() -> None:
    assert smallest_base_holding(200, 500, 1000, 1000) == 399
    assert smallest_base_holding(0, 500, 1000, 1000) == 0
    assert smallest_base_holding(7, 0, 1000, 1000) == 7
    with pytest.raises(InvalidAmount):
        smallest_base_holding(501, 500, 1000, 1000)


# ------------------------------------------------------------------ exact properties


@given(
    gross=st.integers(1, 100_000),
    share=st.integers(0, 10_000),
    data=st.data(),
)
def test_any_parts_with_the_same_total_give_the_same_held_figures(
    gross: int, share: int, data: st.DataObject
) -> None:
    total = data.draw(st.integers(0, gross))
    original = allocate_payment(first_payment(gross), campaign(share=share), 0)

    def parts_of(amount: int) -> list[int]:
        cuts = sorted(data.draw(st.lists(st.integers(0, amount), max_size=5)))
        edges = [0, *cuts, amount]
        return [b - a for a, b in itertools.pairwise(edges) if b > a]

    one, _ = take_back_in_parts(original, parts_of(total))
    other, _ = take_back_in_parts(original, parts_of(total))
    assert one == other
    assert one.local_share == original.local_share - original.local_share * total // gross
    assert one.match == original.match - original.match * total // gross
    assert one.amount == gross - total


@given(gross=st.integers(1, 100_000), share=st.integers(0, 10_000), pieces=st.integers(1, 6))
def test_taken_back_in_full_leaves_nothing(gross: int, share: int, pieces: int) -> None:
    original = allocate_payment(first_payment(gross), campaign(share=share), 0)
    parts = [gross // pieces] * (pieces - 1)
    parts.append(gross - sum(parts))
    now, holding = take_back_in_parts(original, [p for p in parts if p])
    assert now == Allocation(amount=0)
    assert holding.taken_back == gross


@given(
    given_=st.integers(0, 100_000),
    gross=st.integers(1, 100_000),
    data=st.data(),
)
def test_smallest_base_is_exact_and_smallest(given_: int, gross: int, data: st.DataObject) -> None:
    taken = data.draw(st.integers(0, gross))
    target = data.draw(st.integers(0, held_part(given_, taken, gross)))
    base = smallest_base_holding(target, taken, gross, given_)
    assert held_part(base, taken, gross) == target
    assert base == 0 or held_part(base - 1, taken, gross) < target


# ------------------------------------------------------------------ a campaign's whole life

Step = tuple[str, int, int]  # (action, payment number, amount)


@dataclass
class Model:
    """The campaign as the ledger sees it, built from the domain's functions only."""

    campaign: Campaign
    payments: list[tuple[Payment, Allocation]] = field(default_factory=list)
    holdings: list[Holding] = field(default_factory=list)
    disputed: dict[int, int] = field(default_factory=dict)
    entries: list[JournalEntry] = field(default_factory=list)
    matched: int = 0
    share: int = 0

    def book(self, entry: JournalEntry, share: int, match: int) -> None:
        self.entries.append(entry)
        self.share += share
        self.matched += match

    def pay(self, gross: int) -> None:
        number = len(self.payments)
        at = PAID + timedelta(minutes=number)
        payment = first_payment(gross, f"pi_{number}", at)
        allocation = allocate_payment(payment, self.campaign, self.matched)
        self.payments.append((payment, allocation))
        self.holdings.append(holding_when_paid(allocation))
        posting = post_payment(payment, allocation)
        self.book(posting.entry, allocation.local_share, allocation.match)

    def take_back(self, number: int, amount: int, kind: PostingKind) -> None:
        _payment, original = self.payments[number]
        left = original.amount - self.holdings[number].taken_back
        amount = min(amount, left)
        if amount <= 0 or number in self.disputed:
            return
        part, self.holdings[number] = allocate_takeback(original, self.holdings[number], amount)
        if kind is PostingKind.DISPUTE_WITHDRAWN:
            self.disputed[number] = amount
        posting = post_money_out(f"out{len(self.entries)}", kind, PAID, "c", "gbp", part)
        self.book(posting.entry, -part.local_share, -part.match)

    def win(self, number: int) -> None:
        if number not in self.disputed:
            return
        _, original = self.payments[number]
        amount = self.disputed.pop(number)
        part, self.holdings[number] = allocate_reinstatement(
            original, self.holdings[number], amount, self.campaign.match_cap_pence, self.matched
        )
        posting = post_money_in(
            f"in{len(self.entries)}", PostingKind.DISPUTE_REINSTATED, PAID, "c", "gbp", part
        )
        self.book(posting.entry, part.local_share, part.match)

    def launch(self) -> None:
        if self.campaign.launch_event_on is not None:
            return
        self.campaign = campaign(
            self.campaign.local_share_bps, self.campaign.match_cap_pence, date(2026, 6, 1)
        )
        for number, (payment, original) in enumerate(self.payments):
            late = allocate_late_match(
                payment, original, self.holdings[number], self.campaign, self.matched
            )
            if late is None:
                continue
            part, self.holdings[number] = late
            posting = post_money_in(f"late{number}", PostingKind.LATE_MATCH, PAID, "c", "gbp", part)
            self.book(posting.entry, 0, part.match)

    def check(self) -> None:
        balances = account_balances(self.entries)
        assert sum(balances.values()) == 0
        assert 0 <= self.matched <= self.campaign.match_cap_pence
        assert balances.get(campaign_match_account("c"), 0) == self.matched
        assert balances.get(campaign_share_account("c"), 0) == self.share
        assert -balances.get(NATIONAL_MATCH_FUNDING, 0) == self.matched
        held_now = [held(a, h) for (_, a), h in zip(self.payments, self.holdings, strict=True)]
        assert self.matched == sum(h.match for h in held_now)
        assert self.share == sum(h.local_share for h in held_now)
        raised = sum(h.amount for h in held_now)
        assert -balances.get(DONOR_FUNDS, 0) == raised
        assert balances.get(NATIONAL_SHARE, 0) == raised - self.share


steps = st.lists(
    st.tuples(
        st.sampled_from(["pay", "refund", "dispute", "win", "lose", "launch"]),
        st.integers(0, 7),
        st.integers(1, 3000),
    ),
    max_size=30,
)


@given(
    share=st.integers(0, 10_000),
    cap=st.integers(0, 5000),
    launched=st.booleans(),
    story=steps,
)
def test_cap_holds_and_ledger_balances_through_any_story(
    share: int, cap: int, launched: bool, story: list[Step]
) -> None:
    model = Model(campaign(share, cap, date(2026, 6, 1) if launched else None))
    for action, number, amount in story:
        known = number < len(model.payments)
        if action == "pay":
            model.pay(amount)
        elif action == "refund" and known:
            model.take_back(number, amount, PostingKind.REFUND)
        elif action == "dispute" and known:
            model.take_back(number, amount, PostingKind.DISPUTE_WITHDRAWN)
        elif action == "win" and known:
            model.win(number)
        elif action == "lose" and known:
            model.disputed.pop(number, None)
        elif action == "launch":
            model.launch()
        model.check()
