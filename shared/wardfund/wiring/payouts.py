"""What the payout run needs, built once per process on first use."""

from __future__ import annotations

from functools import cache

from wardfund.adapters.dynamodb.payout_store import DynamoPayoutStore
from wardfund.adapters.dynamodb.table import Table
from wardfund.adapters.s3_bank_files import S3BankFiles
from wardfund.adapters.stripe_gateway import StripeTransfers
from wardfund.settings import get_settings
from wardfund.wiring.stripe_api import payouts_client


@cache
def payout_store() -> DynamoPayoutStore:
    return DynamoPayoutStore(Table(get_settings().table_name))


@cache
def transfers() -> StripeTransfers:
    """The key is read and checked here, before the run writes anything: a missing or unusable
    key stops it at the start with a message naming the secret (StripeKeyMissing)."""
    payouts_client()
    return StripeTransfers(payouts_client)


@cache
def bank_files() -> S3BankFiles:
    return S3BankFiles(get_settings().bank_files_bucket)
