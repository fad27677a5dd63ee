"""A tiny local stand-in for the part of Stripe's API that wardfund calls (transfers, events,
Payment Links, and the objects of events retrieved by id in the pinned version).

It serves HTTP on 127.0.0.1 so stripe-python reaches it through its own configuration::

    standin = StripeStandIn().start()
    client = stripe.StripeClient("sk_test_local", base_addresses={"api": standin.url})

Behaviour copied from Stripe's documentation: form-encoded requests, Bearer (or Basic)
authentication, Stripe-shaped error bodies, and v1 idempotency (the same key with the same
parameters replays the saved status and body with `Idempotent-Replayed: true`; with other
parameters it is an `idempotency_error`; requests that fail authentication or validation are
not saved). Faults injected with `fail_next` model failures before the endpoint runs, so
they are not saved under the key either (Stripe does save 500s raised *inside* an endpoint).
For scale and failure tests, `configure_transfers` adds latency and a share of errors to
transfers, and `set_available_balance` sets the available balance GET /v1/balance shows and
transfers draw on (beyond it a transfer is refused with `balance_insufficient`).
Standard library only.
"""

from __future__ import annotations

import base64
import copy
import json
import random
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol, cast
from urllib.parse import parse_qsl, urlsplit

from wardfund.local.stripe.standin.errors import DOCS as _DOCS
from wardfund.local.stripe.standin.errors import Reply as _Reply
from wardfund.local.stripe.standin.errors import invalid as _invalid
from wardfund.local.stripe.standin.events import StandinEvents
from wardfund.local.stripe.standin.objects import StandinObjects
from wardfund.local.stripe.standin.payment_links import StandinPaymentLinks
from wardfund.local.stripe.world import DEFAULT_API_VERSION, StripeIds

JSON = dict[str, Any]

_TRANSFER_PARAMS = frozenset(
    {
        "amount",
        "currency",
        "destination",
        "description",
        "metadata",
        "source_transaction",
        "source_type",
        "transfer_group",
        "expand",
    }
)
_SOURCE_TYPES = frozenset({"bank_account", "card", "fpx"})
_KEY_PART = re.compile(r"\[([^\]]*)\]")


def _decode_form(pairs: list[tuple[str, str]]) -> JSON:
    """Stripe's bracket form encoding (`metadata[ward]=x`, `expand[0]=y`,
    `line_items[0][price]=p`) back into a dict; `[n]` names the n-th element of an array."""
    decoded: JSON = {}
    for raw_key, value in pairs:
        head, _, rest = raw_key.partition("[")
        parts = [head, *_KEY_PART.findall("[" + rest)] if rest else [head]
        target: Any = decoded
        for part, following in zip(parts, [*parts[1:], None], strict=True):
            blank: Any = (
                value if following is None else [] if following == "" or following.isdigit() else {}
            )
            if isinstance(target, dict):
                if following is None:
                    target[part] = value
                else:
                    target = target.setdefault(part, blank)
            elif isinstance(target, list) and (part == "" or part.isdigit()):
                index = len(target) if part == "" else int(part)
                if index > len(target):
                    raise _invalid(f"Invalid array index: {raw_key}", head)
                if index == len(target):
                    target.append(blank)
                if following is not None:
                    target = target[index]
            else:
                raise _invalid(f"Invalid array or object: {raw_key}", head)
    return decoded


class Router(Protocol):
    def route(self, method: str, path: str, params: JSON) -> JSON | None: ...


DEFAULT_AVAILABLE_PENCE = 10_000_000_000  # £100m: no run is short unless a test says so


@dataclass(frozen=True)
class TransferSettings:
    """How POST /v1/transfers behaves (`StripeStandIn.configure_transfers`)."""

    latency_seconds: float = 0.0
    error_rate: float = 0.0
    error_status: int = 500


@dataclass(frozen=True)
class _Saved:
    method: str
    path: str
    params: JSON
    status: int
    body: JSON
    request_id: str


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    standin: StripeStandIn


class _Handler(BaseHTTPRequestHandler):
    server_version = "stripe-standin/1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read responses, not access logs."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        standin = cast(_Server, self.server).standin
        status, payload, headers = standin.handle(self.command, self.path, dict(self.headers), body)
        time.sleep(standin.reply_delay(self.command, self.path))
        data = json.dumps(payload, indent=2).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = _serve


