"""`GET /v1/events` and `GET /v1/events/{id}` for the stand-in: every event Stripe "sent"
(delivered or not) is kept, so reconciliation can list what the webhooks missed."""

from __future__ import annotations

import json
import re
from typing import Any

from wardfund.local.stripe.standin.errors import (
    JSON,
    integer,
    invalid,
    missing,
    page,
    unknown_parameters,
)

_LIST_PARAMS = frozenset(
    {"created", "type", "types", "limit", "starting_after", "ending_before", "delivery_success"}
)
_RANGE = frozenset({"gt", "gte", "lt", "lte"})


def _created_filter(raw: Any) -> dict[str, int]:
    if raw is None:
        return {}
    if isinstance(raw, str):
        return {"eq": integer({"created": raw}, "created")}
    if not isinstance(raw, dict) or not set(raw) <= _RANGE:
        raise invalid("Invalid created: use created[gt], [gte], [lt] or [lte].", "created")
    return {op: integer(raw, op) for op in raw}


def _within(created: int, bounds: dict[str, int]) -> bool:
    checks = {
        "eq": created == bounds.get("eq", created),
        "gt": created > bounds.get("gt", created - 1),
        "gte": created >= bounds.get("gte", created),
        "lt": created < bounds.get("lt", created + 1),
        "lte": created <= bounds.get("lte", created),
    }
    return all(checks.values())


class StandinEvents:
    """Events kept as JSON text (cheap to keep many), with what the list filters on."""

    def __init__(self) -> None:
        self._events: dict[str, tuple[int, str, str]] = {}

    def add(self, events: list[JSON]) -> None:
        """Keeps each event once (a copy delivered twice is one event)."""
        for event in events:
            if event["id"] not in self._events:
                self._events[event["id"]] = (
                    int(event["created"]),
                    str(event["type"]),
                    json.dumps(event),
                )

    def all(self) -> list[JSON]:
        return [json.loads(text) for _, _, text in self._events.values()]

    def route(self, method: str, path: str, params: JSON) -> JSON | None:
        if method != "GET":
            return None
        if path == "/v1/events":
            return self._list(params)
        found = re.fullmatch(r"/v1/events/([^/]+)", path)
        if found:
            event = self._events.get(found.group(1))
            if event is None:
                raise missing("event", found.group(1))
            parsed: JSON = json.loads(event[2])
            return parsed
        return None

    def _list(self, params: JSON) -> JSON:
        unknown_parameters(params, _LIST_PARAMS)
        if "type" in params and "types" in params:
            raise invalid("You may pass either `type` or `types`, but not both.", "types")
        types = params.get("types")
        if isinstance(types, str):
            types = [types]
        if types is not None and (not isinstance(types, list) or len(types) > 20):
            raise invalid("types must be an array of up to 20 event types.", "types")
        wanted = set(types) if types else ({params["type"]} if "type" in params else None)
        bounds = _created_filter(params.get("created"))
        newest_first = [
            json.loads(text)
            for _, (created, kind, text) in sorted(
                enumerate(self._events.values()),
                key=lambda pair: (pair[1][0], pair[0]),
                reverse=True,
            )
            if (wanted is None or kind in wanted) and _within(created, bounds)
        ]
        return page(newest_first, params, "/v1/events", "event")
