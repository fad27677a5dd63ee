"""Each kind of email, from the demo story, rendered by headless Chromium: a screenshot of
it is written (to docs/screenshots/, named in the README, under `make screenshots`) and the
page's rendered text must show the key figures."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.screenshot_folder import screenshot_folder
from wardfund.cli.outbox import demo_scenario
from wardfund.domain.display import pounds
from wardfund.local.aws.sent_emails import SentEmail
from wardfund.local.emails.outbox import write_outbox
from wardfund.local.emails.screenshots import find_browser, screenshot
from wardfund.local.scenario.player import ScenarioPlayer
from wardfund.local.stack import LocalStack

pytestmark = pytest.mark.e2e

SCREENSHOTS = screenshot_folder()
PREFIX = "wf-demo"  # fixed names (bucket, ids) so the screenshots are the same every run


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, Any], list[SentEmail], dict[str, Path]]:
    if find_browser() is None:
        if os.environ.get("WARDFUND_REQUIRE_CHROMIUM"):
            pytest.fail("chromium is required here: run scripts/bootstrap")
        pytest.skip("no chromium on this machine (scripts/bootstrap installs it)")
    with LocalStack() as stack:
        stack.provision(PREFIX)
        result = ScenarioPlayer(demo_scenario(), stack).play()
        emails = stack.sent_emails()
    folder = tmp_path_factory.mktemp("outbox")
    pages = write_outbox(emails, folder)
    return result, emails, {page.stem: page for page in pages}


def paid(result: dict[str, Any], campaign: str, day: str) -> str:
    (payout,) = [
        p for p in result["payouts"] if p["campaign"] == campaign and p["run_at"].startswith(day)
    ]
    return pounds(payout["amount_pence"])


def run_total(result: dict[str, Any], day: str) -> str:
    return pounds(sum(p["amount_pence"] for p in result["payouts"] if p["run_at"].startswith(day)))


Pick = Callable[[SentEmail], bool]
Figures = Callable[[dict[str, Any]], list[str]]
SHOTS: dict[str, tuple[Pick, Figures]] = {
    "donor_thanks": (
        lambda e: e.kind == "donor_thanks" and e.to == ("amira@donors.example",),
        lambda r: ["Thank you, Amira", "£10.00", "became £20.00", "£18.00", "Headingley"],
    ),
    "payout_statement": (
        lambda e: (
            e.kind == "payout_statement"
            and e.to == ("treasurer@oxford-east.example",)
            and "15 Jun" in e.subject
        ),
        lambda r: [
            "Oxford East",
            paid(r, "oxford-east", "2026-06-15"),
            "WF260615OXFORDEAST",
            "Grace",
            # Grace gave £25 and £30: neither is over £50, so neither is a donation to check
            "nothing to check",
            "Due from wardfund",  # the journal to reconcile the one bank-feed line against
            "Payment failed",
            "Closing balance owed",
        ],
    ),
    "payout_statement-recovered": (
        lambda e: (
            e.kind == "payout_statement"
            and e.subject.startswith("Leeds Central")
            and "15 Jun" in e.subject
        ),
        lambda r: [
            "Leeds Central",
            paid(r, "leeds-central", "2026-06-15"),
            "recovered",
            "\u2212£18.00",
            "£1,950.00 left",
        ],
    ),
    "national_summary": (
        lambda e: e.kind == "national_summary" and "8 Jun" in e.subject,
        lambda r: [
            run_total(r, "2026-06-08"),
            paid(r, "oxford-east", "2026-06-08"),
            "WF260608OXFORDEAST",
            pounds(r["suspense_pence"]),
        ],
    ),
    "alert": (
        lambda e: e.kind == "alert",
        lambda r: [pounds(r["suspense_pence"]), "suspense", "nowhere-north"],
    ),
    "payment_failed": (
        lambda e: e.kind == "payment_failed",
        lambda r: ["Hello Ella", "Oxford East", "Update your card"],
    ),
}


@pytest.mark.parametrize("name", list(SHOTS))
def test_each_kind_renders_in_chromium_with_its_key_figures(
    demo: tuple[dict[str, Any], list[SentEmail], dict[str, Path]], name: str
) -> None:
    result, emails, pages = demo
    pick, figures = SHOTS[name]
    # Given the email of this kind the demo story sent
    found = [number for number, email in enumerate(emails, start=1) if pick(email)]
    assert found, f"the demo story sent no {name} email"
    (page,) = [p for stem, p in pages.items() if stem.startswith(f"{found[0]:03d}-")]
    # When Chromium renders it
    shot = screenshot(page, SCREENSHOTS / f"{name}.png")
    # Then the page shows the figures, and the screenshot is a whole email
    text = " ".join(shot.text.split())
    for figure in figures(result):
        assert figure in text, f"{figure!r} not on the rendered {name}"
    assert shot.png.stat().st_size > 10_000
    assert shot.height > 400


def test_bank_details_changed_renders_in_chromium_masked(tmp_path: Path) -> None:
    """Not in the demo story: a change of bank details asked for by one person and approved
    by another on the embedded stack, as `wardfund campaign bank set|approve` make it."""
    from datetime import UTC, datetime

    from wardfund.adapters.dynamodb.audit_log import DynamoAuditLog
    from wardfund.adapters.dynamodb.bank_details_store import DynamoBankDetailsStore
    from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
    from wardfund.adapters.dynamodb.table import Table
    from wardfund.adapters.kms_bank_details import KmsBankDetails
    from wardfund.domain.campaign import Campaign
    from wardfund.services.bank_details import approve_change, request_change
    from wardfund.services.campaigns import register_campaign

    if find_browser() is None:
        if os.environ.get("WARDFUND_REQUIRE_CHROMIUM"):
            pytest.fail("chromium is required here: run scripts/bootstrap")
        pytest.skip("no chromium on this machine (scripts/bootstrap installs it)")
    at = datetime(2026, 6, 10, 9, 30, tzinfo=UTC)
    with LocalStack() as stack:
        resources = stack.provision(f"{PREFIX}-bank")
        table = Table(resources.table_name)
        campaigns, store, audit = (
            DynamoCampaignStore(table), DynamoBankDetailsStore(table), DynamoAuditLog(table)
        )  # fmt: skip
        register_campaign(
            campaigns,
            Campaign("leeds-central", "Leeds Central", ("treasurer@leeds-central.example",)),
            by="national",
        )
        for sort_code, account, asked, approved in (
            ("08-99-99", "66374958", "T. Reasurer", "A. Jones"),
            ("20-29-59", "63748472", "T. Reasurer", "B. Singh"),
        ):
            request_change(
                store, campaigns, KmsBankDetails(), audit, None, campaign_id="leeds-central",
                account_name="Leeds Central Campaign", sort_code=sort_code,
                account_number=account, by=asked, at=at, change_id=f"bc-{account[-4:]}",
            )  # fmt: skip
            approve_change(store, audit, campaign_id="leeds-central", by=approved, at=at)
        stack.drain_notifications()
        emails = [e for e in stack.sent_emails() if e.kind == "bank_details_changed"]
    latest = [
        e for e in emails if "8472" in e.html and e.to == ("treasurer@leeds-central.example",)
    ]
    assert latest
    pages = write_outbox(latest, tmp_path)
    shot = screenshot(pages[0], SCREENSHOTS / "bank_details_changed.png")
    text = " ".join(shot.text.split())
    for figure in ("Leeds Central", "20-29-59", "••••8472", "••••4958", "B. Singh", "fraud"):
        assert figure in text, figure
    assert "63748472" not in text
    assert shot.png.stat().st_size > 10_000


def test_connect_onboarding_renders_in_chromium_with_the_link_and_its_expiry(
    tmp_path: Path,
) -> None:
    """Not in the demo story: `wardfund campaign connect` on the embedded stack (issue 17)
    creates the campaign's account in the Stripe stand-in and emails each treasurer the
    onboarding link, which works once and for minutes."""
    from datetime import UTC, datetime

    from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
    from wardfund.adapters.dynamodb.connect_store import DynamoConnectStore
    from wardfund.adapters.dynamodb.table import Table
    from wardfund.adapters.stripe_connect import StripeConnect
    from wardfund.adapters.stripe_gateway import stripe_client
    from wardfund.domain.campaign import Campaign
    from wardfund.local.stack import STRIPE_API_KEY
    from wardfund.services.campaigns import register_campaign
    from wardfund.services.connect import connect_campaign

    if find_browser() is None:
        if os.environ.get("WARDFUND_REQUIRE_CHROMIUM"):
            pytest.fail("chromium is required here: run scripts/bootstrap")
        pytest.skip("no chromium on this machine (scripts/bootstrap installs it)")
    at = datetime(2026, 6, 10, 9, 30, tzinfo=UTC)
    with LocalStack() as stack:
        resources = stack.provision(f"{PREFIX}-connect")
        stack.connect.clock = lambda: at  # the same screenshot every run
        stack.connect.base_url = lambda: "https://connect.stripe.example"
        table = Table(resources.table_name)
        campaigns = DynamoCampaignStore(table)
        register_campaign(
            campaigns,
            Campaign(
                "leeds-central",
                "Leeds Central",
                ("treasurer@leeds-central.example", "deputy@leeds-central.example"),
            ),
            by="national",
        )
        client = stripe_client(STRIPE_API_KEY, stack.stripe.url)
        done = connect_campaign(
            "leeds-central", campaigns=campaigns, records=DynamoConnectStore(table),
            stripe=StripeConnect(lambda: client), refresh_url="https://wardfund.example/again",
            return_url="https://wardfund.example/done", by="A. Jones", at=at,
        )  # fmt: skip
        stack.drain_notifications()
        emails = [e for e in stack.sent_emails() if e.kind == "connect_onboarding"]
    assert sorted(e.to[0] for e in emails) == [
        "deputy@leeds-central.example",
        "treasurer@leeds-central.example",
    ]
    mine = [e for e in emails if e.to == ("treasurer@leeds-central.example",)]
    pages = write_outbox(mine, tmp_path)
    shot = screenshot(pages[0], SCREENSHOTS / "connect_onboarding.png")
    text = " ".join(shot.text.split())
    for figure in (
        "Leeds Central",
        "Set up the Stripe account",
        done.account_id,
        "until 10:35",  # 09:30 UTC + 5 minutes, in London (BST)
        "about 5 minutes",
        "A. Jones",
    ):
        assert figure in text, figure
    assert "https://connect.stripe.example/setup/e/" in mine[0].html
    assert shot.png.stat().st_size > 10_000
