"""Money and dates as people read them: £1,234.56, Europe/London."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wardfund.domain.display import clock, long_date, plain_amount, pounds, short_date, slash_date


@pytest.mark.parametrize(
    ("pence", "text"),
    [
        (0, "£0.00"),
        (5, "£0.05"),
        (1000, "£10.00"),
        (123456, "£1,234.56"),
        (100000000, "£1,000,000.00"),
        (-1800, "\u2212£18.00"),
    ],
)
def test_pounds(pence: int, text: str) -> None:
    assert pounds(pence) == text


def test_plain_amount_is_what_a_spreadsheet_reads() -> None:
    assert [plain_amount(p) for p in (7000, -1250, 5, 0)] == ["70.00", "-12.50", "0.05", "0.00"]


def test_dates_are_london_dates_in_summer_and_winter() -> None:
    # 23:30 UTC on 7 June is 00:30 on 8 June in London (BST)
    summer = datetime(2026, 6, 7, 23, 30, tzinfo=UTC)
    assert slash_date(summer) == "08/06/2026"
    assert long_date(summer) == "Monday 8 June 2026"
    assert short_date(summer) == "8 Jun 2026"
    assert clock(summer) == "00:30"
    # in winter London is on UTC
    winter = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)
    assert slash_date(winter) == "07/12/2026"
