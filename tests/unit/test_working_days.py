"""The payment date of a payout run: the next working day in England and Wales when the run
falls on a weekend or bank holiday, from GOV.UK's list as the govuk-bank-holidays package
bundles it (read offline), checked for every bank holiday of 2026 and 2027."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from wardfund.domain.calendar import LONDON
from wardfund.domain.working_days import (
    bank_holiday_name,
    england_and_wales_bank_holidays,
    holidays_known_until,
    is_working_day,
    next_working_day,
    payment_date,
)


def run_on(day: date) -> datetime:
    """The payout run's time: 06:00 London on `day`, as the scheduler gives it (UTC)."""
    return datetime(day.year, day.month, day.day, 6, tzinfo=LONDON).astimezone(UTC)


# (run day, bank holiday it is, payment date)
MONDAY_HOLIDAYS = [
    (date(2026, 4, 6), "Easter Monday", date(2026, 4, 7)),
    (date(2026, 5, 4), "Early May bank holiday", date(2026, 5, 5)),
    (date(2026, 5, 25), "Spring bank holiday", date(2026, 5, 26)),
    (date(2026, 8, 31), "Summer bank holiday", date(2026, 9, 1)),
    # Boxing Day 2026 is a Saturday: its substitute is Monday 28 December
    (date(2026, 12, 28), "Boxing Day", date(2026, 12, 29)),
    (date(2027, 3, 29), "Easter Monday", date(2027, 3, 30)),
    (date(2027, 5, 3), "Early May bank holiday", date(2027, 5, 4)),
    (date(2027, 5, 31), "Spring bank holiday", date(2027, 6, 1)),
    (date(2027, 8, 30), "Summer bank holiday", date(2027, 8, 31)),
    # Christmas Day 2027 is a Saturday, Boxing Day a Sunday: substitutes Monday 27 and
    # Tuesday 28 December, so a Monday run is paid on Wednesday 29th
    (date(2027, 12, 27), "Christmas Day", date(2027, 12, 29)),
]


@pytest.mark.parametrize(("run_day", "holiday", "paid"), MONDAY_HOLIDAYS)
def test_a_run_on_a_bank_holiday_is_paid_the_next_working_day(
    run_day: date, holiday: str, paid: date
) -> None:
    assert run_day.weekday() == 0  # every one is a Monday: a weekly run falls on it
    assert bank_holiday_name(run_day) == holiday
    assert payment_date(run_on(run_day)) == paid
    assert is_working_day(paid)


def test_the_bundled_list_has_every_england_and_wales_bank_holiday_of_2026_and_2027() -> None:
    listed = {d for d in england_and_wales_bank_holidays() if d.year in (2026, 2027)}
    assert listed == {
        date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4),
        date(2026, 5, 25), date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28),
        date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 3),
        date(2027, 5, 31), date(2027, 8, 30), date(2027, 12, 27), date(2027, 12, 28),
    }  # fmt: skip
    assert holidays_known_until() >= date(2027, 12, 31)


def test_ordinary_days_and_weekends() -> None:
    monday = date(2026, 6, 15)
    assert payment_date(run_on(monday)) == monday
    assert bank_holiday_name(monday) is None
    # a run on a Saturday or Sunday (by hand) is paid on the Monday
    assert payment_date(run_on(date(2026, 6, 13))) == monday
    assert payment_date(run_on(date(2026, 6, 14))) == monday
    # Good Friday 2026: Saturday, Sunday and Easter Monday follow, so Tuesday
    assert next_working_day(date(2026, 4, 3)) == date(2026, 4, 7)
    # Christmas Day 2026 is a Friday, Boxing Day's substitute the Monday after
    assert next_working_day(date(2026, 12, 25)) == date(2026, 12, 29)


def test_the_london_date_decides_not_the_utc_one() -> None:
    # 23:30 UTC on Sunday 5 April 2026 is 00:30 on Easter Monday in London (BST)
    late = datetime(2026, 4, 5, 23, 30, tzinfo=UTC)
    assert payment_date(late) == date(2026, 4, 7)
    assert payment_date(late - timedelta(hours=1)) == date(2026, 4, 7)  # Sunday: Tuesday too


def test_a_given_holiday_list_is_used_instead() -> None:
    monday = date(2026, 6, 15)
    assert payment_date(run_on(monday), holidays={monday}) == date(2026, 6, 16)
    assert next_working_day(date(2026, 4, 6), holidays=()) == date(2026, 4, 6)


def test_the_statement_of_a_bank_payout_run_on_easter_monday_gives_the_tuesday() -> None:
    from dataclasses import replace

    from tests.unit.test_email_templates import CONTEXT, FakeReader, text_of
    from tests.unit.test_statement import LEEDS, PAYOUT
    from wardfund.adapters.email_templates import JinjaRenderer
    from wardfund.domain.notices import EmailKind
    from wardfund.domain.payouts import PayoutMethod, PayoutStatus
    from wardfund.services.compose_statement import compose_statement

    easter_monday = run_on(date(2026, 4, 6))
    by_bank = replace(
        PAYOUT,
        run_at=easter_monday,
        method=PayoutMethod.BANK_TRANSFER,
        status=PayoutStatus.AWAITING_BANK_TRANSFER,
        reference="WF260406LEEDSCENTRAL",
    )
    composed = compose_statement(by_bank, LEEDS, FakeReader(), CONTEXT)
    statement = composed.view["s"]
    # the payout is recorded at the run (its time is the run's), and paid the next working day
    assert statement.run_at == easter_monday
    assert statement.paid_on == date(2026, 4, 7)
    assert statement.run_on_holiday == "Easter Monday"
    rendered = JinjaRenderer().render(EmailKind.PAYOUT_STATEMENT, composed.view)
    for said in (text_of(rendered.html), rendered.text):
        assert "payment date Tuesday 7 April 2026" in said
        assert "fell on Easter Monday" in said
    assert rendered.subject.endswith("on 7 Apr 2026")
    # a Stripe transfer from the same run reaches the connected account that day
    stripe = compose_statement(replace(PAYOUT, run_at=easter_monday), LEEDS, FakeReader(), CONTEXT)
    assert stripe.view["s"].paid_on == date(2026, 4, 6)
    assert not stripe.view["s"].paid_later
