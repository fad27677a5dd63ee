"""What the payout run needs, built once per process on first use."""

from __future__ import annotations

from functools import cache

import stripe

from wardfund.adapters.dynamodb.payout_store import DynamoPayoutStore
from wardfund.adapters.dynamodb.table import Table
from wardfund.adapters.s3_bank_files import S3BankFiles
from wardfund.adapters.secrets import read_secret
from wardfund.adapters.stripe_gateway import StripeTransfers, stripe_client
from wardfund.settings import get_settings


@cache
def payout_store() -> DynamoPayoutStore:
    return DynamoPayoutStore(Table(get_settings().table_name))


def _client() -> stripe.StripeClient:
    settings = get_settings()
    api_key = read_secret(settings.stripe_api_key_secret_name, settings.secrets_max_age_seconds)
    return _cached_client(api_key, settings.stripe_api_base)


@cache
def _cached_client(api_key: str, api_base: str | None) -> stripe.StripeClient:
    return stripe_client(api_key, api_base)


@cache
def transfers() -> StripeTransfers:
    return StripeTransfers(_client)


@cache
def bank_files() -> S3BankFiles:
    return S3BankFiles(get_settings().bank_files_bucket)
