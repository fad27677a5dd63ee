"""Stripe's list of events (`GET /v1/events`), translated to domain facts for reconciliation.

`/v1/events` renders each event in its own `api_version` (the account's default when it was
made), whatever version the request pins; only an object fetched by id comes back in the
pinned version (docs/stripe-versions.md). So an event in another version is read through
its object, retrieved by id in the pinned version; one whose object Stripe no longer has is
reported unreadable, never skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, cast

import stripe

from wardfund.adapters.stripe_event_types import HANDLED_EVENT_TYPES, worth_queueing
from wardfund.adapters.stripe_events import (
    MalformedEvent,
    StripeEvent,
    in_pinned_version,
    object_id,
    object_source,
    parse_event,
    to_fact,
    version_problem,
)
from wardfund.services.reconcile import LoggedEvent

PAGE_SIZE = 100
NOT_FOUND = 404


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
                logged = self._logged(event.to_dict(for_json=True))
                if logged is not None:
                    yield logged
        except stripe.StripeError as error:
            raise EventLogUnavailable(
                f"Stripe's event list failed ({type(error).__name__}, HTTP {error.http_status})"
            ) from error

    def _logged(self, raw: dict[str, Any]) -> LoggedEvent | None:
        found = raw.get("data", {}).get("object", {})
        mode = found.get("mode") if isinstance(found, dict) else None
        event_type = str(raw.get("type", ""))
        if not worth_queueing(event_type, mode if isinstance(mode, str) else None):
            return None
        created = datetime.fromtimestamp(int(raw.get("created", 0)), tz=UTC)
        event_id = str(raw.get("id", ""))
        try:
            event = parse_event(json.dumps(raw))
            refetched = version_problem(event) is not None
            if refetched:
                event = self._in_pinned_version(event)
            fact = to_fact(event)
        except MalformedEvent as error:
            return LoggedEvent(event_id, event_type, created, None, str(error))
        return LoggedEvent(event_id, event_type, created, fact, read_in_pinned_version=refetched)

    def _in_pinned_version(self, event: StripeEvent) -> StripeEvent:
        """The event with its object retrieved by id (the client pins the version)."""
        source, ident = object_source(event.type), object_id(event)
        resource: Any = self._client().v1
        for name in source.resource.split("."):
            resource = getattr(resource, name)
        try:
            fetched = resource.retrieve(ident)
        except stripe.StripeError as error:
            if error.http_status == NOT_FOUND:
                raise MalformedEvent(
                    f"{event.type} {event.id} is in API version {event.api_version} and its "
                    f"object {ident} is no longer in Stripe to read in the pinned version"
                ) from error
            raise
        return in_pinned_version(event, cast(dict[str, Any], fetched.to_dict(for_json=True)))