class StripeStandIn:
    """Transfers, events (and more, see `_route`) of Stripe's API, in memory."""

    def __init__(self, api_key: str = "sk_test_local") -> None:
        self.api_key = api_key
        self._ids = StripeIds(f"standin|{api_key}")
        self._lock = threading.Lock()
        self._transfers: list[JSON] = []
        self._events = StandinEvents()
        self._objects = StandinObjects(DEFAULT_API_VERSION)
        self._links = StandinPaymentLinks(self._ids)
        self._saved: dict[str, _Saved] = {}
        self._faults: list[int] = []
        self._delays: list[float] = []
        self.settings = TransferSettings()
        self._available = DEFAULT_AVAILABLE_PENCE
        self._random = random.Random(0)  # noqa: S311 (injected errors, not secrets)
        self.posts_with_key: dict[str, int] = {}  # idempotency key -> POSTs that carried it
        # More endpoints, plugged in by whoever runs the stand-in (each answers its own paths
        # under the stand-in's lock, or None): `POST /v1/refunds` (local/stripe/standin/refunds.py).
        self.routes: list[Router] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> StripeStandIn:
        """Bind 127.0.0.1 on a free port and serve from a daemon thread."""
        if self._server is not None:
            raise RuntimeError("the stand-in is already running")
        server = _Server(("127.0.0.1", 0), _Handler)
        server.standin = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> StripeStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the stand-in is not running: call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # ----------------------------------------------------------------- inspection
    def transfers(self) -> list[dict[str, Any]]:
        """Every transfer created, oldest first (copies)."""
        with self._lock:
            return copy.deepcopy(self._transfers)

    def add_events(self, events: list[dict[str, Any]]) -> None:
        """Records events as sent by Stripe (whether or not a webhook delivered them); the
        objects of those in the pinned version can then be retrieved by id."""
        with self._lock:
            self._events.add(events)
            self._objects.add_from_events(events)

    def add_objects(self, objects: list[dict[str, Any]]) -> None:
        """Objects as Stripe returns them by id in the pinned version (say, those of events
        the account renders in an older version)."""
        with self._lock:
            self._objects.add(objects)

    def events(self) -> list[dict[str, Any]]:
        with self._lock:
            return self._events.all()

    def payment_links(self) -> list[dict[str, Any]]:
        """Every Payment Link created, oldest first (copies)."""
        with self._lock:
            return self._links.links()

    def forget_events(self) -> None:
        """A new story: Stripe's event history starts empty (transfers are kept)."""
        with self._lock:
            self._events = StandinEvents()
            self._objects = StandinObjects(DEFAULT_API_VERSION)

    def reset(self) -> None:
        """As a new Stripe account: no events, transfers, links or idempotency keys."""
        with self._lock:
            self._events = StandinEvents()
            self._objects = StandinObjects(DEFAULT_API_VERSION)
            self._links = StandinPaymentLinks(self._ids)
            self._transfers.clear()
            self._saved.clear()
            self.posts_with_key.clear()
            self._available = DEFAULT_AVAILABLE_PENCE
            self.settings = TransferSettings()

    def forget_idempotency_keys(self) -> None:
        """What a day does: Stripe prunes idempotency keys once they are 24 hours old."""
        with self._lock:
            self._saved.clear()

    def delay_next(self, count: int = 1, seconds: float = 1.0) -> None:
        """The next `count` POSTs are carried out at once but answered `seconds` later: a
        client that gives up first has its transfer made without hearing of it."""
        with self._lock:
            self._delays.extend([seconds] * count)

    def reply_delay(self, method: str, target: str = "") -> float:
        """How long the answer to this request waits: an injected delay (`delay_next`),
        else the configured latency of a transfer."""
        with self._lock:
            if method == "POST" and self._delays:
                return self._delays.pop(0)
            if method == "POST" and urlsplit(target).path == "/v1/transfers":
                return self.settings.latency_seconds
            return 0.0

    def configure_transfers(
        self,
        *,
        latency_seconds: float | None = None,
        error_rate: float | None = None,
        error_status: int | None = None,
        seed: int = 0,
    ) -> TransferSettings:
        """Settings for POST /v1/transfers: each answer waits `latency_seconds`; a share
        `error_rate` (0-1, drawn from a generator seeded with `seed`) is refused with
        `error_status` (500, or 429 for Stripe's rate limiter) before anything is made."""
        with self._lock:
            current = self.settings
            settings = TransferSettings(
                latency_seconds=current.latency_seconds
                if latency_seconds is None
                else latency_seconds,
                error_rate=current.error_rate if error_rate is None else error_rate,
                error_status=current.error_status if error_status is None else error_status,
            )
            if not 0 <= settings.error_rate <= 1 or not 400 <= settings.error_status <= 599:
                raise ValueError(f"need 0 <= error_rate <= 1 and a 4xx/5xx status: {settings}")
            self.settings = settings
            self._random = random.Random(seed)  # noqa: S311 (injected errors, not secrets)
            return settings

    def set_available_balance(self, pence: int) -> None:
        """The platform's available GBP balance: GET /v1/balance shows it, each transfer
        draws on it, and a transfer beyond it is refused as Stripe refuses it
        (`balance_insufficient`)."""
        with self._lock:
            self._available = pence

    def available_balance(self) -> int:
        with self._lock:
            return self._available

    def fail_next(self, count: int = 1, status: int = 500) -> None:
        """The next `count` POSTs answer `status` with a Stripe-shaped error and create nothing."""
        if count < 0 or not 400 <= status <= 599:
            raise ValueError(f"need count >= 0 and a 4xx/5xx status, got {count}, {status}")
        with self._lock:
            self._faults.extend([status] * count)

    # ----------------------------------------------------------------- requests
    def handle(
        self, method: str, target: str, headers: dict[str, str], body: str
    ) -> tuple[int, JSON, dict[str, str]]:
        """Answer one request: (status, JSON body, extra headers)."""
        lowered = {name.lower(): value for name, value in headers.items()}
        request_id = self._ids.new("req")
        reply_headers = {
            "Request-Id": request_id,
            "Stripe-Version": lowered.get("stripe-version", DEFAULT_API_VERSION),
        }
        key = lowered.get("idempotency-key") if method == "POST" else None
        if key is not None:
            reply_headers["Idempotency-Key"] = key
            with self._lock:
                self.posts_with_key[key] = self.posts_with_key.get(key, 0) + 1
        with self._lock:
            try:
                self._authenticate(lowered.get("authorization", ""))
                if method == "POST" and self._faults:
                    raise self._fault(self._faults.pop(0))
                url = urlsplit(target)
                if (
                    method == "POST"
                    and url.path == "/v1/transfers"
                    and self._random.random() < self.settings.error_rate
                ):
                    raise self._fault(self.settings.error_status)
                raw = body if method == "POST" else url.query
                params = _decode_form(parse_qsl(raw, keep_blank_values=True))
                if key is not None:
                    saved = self._replay(key, method, url.path, params)
                    if saved is not None:
                        reply_headers.update(
                            {"Idempotent-Replayed": "true", "Original-Request": saved.request_id}
                        )
                        return saved.status, copy.deepcopy(saved.body), reply_headers
                status, payload = self._route(method, url.path, params)
            except _Reply as reply:
                reply.error.setdefault(
                    "request_log_url", f"https://dashboard.stripe.com/test/logs/{request_id}"
                )
                return reply.status, {"error": reply.error}, reply_headers
            if key is not None:
                self._saved[key] = _Saved(
                    method, url.path, params, status, copy.deepcopy(payload), request_id
                )
            return status, payload, reply_headers

    def _authenticate(self, header: str) -> None:
        scheme, _, credential = header.partition(" ")
        if scheme.lower() == "basic":
            try:
                credential = base64.b64decode(credential).decode().partition(":")[0]
            except ValueError:
                credential = ""
        elif scheme.lower() != "bearer":
            credential = ""
        if not credential:
            raise _Reply(
                401,
                {
                    "message": "You did not provide an API key. You need to provide your API "
                    "key in the Authorization header, using Bearer auth (e.g. 'Authorization: "
                    "Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication "
                    "for details.",
                    "type": "invalid_request_error",
                },
            )
        if credential != self.api_key:
            masked = credential[:8] + "*" * max(len(credential) - 12, 0) + credential[-4:]
            raise _Reply(
                401,
                {
                    "code": "api_key_invalid",
                    "doc_url": f"{_DOCS}/api-key-invalid",
                    "message": f"Invalid API Key provided: {masked}",
                    "type": "invalid_request_error",
                },
            )

    @staticmethod
    def _fault(status: int) -> _Reply:
        if status == 429:
            error: JSON = {
                "code": "rate_limit",
                "message": "Request rate limit exceeded. Learn more about rate limits here "
                "https://stripe.com/docs/rate-limits.",
                "type": "invalid_request_error",
            }
        elif status == 409:
            error = {
                "code": "lock_timeout",
                "message": "This object cannot be accessed right now because another API "
                "request or Stripe process is currently accessing it.",
                "type": "invalid_request_error",
            }
        elif status >= 500:
            error = {"message": "An unknown error occurred", "type": "api_error"}
        else:
            error = {"message": f"Injected failure ({status}).", "type": "invalid_request_error"}
        return _Reply(status, error)

    def _replay(self, key: str, method: str, path: str, params: JSON) -> _Saved | None:
        if len(key) > 255:
            raise _invalid("Idempotency-Key must be at most 255 characters long.", None, None)
        saved = self._saved.get(key)
        if saved is None:
            return None
        if (saved.method, saved.path) != (method, path):
            raise _Reply(
                400,
                {
                    "message": "Keys for idempotent requests can only be used for the same "
                    f"endpoint they were first used for ('{saved.method} {saved.path}' vs "
                    f"'{method} {path}'). Try using a key other than '{key}' if you meant "
                    "to execute a different request.",
                    "type": "idempotency_error",
                },
            )
        if saved.params != params:
            raise _Reply(
                400,
                {
                    "message": "Keys for idempotent requests can only be used with the same "
                    f"parameters they were first used with. Try using a key other than '{key}' "
                    "if you meant to execute a different request.",
                    "type": "idempotency_error",
                },
            )
        return saved

    def _route(self, method: str, path: str, params: JSON) -> tuple[int, JSON]:
        known: list[Router] = [self._events, self._objects, self._links, *self.routes]
        for endpoints in known:
            answer = endpoints.route(method, path, params)
            if answer is not None:
                return 200, answer
        if path == "/v1/transfers" and method == "POST":
            return 200, self._create_transfer(params)
        if path == "/v1/balance" and method == "GET":
            return 200, self._balance()
        if path == "/v1/transfers" and method == "GET":
            return 200, self._list_transfers(params)
        found = re.fullmatch(r"/v1/transfers/([^/]+)", path)
        if found and method == "GET":
            for transfer in self._transfers:
                if transfer["id"] == found.group(1):
                    return 200, copy.deepcopy(transfer)
            raise _Reply(
                404,
                {
                    "code": "resource_missing",
                    "doc_url": f"{_DOCS}/resource-missing",
                    "message": f"No such transfer: '{found.group(1)}'",
                    "param": "id",
                    "type": "invalid_request_error",
                },
            )
        raise _Reply(
            404,
            {
                "message": f"Unrecognized request URL ({method}: {path}). Please see "
                "https://stripe.com/docs or we can help at https://support.stripe.com/.",
                "type": "invalid_request_error",
            },
        )

    def _create_transfer(self, params: JSON) -> JSON:
        for name in params:
            if name not in _TRANSFER_PARAMS:
                raise _invalid(f"Received unknown parameter: {name}", name, "parameter_unknown")
        for name in ("amount", "currency", "destination"):
            if not isinstance(params.get(name), str) or params[name] == "":
                raise _invalid(f"Missing required param: {name}.", name, "parameter_missing")
        try:
            amount = int(params["amount"])
        except ValueError:
            raise _invalid(
                f"Invalid integer: {params['amount']}", "amount", "parameter_invalid_integer"
            ) from None
        if amount <= 0:
            raise _invalid(
                "This value must be greater than or equal to 1.",
                "amount",
                "parameter_invalid_integer",
            )
        currency = params["currency"].lower()
        if not re.fullmatch(r"[a-z]{3}", currency):
            raise _invalid(f"Invalid currency: {params['currency']}.", "currency")
        destination = params["destination"]
        if not destination.startswith("acct_"):
            raise _invalid(
                f"No such destination: '{destination}'", "destination", "resource_missing"
            )
        source_type = params.get("source_type", "card")
        if source_type not in _SOURCE_TYPES:
            raise _invalid(
                f"Invalid source_type: must be one of {sorted(_SOURCE_TYPES)}", "source_type"
            )
        if currency == "gbp" and amount > self._available:
            raise _Reply(
                400,
                {
                    "code": "balance_insufficient",
                    "doc_url": f"{_DOCS}/balance-insufficient",
                    "message": "You have insufficient available funds in your Stripe account. "
                    "Try adding funds directly to your available balance by creating Charges "
                    "using the 4000000000000077 test card. See: "
                    "https://stripe.com/docs/testing#available-balance",
                    "type": "invalid_request_error",
                },
            )
        if currency == "gbp":
            self._available -= amount
        transfer_id = self._ids.new("tr")
        transfer: JSON = {
            "id": transfer_id,
            "object": "transfer",
            "amount": amount,
            "amount_reversed": 0,
            "balance_transaction": self._ids.new("txn"),
            "created": int(time.time()),
            "currency": currency,
            "description": self._text(params, "description"),
            "destination": destination,
            "destination_payment": self._ids.new("py"),
            "livemode": False,
            "metadata": self._metadata(params.get("metadata", {})),
            "reversals": {
                "object": "list",
                "data": [],
                "has_more": False,
                "url": f"/v1/transfers/{transfer_id}/reversals",
            },
            "reversed": False,
            "source_transaction": self._text(params, "source_transaction"),
            "source_type": source_type,
            "transfer_group": self._text(params, "transfer_group"),
        }
        self._transfers.append(transfer)
        return copy.deepcopy(transfer)

    @staticmethod
    def _text(params: JSON, name: str) -> str | None:
        value = params.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise _invalid(f"Invalid string: {value!r}", name, "parameter_invalid_string")
        return value

    @staticmethod
    def _metadata(raw: Any) -> dict[str, str]:
        if raw == "":
            return {}
        if not isinstance(raw, dict):
            raise _invalid("Invalid object", "metadata")
        metadata: dict[str, str] = {}
        for name, value in raw.items():
            if not isinstance(value, str):
                raise _invalid(
                    "Invalid string: metadata values must be strings", f"metadata[{name}]"
                )
            if len(name) > 40:
                raise _invalid("Metadata keys can have up to 40 characters.", f"metadata[{name}]")
            if len(value) > 500:
                raise _invalid(
                    "Metadata values can have up to 500 characters.", f"metadata[{name}]"
                )
            if value:
                metadata[name] = value
        if len(metadata) > 50:
            raise _invalid("Metadata can have up to 50 keys.", "metadata")
        return metadata

    def _balance(self) -> JSON:
        """The Balance object (docs.stripe.com/api/balance/balance_object): GBP only."""
        available = self._available
        return {
            "object": "balance",
            "available": [
                {"amount": available, "currency": "gbp", "source_types": {"card": available}}
            ],
            "connect_reserved": [{"amount": 0, "currency": "gbp"}],
            "livemode": False,
            "pending": [{"amount": 0, "currency": "gbp", "source_types": {"card": 0}}],
        }

    def _list_transfers(self, params: JSON) -> JSON:
        try:
            limit = int(params.get("limit", 10))
        except ValueError:
            raise _invalid(f"Invalid integer: {params['limit']}", "limit") from None
        if not 1 <= limit <= 100:
            raise _invalid("This value must be between 1 and 100.", "limit")
        newest_first = [
            transfer
            for transfer in reversed(self._transfers)
            if params.get("destination") in (None, transfer["destination"])
            and params.get("transfer_group") in (None, transfer["transfer_group"])
        ]
        ids = [transfer["id"] for transfer in newest_first]
        for cursor, step in (("starting_after", 1), ("ending_before", 0)):
            if cursor in params:
                if params[cursor] not in ids:
                    raise _invalid(
                        f"No such transfer: '{params[cursor]}'", cursor, "resource_missing"
                    )
                index = ids.index(params[cursor])
                newest_first = newest_first[index + 1 :] if step else newest_first[:index]
                ids = [transfer["id"] for transfer in newest_first]
        page = newest_first[-limit:] if "ending_before" in params else newest_first[:limit]
        return {
            "object": "list",
            "data": copy.deepcopy(page),
            "has_more": len(newest_first) > limit,
            "url": "/v1/transfers",
        }
