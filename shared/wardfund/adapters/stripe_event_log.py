"""Stripe's list of events (`GET /v1/events`), translated to domain facts for reconciliation."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, cast

import stripe

from wardfund.adapters.stripe_event_types import HANDLED_EVENT_TYPES, worth_queueing
from wardfund.adapters.stripe_events import MalformedEvent, parse_event, to_fact
from wardfund.services.reconcile import LoggedEvent

PAGE_SIZE = 100


class EventLogUnavailable(RuntimeError):
    """Stripe refused or did not answer the event list."""


class StripeEventLog:
    def __init__(self, client: Callable[[], stripe.StripeClient]) -> None:
        self._client = client

    def since(self, since: datetime, until: datetime | None = None) -> Iterator[LoggedEvent]:
        created: dict[str, int] = {"gte": int(since.timestamp())}
        if until is not None:
            created["lt"] = int(until.timestamp())
        params: dict[str, Any] = {
            "created": created,
            "limit": PAGE_SIZE,
            "types": sorted(HANDLED_EVENT_TYPES),
        }
        try:
            for event in self._client().v1.events.list(params=cast(Any, params)).auto_paging_iter():
                logged = _logged(event.to_dict(for_json=True))
                if logged is not None:
                    yield logged
        except stripe.StripeError as error:
            raise EventLogUnavailable(
                f"Stripe's event list failed ({type(error).__name__}, HTTP {error.http_status})"
            ) from error


def _logged(raw: dict[str, Any]) -> LoggedEvent | None:
    found = raw.get("data", {}).get("object", {})
    mode = found.get("mode") if isinstance(found, dict) else None
    event_type = str(raw.get("type", ""))
    if not worth_queueing(event_type, mode if isinstance(mode, str) else None):
        return None
    created = datetime.fromtimestamp(int(raw.get("created", 0)), tz=UTC)
    event_id = str(raw.get("id", ""))
    try:
        return LoggedEvent(event_id, event_type, created, to_fact(parse_event(json.dumps(raw))))
    except MalformedEvent as error:
        return LoggedEvent(event_id, event_type, created, None, str(error))
