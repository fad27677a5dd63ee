"""What the payout run needs (the planner and the per-campaign worker), built once per process
on first use."""

from __future__ import annotations

from functools import cache

from wardfund.adapters.dynamodb.alert_store import DynamoAlertStore
from wardfund.adapters.dynamodb.payout_runs import DynamoPayoutRuns
from wardfund.adapters.dynamodb.payout_store import DynamoPayoutStore
from wardfund.adapters.dynamodb.table import Table
from wardfund.adapters.s3_bank_files import S3BankFiles
from wardfund.adapters.sqs_payout_tasks import SqsPayoutTasks
from wardfund.adapters.stripe_gateway import StripeTransfers
from wardfund.settings import get_settings
from wardfund.wiring.stripe_api import payouts_client


@cache
def table() -> Table:
    return Table(get_settings().table_name)


@cache
def payout_store() -> DynamoPayoutStore:
    return DynamoPayoutStore(table())


@cache
def payout_runs() -> DynamoPayoutRuns:
    return DynamoPayoutRuns(table())


@cache
def alert_store() -> DynamoAlertStore:
    return DynamoAlertStore(table())


@cache
def payout_tasks() -> SqsPayoutTasks:
    return SqsPayoutTasks(get_settings().payout_tasks_queue_url)


@cache
def transfers() -> StripeTransfers:
    """The key is read and checked here, before the run writes anything: a missing or unusable
    key stops it at the start with a message naming the secret (StripeKeyMissing)."""
    payouts_client()
    return StripeTransfers(payouts_client)


@cache
def bank_files() -> S3BankFiles:
    return S3BankFiles(get_settings().bank_files_bucket)
