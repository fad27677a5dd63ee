"""What the event processor needs, built once per process on first use."""

from __future__ import annotations

from functools import cache

from wardfund.adapters.dynamodb.ledger_store import DynamoLedgerStore
from wardfund.adapters.dynamodb.table import Table
from wardfund.settings import get_settings


@cache
def ledger_store() -> DynamoLedgerStore:
    return DynamoLedgerStore(Table(get_settings().table_name))
