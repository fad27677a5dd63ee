"""Which day it is, in the only time zone the agreement knows: Europe/London."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def require_aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"time must carry its offset, got naive {at.isoformat()}")
    return at


def london_date(at: datetime) -> date:
    return require_aware(at).astimezone(LONDON).date()


def start_of_london_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LONDON)


def to_utc(at: datetime) -> datetime:
    return require_aware(at).astimezone(UTC)


def utc_key(at: datetime) -> str:
    """A sortable, fixed-width UTC text form (microseconds) for storage keys."""
    return to_utc(at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_utc_key(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def just_after(at: datetime) -> datetime:
    return at + timedelta(microseconds=1)
