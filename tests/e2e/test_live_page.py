"""The ward night's live page in a real browser (issue 17): Playwright for Python driving
Debian's Chromium against the local stack `wardfund local up` runs in the background.

Open the page, make a pledge (its signed webhooks POSTed to the local endpoint, as Stripe
sends them), and the page must show the new figures within 5 s of the last webhook being
answered, or the test fails. Then the network drops (the page's figures requests fail): the
page keeps the last figures and says so, and catches up when it comes back. Screenshots of
the projector and phone views go to docs/screenshots/ under `make screenshots`.
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.screenshot_folder import screenshot_folder
from tests.e2e.test_local_background import cli, ok, post_webhook
from wardfund.domain.calendar import london_date
from wardfund.local.emails.screenshots import find_browser
from wardfund.local.stripe.world import Donor, StripeWorld

pytestmark = pytest.mark.e2e

SCREENSHOTS = screenshot_folder()
UPDATE_WITHIN_SECONDS = 5.0
CAMPAIGN, WARD = "leeds-central", "Headingley"
EARLIER_NIGHT = (20000, 20000, 7400)  # £474 of doubling given on an earlier night
TONIGHT = (1000,) * 10 + (1500,) * 4 + (500,) * 2  # 16 pledges, £170 a month
THE_17TH = 1600  # → 17 new monthly donors, £186 a month, £1,340 of doubling left


def chromium() -> str:
    found = find_browser()
    if found is None:
        if os.environ.get("WARDFUND_REQUIRE_CHROMIUM"):
            pytest.fail("chromium is required here: run scripts/bootstrap")
        pytest.skip("no chromium on this machine (scripts/bootstrap installs it)")
    return found


@pytest.fixture
def local_stack(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """`wardfund local up` in the background; the live pages' base URL it printed."""
    state = tmp_path / ".wardfund" / "local.json"
    printed = ok(state, "local", "up")
    try:
        found = re.search(r"live pages:\s+(\S+)/<campaign>/<ward key>", printed)
        assert found, printed
        yield state, found.group(1)
    finally:
        cli(state, "local", "down")


def add_campaign(state: Path, today: datetime) -> None:
    day = london_date(today)
    ok(
        state, "campaign", "add", CAMPAIGN, "--name", "Leeds Central",
        "--treasurer", "treasurer@leeds.example",
        "--launch-event", (day - timedelta(days=7)).isoformat(),
        "--polling-day", (day + timedelta(days=60)).isoformat(),
        "--match-cap", "2000", "--local-share", "80",
        "--promoter", "Sam Agent", "--promoter-address", "1 High Street, Leeds LS1 1AA",
        "--on-behalf-of", "Jo Candidate, 2 Park Row, Leeds LS1 2BB",
        "--printer", "Quick Print Ltd, 3 Mill Lane, Leeds LS2 3CC", "--local",
    )  # fmt: skip


def pledge(state: Path, world: StripeWorld, at: datetime, number: int, pence: int) -> float:
    """Every webhook of one pledge, POSTed and answered; returns when the last was answered."""
    donor = Donor(f"donor-{number}", f"donor{number}@donors.example", f"Donor Number{number}")
    for event in world.pledge(at, donor, CAMPAIGN, WARD, pence):
        assert post_webhook(state, event) == 200, event["type"]
    return time.monotonic()


