"""What the payout run needs, built once per process on first use."""

from __future__ import annotations

from functools import cache

from wardfund.adapters.dynamodb.payout_store import DynamoPayoutStore
from wardfund.adapters.dynamodb.table import Table
from wardfund.adapters.s3_bank_files import S3BankFiles
from wardfund.adapters.stripe_gateway import StripeTransfers
from wardfund.settings import get_settings
from wardfund.wiring.stripe_api import client


@cache
def payout_store() -> DynamoPayoutStore:
    return DynamoPayoutStore(Table(get_settings().table_name))


@cache
def transfers() -> StripeTransfers:
    return StripeTransfers(client)


@cache
def bank_files() -> S3BankFiles:
    return S3BankFiles(get_settings().bank_files_bucket)
