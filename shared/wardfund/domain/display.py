"""How money and times read to a person: £1,234.56, dates and times in Europe/London."""

from __future__ import annotations

from datetime import date, datetime

from wardfund.domain.calendar import LONDON


def pounds(pence: int) -> str:
    """`123456` → `£1,234.56`; a negative amount → `−£12.00` (a true minus sign)."""
    sign = "\u2212" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def plain_amount(pence: int) -> str:
    """`-1250` → `-12.50`: what a spreadsheet or accounts package reads as a number."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole}.{part:02d}"


def london(at: datetime) -> datetime:
    return at.astimezone(LONDON)


def long_date(at: datetime) -> str:
    """`Monday 8 June 2026`."""
    local = london(at)
    return f"{local:%A} {local.day} {local:%B %Y}"


def long_day(day: date) -> str:
    """A London date as `Tuesday 7 April 2026` (a payment date, not an instant)."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_day(day: date) -> str:
    """A London date as `7 Apr 2026`."""
    return f"{day.day} {day:%b %Y}"


def short_date(at: datetime) -> str:
    """`8 Jun 2026`."""
    local = london(at)
    return f"{local.day} {local:%b %Y}"


def slash_date(at: datetime) -> str:
    """`08/06/2026`: the dd/mm/yyyy UK accounts packages (Xero) import."""
    return f"{london(at):%d/%m/%Y}"


def clock(at: datetime) -> str:
    """`06:00`."""
    return f"{london(at):%H:%M}"
