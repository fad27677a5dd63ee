"""Reads back what SES on moto sent, in order, as MIME messages a person can open.

A raw send is kept by moto as its whole MIME text. A simple send is kept as sender,
recipients, subject and one body (the HTML part; moto drops the text part and our
headers), so its `.eml` is rebuilt from those; the kind is read from the
`X-Wardfund-Kind` header of a raw message or the `x-wardfund-kind` meta tag every
email's HTML carries.
"""

from __future__ import annotations

import email
import json
import re
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.policy import default as default_policy
from typing import Any, cast

from wardfund.local.aws.moto_server import SENT_EMAILS_PATH

KIND_META = re.compile(r'<meta name="x-wardfund-kind" content="([a-z_]+)">')
KIND_HEADER = "X-Wardfund-Kind"


@dataclass(frozen=True)
class SentEmail:
    message_id: str
    to: tuple[str, ...]
    kind: str
    subject: str
    html: str
    mime: EmailMessage
    raw: bool

    def summary(self) -> dict[str, str]:
        """The FORMAT.md `emails` entry."""
        return {"to": ", ".join(self.to), "kind": self.kind, "subject": self.subject}


def _html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    return str(cast(EmailMessage, part).get_content()) if part is not None else ""


def _from_raw(entry: dict[str, object]) -> SentEmail:
    parsed: Message = email.message_from_string(str(entry["raw_data"]), policy=default_policy)
    message = cast(EmailMessage, parsed)
    html = _html_of(message)
    found = KIND_META.search(html)
    kind = str(message.get(KIND_HEADER) or (found.group(1) if found else "unknown"))
    to = tuple(a.strip() for a in str(message.get("To", "")).split(",") if a.strip())
    return SentEmail(
        str(entry["id"]), to, kind, str(message.get("Subject", "")), html, message, raw=True
    )


def _from_simple(entry: dict[str, object]) -> SentEmail:
    destinations = cast(dict[str, list[str]], entry.get("destinations") or {})
    html = str(entry.get("body", ""))
    found = KIND_META.search(html)
    message = EmailMessage()
    message["From"] = str(entry["source"])
    for header, field in (("To", "ToAddresses"), ("Cc", "CcAddresses"), ("Bcc", "BccAddresses")):
        if destinations.get(field):
            message[header] = ", ".join(destinations[field])
    message["Subject"] = str(entry.get("subject", ""))
    if found:
        message[KIND_HEADER] = found.group(1)
    message.set_content(html, subtype="html", charset="utf-8")
    return SentEmail(
        str(entry["id"]),
        tuple(destinations.get("ToAddresses", [])),
        found.group(1) if found else "unknown",
        str(entry.get("subject", "")),
        html,
        message,
        raw=False,
    )


def _fetch(endpoint: str, since: int) -> dict[str, Any]:
    url = f"{endpoint}{SENT_EMAILS_PATH}?since={since}"
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (our own moto)
        return cast(dict[str, Any], json.loads(response.read()))


def count_sent_emails(endpoint: str) -> int:
    return int(_fetch(endpoint, since=1 << 30)["total"])


def read_sent_emails(endpoint: str, since: int = 0) -> list[SentEmail]:
    """The emails moto has sent, oldest first, after the first `since`."""
    entries = _fetch(endpoint, since)["emails"]
    return [_from_raw(entry) if "raw_data" in entry else _from_simple(entry) for entry in entries]
