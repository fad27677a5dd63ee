"""The outbox: every email SES on moto sent, written as `.eml` (open it in a mail client) and
its HTML part as `.html` (open it in a browser), with an `index.html` listing them."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

from wardfund.local.aws.sent_emails import SentEmail

INDEX = "index.html"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "unknown"


def email_stem(number: int, email: SentEmail) -> str:
    """`003-payout_statement-treasurer-leeds-central-example`."""
    return f"{number:03d}-{email.kind}-{_slug(email.to[0] if email.to else '')}"


def _index(emails: Sequence[SentEmail], stems: Sequence[str]) -> str:
    rows = "\n".join(
        "<tr>"
        f'<td style="padding:4px 8px;">{number}</td>'
        f'<td style="padding:4px 8px;">{html.escape(email.kind)}</td>'
        f'<td style="padding:4px 8px;">{html.escape(", ".join(email.to))}</td>'
        f'<td style="padding:4px 8px;"><a href="{stem}.html">{html.escape(email.subject)}</a></td>'
        f'<td style="padding:4px 8px;"><a href="{stem}.eml">.eml</a></td>'
        "</tr>"
        for number, (email, stem) in enumerate(zip(emails, stems, strict=True), start=1)
    )
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Outbox</title>'
        '</head><body style="font-family:Arial,Helvetica,sans-serif;">'
        f"<h1>Outbox: {len(emails)} email{'s' if len(emails) != 1 else ''}</h1>"
        '<table style="border-collapse:collapse;font-size:14px;">'
        "<tr><th>#</th><th>Kind</th><th>To</th><th>Subject</th><th></th></tr>"
        f"{rows}</table></body></html>\n"
    )


def write_outbox(emails: Sequence[SentEmail], folder: Path) -> list[Path]:
    """Writes `<stem>.eml` and `<stem>.html` per email, in the order sent; returns the
    `.html` paths. Files from an earlier outbox in the same folder are replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("[0-9][0-9][0-9]-*.*"):
        old.unlink()
    pages = []
    stems = [email_stem(number, email) for number, email in enumerate(emails, start=1)]
    for email, stem in zip(emails, stems, strict=True):
        (folder / f"{stem}.eml").write_bytes(email.mime.as_bytes())
        page = folder / f"{stem}.html"
        page.write_text(email.html, encoding="utf-8")
        pages.append(page)
    (folder / INDEX).write_text(_index(emails, stems), encoding="utf-8")
    return pages
