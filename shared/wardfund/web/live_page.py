"""The ward night's live page over HTTP: which paths there are, and what each answers.

    GET /live/<campaign>/<ward key>                 the page for tonight's night
    GET /live/<campaign>/<ward key>/<yyyy-mm-dd>    the page for that night
    GET /live/<campaign>/<ward key>/<yyyy-mm-dd>.json   its figures (what the page polls)

Nothing else: any other path or method is a 404 or 405, and a path is checked for its form
before anything is read, so the page reads a night's counters, the campaign's public
settings and its match used, and nothing more. Answers are public and cacheable
(`Cache-Control`, and an `ETag` on the figures, answered 304 when unchanged). The page's
script and style are inline, allowed by their hashes in its Content-Security-Policy, which
lets it fetch its own origin and nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from jinja2 import Environment, PackageLoader, select_autoescape

from wardfund.domain.live_night import LiveFigures, NightKey, night_of
from wardfund.services.live_figures import NightNotShown
from wardfund.web.limits import (
    FRESH_SECONDS,
    NOT_FOUND_MAX_AGE_SECONDS,
    PAGE_MAX_AGE_SECONDS,
    POLL_SECONDS,
)

LIVE_PATH = "/live"
JSON_SUFFIX = ".json"


class FiguresReader(Protocol):
    def figures(self, night: NightKey, now: datetime) -> LiveFigures: ...


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("wardfund.web", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )


@cache
def _asset(name: str) -> str:
    loader = _environment().loader
    assert loader is not None
    return loader.get_source(_environment(), name)[0]


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


@cache
def content_security_policy() -> str:
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src '{_sha256(_asset('live_page.js'))}'",
            f"style-src '{_sha256(_asset('live_page.css'))}'",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        )
    )


def _headers(content_type: str, max_age: int) -> dict[str, str]:
    return {
        "content-type": content_type,
        "cache-control": f"public, max-age={max_age}",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
    }


def _answer(status: int, message: str) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": _headers("application/json", NOT_FOUND_MAX_AGE_SECONDS),
        "body": json.dumps({"message": message}),
    }


def page_html(figures: LiveFigures, figures_url: str) -> str:
    return (
        _environment()
        .get_template("live_page.html.j2")
        .render(
            figures=figures,
            text=figures.text(),
            used=min(max(figures.matched_pence, 0), figures.match_cap_pence),
            figures_url=figures_url,
            poll_seconds=POLL_SECONDS,
            style=_asset("live_page.css"),
            script=_asset("live_page.js"),
        )
    )


def _route(path: str, now: datetime) -> tuple[NightKey, bool, str] | None:
    """(night, JSON?, the figures' URL relative to the page) for a live path, else None."""
    parts = path.removeprefix(LIVE_PATH + "/").split("/")
    if not path.startswith(LIVE_PATH + "/") or len(parts) not in (2, 3):
        return None
    if len(parts) == 2:
        night = NightKey.parse(parts[0], parts[1], night_of(now).isoformat())
        return (night, False, f"{parts[1]}/{night.night}{JSON_SUFFIX}") if night else None
    wanted, as_json = parts[2].removesuffix(JSON_SUFFIX), parts[2].endswith(JSON_SUFFIX)
    night = NightKey.parse(parts[0], parts[1], wanted)
    return (night, as_json, f"{wanted}{JSON_SUFFIX}") if night else None


def live_answer(
    method: str, path: str, if_none_match: str | None, reader: FiguresReader, now: datetime
) -> dict[str, Any]:
    """The HTTP answer (API Gateway's payload 2.0 response) to one request."""
    if method not in ("GET", "HEAD"):
        return _answer(405, "the live page is read-only")
    route = _route(path, now)
    if route is None:
        return _answer(404, "no such live page")
    night, as_json, figures_url = route
    try:
        figures = reader.figures(night, now)
    except NightNotShown:
        return _answer(404, "no live page for that campaign (or it has no imprint yet)")
    if not as_json:
        headers = _headers("text/html; charset=utf-8", PAGE_MAX_AGE_SECONDS)
        headers |= {"content-security-policy": content_security_policy(), "x-frame-options": "DENY"}
        return {"statusCode": 200, "headers": headers, "body": page_html(figures, figures_url)}
    body = json.dumps(figures.as_json(), separators=(",", ":"))
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:20] + '"'
    headers = _headers("application/json", max(int(FRESH_SECONDS), 1)) | {"etag": etag}
    if if_none_match and etag in [tag.strip() for tag in if_none_match.split(",")]:
        return {"statusCode": 304, "headers": headers, "body": ""}
    return {"statusCode": 200, "headers": headers, "body": body}
