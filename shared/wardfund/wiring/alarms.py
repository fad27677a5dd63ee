"""What the dead-letter alarm function needs, built once per process on first use."""

from __future__ import annotations

from functools import cache

from wardfund.adapters.dynamodb.alert_store import DynamoAlertStore
from wardfund.adapters.dynamodb.table import Table
from wardfund.settings import get_settings


@cache
def alert_store() -> DynamoAlertStore:
    return DynamoAlertStore(Table(get_settings().table_name))
