"""Jinja2 templates (files under wardfund/templates/<kind>/): subject, HTML and plain text
rendered from the same view. HTML is autoescaped; the text parts are not HTML."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from wardfund.domain import display
from wardfund.domain.notices import EmailKind
from wardfund.domain.suspense import shown_amount
from wardfund.services.notification_ports import RenderedEmail


def upfirst(text: str) -> str:
    """Capitalises the first letter only (`capitalize` would lower-case a name's others)."""
    return text[:1].upper() + text[1:]


FILTERS = {
    "upfirst": upfirst,
    "pounds": display.pounds,
    "money": shown_amount,  # `amount | money(currency)`: pounds, or the currency's code
    "long_date": display.long_date,
    "long_day": display.long_day,
    "short_day": display.short_day,
    "short_date": display.short_date,
    "clock": display.clock,
}


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("wardfund", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


class JinjaRenderer:
    def render(self, kind: EmailKind, view: Mapping[str, Any]) -> RenderedEmail:
        env = environment()
        subject = env.get_template(f"{kind}/subject.txt").render(view)
        return RenderedEmail(
            subject=" ".join(subject.split()),
            html=env.get_template(f"{kind}/body.html").render(view),
            text=env.get_template(f"{kind}/body.txt").render(view),
        )
