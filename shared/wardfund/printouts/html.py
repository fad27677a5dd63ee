"""HTML printouts from the package's Jinja templates (autoescaped)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from jinja2 import Environment, PackageLoader, select_autoescape

from wardfund.domain.account_report import CampaignReport
from wardfund.domain.calendar import LONDON
from wardfund.printouts.formats import SUMMARY_COLUMNS, summary_rows


def money(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) / 100:,.2f}"


def london(at: datetime) -> str:
    return at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M")


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("wardfund.printouts", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    env.globals.update(money=money, london=london)
    return env


def report_html(reports: Sequence[CampaignReport], *, title: str, with_summary: bool) -> str:
    first = reports[0] if reports else None
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            title=title,
            reports=reports,
            start=first.start if first else "",
            end=first.end if first else "",
            summary=summary_rows(reports) if with_summary else None,
            summary_headings=[h.replace("_", " ").capitalize() for h in SUMMARY_COLUMNS],
        )
    )
