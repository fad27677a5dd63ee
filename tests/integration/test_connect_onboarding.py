"""Issue 17, section 2, on the embedded stack: treasurers onboarded to Stripe Connect by link.

`wardfund campaign connect` creates the campaign's connected account in the Stripe stand-in
and emails every treasurer an onboarding link; `account.updated` events, signed with the
Connect endpoint's own secret and POSTed to `/stripe/connect-webhook`, record whether the
account can receive transfers; the payout run pays by transfer only then, otherwise by the
bank file with an alert naming the campaign, including for an account that loses the
ability between two runs."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.integration.operations import deliver, register, said, table, wardfund
from wardfund.adapters.dynamodb.audit_log import DynamoAuditLog
from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.connect_store import DynamoConnectStore
from wardfund.adapters.dynamodb.table import ALERT_PK
from wardfund.domain.calendar import LONDON
from wardfund.domain.campaign import Campaign
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.standin.connect import LINK_SECONDS
from wardfund.local.stripe.world import Donor, StripeWorld

GIFT_AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)
RUN_1 = datetime(2026, 6, 8, 6, 0, tzinfo=LONDON)
RUN_2 = RUN_1 + timedelta(weeks=1)
RUN_3 = RUN_1 + timedelta(weeks=2)
TREASURERS = ("treasurer@leeds.example", "deputy@leeds.example")


def campaign_id() -> str:
    return f"leeds-{uuid.uuid4().hex[:8]}"


def connected(stack: LocalStack, **settings: Any) -> Campaign:
    """A campaign, then `wardfund campaign connect` for it; returns it as stored now."""
    campaign = register(stack, campaign_id(), treasurer_emails=TREASURERS, **settings)
    result = wardfund("campaign", "connect", campaign.campaign_id)
    assert result.exit_code == 0, result.output
    found = DynamoCampaignStore(table(stack)).get(campaign.campaign_id)
    assert found is not None
    return found


def account_of(stack: LocalStack, campaign: Campaign) -> dict[str, Any]:
    assert campaign.connect_account_id
    return stack.connect.accounts[campaign.connect_account_id]


WORLD = StripeWorld(account_id="acct_national_connect_tests")  # one world: ids never repeat


def give(stack: LocalStack, campaign: Campaign, pence: int, at: datetime = GIFT_AT) -> None:
    donor = f"d{uuid.uuid4().hex[:8]}"
    deliver(
        stack,
        WORLD.give_once(
            at, Donor(donor, f"{donor}@donors.example", donor), campaign.campaign_id,
            "Headingley", pence,
        ),
    )  # fmt: skip


def alerts(stack: LocalStack, kind: str) -> list[dict[str, Any]]:
    return [a for a in table(stack).query(ALERT_PK) if a.get("kind") == kind]


# ------------------------------------------------------------------- the onboarding command
def test_connect_creates_a_transfers_only_express_account_and_emails_each_treasurer(
    stack: LocalStack,
) -> None:
    # Given a campaign with two treasurers and no Stripe account
    campaign = register(stack, campaign_id(), treasurer_emails=TREASURERS)

    # When national finance connects it
    result = wardfund("campaign", "connect", campaign.campaign_id)

    # Then a connected account is created in Stripe, controlled by the platform as an
    # Express-like account that only receives transfers, in GB, naming the campaign
    assert result.exit_code == 0, result.output
    stored = DynamoCampaignStore(table(stack)).get(campaign.campaign_id)
    assert stored is not None
    assert stored.connect_account_id
    account = account_of(stack, stored)
    assert account["controller"] == {
        "fees": {"payer": "application"},
        "is_controller": True,
        "losses": {"payments": "application"},
        "requirement_collection": "stripe",
        "stripe_dashboard": {"type": "express"},
        "type": "application",
    }
    assert account["capabilities"] == {"transfers": "inactive"}
    assert account["country"] == "GB"
    assert account["metadata"] == {"campaign": campaign.campaign_id}
    assert account["email"] == TREASURERS[0]
    # And it is recorded as not able to receive transfers yet: payouts stay by bank
    assert stored.connect is not None
    assert not stored.connect.can_receive
    assert not stored.pays_by_transfer
    # And one onboarding Account Link was asked for, back to the configured pages
    (link,) = [x for x in stack.connect.links if x["account"] == stored.connect_account_id]
    assert link["type"] == "account_onboarding"
    assert link["return_url"] == "https://wardfund.example/connect/done"
    assert link["refresh_url"] == "https://wardfund.example/connect/expired"
    assert link["expires_at"] - link["created"] == LINK_SECONDS
    printed = said(result)
    assert f"created Stripe connected account {stored.connect_account_id}" in printed
    assert "works once" in printed

    # And every treasurer gets their own email with the link and when it stops working
    stack.drain_notifications()
    emails = [e for e in stack.sent_emails() if e.kind == "connect_onboarding"]
    assert sorted(e.to for e in emails) == sorted((t,) for t in TREASURERS)
    until = datetime.fromtimestamp(link["expires_at"], UTC).astimezone(LONDON)
    for email in emails:
        assert link["url"] in email.html
        assert f"until {until:%H:%M}" in email.html
        assert campaign.name in email.subject
    # And the audit trail says who did what
    trail = [e.detail for e in DynamoAuditLog(table(stack)).trail(campaign.campaign_id)]
    assert any(stored.connect_account_id in d and "Stripe Connect" in d for d in trail), trail
    assert any("onboarding link" in d and "2 treasurer(s)" in d for d in trail), trail


def test_connect_again_reuses_the_account_and_sends_a_new_link(stack: LocalStack) -> None:
    campaign = connected(stack)
    before = len(stack.connect.accounts)

    result = wardfund("campaign", "connect", campaign.campaign_id)

    assert result.exit_code == 0, result.output
    assert f"has Stripe connected account {campaign.connect_account_id}" in said(result)
    assert len(stack.connect.accounts) == before  # no second account
    links = [x for x in stack.connect.links if x["account"] == campaign.connect_account_id]
    assert len(links) == 2
    assert links[0]["url"] != links[1]["url"]
    stack.drain_notifications()
    emailed = [e for e in stack.sent_emails() if e.kind == "connect_onboarding"]
    assert len(emailed) == 2 * len(TREASURERS)  # each link to each treasurer, once


def test_connect_refuses_a_campaign_without_a_treasurer_and_creates_nothing(
    stack: LocalStack,
) -> None:
    campaign = register(stack, campaign_id())
    before = len(stack.connect.accounts)

    result = wardfund("campaign", "connect", campaign.campaign_id)

    assert result.exit_code == 2
    assert "no treasurer's email" in said(result)
    assert len(stack.connect.accounts) == before
    stored = DynamoCampaignStore(table(stack)).get(campaign.campaign_id)
    assert stored is not None
    assert stored.connect_account_id is None


def test_connect_needs_https_pages_to_send_the_treasurer_back_to(stack: LocalStack) -> None:
    campaign = register(stack, campaign_id(), treasurer_emails=TREASURERS)
    before = len(stack.connect.accounts)

    result = wardfund(
        "campaign", "connect", campaign.campaign_id, "--return-url", "http://plain.example/"
    )

    assert result.exit_code == 2
    assert "--return-url must be an https:// address" in said(result)
    assert len(stack.connect.accounts) == before


# ------------------------------------------------------------------- account.updated
def test_account_updated_signed_with_the_connect_secret_records_the_account_can_receive(
    stack: LocalStack,
) -> None:
    campaign = connected(stack)
    assert campaign.connect_account_id

    # When the treasurer finishes Stripe's onboarding, Stripe sends account.updated to the
    # Connect endpoint
    assert stack.connect.onboard(campaign.connect_account_id)
    assert stack.deliver_connect() == [200]

    stored = DynamoCampaignStore(table(stack)).get(campaign.campaign_id)
    assert stored is not None
    assert stored.connect is not None
    assert stored.connect.can_receive
    assert stored.pays_by_transfer
    trail = [e.detail for e in DynamoAuditLog(table(stack)).trail(campaign.campaign_id)]
    assert f"Stripe connected account {campaign.connect_account_id} can receive transfers" in trail


def test_the_platform_secret_does_not_verify_a_connect_event(stack: LocalStack) -> None:
    campaign = connected(stack)
    assert campaign.connect_account_id
    assert stack.resources is not None
    event = stack.connect.onboard(campaign.connect_account_id)
    stack.connect.take()
    payload = json.dumps(event)

    # Signed with the platform endpoint's secret, the Connect endpoint refuses it
    status, body = stack.post_connect(payload.encode(), stack.sign(payload))
    assert status == 400
    assert body["message"].startswith("signature rejected")
    # No signature at all, likewise
    assert stack.post_connect(payload.encode(), None)[0] == 400
    # Signed with the Connect secret but sent to the platform endpoint: refused there
    status, body = stack.post(payload.encode(), stack.sign_connect(payload))
    assert status == 400
    assert body["message"].startswith("signature rejected")
    # Signed with the platform secret to the platform endpoint: acknowledged, not acted on
    status, body = stack.post(payload.encode(), stack.sign(payload))
    assert status == 200
    assert body["message"].startswith("ignored")
    stack.drain()
    stored = DynamoConnectStore(table(stack)).status(campaign.campaign_id)
    assert stored is not None
    assert not stored.can_receive

    # The same event, signed as Stripe signs for the Connect endpoint, is recorded
    assert stack.deliver_connect([event]) == [200]
    stored = DynamoConnectStore(table(stack)).status(campaign.campaign_id)
    assert stored is not None
    assert stored.can_receive


def test_an_older_account_updated_arriving_late_does_not_undo_a_newer_one(
    stack: LocalStack,
) -> None:
    campaign = connected(stack)
    account = campaign.connect_account_id
    assert account
    restricted = stack.connect.restrict(account)
    onboarded = stack.connect.onboard(account)
    stack.connect.take()
    restricted["created"] -= 60  # Stripe made it a minute before the other

    assert stack.deliver_connect([onboarded, restricted, onboarded]) == [200, 200, 200]

    stored = DynamoConnectStore(table(stack)).status(campaign.campaign_id)
    assert stored is not None
    assert stored.can_receive
    assert stored.event_id == onboarded["id"]


def test_account_updated_without_a_connected_account_or_for_nobody_changes_nothing(
    stack: LocalStack,
) -> None:
    campaign = connected(stack)
    account = campaign.connect_account_id
    assert account
    event = stack.connect.onboard(account)
    stack.connect.take()

    # The platform's own account.updated (no `account`): refused on the Connect endpoint
    own = {k: v for k, v in event.items() if k != "account"}
    assert stack.deliver_connect([own]) == [400]
    # An account no campaign is paid through: acknowledged, nothing recorded
    stranger = json.loads(json.dumps(event))
    stranger["account"] = stranger["data"]["object"]["id"] = "acct_1NobodysAccount00"
    stranger["data"]["object"]["metadata"] = {"campaign": campaign.campaign_id}
    status, body = stack.post_connect(
        json.dumps(stranger).encode(), stack.sign_connect(json.dumps(stranger))
    )
    assert status == 200
    assert "no campaign" in body["message"]
    stored = DynamoConnectStore(table(stack)).status(campaign.campaign_id)
    assert stored is not None
    assert stored.account_id == account
    assert not stored.can_receive


# ------------------------------------------------------------------- the payout method switch
def test_payouts_go_by_bank_until_the_account_can_receive_and_again_when_it_cannot(
    stack: LocalStack,
) -> None:
    # Given a connected campaign whose treasurer has not finished onboarding, owed £40
    campaign = connected(stack)
    account = campaign.connect_account_id
    assert account
    give(stack, campaign, 5000)

    # When the first run pays: by the bank file, with an alert naming the campaign
    first = stack.fire_payout_schedule(RUN_1)
    (paid,) = [p for p in first["paid"] if p["campaign"] == campaign.campaign_id]
    assert paid == {
        "campaign": campaign.campaign_id,
        "amount_pence": 4000,
        "status": "awaiting_bank_transfer",
    }
    assert not [t for t in stack.stripe.transfers() if t["destination"] == account]
    (alert,) = alerts(stack, "connect_not_ready")
    assert alert["campaign_id"] == campaign.campaign_id
    assert campaign.name in alert["reason"]
    assert account in alert["reason"]
    assert "£40.00" in alert["reason"]
    stack.drain_notifications()
    (email,) = [e for e in stack.sent_emails() if e.kind == "alert" and campaign.name in e.subject]
    assert "cannot receive transfers" in email.subject

    # When the treasurer finishes onboarding, and more is given: the next run transfers
    stack.connect.onboard(account)
    assert stack.deliver_connect() == [200]
    give(stack, campaign, 2500, GIFT_AT + timedelta(weeks=1))
    second = stack.fire_payout_schedule(RUN_2)
    (paid,) = [p for p in second["paid"] if p["campaign"] == campaign.campaign_id]
    assert paid["status"] == "paid"
    assert paid["amount_pence"] == 2000
    (transfer,) = [t for t in stack.stripe.transfers() if t["destination"] == account]
    assert transfer["amount"] == 2000
    assert len(alerts(stack, "connect_not_ready")) == 1  # none for this run

    # When Stripe then restricts the account (information past due) between two runs
    stack.connect.restrict(account)
    assert stack.deliver_connect() == [200]
    give(stack, campaign, 1000, GIFT_AT + timedelta(weeks=2))
    third = stack.fire_payout_schedule(RUN_3)

    # Then that run pays by the bank file again, and alerts, naming the campaign and why
    (paid,) = [p for p in third["paid"] if p["campaign"] == campaign.campaign_id]
    assert paid["status"] == "awaiting_bank_transfer"
    assert paid["amount_pence"] == 800
    assert len([t for t in stack.stripe.transfers() if t["destination"] == account]) == 1
    latest = [a for a in alerts(stack, "connect_not_ready") if a["at"] > alert["at"]]
    (again,) = latest
    assert campaign.name in again["reason"]
    assert "transfers capability is inactive" in again["reason"]
    assert "requirements.past_due" in again["reason"]


def test_preview_says_a_connected_campaign_is_paid_by_bank_until_it_can_receive(
    stack: LocalStack,
) -> None:
    campaign = connected(stack)
    give(stack, campaign, 5000)

    shown = said(wardfund("payout", "preview", "--at", "2026-06-08T06:00"))

    assert re.search(rf"{campaign.campaign_id}\s.*bank transfer", shown), shown
    assert f"its Stripe account {campaign.connect_account_id} cannot receive transfers" in shown


@pytest.mark.parametrize("typed", ["acct_1TypedByHand000001"])
def test_an_account_typed_by_hand_is_still_paid_by_transfer_until_stripe_says_otherwise(
    stack: LocalStack, typed: str
) -> None:
    campaign = register(stack, campaign_id(), connect_account_id=typed)
    give(stack, campaign, 5000)

    run = stack.fire_payout_schedule(RUN_1)

    (paid,) = [p for p in run["paid"] if p["campaign"] == campaign.campaign_id]
    assert paid["status"] == "paid"
    assert not alerts(stack, "connect_not_ready")
