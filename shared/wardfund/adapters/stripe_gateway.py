"""Stripe's API through stripe-python: the client and Connect transfers.

The API version is the one the pinned stripe-python was generated for (`PINNED_API_VERSION`),
so every object we read has the shape its resource classes declare.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import stripe

from wardfund.adapters.stripe_event_types import PINNED_API_VERSION
from wardfund.domain.calendar import utc_key
from wardfund.services.ports import BalanceInsufficient, TransferFailed

# A transfer answers in a second or two. stripe-python's default wait is 80 s per try, so a
# hung connection with its two retries would hold the payout run for four minutes; at 20 s a
# try is still generous, and a retry replays the first try's result (same idempotency key).
TIMEOUT_SECONDS = 20
RATE_LIMIT_TRIES = 5
RATE_LIMIT_FIRST_WAIT = 0.5
RATE_LIMIT_MAX_WAIT = 8.0
T = TypeVar("T")


def stripe_client(api_key: str, api_base: str | None = None) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key,
        stripe_version=PINNED_API_VERSION,
        base_addresses={"api": api_base} if api_base else {},
        max_network_retries=2,
        http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS),
    )


def transfer_group(run_at: datetime) -> str:
    """One payout run's transfers, as Stripe groups them (and `find_transfer` lists them)."""
    return f"payout-run-{utc_key(run_at)}"


def rate_limit_wait(attempt: int) -> float:
    """Seconds to wait after the `attempt`-th 429 (0-based): doubling from 0.5 s up to 8 s,
    with jitter so workers that were refused together do not come back together."""
    ceiling = min(RATE_LIMIT_FIRST_WAIT * float(2**attempt), RATE_LIMIT_MAX_WAIT)
    return ceiling * (0.5 + random.random() / 2)  # noqa: S311 (jitter, not a secret)


def _refusal(error: stripe.StripeError, what: str) -> TransferFailed:
    """Stripe's `balance_insufficient` (docs.stripe.com/error-codes) is told apart: the
    payout waits for balance; anything else is a failure to retry."""
    detail = f"{type(error).__name__}, HTTP {error.http_status}"
    if error.code == "balance_insufficient":
        return BalanceInsufficient(
            f"Stripe refused {what}: not enough available balance ({detail}, balance_insufficient)"
        )
    return TransferFailed(f"Stripe refused or did not answer {what} ({detail})")


class StripeTransfers:
    """Pays a campaign's Connect account; the payout id makes a repeat a replay, not a payment.

    stripe-python retries connection errors, 409s and 5xx itself (same idempotency key); a
    429 (rate limited) it does not, so each call here waits and tries again, up to
    RATE_LIMIT_TRIES times (docs.stripe.com/rate-limits asks for exponential back-off).
    """

    def __init__(
        self,
        client: Callable[[], stripe.StripeClient],
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._sleep = sleep

    def _call(self, call: Callable[[], T], what: str) -> T:
        for attempt in range(RATE_LIMIT_TRIES):
            try:
                return call()
            except stripe.StripeError as error:
                if error.http_status == 429 and attempt + 1 < RATE_LIMIT_TRIES:
                    self._sleep(rate_limit_wait(attempt))
                    continue
                raise _refusal(error, what) from error
        raise AssertionError("unreachable: the last try returns or raises")

    def transfer(
        self,
        *,
        idempotency_key: str,
        amount: int,
        destination: str,
        campaign_id: str,
        run_at: datetime,
    ) -> str:
        transfer = self._call(
            lambda: self._client().v1.transfers.create(
                params={
                    "amount": amount,
                    "currency": "gbp",
                    "destination": destination,
                    "transfer_group": transfer_group(run_at),
                    "description": f"wardfund payout to {campaign_id}",
                    "metadata": {"campaign": campaign_id, "payout": idempotency_key},
                },
                options={"idempotency_key": idempotency_key},
            ),
            "the transfer",
        )
        return str(transfer.id)

    def find_transfer(self, *, idempotency_key: str, run_at: datetime) -> str | None:
        """Stripe keeps an idempotency key for about a day; a payout resumed later looks for
        its transfer (same run's group, its payout id in the metadata) before paying."""

        def look() -> str | None:
            page = self._client().v1.transfers.list(
                params={"transfer_group": transfer_group(run_at), "limit": 100}
            )
            for transfer in page.auto_paging_iter():
                metadata = transfer.metadata.to_dict() if transfer.metadata else {}
                if metadata.get("payout") == idempotency_key:
                    return str(transfer.id)
            return None

        return self._call(look, "to list the run's transfers")

    def available_balance(self) -> int:
        """The platform's available GBP balance in pence: what transfers can draw on
        (docs.stripe.com/api/balance/balance_object: `available`, per currency)."""
        balance = self._call(lambda: self._client().v1.balance.retrieve(), "the balance")
        return sum(part.amount for part in balance.available if part.currency == "gbp")
