"""`POST /v1/refunds` for the stand-in, answered from a `StripeWorld` (issue 14, section 2).

`wardfund suspense refund` asks Stripe for a refund; on the local stack the stand-in answers,
and the world that made the payment makes the refund: the Refund object is the answer, and
the events Stripe would then send (`refund.created`, `charge.refunded`) wait in `pending`
until whoever runs the stack delivers them to the webhook endpoint, a moment later, as
Stripe's webhooks come a moment after its API answers. Delivering them here would take the
stand-in's lock from inside its own request.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from wardfund.local.stripe.standin.errors import JSON, integer, invalid, missing, unknown_parameters
from wardfund.local.stripe.world import StripeWorld

_PARAMS = frozenset({"payment_intent", "charge", "amount", "reason", "metadata", "expand"})
_REASONS = frozenset({"duplicate", "fraudulent", "requested_by_customer"})


def _now() -> datetime:
    return datetime.now(UTC)


class WorldRefunds:
    def __init__(self, world: StripeWorld, clock: Callable[[], datetime] = _now) -> None:
        self.world = world
        self.clock = clock
        self._pending: list[JSON] = []
        self._lock = threading.Lock()

    def route(self, method: str, path: str, params: JSON) -> JSON | None:
        if method != "POST" or path != "/v1/refunds":
            return None
        unknown_parameters(params, _PARAMS)
        intent = params.get("payment_intent")
        if not isinstance(intent, str) or not intent:
            raise invalid(
                "One of the following params should be provided for this request: "
                "payment_intent or charge.",
                "payment_intent",
                "parameter_missing",
            )
        reason = params.get("reason")
        if reason is not None and reason not in _REASONS:
            raise invalid(f"Invalid reason: must be one of {sorted(_REASONS)}", "reason")
        found = self.world.find_payment(intent)
        if found is None:
            raise missing("payment_intent", intent, "payment_intent")
        amount = integer(params, "amount") if "amount" in params else None
        donor_id, number = found
        try:
            events = self.world.refund(self.clock(), donor_id, number, amount)
        except ValueError as error:
            raise invalid(str(error), "payment_intent", "charge_already_refunded") from None
        refund: JSON = copy.deepcopy(
            next(e for e in events if e["type"] == "refund.created")["data"]["object"]
        )
        if isinstance(params.get("metadata"), dict):
            refund["metadata"] = dict(params["metadata"])
        if reason is not None:
            refund["reason"] = reason
        with self._lock:
            self._pending += events
        return refund

    def take(self) -> list[JSON]:
        """The events the refunds made since last asked (to deliver), oldest first."""
        with self._lock:
            taken, self._pending = self._pending, []
        return taken
