"""Run-time settings, read once from the environment.

The same names are set by the CDK app for Lambda and by the embedded local stack.
Secrets never live here: only the *names* of the secrets to fetch at run time.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field

PayoutFrequency = Literal["weekly", "fortnightly"]


class Settings(BaseModel):
    table_name: str = Field(description="Single DynamoDB table: campaigns, ledger, payouts.")
    idempotency_table_name: str = Field(description="Powertools idempotency records.")
    events_queue_url: str = Field(default="", description="SQS queue of verified Stripe events.")
    notifications_queue_url: str = Field(default="", description="SQS queue of emails to send.")
    bank_files_bucket: str = Field(default="", description="S3 bucket for bank-transfer CSVs.")
    stripe_webhook_secret_name: str = Field(default="", description="Secrets Manager name.")
    stripe_api_key_secret_name: str = Field(default="", description="Secrets Manager name.")
    stripe_api_base: str | None = Field(default=None, description="Only for the local stand-in.")
    webhook_tolerance_seconds: int = 300
    payout_frequency: PayoutFrequency = "weekly"
    secrets_max_age_seconds: int = 300


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings(
        table_name=_env("TABLE_NAME"),
        idempotency_table_name=_env("IDEMPOTENCY_TABLE_NAME"),
        events_queue_url=_env("EVENTS_QUEUE_URL"),
        notifications_queue_url=_env("NOTIFICATIONS_QUEUE_URL"),
        bank_files_bucket=_env("BANK_FILES_BUCKET"),
        stripe_webhook_secret_name=_env("STRIPE_WEBHOOK_SECRET_NAME"),
        stripe_api_key_secret_name=_env("STRIPE_API_KEY_SECRET_NAME"),
        stripe_api_base=_env("STRIPE_API_BASE") or None,
        webhook_tolerance_seconds=int(_env("WEBHOOK_TOLERANCE_SECONDS", "300")),
        payout_frequency=_env("PAYOUT_FREQUENCY", "weekly"),
        secrets_max_age_seconds=int(_env("SECRETS_MAX_AGE_SECONDS", "300")),
    )
