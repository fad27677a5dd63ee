"""moto's server, plus one read-only route: the emails SES on moto has sent, in order.

moto keeps every message SES "sent" in its backend (`sent_messages`), but offers no API
call to list them; in server mode that list lives in moto's process, so this entry point
(`python -m wardfund.local.aws.moto_server`) serves it as JSON at `SENT_EMAILS_PATH`
(`?since=N` leaves out the first N). Every
other request goes to moto unchanged.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

SENT_EMAILS_PATH = "/_wardfund/ses/sent"

StartResponse = Callable[..., Any]
Wsgi = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _message(message: Any) -> dict[str, Any]:
    """A simple message keeps its subject and one body (HTML when there was HTML); a raw one
    keeps the whole MIME text."""
    if hasattr(message, "raw_data"):
        return {
            "id": message.id,
            "source": message.source,
            "destinations": list(message.destinations),
            "raw_data": message.raw_data,
        }
    return {
        "id": message.id,
        "source": message.source,
        "destinations": dict(getattr(message, "destinations", {}) or {}),
        "subject": getattr(message, "subject", ""),
        "body": getattr(message, "body", ""),
    }


def sent_emails(since: int = 0) -> dict[str, Any]:
    """`{"total": n, "emails": [...]}`: the emails after the first `since`, oldest first."""
    from moto.ses.models import ses_backends

    sent: list[Any] = []
    for account in list(ses_backends.values()):
        for backend in list(account.values()):
            sent.extend(backend.sent_messages)
    return {"total": len(sent), "emails": [_message(message) for message in sent[since:]]}


def with_sent_emails(app: Wsgi) -> Wsgi:
    def serve(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != SENT_EMAILS_PATH:
            return app(environ, start_response)
        query = parse_qs(str(environ.get("QUERY_STRING", "")))
        since = int(query.get("since", ["0"])[0] or 0)
        body = json.dumps(sent_emails(since)).encode()
        start_response(
            "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return [body]

    return serve


def main() -> None:  # pragma: no cover - runs in moto's own process
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import run_simple

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args()
    from wardfund.local.aws.patches import dynamodb, serializer, sqs

    dynamodb.apply()
    sqs.apply()
    serializer.apply()
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        args.host,
        args.port,
        with_sent_emails(app),
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":  # pragma: no cover
    main()
