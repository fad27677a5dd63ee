"""Rule 5: pay what is owed up to the run's time, carry what is not positive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from wardfund.domain.calendar import LONDON, just_after
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.payouts import (
    LedgerLine,
    PayoutMethod,
    is_payout_week,
    owed_in,
    payout_id,
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


# ------------------------------------------------------------ the watermark and the run instant
def test_a_line_exactly_at_the_watermark_joins_the_next_payout() -> None:
    # Given a payout that settled everything up to and including RUN
    # When a line dated exactly RUN arrives afterwards (a late webhook)
    at = settle_time(RUN, settled_through=RUN)
    # Then it settles just after the watermark, so the next run pays it
    assert at == just_after(RUN) == RUN + timedelta(microseconds=1)


def test_a_line_after_the_watermark_keeps_its_own_time() -> None:
    later = just_after(RUN)
    assert settle_time(later, settled_through=RUN) == later
    assert settle_time(RUN, settled_through=None) == RUN
    assert settle_time(RUN - timedelta(days=300), settled_through=None) == RUN - timedelta(days=300)


def test_a_line_at_the_run_instant_is_paid_by_that_run() -> None:
    # Given one line owed 400p settling exactly when the run fires
    lines = [line("at-run", 400, RUN)]
    # When the run plans its payout
    plan = plan_payout("leeds", RUN, lines, PayoutMethod.STRIPE_TRANSFER)
    # Then that line is paid by this run, not the next
    assert plan is not None
    assert (plan.amount, plan.settles) == (400, ("at-run",))


def test_a_line_a_microsecond_after_the_run_waits_for_the_next() -> None:
    lines = [line("after", 400, just_after(RUN))]
    assert plan_payout("leeds", RUN, lines, PayoutMethod.STRIPE_TRANSFER) is None


def test_the_plan_names_the_campaign_run_and_method() -> None:
    # Given lines owed 800p and 250p, one owed back 50p, all before the run
    lines = [
        line("b", 250, RUN - timedelta(hours=2)),
        line("a", 800, RUN - timedelta(days=3)),
        line("c", -50, RUN - timedelta(minutes=1)),
    ]
    # When the run plans the payout
    plan = plan_payout("leeds-central", RUN, lines, PayoutMethod.BANK_TRANSFER)
    # Then it pays 1000p in one payout that settles every line, keyed on the run's UTC time
    assert plan is not None
    assert plan.payout_id == "leeds-central@2026-06-08T05:00:00.000000Z"
    assert plan.payout_id == payout_id("leeds-central", RUN)
    assert (plan.campaign_id, plan.run_at, plan.method) == (
        "leeds-central",
        RUN,
        PayoutMethod.BANK_TRANSFER,
    )
    assert (plan.amount, plan.settles) == (1000, ("a", "b", "c"))
    assert owed_in(lines) == 1000


def test_owed_exactly_zero_is_no_payout() -> None:
    lines = [line("a", 500, RUN - timedelta(days=1)), line("b", -500, RUN)]
    assert owed_in(lines) == 0
    assert plan_payout("leeds", RUN, lines, PayoutMethod.BANK_TRANSFER) is None
    assert plan_payout("leeds", RUN, [line("a", 1, RUN)], PayoutMethod.BANK_TRANSFER) is not None


def test_fortnightly_runs_fall_on_the_anchor_week_and_every_second_week_after() -> None:
    # Given the fortnight anchor, Monday 5 January 2026
    anchor = datetime(2026, 1, 5, 6, tzinfo=LONDON)
    # Then its week pays, the next does not, the one after does
    assert is_payout_week(anchor, "fortnightly")
    assert not is_payout_week(anchor + timedelta(weeks=1), "fortnightly")
    assert is_payout_week(anchor + timedelta(weeks=2), "fortnightly")
    # And Monday 8 June 2026 (22 weeks on) pays, Monday 1 June (21 weeks on) does not
    assert is_payout_week(RUN, "fortnightly")
    assert not is_payout_week(RUN - timedelta(weeks=1), "fortnightly")


def test_the_fortnight_is_counted_in_london_days() -> None:
    # Given 00:30 on Monday 8 June in London, which is still Sunday 7 June in UTC
    run = datetime(2026, 6, 7, 23, 30, tzinfo=UTC)
    # Then it is the Monday of a payout week (22 weeks after the anchor), as London sees it
    assert is_payout_week(run, "fortnightly")
    assert not is_payout_week(datetime(2026, 6, 7, 22, 59, tzinfo=UTC), "fortnightly")


def test_every_day_of_a_payout_week_is_in_it() -> None:
    # Given the payout week of Monday 8 June 2026, and a run fired late on its Wednesday
    late = datetime(2026, 6, 10, 18, tzinfo=LONDON)
    # Then it is still that payout week, and the Sunday before the next Monday is too
    assert is_payout_week(late, "fortnightly")
    assert is_payout_week(datetime(2026, 6, 14, 23, 59, tzinfo=LONDON), "fortnightly")
    assert not is_payout_week(datetime(2026, 6, 15, 0, 1, tzinfo=LONDON), "fortnightly")
