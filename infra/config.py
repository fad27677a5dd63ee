"""Stage configuration, read once from CDK context (`cdk.json`, `-c key=value`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aws_cdk import RemovalPolicy

from infra import constants as c
from wardfund.domain.bank_details import BankDetails, BankDetailsRefused

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https://[^\s/]+\.[^\s/]+(/\S*)?$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$")


class ConfigError(ValueError):
    """A context value is missing or malformed; synthesis stops with this message."""


@dataclass(frozen=True)
class StageConfig:
    stage: str
    payout_frequency: str
    sender_domain: str
    reply_to_address: str
    national_finance_email: str
    alert_email: str | None
    stripe_event_destination: bool
    stripe_event_source_name: str | None
    log_level: str
    account: str | None
    region: str | None
    # Email content choices (shared/wardfund/settings.py); None: the code's own default.
    organisation_name: str | None = None
    customer_portal_url: str | None = None
    payment_failed_emails: bool = c.DEFAULT_PAYMENT_FAILED_EMAILS
    permissibility_thresholds_pence: tuple[int, ...] = c.DEFAULT_PERMISSIBILITY_THRESHOLDS_PENCE
    payout_concurrency: int = c.DEFAULT_PAYOUT_CONCURRENCY
    # The account the run's bank files pay from; None: the files leave it to be chosen at
    # upload (Bankline) and no Bacs Standard 18 file is written.
    national_bank: NationalBank | None = None

    @property
    def is_prod(self) -> bool:
        return self.stage == "prod"

    @property
    def removal_policy(self) -> RemovalPolicy:
        """prod keeps data when a resource leaves the template; dev cleans up."""
        return RemovalPolicy.RETAIN if self.is_prod else RemovalPolicy.DESTROY

    @property
    def sender_address(self) -> str:
        return f"{c.SENDER_LOCAL_PART}@{self.sender_domain}"

    @property
    def national_bank_environment(self) -> dict[str, str]:
        """NATIONAL_BANK_* and BACS_SERVICE_USER_NUMBER of the payout functions, as
        shared/wardfund/adapters/s3_bank_files.py (national_account) reads them."""
        return self.national_bank.environment if self.national_bank else {}

    @classmethod
    def from_context(cls, get: Any) -> StageConfig:
        """`get` is `node.try_get_context` (or any `key -> value | None`)."""
        stage = _text(get(c.CTX_STAGE)) or c.DEFAULT_STAGE
        if stage not in c.STAGES:
            raise ConfigError(f"context '{c.CTX_STAGE}' must be one of {c.STAGES}, got {stage!r}")

        frequency = _text(get(c.CTX_PAYOUT_FREQUENCY)) or c.DEFAULT_PAYOUT_FREQUENCY
        if frequency not in c.PAYOUT_FREQUENCIES:
            raise ConfigError(
                f"context '{c.CTX_PAYOUT_FREQUENCY}' must be one of {c.PAYOUT_FREQUENCIES}, "
                f"got {frequency!r}"
            )

        domain = (_text(get(c.CTX_SENDER_DOMAIN)) or c.DEFAULT_SENDER_DOMAIN).lower()
        if not _DOMAIN.match(domain):
            raise ConfigError(f"context '{c.CTX_SENDER_DOMAIN}' is not a domain: {domain!r}")
        finance = f"{c.FINANCE_LOCAL_PART}@{domain}"
        reply_to = _email(get, c.CTX_REPLY_TO_ADDRESS) or finance
        national_finance = _email(get, c.CTX_NATIONAL_FINANCE_EMAIL) or finance
        alert_email = _email(get, c.CTX_ALERT_EMAIL)
        if stage == "prod" and alert_email is None:
            # Without it the function-error and reconciliation alarms reach nobody, and the
            # dead-letter alerts only travel by SES, which may be what is failing.
            raise ConfigError(
                f"context '{c.CTX_ALERT_EMAIL}' is required for stage prod: the address the "
                "alarm topic emails directly (every alarm, without SES), e.g. "
                f"-c {c.CTX_ALERT_EMAIL}=ops@example.org"
            )

        destination = _flag(get(c.CTX_STRIPE_EVENT_DESTINATION), c.CTX_STRIPE_EVENT_DESTINATION)
        source_name = _text(get(c.CTX_STRIPE_EVENT_SOURCE_NAME)) or None
        valid_source = (source_name or "").startswith(c.STRIPE_PARTNER_SOURCE_PREFIX + "/")
        if destination and not valid_source:
            raise ConfigError(
                f"context '{c.CTX_STRIPE_EVENT_DESTINATION}=true' needs "
                f"'{c.CTX_STRIPE_EVENT_SOURCE_NAME}' set to the partner event source Stripe "
                f"created, e.g. {c.STRIPE_PARTNER_SOURCE_PREFIX}/<account>/<destination id>"
            )

        log_level = (_text(get(c.CTX_LOG_LEVEL)) or c.DEFAULT_LOG_LEVEL).upper()
        if log_level not in {"DEBUG", "INFO", "WARN", "ERROR"}:
            raise ConfigError(f"context '{c.CTX_LOG_LEVEL}' must be DEBUG/INFO/WARN/ERROR")

        portal = _text(get(c.CTX_CUSTOMER_PORTAL_URL)) or None
        if portal is not None and not _URL.match(portal):
            raise ConfigError(f"context '{c.CTX_CUSTOMER_PORTAL_URL}' must be an https URL")
        payment_failed = get(c.CTX_PAYMENT_FAILED_EMAILS)
        concurrency = _payout_concurrency(get(c.CTX_PAYOUT_CONCURRENCY))
        national_bank = _national_bank(get)
        return cls(
            stage=stage,
            payout_frequency=frequency,
            sender_domain=domain,
            reply_to_address=reply_to,
            national_finance_email=national_finance,
            alert_email=alert_email,
            stripe_event_destination=destination,
            stripe_event_source_name=source_name if destination else None,
            log_level=log_level,
            account=_text(get(c.CTX_ACCOUNT)) or None,
            region=_text(get(c.CTX_REGION)) or None,
            organisation_name=_text(get(c.CTX_ORGANISATION_NAME)) or None,
            customer_portal_url=portal,
            payment_failed_emails=(
                c.DEFAULT_PAYMENT_FAILED_EMAILS
                if payment_failed is None
                else _flag(payment_failed, c.CTX_PAYMENT_FAILED_EMAILS)
            ),
            permissibility_thresholds_pence=_pence_list(
                get(c.CTX_PERMISSIBILITY_THRESHOLDS_PENCE), c.CTX_PERMISSIBILITY_THRESHOLDS_PENCE
            ),
            payout_concurrency=concurrency,
            national_bank=national_bank,
        )


@dataclass(frozen=True)
class NationalBank:
    """The national account the run's bank payments are paid from, and the Bacs Service User
    Number a Standard 18 file is submitted under (empty: no Standard 18 file)."""

    account_name: str
    sort_code: str  # six digits
    account_number: str  # eight digits
    service_user_number: str = ""  # six digits, or none

    @property
    def environment(self) -> dict[str, str]:
        values = {
            "NATIONAL_BANK_ACCOUNT_NAME": self.account_name,
            "NATIONAL_BANK_SORT_CODE": self.sort_code,
            "NATIONAL_BANK_ACCOUNT_NUMBER": self.account_number,
        }
        if self.service_user_number:
            values["BACS_SERVICE_USER_NUMBER"] = self.service_user_number
        return values


_NATIONAL_KEYS = (
    c.CTX_NATIONAL_BANK_ACCOUNT_NAME,
    c.CTX_NATIONAL_BANK_SORT_CODE,
    c.CTX_NATIONAL_BANK_ACCOUNT_NUMBER,
)


def _national_bank(get: Any) -> NationalBank | None:
    """All three of the account's name, sort code and number, or none; the Service User
    Number only with them. Checked for form as campaign details are (not modulus-checked:
    the bank's own account, which the bank's import checks)."""
    name, sort_code, number = (_text(get(key)) for key in _NATIONAL_KEYS)
    sun = "".join(_text(get(c.CTX_BACS_SERVICE_USER_NUMBER)).split())
    given = [
        key for key, value in zip(_NATIONAL_KEYS, (name, sort_code, number), strict=True) if value
    ]
    if not given:
        if sun:
            raise ConfigError(
                f"context '{c.CTX_BACS_SERVICE_USER_NUMBER}' needs the national account too: "
                + ", ".join(f"'{key}'" for key in _NATIONAL_KEYS)
            )
        return None
    if len(given) != len(_NATIONAL_KEYS):
        missing = [key for key in _NATIONAL_KEYS if key not in given]
        raise ConfigError(
            "the national account needs all of "
            + ", ".join(f"'{key}'" for key in _NATIONAL_KEYS)
            + f"; missing {', '.join(repr(key) for key in missing)}"
        )
    try:
        details = BankDetails.parse(name, sort_code, number)
    except BankDetailsRefused as error:
        raise ConfigError(f"context national_bank_*: {error}") from None
    if sun and not (sun.isascii() and sun.isdigit() and len(sun) == 6):
        raise ConfigError(
            f"context '{c.CTX_BACS_SERVICE_USER_NUMBER}' must be the 6-digit Bacs Service User "
            f"Number, got {sun!r}"
        )
    return NationalBank(details.account_name, details.sort_code, details.account_number, sun)


def _payout_concurrency(value: Any) -> int:
    """Campaigns paid at once: within PAYOUT_CONCURRENCY_RANGE (Lambda's SQS mapping needs at
    least 2; more than 50 would press on Stripe's rate limits)."""
    if value is None or _text(value) == "":
        return c.DEFAULT_PAYOUT_CONCURRENCY
    low, high = c.PAYOUT_CONCURRENCY_RANGE
    try:
        number = int(_text(value))
    except ValueError:
        number = 0
    if not low <= number <= high:
        raise ConfigError(
            f"context '{c.CTX_PAYOUT_CONCURRENCY}' must be a whole number {low}-{high}, "
            f"got {value!r}"
        )
    return number


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _flag(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"context '{key}' must be true or false, got {value!r}")


def _email(get: Any, key: str) -> str | None:
    text = _text(get(key))
    if not text:
        return None
    if not _EMAIL.match(text):
        raise ConfigError(f"context '{key}' is not an email address: {text!r}")
    return text


def _pence_list(value: Any, key: str) -> tuple[int, ...]:
    """`5000,50000` (from `-c`) or `[5000, 50000]` (from cdk.json): positive whole pence."""
    if value is None or _text(value) == "":
        return c.DEFAULT_PERMISSIBILITY_THRESHOLDS_PENCE
    parts = value if isinstance(value, (list, tuple)) else _text(value).split(",")
    try:
        amounts = tuple(sorted(int(str(part).strip()) for part in parts if str(part).strip()))
    except ValueError:
        raise ConfigError(f"context '{key}' must be whole pence, e.g. 5000,50000") from None
    if not amounts or any(amount <= 0 for amount in amounts):
        raise ConfigError(f"context '{key}' must be positive whole pence, e.g. 5000,50000")
    return amounts
