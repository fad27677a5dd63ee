"""Run-time settings, read once from the environment.

The same names are set by the CDK app for Lambda and by the embedded local stack.
Secrets never live here: only the *names* of the secrets to fetch at run time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # the webhook receiver reads settings and must not import the domain
    from wardfund.domain.campaign import CampaignType
    from wardfund.domain.permissibility import PermissibilityRules

PayoutFrequency = Literal["weekly", "fortnightly"]


@dataclass(frozen=True)
class Settings:
    table_name: str  # single DynamoDB table: campaigns, ledger, payouts
    idempotency_table_name: str  # Powertools idempotency records
    events_queue_url: str = ""  # SQS queue of verified Stripe events
    events_dlq_url: str = ""  # its dead-letter queue: unreadable events are set aside there
    bank_files_bucket: str = ""  # S3 bucket for bank-transfer CSVs
    payout_tasks_queue_url: str = ""  # SQS FIFO queue: one task per campaign of a payout run
    stripe_webhook_secret_name: str = ""  # Secrets Manager names, never the values
    stripe_api_key_secret_name: str = ""
    stripe_connect_webhook_secret_name: str = ""  # the Connect endpoint's own signing secret
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
    privacy_notice_url: str = ""  # the donors' privacy notice: kit sheets and Payment Links
    live_page_url: str = ""  # the ward nights' live pages' base (`wardfund kit`)
    # Where Stripe's onboarding sends a treasurer back: done, or the link expired or used
    connect_return_url: str = ""
    connect_refresh_url: str = ""


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _flag(name: str) -> bool:
    return _env(name).strip().lower() in {"1", "true", "yes", "on"}


def _pence_list(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    text = _env(name).strip()
    if not text:
        return default
    return tuple(sorted(int(part) for part in text.split(",") if part.strip()))


def _by_type(name: str, default: dict[CampaignType, int]) -> dict[CampaignType, int]:
    """`candidate=5000,party=50000,non_party_campaigner=50000`, any of them; or plain pence
    (`5000,50000`, as PERMISSIBILITY_THRESHOLDS_PENCE always took): the smallest is a
    candidate's, the largest a party's and a non-party campaigner's."""
    from wardfund.domain.campaign import CampaignType, parse_campaign_type

    text = _env(name).strip()
    table = dict(default)
    if not text:
        return table
    parts = [part.strip() for part in text.split(",") if part.strip()]
    try:
        if all("=" not in part for part in parts):
            amounts = sorted(int(part) for part in parts)
            table[CampaignType.CANDIDATE] = amounts[0]
            table[CampaignType.PARTY] = table[CampaignType.NON_PARTY_CAMPAIGNER] = amounts[-1]
            return table
        for part in parts:
            kind, _, pence = part.partition("=")
            table[parse_campaign_type(kind)] = int(pence)
    except (ValueError, IndexError) as error:
        raise ValueError(f"{name} must be type=pence pairs or pence, not {text!r}") from error
    return table


def permissibility_rules() -> PermissibilityRules:
    """The permissibility thresholds and review limits (docs/permissibility.md): the law's
    values unless PERMISSIBILITY_THRESHOLDS_PENCE, REPORTING_THRESHOLDS_PENCE,
    PERMISSIBILITY_CHECK_DAYS or NEAR_THRESHOLD_PERCENT / _REPEATS / _WINDOW_DAYS say else."""
    from wardfund.domain.permissibility import (
        DEFAULT_DONATION_THRESHOLDS,
        DEFAULT_REPORTING_THRESHOLDS,
        PermissibilityRules,
    )

    return PermissibilityRules(
        donation_thresholds=_by_type(
            "PERMISSIBILITY_THRESHOLDS_PENCE", DEFAULT_DONATION_THRESHOLDS
        ),
        reporting_thresholds=_by_type("REPORTING_THRESHOLDS_PENCE", DEFAULT_REPORTING_THRESHOLDS),
        check_days=int(_env("PERMISSIBILITY_CHECK_DAYS", "30")),
        near_percent=int(_env("NEAR_THRESHOLD_PERCENT", "80")),
        near_repeats=int(_env("NEAR_THRESHOLD_REPEATS", "2")),
        near_window_days=int(_env("NEAR_THRESHOLD_WINDOW_DAYS", "90")),
    )


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
        events_dlq_url=_env("EVENTS_DLQ_URL"),
        bank_files_bucket=_env("BANK_FILES_BUCKET"),
        payout_tasks_queue_url=_env("PAYOUT_TASKS_QUEUE_URL"),
        stripe_webhook_secret_name=_env("STRIPE_WEBHOOK_SECRET_NAME"),
        stripe_api_key_secret_name=_env("STRIPE_API_KEY_SECRET_NAME"),
        stripe_connect_webhook_secret_name=_env("STRIPE_CONNECT_WEBHOOK_SECRET_NAME"),
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
        privacy_notice_url=_env("PRIVACY_NOTICE_URL"),
        live_page_url=_env("LIVE_PAGE_URL"),
        connect_return_url=_env("CONNECT_RETURN_URL"),
        connect_refresh_url=_env("CONNECT_REFRESH_URL"),
    )
