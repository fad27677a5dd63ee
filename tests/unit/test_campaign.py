"""Rule 2 (when match is open) and rule 4 (end of the agreement), in London time."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from wardfund.domain.calendar import LONDON
from wardfund.domain.campaign import Campaign, CampaignType, parse_campaign_type
from wardfund.domain.errors import InvalidCampaign


def campaign(**overrides: object) -> Campaign:
    values: dict[str, object] = {
        "campaign_id": "oxford-east",
        "name": "Oxford East",
        "launch_event_on": date(2026, 4, 1),
        "election_on": date(2026, 5, 7),
    }
    return Campaign(**(values | overrides))  # type: ignore[arg-type]


def test_polling_day_evening_is_still_in_the_agreement() -> None:
    assert campaign().in_agreement(datetime(2026, 5, 7, 23, 30, tzinfo=LONDON))


def test_day_after_polling_day_is_not() -> None:
    # 00:00 London on 8 May is 23:00 UTC on 7 May in summer time
    assert not campaign().in_agreement(datetime(2026, 5, 7, 23, 0, tzinfo=UTC))
    assert campaign().in_agreement(datetime(2026, 5, 7, 22, 59, 59, tzinfo=UTC))


def test_match_opens_on_the_launch_event_london_date() -> None:
    c = campaign()
    assert not c.match_open(datetime(2026, 3, 31, 22, 59, tzinfo=UTC))
    assert c.match_open(datetime(2026, 3, 31, 23, 0, tzinfo=UTC))


def test_no_launch_event_no_match() -> None:
    assert not campaign(launch_event_on=None).match_open(datetime(2026, 4, 10, tzinfo=UTC))


def test_withdrawal_ends_the_agreement_at_its_instant() -> None:
    left = datetime(2026, 4, 20, 12, tzinfo=UTC)
    c = campaign(withdrawn_at=left)
    assert c.in_agreement(datetime(2026, 4, 20, 11, 59, tzinfo=UTC))
    assert not c.in_agreement(left)
    assert not c.match_open(left)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"campaign_id": "Not A Slug"}, "slug"),
        ({"local_share_bps": 10_001}, "basis points"),
        ({"election_on": date(2026, 3, 1)}, "before its launch"),
        ({"match_cap_pence": -1}, "cannot be negative"),
        ({"name": "  "}, "needs a name"),
    ],
)
def test_bad_settings_are_refused(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidCampaign, match=message):
        campaign(**overrides)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="offset"):
        campaign().in_agreement(datetime(2026, 4, 10, 12))


def test_polling_day_may_be_the_launch_event_day() -> None:
    same_day = campaign(launch_event_on=date(2026, 5, 7), election_on=date(2026, 5, 7))
    assert same_day.match_open(datetime(2026, 5, 7, 20, tzinfo=LONDON))


def test_zero_caps_are_allowed_and_negative_ones_refused() -> None:
    assert campaign(match_cap_pence=0, launch_invoice_cap_pence=0).launch_invoice_cap_pence == 0
    with pytest.raises(InvalidCampaign, match="launch-event invoice cap of oxford-east cannot be"):
        campaign(launch_invoice_cap_pence=-1)


def test_all_of_a_payment_may_go_to_the_campaign() -> None:
    assert campaign(local_share_bps=10_000).local_share_bps == 10_000
    assert campaign(local_share_bps=0).local_share_bps == 0


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("candidate", CampaignType.CANDIDATE),
        ("  Party ", CampaignType.PARTY),
        ("non-party campaigner", CampaignType.NON_PARTY_CAMPAIGNER),
        ("Non_Party_Campaigner", CampaignType.NON_PARTY_CAMPAIGNER),
        ("non party", CampaignType.NON_PARTY_CAMPAIGNER),
        ("NPC", CampaignType.NON_PARTY_CAMPAIGNER),
        ("third-party", CampaignType.NON_PARTY_CAMPAIGNER),
    ],
)
def test_campaign_types_are_read_as_people_write_them(text: str, kind: CampaignType) -> None:
    assert parse_campaign_type(text) is kind
    # And a campaign given the words gets the type
    assert campaign(campaign_type=text).campaign_type is kind


def test_an_unknown_campaign_type_names_the_known_ones() -> None:
    message = "campaign type is one of candidate, party, non_party_campaigner, not 'union'"
    with pytest.raises(InvalidCampaign, match=re.escape(message)):
        parse_campaign_type("union")
    assert campaign(campaign_type=CampaignType.PARTY).campaign_type is CampaignType.PARTY


def test_the_imprint_settings_not_yet_given_are_named_as_options() -> None:
    assert campaign().imprint_missing() == [
        "--promoter",
        "--promoter-address",
        "--on-behalf-of",
        "--printer",
    ]
    partial = campaign(promoter_name="A Agent", promoter_address="  ", printer="P Printers, Leeds")
    assert partial.imprint_missing() == ["--promoter-address", "--on-behalf-of"]
