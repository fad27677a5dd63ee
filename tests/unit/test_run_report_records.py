"""A run's summary item holds every campaign's line within DynamoDB's 400 KB for an item, at
any number of campaigns the run pays (issue 16: thousands of campaigns)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from wardfund.adapters.dynamodb.records import (
    LINES_INLINE_MAX,
    run_report_from,
    run_report_values,
)
from wardfund.adapters.dynamodb.table import from_item, to_item
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.run_report import CampaignRunLine, RunReport

RUN = datetime(2026, 6, 8, 5, tzinfo=UTC)


def _size(value: dict[str, Any]) -> int:
    """An attribute value's size as DynamoDB counts it (developer guide, "Item sizes"):
    strings by UTF-8 bytes, numbers about one byte per two digits, plus three bytes and one
    a member for a map or list, and every name's bytes."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return len(inner) // 2 + 2
    if kind == "M":
        return 3 + sum(len(k.encode()) + _size(v) + 1 for k, v in inner.items())
    if kind == "L":
        return 3 + sum(_size(v) + 1 for v in inner)
    return 1


def _report(campaigns: int) -> RunReport:
    lines = tuple(
        CampaignRunLine(
            f"c{n:05d}",
            f"Campaign {n}",
            CampaignFigures(raised=1000, local_share=800, national_share=200, match=1000),
            paid=1800,
            method="stripe_transfer",
            status="paid",
            reference=f"tr_1{n:023d}",
            held_for_balance=n % 97 == 0,
            failure="held" if n % 97 == 0 else None,
        )
        for n in range(campaigns)
    )
    return RunReport(RUN, lines, "s3://bank/run.csv")


@pytest.mark.parametrize("campaigns", [3, LINES_INLINE_MAX, LINES_INLINE_MAX + 1, 5000, 10000])
def test_every_line_comes_back_from_an_item_under_400_kb(campaigns: int) -> None:
    report = _report(campaigns)
    item = to_item({"PK": "RUNS", "SK": "x"} | run_report_values(report))
    assert sum(len(name) + _size(value) for name, value in item.items()) < 400_000
    assert ("lines" in item) == (campaigns <= LINES_INLINE_MAX)
    assert run_report_from(from_item(item)) == report
