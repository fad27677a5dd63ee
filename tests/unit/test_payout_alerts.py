"""The payout run's own alerts read as what they are: payouts held for Stripe's available
balance (one alert for the run, naming the shortfall), and a run late past its deadline."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from wardfund.adapters.email_templates import JinjaRenderer
from wardfund.domain.notices import AlertKind, AlertRaised, EmailKind
from wardfund.services.compose_national_emails import compose_alert
from wardfund.services.notification_ports import EmailContext

AT = datetime(2026, 6, 8, 5, tzinfo=UTC)
CONTEXT = EmailContext(
    "Common Ground", "finance@x.example", "https://portal.example/p", "finance@x.example"
)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("alert", "subject", "figures"),
    [
        (
            AlertRaised(
                "r#payouts_held",
                AlertKind.PAYOUTS_HELD,
                AT,
                "Stripe's available balance was £10.00 when the run started; its Stripe "
                "payouts came to £23.00, £13.00 short. Held: Leeds Central £18.00",
                1800,
            ),
            "Alert: £18.00 of payouts held for Stripe's available balance",
            ["£18.00", "£13.00 short", "Leeds Central", "payout schedule"],
        ),
        (
            AlertRaised(
                "r#payout_run_late",
                AlertKind.PAYOUT_RUN_LATE,
                datetime(2026, 6, 8, 7, tzinfo=UTC),
                "the payout run of 08 Jun 2026 06:00 has 3 of 650 campaign(s) not yet settled",
            ),
            "Alert: the payout run has not finished",
            ["3 of 650 campaign(s) not yet settled", "written once"],
        ),
    ],
    ids=["payouts_held", "payout_run_late"],
)
def test_payout_run_alerts_render_in_html_and_text(
    alert: AlertRaised, subject: str, figures: list[str]
) -> None:
    rendered = JinjaRenderer().render(EmailKind.ALERT, compose_alert(alert, CONTEXT).view)
    assert rendered.subject == subject
    for figure in figures:
        assert figure in text_of(rendered.html), figure
        assert figure in rendered.text, figure
    assert "dead-letter" not in rendered.text
