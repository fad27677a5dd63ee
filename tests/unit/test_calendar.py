"""Times: aware only, keyed and compared in UTC, days counted in London."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo

import pytest

from wardfund.domain.calendar import (
    LONDON,
    just_after,
    london_date,
    parse_utc_key,
    require_aware,
    start_of_london_day,
    to_utc,
    utc_key,
)

SUMMER_EVENING = datetime(2026, 6, 3, 19, 30, tzinfo=LONDON)  # 18:30 UTC


class NoOffset(tzinfo):
    """A zone that knows no offset: as naive as no zone at all."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None


@pytest.fixture
def machine_in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_time_without_an_offset_is_refused() -> None:
    with pytest.raises(ValueError, match="must carry its offset"):
        require_aware(datetime(2026, 6, 3, 19, 30))
    with pytest.raises(ValueError, match="must carry its offset"):
        require_aware(datetime(2026, 6, 3, 19, 30, tzinfo=NoOffset()))
    assert require_aware(SUMMER_EVENING) is SUMMER_EVENING


def test_utc_keys_are_fixed_width_and_read_back_as_the_same_instant() -> None:
    # Given a London summer evening
    key = utc_key(SUMMER_EVENING)
    # Then its key is the UTC time to the microsecond, and reads back as that aware instant
    assert key == "2026-06-03T18:30:00.000000Z"
    back = parse_utc_key(key)
    assert back == SUMMER_EVENING
    assert back.utcoffset() == timedelta(0)
    assert utc_key(just_after(SUMMER_EVENING)) == "2026-06-03T18:30:00.000001Z"


def test_utc_is_utc_whatever_the_machine_zone(machine_in_new_york: None) -> None:
    converted = to_utc(SUMMER_EVENING)
    assert converted.utcoffset() == timedelta(0)
    assert (converted.hour, converted.minute) == (18, 30)
    assert utc_key(SUMMER_EVENING) == "2026-06-03T18:30:00.000000Z"
    assert london_date(datetime(2026, 6, 3, 23, 30, tzinfo=UTC)) == date(2026, 6, 4)


def test_a_london_day_starts_at_london_midnight() -> None:
    # Given a summer and a winter day
    summer = start_of_london_day(date(2026, 6, 4))
    winter = start_of_london_day(date(2026, 12, 11))
    # Then they start at 23:00 UTC the evening before, and 00:00 UTC
    assert to_utc(summer) == datetime(2026, 6, 3, 23, 0, tzinfo=UTC)
    assert to_utc(winter) == datetime(2026, 12, 11, 0, 0, tzinfo=UTC)
    assert london_date(summer) == date(2026, 6, 4)
    assert london_date(summer - timedelta(microseconds=1)) == date(2026, 6, 3)
