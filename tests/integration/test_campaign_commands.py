"""`wardfund campaign ...` against the embedded stack: every change audited (who, when,
what), and every bad input refused with a clear error that changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import yaml

from tests.integration.operations import (
    StripeWorld,
    as_json,
    deliver,
    donor,
    figures,
    ok,
    register,
    said,
    unique,
    wardfund,
)
from wardfund.local.stack import LocalStack

GIFT_AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)


def test_add_then_show_has_the_settings_and_who_added_it(stack: LocalStack) -> None:
    # When a campaign is added with every setting
    campaign_id = unique("leeds")
    ok(
        "campaign", "add", campaign_id, "--name", "Leeds Central",
        "--treasurer", "t1@leeds.example", "--treasurer", "t2@leeds.example",
        "--launch-event", "2026-06-01", "--polling-day", "2026-12-10",
        "--match-cap", "£1,500", "--invoice-cap", "1000", "--local-share", "75",
        "--connect-account", "acct_1Leeds",
    )  # fmt: skip
    # Then show returns them, in pence and basis points, and the audit row names who and when
    shown = as_json("campaign", "show", campaign_id)
    assert shown["campaign"] | {"version": 1} == {
        "id": campaign_id,
        "name": "Leeds Central",
        "treasurer_emails": ["t1@leeds.example", "t2@leeds.example"],
        "launch_event_on": "2026-06-01",
        "election_on": "2026-12-10",
        "match_cap_pence": 150000,
        "local_share_bps": 7500,
        "launch_invoice_cap_pence": 100000,
        "connect_account_id": "acct_1Leeds",
        "bank_reference": None,
        "withdrawn_at": None,
        "campaign_type": "candidate",
        "promoter_name": None,
        "promoter_address": None,
        "on_behalf_of": None,
        "printer": None,
        "version": 1,
    }
    (audit,) = shown["audit"]
    assert audit["by"] == "tester"
    assert audit["detail"] == "added"
    assert audit["at"] is not None
    assert shown["figures_pence"]["match_remaining"] == 150000
    # And the list has it
    assert campaign_id in [c["id"] for c in as_json("campaign", "list")]


def test_update_changes_only_what_is_given_and_records_the_difference(stack: LocalStack) -> None:
    campaign = register(stack)
    ok("campaign", "update", campaign.campaign_id, "--local-share", "72.5", "--bank-ref", "B-1")
    shown = as_json("campaign", "show", campaign.campaign_id)
    assert shown["campaign"]["local_share_bps"] == 7250
    assert shown["campaign"]["bank_reference"] == "B-1"
    assert shown["campaign"]["name"] == campaign.name
    assert shown["campaign"]["version"] == 2
    assert shown["audit"][-1]["detail"] == (
        "Local share: 80 % → 72.5 %; Bank details reference: not set → B-1"
    )
    # And `none` clears an optional setting
    ok("campaign", "update", campaign.campaign_id, "--bank-ref", "none")
    assert as_json("campaign", "show", campaign.campaign_id)["campaign"]["bank_reference"] is None


def _unchanged(campaign_id: str, version: int) -> None:
    shown = as_json("campaign", "show", campaign_id)
    assert shown["campaign"]["version"] == version
    assert len([a for a in shown["audit"] if a["action"] == "settings"]) == version


def test_bad_inputs_are_refused_with_a_clear_error_and_change_nothing(stack: LocalStack) -> None:
    campaign = register(stack, election_on=datetime(2026, 12, 10).date())
    cid = campaign.campaign_id
    cases = {
        ("campaign", "show", "no-such-campaign"): "no campaign with id 'no-such-campaign'",
        ("campaign", "update", "no-such-campaign", "--name", "X"): "no campaign with id",
        ("campaign", "launch-event", "no-such-campaign", "--on", "2026-06-01"): "no campaign",
        ("campaign", "withdraw", "no-such-campaign"): "no campaign with id",
        ("campaign", "update", cid, "--local-share", "120"): "between 0 and 100 %",
        ("campaign", "update", cid, "--local-share", "-1"): "between 0 and 100 %",
        ("campaign", "update", cid, "--local-share", "eighty"): "must be a percentage",
        ("campaign", "update", cid, "--polling-day", "2026-05-01"): "is before its launch event",
        ("campaign", "launch-event", cid, "--on", "2026-06-02"): "already has its launch event",
        ("campaign", "update", cid, "--match-cap", "-5"): "must be an amount in pounds",
        ("campaign", "update", cid, "--treasurer", "not-an-email"): "is not an email address",
        ("campaign", "update", cid, "--connect-account", "ac_x"): "starts with acct_",
        ("campaign", "update", cid, "--launch-event", "1st June"): "must be a date",
        ("campaign", "update", cid): "nothing to change",
        ("campaign", "add", cid, "--name", "Again"): "exists already",
        ("campaign", "withdraw", cid, "--side", "both"): "campaign or national",
    }
    for args, message in cases.items():
        result = wardfund(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "error:" in said(result), args
        assert message in said(result), (args, said(result))
    _unchanged(cid, 1)
    # And an add with a bad setting creates nothing
    new_id = unique("bad")
    result = wardfund(
        "campaign", "add", new_id, "--name", "Bad", "--launch-event", "2026-06-01",
        "--polling-day", "2026-05-01",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "is before its launch event" in said(result)
    assert new_id not in [c["id"] for c in as_json("campaign", "list")]


def test_a_cap_below_what_is_already_matched_is_refused(stack: LocalStack) -> None:
    # Given a campaign that has matched £10 of a first monthly payment
    campaign = register(stack)
    deliver(stack, StripeWorld().pledge(GIFT_AT, donor("d1"), campaign.campaign_id, "Hyde", 1000))
    assert figures(stack, campaign.campaign_id).match == 1000
    # When the cap is lowered below £10
    result = wardfund("campaign", "update", campaign.campaign_id, "--match-cap", "9.99")
    # Then it is refused, and the settings are unchanged
    assert result.exit_code == 2
    assert "cannot go below what is already matched" in said(result)
    _unchanged(campaign.campaign_id, 1)
    # But lowering it to exactly what is matched is fine
    ok("campaign", "update", campaign.campaign_id, "--match-cap", "10")
    shown = as_json("campaign", "show", campaign.campaign_id)
    assert shown["figures_pence"]["match_remaining"] == 0


def test_launch_event_and_withdrawal_change_what_later_payments_get(stack: LocalStack) -> None:
    # Given a campaign without a launch event
    campaign = register(stack, launch_event_on=None)
    cid = campaign.campaign_id
    world = StripeWorld()
    deliver(stack, world.pledge(GIFT_AT, donor("a"), cid, "Hyde", 1000))
    assert figures(stack, cid).match == 0
    # When the launch event is recorded as held that day, that first payment is matched now
    ok("campaign", "launch-event", cid, "--on", "2026-06-03")
    assert figures(stack, cid).match == 1000
    # And a later first payment is matched when it is paid
    deliver(stack, world.pledge(GIFT_AT.replace(hour=19), donor("b"), cid, "Hyde", 1000))
    assert figures(stack, cid).match == 2000
    # And after the campaign withdraws, a payment stays national
    ok("campaign", "withdraw", cid, "--at", "2026-06-04T12:00", "--side", "national")
    deliver(stack, world.give_once(datetime(2026, 6, 5, tzinfo=UTC), donor("c"), cid, "Hyde", 500))
    after = figures(stack, cid)
    assert (after.raised, after.local_share, after.national_share) == (2500, 1600, 900)
    shown = as_json("campaign", "show", cid)
    assert shown["campaign"]["withdrawn_at"] == "2026-06-04T11:00:00Z"
    details = [a["detail"] for a in shown["audit"]]
    assert details[1] == "launch event 2026-06-03"
    assert details[2].startswith("withdrew 2026-06-04T12:00:00+01:00 (national left")


def test_export_then_import_round_trips_and_a_bad_file_writes_nothing(
    stack: LocalStack, tmp_path: Path
) -> None:
    # Given two campaigns exported to YAML
    first, second = register(stack), register(stack, local_share_bps=7000)
    exported = tmp_path / "campaigns.yaml"
    ok("campaign", "export", "--output", str(exported))
    records = yaml.safe_load(exported.read_text())["campaigns"]
    assert {r["id"] for r in records} == {first.campaign_id, second.campaign_id}
    # When the file is edited (one changed, one new) and imported
    records[0]["name"] = "Renamed"
    records.append(dict(records[1], id=unique("new"), name="New one"))
    exported.write_text(yaml.safe_dump({"campaigns": records}))
    result = ok("campaign", "import", str(exported))
    # Then each is added, updated or left, and said so
    assert f"{records[0]['id']}: updated" in result.output
    assert f"{records[1]['id']}: unchanged" in result.output
    assert f"{records[2]['id']}: added" in result.output
    assert as_json("campaign", "show", records[0]["id"])["campaign"]["name"] == "Renamed"
    # And a file with one bad entry names it and writes none of them
    records[0]["name"] = "Renamed again"
    records.append(dict(records[1], id=unique("bad"), local_share_bps=12000))
    exported.write_text(yaml.safe_dump({"campaigns": records}))
    result = wardfund("campaign", "import", str(exported))
    assert result.exit_code == 2
    assert "campaign 4: local_share_bps" in said(result)
    assert as_json("campaign", "show", records[0]["id"])["campaign"]["name"] == "Renamed"
    assert records[3]["id"] not in [c["id"] for c in as_json("campaign", "list")]


def test_an_import_that_lowers_a_cap_below_the_match_writes_nothing(
    stack: LocalStack, tmp_path: Path
) -> None:
    # Given a campaign that has matched £10, and another
    matched, other = register(stack), register(stack)
    deliver(stack, StripeWorld().pledge(GIFT_AT, donor("d1"), matched.campaign_id, "Hyde", 1000))
    exported = tmp_path / "campaigns.yaml"
    ok("campaign", "export", "--output", str(exported))
    records = {r["id"]: r for r in yaml.safe_load(exported.read_text())["campaigns"]}
    # When a file renames the other and lowers the first's cap below £10
    records[other.campaign_id]["name"] = "Renamed"
    records[matched.campaign_id]["match_cap_pence"] = 999
    exported.write_text(yaml.safe_dump({"campaigns": list(records.values())}))
    result = wardfund("campaign", "import", str(exported))
    # Then it is refused before any write
    assert result.exit_code == 2
    assert "cannot go below what is already matched (£10.00)" in said(result)
    assert as_json("campaign", "show", other.campaign_id)["campaign"]["name"] == other.name
    _unchanged(matched.campaign_id, 1)


def test_a_launch_event_recorded_late_matches_earlier_first_payments(stack: LocalStack) -> None:
    # Given a campaign with a £15 cap and no launch event, and first payments of £10 (3 June)
    # and £8 (4 June), a one-off, and a first payment of 31 May, none of them matched
    campaign = register(stack, launch_event_on=None, match_cap_pence=1500)
    cid = campaign.campaign_id
    world = StripeWorld()
    deliver(stack, world.pledge(datetime(2026, 5, 31, 18, tzinfo=UTC), donor("a"), cid, "H", 700))
    deliver(stack, world.pledge(GIFT_AT, donor("b"), cid, "Hyde", 1000))
    deliver(stack, world.give_once(GIFT_AT, donor("c"), cid, "Hyde", 500))
    deliver(stack, world.pledge(GIFT_AT.replace(day=4), donor("d"), cid, "Hyde", 800))
    assert figures(stack, cid).match == 0
    # When the launch event held on 1 June is recorded
    result = ok("campaign", "launch-event", cid, "--on", "2026-06-01")
    # Then the first payments from 1 June on are matched in the order paid, under the cap
    assert "matched 2 earlier first payment(s): £15.00" in said(result)
    assert figures(stack, cid).match == 1500
    # And recording it again (a retry) matches nothing more; another date is refused
    again = ok("campaign", "launch-event", cid, "--on", "2026-06-01")
    assert "already recorded" in said(again)
    assert "matched" not in said(again)
    refused = wardfund("campaign", "launch-event", cid, "--on", "2026-06-02")
    assert refused.exit_code == 2
    assert "error:" in said(refused)
    assert "already has its launch event, held on 2026-06-01" in said(refused)
    assert figures(stack, cid).match == 1500
    _unchanged(cid, 2)


def test_a_launch_event_after_polling_day_is_refused(stack: LocalStack) -> None:
    campaign = register(stack, launch_event_on=None, election_on=datetime(2026, 12, 10).date())
    result = wardfund("campaign", "launch-event", campaign.campaign_id, "--on", "2026-12-11")
    assert result.exit_code == 2
    assert "error:" in said(result)
    assert "is after polling day 2026-12-10" in said(result)
    assert "Traceback" not in result.output
    _unchanged(campaign.campaign_id, 1)
