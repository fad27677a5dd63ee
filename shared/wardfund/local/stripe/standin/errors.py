"""Stripe-shaped error answers for the local stand-in's endpoints."""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]
DOCS = "https://stripe.com/docs/error-codes"


class Reply(Exception):
    """An error answer, raised from deep inside a handler."""

    def __init__(self, status: int, error: JSON) -> None:
        super().__init__(error.get("message"))
        self.status = status
        self.error = error


def invalid(message: str, param: str | None = None, code: str | None = None) -> Reply:
    error: JSON = {"message": message, "type": "invalid_request_error"}
    if param is not None:
        error["param"] = param
    if code is not None:
        error.update(code=code, doc_url=f"{DOCS}/{code.replace('_', '-')}")
    return Reply(400, error)


def missing(what: str, ident: str, param: str = "id") -> Reply:
    return Reply(
        404,
        {
            "code": "resource_missing",
            "doc_url": f"{DOCS}/resource-missing",
            "message": f"No such {what}: '{ident}'",
            "param": param,
            "type": "invalid_request_error",
        },
    )


def unknown_parameters(params: JSON, allowed: frozenset[str]) -> None:
    for name in params:
        if name not in allowed:
            raise invalid(f"Received unknown parameter: {name}", name, "parameter_unknown")


def integer(params: JSON, name: str, default: int | None = None) -> int:
    value = params.get(name)
    if value is None:
        if default is None:
            raise invalid(f"Missing required param: {name}.", name, "parameter_missing")
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise invalid(f"Invalid integer: {value}", name, "parameter_invalid_integer") from None


def page(items: list[JSON], params: JSON, url: str, what: str) -> JSON:
    """A Stripe list page of `items` (newest first) honouring limit and the two cursors."""
    limit = integer(params, "limit", 10)
    if not 1 <= limit <= 100:
        raise invalid("This value must be between 1 and 100.", "limit")
    ids = [item["id"] for item in items]
    if "starting_after" in params:
        if params["starting_after"] not in ids:
            raise missing(what, params["starting_after"], "starting_after")
        items = items[ids.index(params["starting_after"]) + 1 :]
        chosen = items[:limit]
    elif "ending_before" in params:
        if params["ending_before"] not in ids:
            raise missing(what, params["ending_before"], "ending_before")
        items = items[: ids.index(params["ending_before"])]
        chosen = items[-limit:]
    else:
        chosen = items[:limit]
    return {"object": "list", "data": chosen, "has_more": len(items) > limit, "url": url}
