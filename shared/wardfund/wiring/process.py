"""What the event processor needs, built once per process on first use."""

from __future__ import annotations

from functools import cache

from wardfund.adapters.dynamodb.ledger_store import DynamoLedgerStore
from wardfund.adapters.dynamodb.table import Table
from wardfund.adapters.sqs_queue import SqsEventQueue
from wardfund.settings import get_settings


@cache
def ledger_store() -> DynamoLedgerStore:
    return DynamoLedgerStore(Table(get_settings().table_name))


@cache
def event_queue() -> SqsEventQueue:
    return SqsEventQueue(get_settings().events_queue_url)
