"""Rule 5: pay what is owed up to the run's time, carry what is not positive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from wardfund.domain.calendar import LONDON
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.payouts import (
    LedgerLine,
    PayoutMethod,
    is_payout_week,
    plan_payout,
    settle_time,
)

RUN = datetime(2026, 6, 8, 6, tzinfo=LONDON)


def line(key: str, owed: int, at: datetime) -> LedgerLine:
    return LedgerLine(key, key, "payment", at, at, CampaignFigures(local_share=owed))


def test_pays_lines_at_or_before_the_run_only() -> None:
    lines = [
        line("a", 800, RUN - timedelta(days=1)),
        line("b", 400, RUN),
        line("c", 50, RUN + timedelta(seconds=1)),
    ]
    plan = plan_payout("leeds", RUN, lines, PayoutMethod.BANK_TRANSFER)
    assert plan is not None
    assert plan.amount == 1200
    assert plan.settles == ("a", "b")


def test_negative_or_zero_is_carried() -> None:
    assert plan_payout("x", RUN, [line("a", -300, RUN)], PayoutMethod.BANK_TRANSFER) is None
    assert plan_payout("x", RUN, [], PayoutMethod.BANK_TRANSFER) is None


@given(st.lists(st.integers(-5000, 5000), max_size=12), st.randoms())
def test_order_of_lines_does_not_change_the_payout(amounts: list[int], rng: object) -> None:
    lines = [line(f"l{i}", owed, RUN - timedelta(minutes=i)) for i, owed in enumerate(amounts)]
    shuffled = list(lines)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    first = plan_payout("x", RUN, lines, PayoutMethod.BANK_TRANSFER)
    second = plan_payout("x", RUN, shuffled, PayoutMethod.BANK_TRANSFER)
    assert first == second
    assert (first.amount if first else 0) == max(0, sum(amounts)) or sum(amounts) <= 0


def test_a_late_line_joins_the_next_payout() -> None:
    late = settle_time(RUN - timedelta(days=2), settled_through=RUN)
    assert late > RUN
    assert settle_time(RUN + timedelta(hours=1), settled_through=RUN) == RUN + timedelta(hours=1)


def test_fortnightly_skips_every_other_monday() -> None:
    mondays = [datetime(2026, 6, 1, 5, tzinfo=UTC) + timedelta(weeks=w) for w in range(4)]
    weeks = [is_payout_week(m, "fortnightly") for m in mondays]
    assert weeks in ([True, False, True, False], [False, True, False, True])
    assert all(is_payout_week(m, "weekly") for m in mondays)
