"""Rules 1-3 as properties over all amounts, plus the worked figures of FORMAT.md."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wardfund.domain.errors import InvalidAmount
from wardfund.domain.money import (
    match_for_first_payment,
    match_to_restore,
    proportional_takeback,
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
