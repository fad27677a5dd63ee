"""Issue 13 item 3, without AWS: what each suspense item says is needed, and how the alert
and the national summary show it (an open item listed, a resolved one not)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from tests.unit.test_email_templates import CONTEXT, REPORT, FakeBankFiles, FakeReader
from wardfund.adapters.email_templates import JinjaRenderer
from wardfund.domain.notices import AlertKind, AlertRaised, EmailKind, RunSummarised
from wardfund.domain.postings import Payment, PaymentKind, SuspenseReason, suspense_reason
from wardfund.domain.suspense import SuspenseItem, shown_amount, suspense_item
from wardfund.services.compose_national_emails import compose_alert, compose_summary

AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)


def payment(
    campaign: str | None, kind: PaymentKind = PaymentKind.ONE_OFF, currency: str = "gbp"
) -> Payment:
    return Payment(
        "pi_1", campaign, "Hyde", kind, 1250, currency, AT, "cus_1", subscription_id="sub_9"
    )


def item_for(paid: Payment) -> SuspenseItem:
    reason = suspense_reason(paid, None)
    assert reason is not None
    return suspense_item(paid, reason)


def test_an_unknown_campaign_names_it_and_where_the_metadata_lives() -> None:
    one_off = item_for(payment("nowhere-north"))
    assert one_off.reason is SuspenseReason.UNKNOWN_CAMPAIGN
    assert "'nowhere-north'" in one_off.needed
    assert "the Payment Link's metadata" in one_off.needed
    assert "wardfund campaign add nowhere-north" in one_off.needed
    monthly = item_for(payment("nowhere-north", PaymentKind.FIRST_MONTHLY))
    assert "subscription sub_9's metadata" in monthly.needed
    assert "subscription_data.metadata" in monthly.needed


def test_no_campaign_says_the_key_is_missing() -> None:
    item = item_for(payment(None))
    needed = item.needed
    assert "No 'campaign' in the Payment Link's metadata" in needed
    assert f"wardfund suspense assign {item.payment_id} CAMPAIGN --by NAME" in needed
    assert f"wardfund suspense refund {item.payment_id} --by NAME" in needed


def test_another_currency_names_it() -> None:
    item = item_for(payment("leeds", currency="eur"))
    assert item.reason is SuspenseReason.FOREIGN_CURRENCY
    assert "EUR" in item.needed
    assert f"wardfund suspense refund {item.payment_id} --by NAME" in item.needed
    assert "suspense assign" not in item.needed  # pounds only: it can only go back
    assert item.shown_held == "12.50 EUR"
    assert shown_amount(123456, "gbp") == "£1,234.56"


def test_what_is_held_after_refunds_and_when_it_is_open() -> None:
    item = item_for(payment(None))
    assert (item.held, item.open) == (1250, True)
    assert replace(item, taken_back=500).held == 750
    assert not replace(item, resolved_at=AT).open


def test_the_alert_email_says_what_is_needed_in_both_parts() -> None:
    item = item_for(payment("nowhere-north"))
    alert = AlertRaised(
        "a1",
        AlertKind.SUSPENSE,
        AT,
        str(item.reason),
        1250,
        {"payment_id": "pi_1", "currency": "gbp", "needed": item.needed},
    )
    rendered = JinjaRenderer().render(EmailKind.ALERT, compose_alert(alert, CONTEXT).view)
    assert "pi_1" in rendered.subject
    assert "What is needed: " + item.needed in rendered.text
    assert "nowhere-north" in rendered.html


def test_the_national_summary_lists_each_open_item() -> None:
    reader = FakeReader()
    view = compose_summary(RunSummarised(REPORT), reader, FakeBankFiles(), CONTEXT).view
    rendered = JinjaRenderer().render(EmailKind.NATIONAL_SUMMARY, view)
    (item,) = reader.open_suspense()
    for part in (rendered.text, rendered.html.replace("&#39;", "'")):
        assert item.payment_id in part
        assert item.needed in part
        assert "£7.00" in part


def test_the_national_summary_lists_nothing_once_resolved() -> None:
    class Resolved(FakeReader):
        def open_suspense(self) -> list[SuspenseItem]:
            return []

        def suspense(self) -> int:
            return 0

    view = compose_summary(RunSummarised(REPORT), Resolved(), FakeBankFiles(), CONTEXT).view
    rendered = JinjaRenderer().render(EmailKind.NATIONAL_SUMMARY, view)
    assert "pi_suspense_1" not in rendered.text
    assert "Nothing in suspense." in rendered.text
