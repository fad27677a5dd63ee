"""Refunds through Stripe's API (`POST /v1/refunds`): a payment in suspense sent back to its
donor (`wardfund suspense refund`). The ledger is not touched here: it follows the
`refund.created` event Stripe sends, like any other refund."""

from __future__ import annotations

from collections.abc import Callable

import stripe

from wardfund.domain.errors import WardfundError


class RefundRefused(WardfundError):
    """Stripe refused the refund, or did not answer; nothing was refunded by this request."""


class StripeRefunds:
    def __init__(self, client: Callable[[], stripe.StripeClient]) -> None:
        self._client = client

    def refund(self, payment_id: str, *, idempotency_key: str, metadata: dict[str, str]) -> str:
        """Refunds what is left of the PaymentIntent `payment_id`; the same key asks once."""
        try:
            made = self._client().v1.refunds.create(
                params={
                    "payment_intent": payment_id,
                    "reason": "requested_by_customer",
                    "metadata": metadata,
                },
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            message = error.user_message or str(error) or type(error).__name__
            raise RefundRefused(
                f"Stripe did not refund {payment_id}: {message} (HTTP {error.http_status})"
            ) from error
        return str(made.id)
