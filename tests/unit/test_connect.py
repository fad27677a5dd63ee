"""Issue 17, section 2, without AWS or Stripe: what a connected account can do, the payout
method it decides, the Connect webhook's checks (its own secret), the onboarding email and
the alert for a campaign paid by bank because its account cannot receive."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import stripe

from wardfund.adapters.dynamodb.connect_store import connect_from, connect_values
from wardfund.adapters.dynamodb.outbox_records import change_from_record
from wardfund.adapters.dynamodb.table import to_item
from wardfund.adapters.email_templates import JinjaRenderer
from wardfund.adapters.payout_task_records import task_body, task_from_body
from wardfund.adapters.stripe_connect import ACCOUNT_SETTINGS, status_from_account
from wardfund.adapters.stripe_connect_webhook import StripeConnectWebhookVerifier
from wardfund.adapters.stripe_event_types import PINNED_API_VERSION
from wardfund.domain.calendar import utc_key
from wardfund.domain.campaign import Campaign
from wardfund.domain.connect import ConnectStatus, newer, receives_transfers
from wardfund.domain.figures import ZERO
from wardfund.domain.notices import (
    AlertKind,
    ConnectOnboarding,
    EmailKind,
    NoticePolicy,
    emails_due,
)
from wardfund.domain.payout_run import PayoutTask, RunKind, Settlement
from wardfund.domain.run_report import CampaignRunLine
from wardfund.services.compose_connect_emails import compose_connect_onboarding
from wardfund.services.connect_payouts import connect_not_ready_alert
from wardfund.services.connect_webhook import accept_connect_webhook
from wardfund.services.notification_ports import EmailContext

AT = datetime(2026, 6, 8, 9, 0, tzinfo=UTC)
ACCOUNT = "acct_1Campaign0000001"
CONNECT_SECRET = "whsec_connect_endpoint_secret"
PLATFORM_SECRET = "whsec_platform_endpoint_secret"


def status(
    transfers: str = "active", payouts: bool = True, at: datetime = AT, **more: Any
) -> ConnectStatus:
    return ConnectStatus(ACCOUNT, transfers, payouts, at, **more)


# ------------------------------------------------------------------ what the account can do
@pytest.mark.parametrize(
    ("transfers", "payouts", "can"),
    [
        ("active", True, True),
        ("active", False, False),  # the money would wait in Stripe
        ("pending", True, False),
        ("inactive", True, False),
        ("unrequested", True, False),
    ],
)
def test_an_account_can_receive_only_with_transfers_active_and_payouts_enabled(
    transfers: str, payouts: bool, can: bool
) -> None:
    assert status(transfers, payouts).can_receive is can


def test_what_stands_in_the_way_is_said_in_words() -> None:
    assert status().words() == "can receive transfers"
    words = status(
        "inactive", False, disabled_reason="requirements.past_due", currently_due=2
    ).words()
    assert words.startswith("cannot receive transfers: ")
    for part in (
        "transfers capability is inactive",
        "does not pay it out",
        "not finished Stripe's onboarding",
        "2 item(s)",
        "requirements.past_due",
    ):
        assert part in words


@pytest.mark.parametrize(
    ("account", "recorded", "by_transfer"),
    [
        (None, None, False),  # no account: by bank
        (ACCOUNT, None, True),  # typed in by hand, Stripe said nothing yet: as before
        (ACCOUNT, status("inactive", False), False),  # connected, not onboarded
        (ACCOUNT, status(), True),  # Stripe says it can receive
        ("acct_1Other000000000", status("inactive", False), True),  # about another account
    ],
)
def test_the_payout_method_follows_what_stripe_last_said(
    account: str | None, recorded: ConnectStatus | None, by_transfer: bool
) -> None:
    assert receives_transfers(account, recorded) is by_transfer
    campaign = Campaign("leeds", "Leeds", connect_account_id=account, connect=recorded)
    assert campaign.pays_by_transfer is by_transfer
    assert campaign.connect_not_ready is (account is not None and not by_transfer)


def test_an_older_status_never_replaces_a_newer_one() -> None:
    recorded = status(at=AT)
    assert newer(status(at=AT + timedelta(seconds=1)), recorded)
    assert newer(status(at=AT), recorded)  # the same event again: harmless
    assert not newer(status(at=AT - timedelta(seconds=1)), recorded)
    assert newer(replace(status(at=AT - timedelta(days=1)), account_id="acct_1New"), recorded)
    assert newer(status(), None)


def test_a_campaigns_connect_status_is_not_one_of_its_settings() -> None:
    from wardfund.services.campaigns import EDITABLE

    assert "connect" not in EDITABLE
    with_status = Campaign("leeds", "Leeds", connect_account_id=ACCOUNT, connect=status())
    assert with_status == Campaign("leeds", "Leeds", connect_account_id=ACCOUNT)


def test_a_stripe_account_object_is_read_as_the_sdk_declares_it() -> None:
    account = {
        "id": ACCOUNT,
        "object": "account",
        "capabilities": {"transfers": "pending"},
        "payouts_enabled": False,
        "details_submitted": True,
        "requirements": {"currently_due": ["external_account"], "disabled_reason": None},
    }
    read = status_from_account(account, AT, "evt_1")
    assert read == ConnectStatus(
        ACCOUNT, "pending", False, AT, details_submitted=True, currently_due=1, event_id="evt_1"
    )
    assert status_from_account({"id": ACCOUNT}, AT).transfers == "unrequested"


def test_the_account_asked_for_receives_transfers_only_and_stripe_collects_requirements() -> None:
    assert ACCOUNT_SETTINGS["capabilities"] == {"transfers": {"requested": True}}
    controller = ACCOUNT_SETTINGS["controller"]
    assert controller["stripe_dashboard"] == {"type": "express"}
    assert controller["requirement_collection"] == "stripe"
    # Stripe requires fees.payer=application with losses.payments=application (SDK docstring)
    assert controller["losses"] == {"payments": "application"}
    assert controller["fees"] == {"payer": "application"}
    assert ACCOUNT_SETTINGS["country"] == "GB"
    assert "tos_acceptance" not in ACCOUNT_SETTINGS  # Stripe's default: the full agreement


def test_the_status_travels_with_the_payout_task_and_back() -> None:
    recorded = status("inactive", False, disabled_reason="requirements.past_due", event_id="e")
    campaign = Campaign("leeds", "Leeds", connect_account_id=ACCOUNT, connect=recorded)
    task = task_from_body(task_body(PayoutTask(AT, "run", campaign)))
    assert task.campaign.connect == recorded
    assert not task.campaign.pays_by_transfer
    assert connect_from(connect_values(recorded)) == recorded
    plain = task_from_body(task_body(PayoutTask(AT, "run", replace(campaign, connect=None))))
    assert plain.campaign.connect is None


# ------------------------------------------------------------------ the Connect webhook
class FakeStatuses:
    def __init__(self, accounts: dict[str, str]) -> None:
        self.accounts = accounts  # campaign -> account its settings name
        self.recorded: dict[str, ConnectStatus] = {}
        self.audited: list[str] = []

    def account_of(self, campaign_id: str) -> str | None:
        return self.accounts.get(campaign_id)

    def campaign_of_account(self, account_id: str) -> str | None:
        return next((c for c, a in self.accounts.items() if a == account_id), None)

    def record(self, campaign_id: str, found: ConnectStatus) -> tuple[bool, ConnectStatus | None]:
        before = self.recorded.get(campaign_id)
        if not newer(found, before):
            return False, before
        self.recorded[campaign_id] = found
        return True, before

    def audit(
        self, campaign_id: str, *, at: datetime, by: str, detail: str, principal: str | None = None
    ) -> None:
        self.audited.append(f"{campaign_id}: {detail} ({by})")


def account_updated(
    transfers: str = "active",
    payouts: bool = True,
    created: datetime = AT,
    event_id: str = "evt_1",
    **changes: Any,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "id": event_id,
        "object": "event",
        "account": ACCOUNT,
        "api_version": PINNED_API_VERSION,
        "created": int(created.timestamp()),
        "type": "account.updated",
        "data": {
            "object": {
                "id": ACCOUNT,
                "object": "account",
                "capabilities": {"transfers": transfers},
                "payouts_enabled": payouts,
                "details_submitted": True,
                "metadata": {"campaign": "leeds"},
                "requirements": {"currently_due": [], "disabled_reason": None},
            }
        },
    }
    event.update(changes)
    return event


def post(
    event: dict[str, Any], store: FakeStatuses, secret: str = CONNECT_SECRET
) -> tuple[int, str]:
    payload = json.dumps(event)
    signature = stripe.WebhookSignature.generate_signature_header(payload, secret)
    verifier = StripeConnectWebhookVerifier(lambda: CONNECT_SECRET, 300)
    reply = accept_connect_webhook(payload.encode(), signature, verifier, store)
    return reply.status, reply.message


def test_account_updated_signed_with_the_connect_secret_is_recorded_and_audited() -> None:
    store = FakeStatuses({"leeds": ACCOUNT})
    assert post(account_updated(created=datetime.now(UTC)), store) == (200, "recorded: leeds")
    assert store.recorded["leeds"].can_receive
    (entry,) = store.audited
    assert f"{ACCOUNT} can receive transfers" in entry
    assert "account.updated evt_1" in entry


def test_the_platform_endpoints_secret_does_not_verify_a_connect_event() -> None:
    store = FakeStatuses({"leeds": ACCOUNT})
    found, message = post(account_updated(created=datetime.now(UTC)), store, PLATFORM_SECRET)
    assert found == 400
    assert message.startswith("signature rejected")
    assert not store.recorded


def test_only_a_change_of_what_the_account_can_do_is_audited() -> None:
    store = FakeStatuses({"leeds": ACCOUNT})
    now = datetime.now(UTC)
    post(account_updated("inactive", False, now, "evt_1"), store)
    post(account_updated("pending", False, now, "evt_2"), store)  # still cannot receive
    post(account_updated("active", True, now, "evt_3"), store)
    assert len(store.audited) == 2


def test_an_older_account_updated_is_acknowledged_and_ignored() -> None:
    store = FakeStatuses({"leeds": ACCOUNT})
    now = datetime.now(UTC)
    post(account_updated("active", True, now, "evt_new"), store)
    found = post(account_updated("inactive", False, now - timedelta(minutes=1), "evt_old"), store)
    assert found == (200, "ignored: something newer is recorded")
    assert store.recorded["leeds"].event_id == "evt_new"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"type": "account.external_account.created"}, (200, "ignored")),
        ({"api_version": "2025-03-31.basil"}, (400, "refused")),
        ({"account": None}, (400, "payload rejected")),
        ({"account": "acct_1SomeoneElse00000"}, (400, "payload rejected")),
    ],
)
def test_what_the_connect_endpoint_does_not_record(
    change: dict[str, Any], expected: tuple[int, str]
) -> None:
    store = FakeStatuses({"leeds": ACCOUNT})
    found, message = post(account_updated(created=datetime.now(UTC), **change), store)
    assert found == expected[0]
    assert message.startswith(expected[1]), message
    assert not store.recorded


def test_an_account_no_campaign_is_paid_through_is_acknowledged_and_not_recorded() -> None:
    store = FakeStatuses({"leeds": "acct_1AnotherAccount00"})  # metadata names leeds, wrongly
    found, message = post(account_updated(created=datetime.now(UTC)), store)
    assert found == 200
    assert "no campaign is paid through" in message
    assert not store.recorded


# ------------------------------------------------------------------ the onboarding email
ONBOARDING = ConnectOnboarding(
    campaign_id="leeds",
    account_id=ACCOUNT,
    at=AT,
    link_url="https://connect.stripe.example/setup/e/acct_1Campaign0000001/abc",
    link_expires_at=AT + timedelta(minutes=5),
    requested_by="A. Jones",
)
LEEDS = Campaign("leeds", "Leeds Central", ("t@leeds.example", "T@Leeds.example", "d@x.example"))


def test_every_treasurer_is_emailed_the_link_once() -> None:
    due = emails_due(ONBOARDING, LEEDS, NoticePolicy("finance@x.example"))
    assert [(d.kind, d.to) for d in due] == [
        (EmailKind.CONNECT_ONBOARDING, "t@leeds.example"),
        (EmailKind.CONNECT_ONBOARDING, "d@x.example"),
    ]
    assert len({d.request_id for d in due}) == 2
    assert all(ACCOUNT in d.request_id for d in due)


def test_the_onboarding_notice_is_read_back_from_its_stream_record() -> None:
    item = {
        "PK": "ALERT",
        "SK": f"{utc_key(AT)}#connect_onboarding#leeds#{ACCOUNT}",
        "kind": "connect_onboarding",
        "at": utc_key(AT),
        "campaign_id": "leeds",
        "account_id": ACCOUNT,
        "link_url": ONBOARDING.link_url,
        "link_expires_at": utc_key(ONBOARDING.link_expires_at),
        "requested_by": "A. Jones",
    }
    assert change_from_record("INSERT", to_item(item), None) == ONBOARDING


def test_the_onboarding_email_gives_the_link_and_when_it_stops_working() -> None:
    context = EmailContext("Common Ground", "finance@x.example", reply_to_address="f@x.example")
    view = compose_connect_onboarding(ONBOARDING, LEEDS, context).view
    email = JinjaRenderer().render(EmailKind.CONNECT_ONBOARDING, view)
    assert "Leeds Central" in email.subject
    assert "10:05" in email.subject
    for part in (email.html, email.text):
        assert ONBOARDING.link_url in part
        assert "10:05" in part
        assert "about 5 minutes" in part
        assert ACCOUNT in part
        assert "A. Jones" in part
    assert "<script" not in email.html


# ------------------------------------------------------------------ the alert
def settlement(method: str, paid: int, resumed: datetime | None = None) -> Settlement:
    line = CampaignRunLine("leeds", "Leeds Central", ZERO, paid=paid, method=method)
    return Settlement("leeds", "Leeds Central", None, (replace(line, resumed_from=resumed),))


NOT_READY = Campaign(
    "leeds", "Leeds Central", connect_account_id=ACCOUNT, connect=status("inactive", False)
)


def test_a_campaign_paid_by_bank_because_its_account_cannot_receive_is_alerted_by_name() -> None:
    alert = connect_not_ready_alert(
        PayoutTask(AT, "run", NOT_READY), settlement("bank_transfer", 4000)
    )
    assert alert is not None
    assert alert.kind is AlertKind.CONNECT_NOT_READY
    assert alert.alert_id == f"{utc_key(AT)}#connect_not_ready#leeds"
    assert alert.amount == 4000
    assert alert.details == {"campaign_id": "leeds", "campaign_name": "Leeds Central"}
    assert "Leeds Central's Stripe account" in alert.reason
    assert "£40.00" in alert.reason
    assert "wardfund campaign connect leeds" in alert.reason


@pytest.mark.parametrize(
    ("campaign", "task_kind", "done"),
    [
        (replace(NOT_READY, connect=status()), "run", settlement("stripe_transfer", 4000)),
        (replace(NOT_READY, connect_account_id=None), "run", settlement("bank_transfer", 4000)),
        (NOT_READY, "run", settlement("bank_transfer", 0)),  # nothing paid this week
        (NOT_READY, "held", settlement("bank_transfer", 4000)),
        (NOT_READY, "run", settlement("bank_transfer", 4000, resumed=AT - timedelta(weeks=1))),
    ],
)
def test_no_alert_otherwise(campaign: Campaign, task_kind: RunKind, done: Settlement) -> None:
    assert connect_not_ready_alert(PayoutTask(AT, task_kind, campaign), done) is None


def test_the_alert_email_names_the_campaign() -> None:
    from wardfund.domain.notices import AlertRaised
    from wardfund.services.compose_national_emails import compose_alert

    alert = connect_not_ready_alert(
        PayoutTask(AT, "run", NOT_READY), settlement("bank_transfer", 4000)
    )
    assert isinstance(alert, AlertRaised)
    view = compose_alert(alert, EmailContext("Common Ground", "finance@x.example")).view
    email = JinjaRenderer().render(EmailKind.ALERT, view)
    assert email.subject == (
        "Alert: Leeds Central paid by bank, its Stripe account cannot receive transfers"
    )
    for part in (email.html, email.text):
        assert "£40.00 by bank transfer" in part
        assert ACCOUNT in part
