"""Issue 13 item 3: money in suspense stays reachable. Its alert names the payment and what
is needed (the campaign metadata missing or unknown, or the currency); every national
summary lists each open suspense item until it is resolved (`resolved_at` on its record)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

from tests.integration.operations import deliver, donor, register, table
from wardfund.adapters.dynamodb.suspense_items import mark_resolved, suspense_items
from wardfund.adapters.dynamodb.table import ALERT_PK
from wardfund.local.aws.sent_emails import SentEmail
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.world import StripeWorld

AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)
FIRST_RUN = datetime(2026, 6, 8, 5, 0, tzinfo=UTC)  # Monday 06:00 London
SECOND_RUN = FIRST_RUN + timedelta(days=7)


def text_of(email: SentEmail) -> str:
    return html.unescape(email.html)


def of_kind(emails: list[SentEmail], kind: str) -> list[SentEmail]:
    return [email for email in emails if email.kind == kind]


def test_an_unknown_campaign_gift_is_alerted_with_what_is_needed_and_listed_until_resolved(
    stack: LocalStack,
) -> None:
    # Given a registered campaign, and a one-off £10 gift whose link names 'nowhere-north'
    register(stack, "leeds")
    events = StripeWorld().give_once(AT, donor("d1"), "nowhere-north", "Hyde", 1000)
    (session,) = [e for e in events if e["type"] == "checkout.session.completed"]
    payment_id = session["data"]["object"]["payment_intent"]

    # When it is delivered and processed
    deliver(stack, events)

    # Then the alert names the payment, and says which campaign is unknown and what to do
    (alert,) = list(table(stack).query(ALERT_PK))
    assert alert["payment_id"] == payment_id
    assert "'nowhere-north'" in alert["needed"]
    assert "not a campaign in the agreement" in alert["needed"]
    assert "Payment Link's metadata" in alert["needed"]
    # And so does the alert email
    stack.drain_notifications()
    (email,) = of_kind(stack.sent_emails(), "alert")
    assert payment_id in email.subject
    assert "What is needed:" in text_of(email)
    assert alert["needed"] in text_of(email)
    # And a suspense item is open for it
    (item,) = list(suspense_items(table(stack)))
    assert (item.payment_id, item.open, item.held) == (payment_id, True, 1000)

    # When the payout run happens, twice
    stack.fire_payout_schedule(FIRST_RUN)
    stack.drain_notifications()
    # Then its national summary lists the payment, what is held, and what is needed
    (summary,) = of_kind(stack.sent_emails(), "national_summary")
    assert payment_id in text_of(summary)
    assert "£10.00" in text_of(summary)
    assert item.needed in text_of(summary)

    # When someone resolves it (as `suspense assign` and `suspense refund` set the field)
    assert mark_resolved(
        table(stack), payment_id, by="tester", resolution="refunded", at=SECOND_RUN
    )
    assert not mark_resolved(
        table(stack), payment_id, by="tester", resolution="again", at=SECOND_RUN
    )
    seen = len(stack.sent_emails())
    stack.fire_payout_schedule(SECOND_RUN)
    stack.drain_notifications()
    # Then the next summary no longer lists it
    (later,) = of_kind(stack.sent_emails(after=seen), "national_summary")
    assert payment_id not in text_of(later)


def test_a_monthly_gift_in_euros_without_a_campaign_says_the_currency(stack: LocalStack) -> None:
    # Given a monthly pledge in euros (its metadata names a campaign, but the money is EUR)
    register(stack, "leeds")
    events = StripeWorld().pledge(AT, donor("d2"), "leeds", "Hyde", 1500, "eur")

    deliver(stack, events)

    (alert,) = list(table(stack).query(ALERT_PK))
    assert alert["currency"] == "eur"
    assert alert["payment_kind"] == "first_monthly"
    assert "EUR" in alert["needed"]
    stack.drain_notifications()
    (email,) = of_kind(stack.sent_emails(), "alert")
    assert "15.00 EUR" in text_of(email)  # not "£15.00": the money is not in pounds
    assert "EUR" in email.subject


def test_a_gift_naming_no_campaign_says_which_metadata_to_fix(stack: LocalStack) -> None:
    register(stack, "leeds")
    events = StripeWorld().pledge(AT, donor("d3"), "", "Hyde", 1000)
    deliver(stack, events)

    (alert,) = list(table(stack).query(ALERT_PK))
    assert alert["reason"] == "no_campaign_in_metadata"
    assert "No 'campaign'" in alert["needed"]
    assert "subscription_data.metadata" in alert["needed"]


def test_a_partly_refunded_suspense_gift_lists_what_is_still_held(stack: LocalStack) -> None:
    register(stack, "leeds")
    world = StripeWorld()
    gift = world.give_once(AT, donor("d4"), "nowhere", "Hyde", 1000)
    (session,) = [e for e in gift if e["type"] == "checkout.session.completed"]
    payment_id = session["data"]["object"]["payment_intent"]
    deliver(stack, gift)
    deliver(stack, world.refund(AT + timedelta(hours=1), "d4", 1, 400))

    stack.fire_payout_schedule(FIRST_RUN)
    stack.drain_notifications()

    (summary,) = of_kind(stack.sent_emails(), "national_summary")
    # its row: the payment, then what suspense still holds of it
    assert re.search(rf"{payment_id}</td>\s*<td[^>]*>£6\.00</td>", text_of(summary))
