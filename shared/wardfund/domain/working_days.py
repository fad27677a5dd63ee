"""Working days in England and Wales: the day a payout made by a run is paid.

A payout run still runs, and records its payouts, on a bank holiday (its schedule is every
Monday 06:00 London, and Easter Monday, the early May, spring and summer bank holidays are
Mondays). Banks do not pay on those days, so a bank transfer from that run is paid on the
next working day: not a Saturday or Sunday, not an England-and-Wales bank holiday. That is
the payment date the bank file and the emails give (`payment_date`).

The bank holidays are GOV.UK's list (https://www.gov.uk/bank-holidays) as bundled in the
`govuk-bank-holidays` package: read from the package's own copy, never downloaded, so it
works offline and gives the same answer on every machine. GOV.UK publishes the list about
two years ahead; `holidays_known_until` says how far this copy goes, and a day after that
is treated as a working day unless it is a weekend (upgrade the package each year).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from functools import cache

from wardfund.domain.calendar import london_date

DIVISION = "england-and-wales"
WEEKEND = (5, 6)  # Saturday, Sunday


@cache
def _bundled() -> tuple[frozenset[date], dict[date, str]]:
    from govuk_bank_holidays.bank_holidays import BankHolidays  # type: ignore[import-untyped]

    offline = BankHolidays(use_cached_holidays=True)  # the package's copy: no download
    names = {
        holiday["date"]: str(holiday["title"])
        for holiday in offline.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    }
    return frozenset(names), names


def england_and_wales_bank_holidays() -> frozenset[date]:
    """Every England-and-Wales bank holiday in the bundled GOV.UK list."""
    return _bundled()[0]


def bank_holiday_name(day: date) -> str | None:
    """`Easter Monday`, `Boxing Day`, ... or None when `day` is not a bank holiday."""
    return _bundled()[1].get(day)


def holidays_known_until() -> date:
    """The last day of the last year the bundled list covers."""
    return date(max(england_and_wales_bank_holidays()).year, 12, 31)


def is_working_day(day: date, holidays: Collection[date] | None = None) -> bool:
    known = england_and_wales_bank_holidays() if holidays is None else holidays
    return day.weekday() not in WEEKEND and day not in known


def next_working_day(day: date, holidays: Collection[date] | None = None) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    known = england_and_wales_bank_holidays() if holidays is None else holidays
    while not is_working_day(day, known):
        day += timedelta(days=1)
    return day


def payment_date(run_at: datetime, holidays: Collection[date] | None = None) -> date:
    """The day a bank payment made by the run at `run_at` is paid: the run's London date,
    or the next working day when that is a weekend or a bank holiday. For the bank file's
    payment date and the date the emails give."""
    return next_working_day(london_date(run_at), holidays)
