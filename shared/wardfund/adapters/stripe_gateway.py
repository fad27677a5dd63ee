"""Stripe's API through stripe-python: the client and Connect transfers.

The API version is the one the pinned stripe-python was generated for, so every object
we read has the shape its resource classes declare.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import stripe
from stripe._api_version import _ApiVersion

from wardfund.domain.calendar import utc_key
from wardfund.services.ports import TransferFailed

PINNED_API_VERSION = _ApiVersion.CURRENT
# A transfer answers in a second or two. stripe-python's default wait is 80 s per try, so a
# hung connection with its two retries would hold the payout run for four minutes; at 20 s a
# try is still generous, and a retry replays the first try's result (same idempotency key).
TIMEOUT_SECONDS = 20


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


class StripeTransfers:
    """Pays a campaign's Connect account; the payout id makes a repeat a replay, not a payment."""

    def __init__(self, client: Callable[[], stripe.StripeClient]) -> None:
        self._client = client

    def transfer(
        self,
        *,
        idempotency_key: str,
        amount: int,
        destination: str,
        campaign_id: str,
        run_at: datetime,
    ) -> str:
        try:
            transfer = self._client().v1.transfers.create(
                params={
                    "amount": amount,
                    "currency": "gbp",
                    "destination": destination,
                    "transfer_group": transfer_group(run_at),
                    "description": f"wardfund payout to {campaign_id}",
                    "metadata": {"campaign": campaign_id, "payout": idempotency_key},
                },
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            raise TransferFailed(
                f"Stripe refused or did not answer ({type(error).__name__}, "
                f"HTTP {error.http_status})"
            ) from error
        return str(transfer.id)

    def find_transfer(self, *, idempotency_key: str, run_at: datetime) -> str | None:
        """Stripe keeps an idempotency key for about a day; a payout resumed later looks for
        its transfer (same run's group, its payout id in the metadata) before paying."""
        try:
            page = self._client().v1.transfers.list(
                params={"transfer_group": transfer_group(run_at), "limit": 100}
            )
            for transfer in page.auto_paging_iter():
                metadata = transfer.metadata.to_dict() if transfer.metadata else {}
                if metadata.get("payout") == idempotency_key:
                    return str(transfer.id)
        except stripe.StripeError as error:
            raise TransferFailed(
                f"Stripe did not list the run's transfers ({type(error).__name__}, "
                f"HTTP {error.http_status})"
            ) from error
        return None
