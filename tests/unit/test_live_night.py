"""The ward night's figures and page (issue 17): which night a payment counts for, what it
adds, the words the page shows, and what the live paths answer (no AWS: a fake reader)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from wardfund.domain.campaign import Campaign
from wardfund.domain.kit import ward_key
from wardfund.domain.live_night import (
    MatchState,
    NightKey,
    NightTotals,
    live_figures,
    night_count,
    night_of,
    pounds,
    ward_key_of,
)
from wardfund.domain.postings import Allocation, Payment, PaymentKind
from wardfund.services.live_figures import LiveFiguresReader, NightNotShown, digital_imprint
from wardfund.web.live_page import content_security_policy, live_answer

CAMPAIGN = Campaign(
    "leeds-central",
    "Leeds Central",
    launch_event_on=date(2026, 6, 1),
    election_on=date(2026, 12, 10),
    match_cap_pence=200_000,
    promoter_name="Sam Agent",
    promoter_address="1 High St, Leeds LS1 1AA",
    on_behalf_of="Jo Candidate, 2 Park Row, Leeds",
)
EVENING = datetime(2026, 6, 3, 19, 30, tzinfo=UTC)  # 20:30 in London (BST)
NIGHT = NightKey("leeds-central", "headingley", date(2026, 6, 3))


def payment(kind: PaymentKind, gross: int = 1000, ward: str | None = "Headingley") -> Payment:
    return Payment("pi_1", "leeds-central", ward, kind, gross, "gbp", EVENING, "cus_1")


@pytest.mark.parametrize(
    ("at", "night"),
    [
        (datetime(2026, 6, 3, 17, 0, tzinfo=UTC), date(2026, 6, 3)),  # 18:00 London
        (datetime(2026, 6, 3, 23, 30, tzinfo=UTC), date(2026, 6, 3)),  # 00:30 London, next day
        (datetime(2026, 6, 4, 2, 59, tzinfo=UTC), date(2026, 6, 3)),  # 03:59 London
        (datetime(2026, 6, 4, 3, 0, tzinfo=UTC), date(2026, 6, 4)),  # 04:00 London
        (datetime(2026, 12, 1, 3, 59, tzinfo=UTC), date(2026, 11, 30)),  # 03:59 GMT
        (datetime(2026, 12, 1, 4, 0, tzinfo=UTC), date(2026, 12, 1)),
    ],
)
def test_a_night_is_its_london_date_the_small_hours_counting_for_the_evening(
    at: datetime, night: date
) -> None:
    assert night_of(at) == night


@pytest.mark.parametrize("ward", ["Headingley", "Queen's Park", "  Little  London ", "Ward 7"])
def test_ward_keys_are_the_kits(ward: str) -> None:
    assert ward_key_of(ward) == ward_key(ward)


@pytest.mark.parametrize("ward", [None, "", "  ", "!!!"])
def test_no_ward_key_for_no_usable_name(ward: str | None) -> None:
    assert ward_key_of(ward) is None


def test_a_first_payment_adds_a_donor_its_amount_a_month_and_its_match() -> None:
    count = night_count(payment(PaymentKind.FIRST_MONTHLY, 1200), Allocation(1200, 960, 240, 1200))
    assert count is not None
    assert count.key == NIGHT
    assert (count.new_monthly_donors, count.monthly_pence, count.doubled_pence) == (1, 1200, 1200)
    assert (count.one_off_gifts, count.one_off_pence) == (0, 0)
    assert count.ward == "Headingley"


def test_a_one_off_gift_adds_a_gift_and_its_sum() -> None:
    count = night_count(payment(PaymentKind.ONE_OFF, 2500), Allocation(2500, 2000, 500))
    assert count is not None
    assert (count.new_monthly_donors, count.one_off_gifts, count.one_off_pence) == (0, 1, 2500)


@pytest.mark.parametrize(
    ("made", "allocation"),
    [
        (payment(PaymentKind.RENEWAL), Allocation(1000, 800, 200)),
        (payment(PaymentKind.FIRST_MONTHLY, ward=None), Allocation(1000, 800, 200)),
        (payment(PaymentKind.FIRST_MONTHLY, ward="--"), Allocation(1000, 800, 200)),
        (payment(PaymentKind.FIRST_MONTHLY), Allocation(1000, suspense=1000)),
    ],
)
def test_renewals_suspense_and_no_ward_count_for_no_night(
    made: Payment, allocation: Allocation
) -> None:
    assert night_count(made, allocation) is None


def test_the_headline_reads_as_the_room_hears_it() -> None:
    totals = NightTotals("Headingley", 17, 18_600, 3, 4_500, 18_600)
    figures = live_figures(CAMPAIGN, NIGHT, totals, 66_000, "Promoted by X.", EVENING)
    assert figures.headline == (
        "Headingley ward assembly — tonight: 17 new monthly donors, £186 a month"
    )
    assert figures.match_line == "every first payment doubled — £1,340 of doubling left"
    assert figures.one_off_line == "and 3 one-off gifts, £45"
    assert figures.thermometer_label == "£660 of £2,000 doubled"
    assert figures.thermometer_percent == 33
    assert figures.doubled_line == "£186 doubled tonight"
    assert figures.match_state is MatchState.OPEN


def test_a_past_night_is_named_by_its_date_and_one_donor_is_one() -> None:
    totals = NightTotals("Headingley", 1, 550)
    later = datetime(2026, 6, 10, 19, tzinfo=UTC)
    figures = live_figures(CAMPAIGN, NIGHT, totals, 0, "x", later)
    assert figures.headline == (
        "Headingley ward assembly — on Wednesday 3 June 2026: 1 new monthly donor, £5.50 a month"
    )


def test_before_the_first_payment_the_ward_is_named_from_its_key() -> None:
    figures = live_figures(CAMPAIGN, NIGHT, NightTotals(), 0, "x", EVENING)
    assert figures.headline == "Headingley ward assembly — tonight: no new monthly donors yet"
    assert figures.one_off_line == ""
    assert figures.doubled_line == ""


@pytest.mark.parametrize(
    ("campaign", "matched", "state", "line"),
    [
        (CAMPAIGN, 200_000, MatchState.USED_UP, "all £2,000 of doubling given"),
        (
            Campaign("c", "C", launch_event_on=date(2026, 7, 1), match_cap_pence=100),
            0,
            MatchState.BEFORE_LAUNCH,
            "first monthly payments doubled from the launch event",
        ),
        (Campaign("c", "C", election_on=date(2026, 6, 1)), 0, MatchState.OVER, ""),
        (Campaign("c", "C"), 0, MatchState.NONE, ""),
    ],
)
def test_the_match_line_follows_the_agreement(
    campaign: Campaign, matched: int, state: MatchState, line: str
) -> None:
    figures = live_figures(campaign, NIGHT, NightTotals(), matched, "x", EVENING)
    assert figures.match_state is state
    assert figures.match_line == line


def test_pounds_read_round_across_a_room() -> None:
    assert [pounds(p) for p in (0, 500, 18_600, 134_000, 1_850)] == [
        "£0", "£5", "£186", "£1,340", "£18.50"
    ]  # fmt: skip


def test_the_digital_imprint_needs_a_promoter_and_an_address() -> None:
    assert digital_imprint(CAMPAIGN) == (
        "Promoted by Sam Agent, 1 High St, Leeds LS1 1AA, on behalf of Jo Candidate, "
        "2 Park Row, Leeds."
    )
    assert digital_imprint(Campaign("c", "C", promoter_name="A")) is None


class FakeNights:
    def __init__(self, campaign: Campaign | None = CAMPAIGN) -> None:
        self.reads = 0
        self._campaign = campaign
        self.totals = NightTotals("Headingley", 2, 2_000)

    def night(self, night: NightKey) -> NightTotals:
        self.reads += 1
        return self.totals

    def campaign(self, campaign_id: str) -> Campaign | None:
        return self._campaign

    def matched(self, campaign_id: str) -> int:
        return 2_000


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_reader_reads_a_night_at_most_once_a_second() -> None:
    nights, clock = FakeNights(), Clock()
    reader = LiveFiguresReader(nights, fresh_seconds=1.0, clock=clock)
    for _ in range(50):
        reader.figures(NIGHT, EVENING)
    assert nights.reads == 1
    clock.now += 1.0
    nights.totals = NightTotals("Headingley", 3, 3_000)
    assert reader.figures(NIGHT, EVENING).totals.new_monthly_donors == 3
    assert nights.reads == 2


def test_no_page_without_a_campaign_or_its_imprint() -> None:
    for campaign in (None, Campaign("leeds-central", "Leeds Central")):
        reader = LiveFiguresReader(FakeNights(campaign), fresh_seconds=1.0)
        with pytest.raises(NightNotShown):
            reader.figures(NIGHT, EVENING)


def answer(path: str, method: str = "GET", etag: str | None = None) -> dict[str, Any]:
    reader = LiveFiguresReader(FakeNights(), fresh_seconds=1.0)
    return live_answer(method, path, etag, reader, EVENING)


def test_the_page_for_tonight_polls_its_dated_figures() -> None:
    got = answer("/live/leeds-central/headingley")
    assert got["statusCode"] == 200
    assert got["headers"]["content-type"] == "text/html; charset=utf-8"
    assert got["headers"]["content-security-policy"] == content_security_policy()
    assert 'data-figures="headingley/2026-06-03.json"' in got["body"]
    assert "2 new monthly donors" in got["body"]
    dated = answer("/live/leeds-central/headingley/2026-06-03")
    assert 'data-figures="2026-06-03.json"' in dated["body"]


def test_the_figures_are_cacheable_and_answer_304_when_unchanged() -> None:
    got = answer("/live/leeds-central/headingley/2026-06-03.json")
    assert got["statusCode"] == 200
    assert got["headers"]["cache-control"] == "public, max-age=1"
    body = json.loads(got["body"])
    assert body["new_monthly_donors"] == 2
    assert body["match"] == {
        "state": "open", "cap_pence": 200_000, "used_pence": 2_000, "left_pence": 198_000,
        "percent": 1,
    }  # fmt: skip
    again = answer("/live/leeds-central/headingley/2026-06-03.json", etag=got["headers"]["etag"])
    assert again["statusCode"] == 304
    assert again["body"] == ""


def test_the_figures_hold_aggregates_only() -> None:
    body = json.loads(answer("/live/leeds-central/headingley/2026-06-03.json")["body"])
    words = json.dumps(body).lower()
    for personal in ("donor_ref", "email", 'name"', "payment_id", "cus_", "pi_"):
        assert personal not in words


@pytest.mark.parametrize(
    "path",
    [
        "/live",
        "/live/",
        "/live/leeds-central",
        "/live/leeds-central/headingley/",
        "/live/leeds-central/headingley/tonight.json",
        "/live/leeds-central/headingley/2026-6-3",
        "/live/leeds-central/headingley/2026-06-03.csv",
        "/live/leeds-central/Headingley",
        "/live/Leeds/headingley",
        "/live/leeds-central/headingley/2026-06-03/x",
        "/live/leeds-central/../BALANCE",
        "/stripe/webhook",
        "/livex/leeds-central/headingley",
    ],
)
def test_any_other_path_is_a_404(path: str) -> None:
    assert answer(path)["statusCode"] == 404


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_there_is_no_write_path(method: str) -> None:
    assert answer("/live/leeds-central/headingley", method=method)["statusCode"] == 405
