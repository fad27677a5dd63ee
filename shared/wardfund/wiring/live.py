"""What the live page needs, built once per process on first use."""

from __future__ import annotations

from functools import cache

from wardfund.adapters.dynamodb.live_nights import DynamoLiveNights
from wardfund.adapters.dynamodb.table import Table
from wardfund.services.live_figures import LiveFiguresReader
from wardfund.settings import get_settings
from wardfund.web.limits import FRESH_SECONDS


@cache
def figures_reader() -> LiveFiguresReader:
    return LiveFiguresReader(
        DynamoLiveNights(Table(get_settings().table_name)), fresh_seconds=FRESH_SECONDS
    )