def figures(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        found: dict[str, Any] = json.loads(answer.read())
        return found


def wait_for(what: str, check: Any, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_the_page_shows_a_pledge_within_5_seconds_and_keeps_its_figures_offline(
    local_stack: tuple[Path, str],
) -> None:
    from playwright.sync_api import sync_playwright

    executable = chromium()
    state, live = local_stack
    now = datetime.now(UTC)
    add_campaign(state, now)
    world = StripeWorld()
    # Given an earlier night's pledges, and tonight's first sixteen, all recorded
    for number, pence in enumerate(EARLIER_NIGHT):
        pledge(state, world, now - timedelta(days=3), 100 + number, pence)
    for number, pence in enumerate(TONIGHT):
        pledge(state, world, now, number, pence)
    page_url = f"{live}/{CAMPAIGN}/headingley"
    with urllib.request.urlopen(page_url, timeout=10) as answer:
        page_html = answer.read().decode()
        headers = {name.lower(): value for name, value in answer.headers.items()}
    figures_url = f"{page_url}/" + re.search(r'data-figures="headingley/([^"]+)"', page_html)[1]
    wait_for("tonight's 16 pledges", lambda: figures(figures_url)["new_monthly_donors"] == 16)
    assert "script-src 'sha256-" in headers["content-security-policy"]
    assert headers["cache-control"].startswith("public, max-age=")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            screen = browser.new_page(viewport={"width": 1280, "height": 720})
            # When the room's screen opens the page
            screen.goto(page_url)
            donors = screen.locator("[data-field=donors]")
            assert donors.inner_text() == "16"
            assert screen.locator("[data-field=monthly]").inner_text() == "£170"

            # and the seventeenth donor pledges
            answered = pledge(state, world, now, 17, THE_17TH)
            screen.wait_for_selector(
                "body[data-donors='17']", state="attached", timeout=UPDATE_WITHIN_SECONDS * 1000
            )
            took = time.monotonic() - answered
            # Then the page shows it within 5 s of the webhook being answered
            assert took < UPDATE_WITHIN_SECONDS, took
            text = screen.locator("main").inner_text()
            assert "Headingley ward assembly — tonight" in text
            assert donors.inner_text() == "17"
            assert screen.locator("[data-field=monthly]").inner_text() == "£186"
            assert "every first payment doubled — £1,340 of doubling left" in text
            assert "£660 of £2,000 doubled" in text
            assert "Promoted by Sam Agent, 1 High Street, Leeds LS1 1AA" in text
            assert screen.title() == (
                "Headingley ward assembly — tonight: 17 new monthly donors, £186 a month"
            )
            # aggregates only: no donor's name or address, no single gift
            for number in range(18):
                assert f"Number{number}" not in screen.content()
            assert "donors.example" not in screen.content()
            # all of it on the projector's screen, the imprint too, without scrolling
            imprint = screen.locator("[data-field=imprint]").bounding_box()
            assert imprint is not None
            assert imprint["y"] + imprint["height"] <= 720, imprint
            time.sleep(1.5)  # the count's highlight fades
            screen.screenshot(path=str(SCREENSHOTS / "live_page.png"))

            # When the network drops, the page keeps its figures and says so
            screen.route("**/*.json", lambda route: route.abort("internetdisconnected"))
            screen.wait_for_selector("body.stale", state="attached", timeout=10_000)
            assert donors.inner_text() == "17"
            assert "Connection lost" in screen.locator("#status").inner_text()
            pledge(state, world, now, 18, 1000)
            time.sleep(2)
            assert donors.inner_text() == "17"
            # and when it comes back, it catches up within the same 5 s
            back = time.monotonic()
            screen.unroute("**/*.json")
            screen.wait_for_selector(
                "body[data-donors='18']", state="attached", timeout=UPDATE_WITHIN_SECONDS * 1000
            )
            assert time.monotonic() - back < UPDATE_WITHIN_SECONDS
            assert "stale" not in (screen.locator("body").get_attribute("class") or "")

            # And on a phone it fits the screen's width
            phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
            phone.goto(page_url)
            assert phone.locator("[data-field=donors]").inner_text() == "18"
            assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            phone.screenshot(path=str(SCREENSHOTS / "live_page-phone.png"), full_page=True)
        finally:
            browser.close()


def test_the_live_endpoint_reads_nothing_else_and_is_throttled(
    local_stack: tuple[Path, str],
) -> None:
    state, live = local_stack
    add_campaign(state, datetime.now(UTC))
    # Then only the live paths of a known campaign answer; everything else is a 404
    for path in (
        "/leeds-central",
        "/leeds-central/headingley/2026-13-01",
        "/leeds-central/headingley/2026-06-01/x",
        "/no-such-campaign/headingley",
        "/LEEDS/headingley",
        "/leeds-central/../../stripe/webhook",
    ):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{live}{path}", timeout=10)
        assert refused.value.code == 404, path
    # and the local endpoint throttles as the deployed stage does (429 beyond the burst)
    statuses = []
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{live}/leeds-central/headingley", timeout=10) as got:
                statuses.append(got.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    assert statuses[0] == 200
    assert 429 in statuses
