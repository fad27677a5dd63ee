"""Run-time settings, read once from the environment.

The same names are set by the CDK app for Lambda and by the embedded local stack.
Secrets never live here: only the *names* of the secrets to fetch at run time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

PayoutFrequency = Literal["weekly", "fortnightly"]


@dataclass(frozen=True)
class Settings:
    table_name: str  # single DynamoDB table: campaigns, ledger, payouts
    idempotency_table_name: str  # Powertools idempotency records
    events_queue_url: str = ""  # SQS queue of verified Stripe events
    bank_files_bucket: str = ""  # S3 bucket for bank-transfer CSVs
    stripe_webhook_secret_name: str = ""  # Secrets Manager names, never the values
    stripe_api_key_secret_name: str = ""
    stripe_api_base: str | None = None  # only for the local Stripe stand-in
    webhook_tolerance_seconds: int = 300
    payout_frequency: PayoutFrequency = "weekly"
    secrets_max_age_seconds: int = 300
    sender_address: str = ""  # SES identity emails are sent from
    reply_to_address: str = ""
    ses_configuration_set: str = ""
    national_finance_email: str = ""  # summaries and alerts go here
    organisation_name: str = ""  # the national body's name in emails
    customer_portal_url: str = ""  # Stripe customer portal: donors change or cancel there
    payment_failed_emails: bool = False  # a gentle note when a monthly payment fails
    permissibility_thresholds_pence: tuple[int, ...] = (5000, 50000)


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _flag(name: str) -> bool:
    return _env(name).strip().lower() in {"1", "true", "yes", "on"}


def _pence_list(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    text = _env(name).strip()
    if not text:
        return default
    return tuple(sorted(int(part) for part in text.split(",") if part.strip()))


def _frequency(text: str) -> PayoutFrequency:
    if text not in ("weekly", "fortnightly"):
        raise ValueError(f"PAYOUT_FREQUENCY must be weekly or fortnightly, not {text!r}")
    return "weekly" if text == "weekly" else "fortnightly"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings(
        table_name=_env("TABLE_NAME"),
        idempotency_table_name=_env("IDEMPOTENCY_TABLE_NAME"),
        events_queue_url=_env("EVENTS_QUEUE_URL"),
        bank_files_bucket=_env("BANK_FILES_BUCKET"),
        stripe_webhook_secret_name=_env("STRIPE_WEBHOOK_SECRET_NAME"),
        stripe_api_key_secret_name=_env("STRIPE_API_KEY_SECRET_NAME"),
        stripe_api_base=_env("STRIPE_API_BASE") or None,
        webhook_tolerance_seconds=int(_env("WEBHOOK_TOLERANCE_SECONDS", "300")),
        payout_frequency=_frequency(_env("PAYOUT_FREQUENCY", "weekly")),
        secrets_max_age_seconds=int(_env("SECRETS_MAX_AGE_SECONDS", "300")),
        sender_address=_env("SENDER_ADDRESS"),
        reply_to_address=_env("REPLY_TO_ADDRESS"),
        ses_configuration_set=_env("SES_CONFIGURATION_SET"),
        national_finance_email=_env("NATIONAL_FINANCE_EMAIL"),
        organisation_name=_env("ORGANISATION_NAME"),
        customer_portal_url=_env("CUSTOMER_PORTAL_URL"),
        payment_failed_emails=_flag("PAYMENT_FAILED_EMAILS"),
        permissibility_thresholds_pence=_pence_list(
            "PERMISSIBILITY_THRESHOLDS_PENCE", (5000, 50000)
        ),
    )
