"""`GET /v1/<resource>/{id}` for the stand-in: the objects wardfund's events carry, as Stripe
returns them when fetched by id, in the API version the request pins.

Stripe renders an event's `data.object` in the event's own `api_version` and never again,
but an object fetched by id in the version the request asks for (docs/stripe-versions.md).
The stand-in knows objects in one version only, the pinned one: it keeps the latest state of
each object from the events it is given in that version (and from `add`), and answers 404
for any other id, as Stripe does for an object it no longer has.
"""

from __future__ import annotations

import copy
import json
import re

from wardfund.local.stripe.standin.errors import JSON, missing

# Path under /v1 → what Stripe's 404 message calls the object.
RESOURCES = {
    "invoices": "invoice",
    "invoice_payments": "invoice payment",
    "checkout/sessions": "checkout.session",
    "refunds": "refund",
    "disputes": "dispute",
    "subscriptions": "subscription",
}
OBJECT_RESOURCES = {
    "invoice": "invoices",
    "invoice_payment": "invoice_payments",
    "checkout.session": "checkout/sessions",
    "refund": "refunds",
    "dispute": "disputes",
    "subscription": "subscriptions",
}
_PATH = re.compile(r"/v1/(" + "|".join(re.escape(r) for r in RESOURCES) + r")/([^/]+)")


class StandinObjects:
    """Objects by resource and id, kept as JSON text with the time of the state they show."""

    def __init__(self, api_version: str) -> None:
        self.api_version = api_version
        self._objects: dict[tuple[str, str], tuple[int, str]] = {}

    def add(self, objects: list[JSON], at: int | None = None) -> None:
        """Keeps each object (in the pinned version) by its `object` kind and id."""
        for found in objects:
            resource = OBJECT_RESOURCES.get(str(found.get("object", "")))
            if resource is None or not isinstance(found.get("id"), str):
                continue
            when = at if at is not None else int(found.get("created") or 0)
            keyed = (resource, found["id"])
            if keyed not in self._objects or self._objects[keyed][0] <= when:
                self._objects[keyed] = (when, json.dumps(found))

    def add_from_events(self, events: list[JSON]) -> None:
        """The latest state each event in the pinned version shows of its object."""
        for event in events:
            if event.get("api_version") == self.api_version:
                found = event.get("data", {}).get("object")
                if isinstance(found, dict):
                    self.add([found], at=int(event.get("created") or 0))

    def route(self, method: str, path: str, params: JSON) -> JSON | None:
        """`params` (`expand`, say) change nothing here."""
        if method != "GET":
            return None
        matched = _PATH.fullmatch(path)
        if matched is None:
            return None
        resource, ident = matched.groups()
        kept = self._objects.get((resource, ident))
        if kept is None:
            raise missing(RESOURCES[resource], ident)
        found: JSON = json.loads(kept[1])
        return copy.deepcopy(found)
