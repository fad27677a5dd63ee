"""The stated order in which a run pays while Stripe's available balance lasts."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from wardfund.domain.payout_balance import TransferDemand, allot, payment_order

MON = datetime(2026, 6, 1, 5, tzinfo=UTC)
TUE = datetime(2026, 6, 2, 5, tzinfo=UTC)


def test_held_payouts_first_oldest_first_then_the_smallest() -> None:
    demands = [
        TransferDemand("big", new=5000),
        TransferDemand("small", new=100),
        TransferDemand("held-tue", held=((TUE, 900),)),
        TransferDemand("held-mon", held=((MON, 9000),), new=100),
        TransferDemand("nothing", new=-300),
    ]
    order = [d.campaign_id for d in payment_order(demands)]
    assert order == ["held-mon", "held-tue", "small", "big"]


def test_pays_in_order_while_it_lasts_and_walks_on_past_what_does_not_fit() -> None:
    demands = [
        TransferDemand("a", new=300),
        TransferDemand("b", new=500),
        TransferDemand("c", new=400),
        TransferDemand("held", held=((MON, 600),)),
    ]
    allotment = allot(demands, 1000)
    # held 600 first (400 left); a 300 fits (100 left); c 400 and b 500 do not
    assert dict(allotment.allowances) == {"held": 600, "a": 300}
    assert dict(allotment.held) == {"c": 400, "b": 500}
    assert (allotment.demand, allotment.shortfall) == (1800, 800)


def test_an_unread_balance_holds_nothing() -> None:
    allotment = allot([TransferDemand("a", new=300)], None)
    assert dict(allotment.allowances) == {"a": 300}
    assert allotment.held == {}
    assert allotment.shortfall == 0


@given(
    st.lists(st.integers(min_value=-500, max_value=5000), max_size=30),
    st.integers(min_value=0, max_value=60000),
)
def test_never_allows_more_than_available_and_holds_only_for_want_of_it(
    amounts: list[int], available: int
) -> None:
    demands = [TransferDemand(f"c{n}", new=amount) for n, amount in enumerate(amounts)]
    allotment = allot(demands, available)
    assert sum(allotment.allowances.values()) <= available
    left = available - sum(allotment.allowances.values())
    assert all(amount > left for amount in allotment.held.values())
    owed = {d.campaign_id for d in demands if d.total > 0}
    assert set(allotment.allowances) | set(allotment.held) == owed
