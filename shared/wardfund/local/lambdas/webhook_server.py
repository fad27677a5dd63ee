"""A local HTTP endpoint that hands each request to the real webhook handler, and each
`GET /live/...` to the real live page handler (issue 17), behind the same throttle as the
deployed live API's stage (429 beyond it).

It shapes the request as API Gateway's HTTP API (payload 2.0) would: header names
lower-cased, and the body base64-encoded when it is not valid UTF-8 text.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from wardfund.local.lambdas.lambda_context import LocalLambdaContext
from wardfund.web.limits import BURST_LIMIT, RATE_LIMIT_PER_SECOND
from wardfund.web.live_page import LIVE_PATH

WEBHOOK_PATH = "/stripe/webhook"
CONNECT_WEBHOOK_PATH = "/stripe/connect-webhook"  # Stripe's Connect endpoint (issue 17)
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


class TokenBucket:
    """API Gateway's stage throttle: `rate` requests a second, bursts of up to `burst`."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self._tokens, self._at = float(burst), time.monotonic()
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
            self._at = now
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True


def api_gateway_event(
    method: str, path: str, headers: dict[str, str], body: bytes
) -> dict[str, Any]:
    try:
        text, encoded = body.decode("utf-8"), False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode(), True
    now = time.time()
    return {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {name.lower(): value for name, value in headers.items()},
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": "localhost",
            "domainPrefix": "localhost",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": headers.get("User-Agent", ""),
            },
            "requestId": f"local-{now}",
            "routeKey": f"{method} {path}",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "body": text,
        "isBase64Encoded": encoded,
    }


class WebhookServer:
    def __init__(
        self, handler: Handler, live: Handler | None = None, connect: Handler | None = None
    ) -> None:
        self._handler = handler
        self._live = live
        self._connect = connect
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> WebhookServer:
        posts = {WEBHOOK_PATH: ("wardfund-receive", self._handler)}
        if self._connect is not None:
            posts[CONNECT_WEBHOOK_PATH] = ("wardfund-connect-webhook", self._connect)
        live = self._live
        throttle = TokenBucket(RATE_LIMIT_PER_SECOND, BURST_LIMIT)

        class _Request(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if self.path not in posts:
                    self._answer(404, {"message": "not found"})
                    return
                name, invoke = posts[self.path]
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                event = api_gateway_event("POST", self.path, dict(self.headers.items()), body)
                try:
                    reply = invoke(event, LocalLambdaContext(name))
                except Exception:  # a function error: API Gateway answers 500, as here
                    self._answer(500, {"message": "Internal Server Error"})
                    return
                self._answer(reply["statusCode"], json.loads(reply.get("body") or "{}"))

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                if live is None or not path.startswith(LIVE_PATH + "/"):
                    self._answer(404, {"message": "not found"})
                    return
                if not throttle.take():
                    self._answer(429, {"message": "Too Many Requests"})
                    return
                event = api_gateway_event("GET", path, dict(self.headers.items()), b"")
                reply = live(event, LocalLambdaContext("wardfund-live-page"))
                data = str(reply.get("body") or "").encode()
                self.send_response(reply["statusCode"])
                for name, value in reply.get("headers", {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Request)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{WEBHOOK_PATH}"

    @property
    def connect_url(self) -> str:
        """The Connect endpoint's URL (`account.updated` and other connected-account events)."""
        return self.url.removesuffix(WEBHOOK_PATH) + CONNECT_WEBHOOK_PATH

    @property
    def live_url(self) -> str:
        """Where the live pages are: `<this>/<campaign>/<ward key>[/<yyyy-mm-dd>]`."""
        return live_base(self.url)

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()


def live_base(webhook_url: str) -> str:
    """The live pages' base URL on the local endpoint whose webhook URL this is."""
    return webhook_url.removesuffix(WEBHOOK_PATH) + LIVE_PATH
