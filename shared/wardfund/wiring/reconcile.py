"""What the weekly reconciliation needs, built once per process on first use."""

from __future__ import annotations

from functools import cache

from wardfund.adapters.dynamodb.alert_store import DynamoAlertStore
from wardfund.adapters.dynamodb.ledger_store import DynamoLedgerStore
from wardfund.adapters.dynamodb.table import Table
from wardfund.adapters.stripe_event_log import StripeEventLog
from wardfund.settings import get_settings
from wardfund.wiring.stripe_api import reconcile_client


@cache
def ledger_store() -> DynamoLedgerStore:
    return DynamoLedgerStore(Table(get_settings().table_name))


@cache
def event_log() -> StripeEventLog:
    """The key is read and checked here, before anything is applied (StripeKeyMissing)."""
    reconcile_client()
    return StripeEventLog(reconcile_client)


@cache
def alert_store() -> DynamoAlertStore:
    return DynamoAlertStore(Table(get_settings().table_name))
