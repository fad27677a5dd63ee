"""The one permissibility rule (domain/permissibility.py), as the Electoral Commission's
guidance defines it: a gift of the threshold or less is not a donation; each single gift
over it is checked within 30 days; reportable totals follow their own setting; repeated
gifts just under the threshold from one donor are flagged for review."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from wardfund.domain.campaign import CampaignType
from wardfund.domain.facts import Donor
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.payouts import LedgerLine
from wardfund.domain.permissibility import (
    DEFAULT_DONATION_THRESHOLDS,
    DEFAULT_REPORTING_THRESHOLDS,
    Gift,
    PermissibilityReview,
    PermissibilityRules,
    gifts_from_lines,
    review_permissibility,
)

START = datetime(2026, 1, 5, 19, tzinfo=UTC)
DONORS = {ref: Donor(ref, f"{ref}@donors.example", ref.title()) for ref in ("ann", "bob", "cy")}
CANDIDATE = CampaignType.CANDIDATE
EVERYTHING = PermissibilityRules()


def gift(pid: str, donor: str, pence: int, days: float = 0, net: int | None = None) -> Gift:
    return Gift(pid, donor, START + timedelta(days=days), pence, pence if net is None else net)


def review(
    gifts: list[Gift], kind: CampaignType = CANDIDATE, rules: PermissibilityRules = EVERYTHING
) -> PermissibilityReview:
    return review_permissibility(gifts, DONORS, kind, rules, in_scope=lambda g: True)


def test_twelve_ten_pound_monthly_gifts_flag_nothing() -> None:
    monthly = [gift(f"pi_{m}", "ann", 1000, days=30.4 * m) for m in range(12)]
    found = review(monthly)
    assert found.checks == ()
    assert found.review == ()
    assert found.reportable == ()
    assert not found.anything


def test_one_sixty_pound_gift_to_a_candidates_campaign_flags_one_check() -> None:
    found = review([gift("pi_1", "bob", 6000)])
    (check,) = found.checks
    assert check.gift.payment_id == "pi_1"
    assert check.donor.email == "bob@donors.example"
    assert check.threshold == 5000
    assert check.check_by == date(2026, 2, 4)  # 30 days from 5 January
    assert "UK electoral register" in check.what_to_check
    # and, over £50, the donation goes in the candidate's return
    assert [(t.donor.donor_ref, t.total) for t in found.reportable] == [("bob", 6000)]


def test_fifty_pounds_exactly_is_not_a_donation_and_each_gift_is_judged_alone() -> None:
    found = review(
        [gift("pi_1", "ann", 5000), gift("pi_2", "bob", 3000), gift("pi_3", "bob", 3000)]
    )
    assert found.checks == ()  # £50 is not over £50; two £30 gifts are two non-donations
    assert found.reportable == ()


def test_a_party_or_non_party_campaigner_checks_gifts_over_500_pounds() -> None:
    gifts = [gift("pi_1", "ann", 6000), gift("pi_2", "bob", 50_000), gift("pi_3", "cy", 50_001)]
    for kind in (CampaignType.PARTY, CampaignType.NON_PARTY_CAMPAIGNER):
        found = review(gifts, kind)
        assert [c.gift.payment_id for c in found.checks] == ["pi_3"]
        assert found.threshold == 50_000
    # and the £500 is a setting per campaign type
    lower = PermissibilityRules(
        donation_thresholds=DEFAULT_DONATION_THRESHOLDS | {CampaignType.PARTY: 40_000}
    )
    assert len(review(gifts, CampaignType.PARTY, lower).checks) == 2
    assert len(review(gifts, CampaignType.NON_PARTY_CAMPAIGNER, lower).checks) == 1


def test_refunds_a_gift_wholly_refunded_needs_no_check_one_partly_refunded_does() -> None:
    found = review([gift("pi_1", "ann", 6000, net=0), gift("pi_2", "bob", 6000, net=4000)])
    assert [(c.gift.payment_id, c.gift.net) for c in found.checks] == [("pi_2", 4000)]


def test_the_reportable_total_list_follows_its_setting() -> None:
    gifts = [
        gift("pi_1", "ann", 400_000),
        gift("pi_2", "ann", 400_000, days=40),  # ann: £8,000 in two donations
        gift("pi_3", "bob", 700_000),  # bob: £7,000 in one
        gift("pi_4", "cy", 4_000, days=3),  # cy: not a donation at all
    ]
    kind = CampaignType.NON_PARTY_CAMPAIGNER
    default = review(gifts, kind)
    assert default.reporting_threshold == DEFAULT_REPORTING_THRESHOLDS[kind] == 750_000
    assert [(t.donor.donor_ref, t.total, len(t.donations)) for t in default.reportable] == [
        ("ann", 800_000, 2)
    ]
    lower = PermissibilityRules(reporting_thresholds=DEFAULT_REPORTING_THRESHOLDS | {kind: 500_000})
    assert [t.donor.donor_ref for t in review(gifts, kind, lower).reportable] == ["ann", "bob"]
    higher = PermissibilityRules(
        reporting_thresholds=DEFAULT_REPORTING_THRESHOLDS | {kind: 1_000_000}
    )
    assert review(gifts, kind, higher).reportable == ()
    # a candidate's return lists every donation over £50: each donor with one is reportable
    assert {t.donor.donor_ref for t in review(gifts).reportable} == {"ann", "bob"}


def test_repeated_gifts_just_under_the_threshold_are_flagged_for_review() -> None:
    gifts = [
        gift("pi_1", "ann", 4900),
        gift("pi_2", "ann", 4900, days=1),  # ann: two £49 gifts a day apart
        gift("pi_3", "bob", 4500),
        gift("pi_4", "bob", 4500, days=120),  # bob: two £45 gifts four months apart
        gift("pi_5", "cy", 3900),
        gift("pi_6", "cy", 3900, days=1),  # cy: £39 is not just under £50 (under 80 %)
    ]
    found = review(gifts)
    assert found.checks == ()
    (flag,) = found.review
    assert flag.donor.donor_ref == "ann"
    assert [g.payment_id for g in flag.gifts] == ["pi_1", "pi_2"]
    assert (flag.total, flag.floor, flag.window_days) == (9800, 4000, 90)
    # the limits are settings: a longer window catches bob too
    wider = PermissibilityRules(near_window_days=180)
    assert {n.donor.donor_ref for n in review(gifts, rules=wider).review} == {"ann", "bob"}


def test_only_gifts_in_scope_raise_checks_and_reviews() -> None:
    gifts = [gift("pi_1", "ann", 6000), gift("pi_2", "ann", 4900), gift("pi_3", "ann", 4900, 2)]
    found = review_permissibility(
        gifts, DONORS, CANDIDATE, EVERYTHING, in_scope=lambda g: g.payment_id == "pi_3"
    )
    assert found.checks == ()  # the £60 gift was looked at before
    assert [g.payment_id for g in found.review[0].gifts] == ["pi_2", "pi_3"]  # history counts
    (total,) = found.reportable
    assert not total.changed  # ann's only donation is not in scope


def test_gifts_from_ledger_lines_are_net_of_refunds() -> None:
    def line(key: str, kind: str, pid: str, raised: int, donor: str | None = None) -> LedgerLine:
        return LedgerLine(
            f"LINE#{key}",
            key,
            kind,
            START,
            START,
            CampaignFigures(raised=raised),
            pid,
            "Hyde",
            donor,
        )

    lines = [
        line("a", "payment", "pi_a", 6000, "ann"),
        line("r", "refund", "pi_a", -2000),
        line("b", "payment", "pi_b", 1000, "bob"),
    ]
    assert gifts_from_lines(lines) == [
        Gift("pi_a", "ann", START, 6000, 4000, "Hyde"),
        Gift("pi_b", "bob", START, 1000, 1000, "Hyde"),
    ]


@pytest.mark.parametrize("bad", [{"near_percent": 0}, {"near_repeats": 1}, {"check_days": 0}])
def test_rules_refuse_nonsense(bad: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="must be"):
        PermissibilityRules(**bad)  # type: ignore[arg-type]
