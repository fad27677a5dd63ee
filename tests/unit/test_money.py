"""Rules 1-3 as properties over all amounts, plus the worked figures of FORMAT.md."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wardfund.domain.errors import InvalidAmount
from wardfund.domain.money import (
    match_for_first_payment,
    match_to_restore,
    proportional_takeback,
    require_pence,
    smallest_base_holding,
    split_payment,
)

pence = st.integers(min_value=0, max_value=10_000_000)
bps = st.integers(min_value=0, max_value=10_000)


@given(gross=pence, share=bps)
def test_split_sums_to_the_payment(gross: int, share: int) -> None:
    split = split_payment(gross, share)
    assert split.local + split.national == gross
    assert split.local >= 0
    assert split.national >= 0


@given(gross=pence, share=bps)
def test_campaign_share_is_rounded_down(gross: int, share: int) -> None:
    split = split_payment(gross, share)
    assert split.local * 10_000 <= gross * share < (split.local + 1) * 10_000


def test_worked_split_of_999_at_75_percent() -> None:
    # Given the Brighton story's 999p pledge at 7500 bps, Then the campaign gets 749p
    assert split_payment(999, 7500).local == 749


@given(gross=pence, cap=pence, matched=pence)
def test_match_never_exceeds_cap_or_payment(gross: int, cap: int, matched: int) -> None:
    match = match_for_first_payment(gross, cap, matched)
    assert 0 <= match <= gross
    assert matched + match <= max(cap, matched)


@given(given_=pence, gross=st.integers(1, 10_000_000), data=st.data())
def test_many_refunds_never_take_back_more_than_was_given(
    given_: int, gross: int, data: st.DataObject
) -> None:
    parts = data.draw(st.lists(st.integers(1, gross), max_size=6))
    remaining, taken = gross, 0
    for part in parts:
        part = min(part, remaining)
        remaining -= part
        taken += proportional_takeback(given_, part, gross)
    assert taken <= given_


@given(taken=pence, cap=pence, matched=pence)
def test_restored_match_stays_under_cap(taken: int, cap: int, matched: int) -> None:
    restored = match_to_restore(taken, cap, matched)
    assert 0 <= restored <= taken
    assert restored == 0 or matched + restored <= cap


@pytest.mark.parametrize("bad", [-1, 1.5, True, "10"])
def test_amounts_must_be_whole_pence(bad: object) -> None:
    with pytest.raises(InvalidAmount):
        split_payment(bad, 8000)  # type: ignore[arg-type]


def test_refund_larger_than_payment_is_refused() -> None:
    with pytest.raises(InvalidAmount):
        proportional_takeback(800, 1001, 1000)


# ------------------------------------------------------------------ exact figures, not bounds
@given(gross=pence, cap=pence, data=st.data())
def test_match_is_exactly_the_payment_or_what_the_cap_has_left(
    gross: int, cap: int, data: st.DataObject
) -> None:
    # Given a campaign that has been matched at most its cap so far
    matched = data.draw(st.integers(0, cap))
    # When a first payment of `gross` is matched
    match = match_for_first_payment(gross, cap, matched)
    # Then the match is min(g, cap - given): the whole payment while the cap has room
    assert match == min(gross, cap - matched)
    if gross <= cap - matched:
        assert match == gross


@pytest.mark.parametrize(
    ("gross", "cap", "matched", "expected"),
    [
        (1000, 200_000, 0, 1000),  # the cap has room: the payment is matched in full
        (1000, 200_000, 199_000, 1000),  # exactly the room left: still in full
        (1000, 200_000, 199_500, 500),  # only 500p of room: the match stops at the cap
        (1000, 200_000, 200_000, 0),  # the cap is used up
        (1000, 150_000, 160_000, 0),  # cap lowered below what was given: nothing, not negative
        (0, 200_000, 0, 0),
    ],
)
def test_worked_matches(gross: int, cap: int, matched: int, expected: int) -> None:
    assert match_for_first_payment(gross, cap, matched) == expected


@given(given_=pence, gross=st.integers(1, 10_000_000), data=st.data())
def test_takeback_is_exactly_the_rounded_down_proportion(
    given_: int, gross: int, data: st.DataObject
) -> None:
    # Given a payment of g that gave the campaign `given`
    reversed_amount = data.draw(st.integers(0, gross))
    # When r of it is refunded or disputed
    taken = proportional_takeback(given_, reversed_amount, gross)
    # Then floor(given * r / g) is taken back, no more and no less
    assert taken == given_ * reversed_amount // gross
    assert taken * gross <= given_ * reversed_amount < (taken + 1) * gross


@given(given_=pence, gross=st.integers(1, 10_000_000))
def test_a_full_reversal_takes_back_everything_and_none_takes_nothing(
    given_: int, gross: int
) -> None:
    assert proportional_takeback(given_, gross, gross) == given_
    assert proportional_takeback(given_, 0, gross) == 0


@pytest.mark.parametrize(
    ("given_", "reversed_amount", "gross", "expected"),
    [
        (800, 1000, 1000, 800),  # the whole £10 payment refunded: all of its 800p share
        (800, 500, 1000, 400),  # half of it: half
        (800, 333, 1000, 266),  # 266.4p rounds down
        (749, 999, 999, 749),  # the Brighton 999p pledge at 75 %, refunded in full
        (749, 1, 999, 0),  # 0.7497p rounds down to nothing
        (1000, 999, 1000, 999),
        (800, 0, 0, 0),  # a zero payment has nothing to take back
    ],
)
def test_worked_takebacks(given_: int, reversed_amount: int, gross: int, expected: int) -> None:
    assert proportional_takeback(given_, reversed_amount, gross) == expected


@given(taken=pence, cap=pence, data=st.data())
def test_restored_match_is_exactly_what_the_cap_has_room_for(
    taken: int, cap: int, data: st.DataObject
) -> None:
    # Given a campaign matched at most its cap now
    matched = data.draw(st.integers(0, cap))
    # When a dispute won brings back match `taken`
    restored = match_to_restore(taken, cap, matched)
    # Then min(taken, room) comes back: all of it while the cap has room
    assert restored == min(taken, cap - matched)
    if taken <= cap - matched:
        assert restored == taken


@pytest.mark.parametrize(
    ("taken", "cap", "matched", "expected"),
    [
        (1000, 200_000, 0, 1000),  # room for all of it
        (1000, 200_000, 199_000, 1000),  # exactly enough room
        (1000, 200_000, 199_500, 500),  # room for 500p only
        (1000, 200_000, 200_000, 0),  # the cap was filled meanwhile
        (1000, 150_000, 160_000, 0),  # cap lowered below the match: nothing, not negative
    ],
)
def test_worked_restores(taken: int, cap: int, matched: int, expected: int) -> None:
    assert match_to_restore(taken, cap, matched) == expected


@pytest.mark.parametrize(("gross", "share", "local"), [(1000, 0, 0), (1000, 10_000, 1000)])
def test_the_share_may_be_anything_from_none_to_all(gross: int, share: int, local: int) -> None:
    split = split_payment(gross, share)
    assert (split.local, split.national, split.gross) == (local, gross - local, gross)


@pytest.mark.parametrize("share", [-1, 10_001])
def test_a_share_outside_0_to_10000_basis_points_is_refused(share: int) -> None:
    with pytest.raises(InvalidAmount, match="basis points"):
        split_payment(1000, share)


def test_zero_pence_is_a_whole_amount() -> None:
    split = split_payment(0, 8000)
    assert (split.local, split.national) == (0, 0)


def test_refunding_exactly_the_payment_is_allowed() -> None:
    assert proportional_takeback(800, 1000, 1000) == 800


@pytest.mark.parametrize(
    ("refused", "message"),
    [
        (lambda: split_payment(-1, 8000), "payment must be a whole, non-negative number of pence"),
        (lambda: match_for_first_payment(-5, 1000, 0), "payment must be a whole"),
        (lambda: match_for_first_payment(500, -1, 0), "match cap must be a whole"),
        (lambda: proportional_takeback(-1, 0, 1000), "amount given must be a whole"),
        (lambda: proportional_takeback(800, -1, 1000), "amount reversed must be a whole"),
        (lambda: proportional_takeback(800, 1001, 1000), "cannot reverse 1001 of a 1000 payment"),
        (lambda: require_pence(-1), "amount must be a whole, non-negative number of pence, got -1"),
        (lambda: require_pence(2.5), "amount must be a whole, non-negative number of pence"),
        (
            lambda: smallest_base_holding(1001, 0, 1000, 1000),
            "no match base up to 1000 holds 1001 after 0 back",
        ),
    ],
)
def test_a_refusal_names_the_amount_and_what_it_is(refused: Any, message: str) -> None:
    # The CLI and the alerts show these words: they must say which amount was wrong
    with pytest.raises(InvalidAmount, match="^" + re.escape(message)):
        refused()
