"""`Story`: one step of a story, the webhook events it causes, and how each event is made."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from wardfund.local.stripe.world.ids import StripeIds
from wardfund.local.stripe.world.shapes import JSON


def no_request() -> JSON:
    """The `request` of an event Stripe caused itself (a renewal, a dispute)."""
    return {"id": None, "idempotency_key": None}


@dataclass
class Story:
    """Every event of one step, and every time in its objects, is its `at`."""

    ids: StripeIds
    api_version: str
    at: int
    request: JSON
    events: list[JSON] = field(default_factory=list)

    def emit(
        self,
        kind: str,
        obj: JSON,
        previous: JSON | None = None,
        request: JSON | None = None,
    ) -> None:
        data: JSON = {"object": copy.deepcopy(obj)}
        if previous is not None:
            data["previous_attributes"] = copy.deepcopy(previous)
        self.events.append(
            {
                "id": self.ids.new("evt"),
                "object": "event",
                "api_version": self.api_version,
                "created": self.at,
                "data": data,
                "livemode": False,
                "pending_webhooks": 1,
                "request": dict(request if request is not None else self.request),
                "type": kind,
            }
        )
