"""What the event processor needs, built once per process on first use."""

from __future__ import annotations

from functools import cache

from wardfund.adapters.dynamodb.alert_store import DynamoAlertStore
from wardfund.adapters.dynamodb.ledger_store import DynamoLedgerStore
from wardfund.adapters.dynamodb.table import Table
from wardfund.adapters.sqs_queue import SqsDeadLetters, SqsEventQueue
from wardfund.settings import get_settings


@cache
def ledger_store() -> DynamoLedgerStore:
    return DynamoLedgerStore(Table(get_settings().table_name))


@cache
def event_queue() -> SqsEventQueue:
    return SqsEventQueue(get_settings().events_queue_url)


@cache
def alert_store() -> DynamoAlertStore:
    return DynamoAlertStore(Table(get_settings().table_name))


@cache
def dead_letters() -> SqsDeadLetters | None:
    """None when the deployment names no dead-letter queue (the redrive policy then moves an
    unreadable event after its retries, as before)."""
    url = get_settings().events_dlq_url
    return SqsDeadLetters(url) if url else None
