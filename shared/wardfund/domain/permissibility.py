"""Permissibility as the Electoral Commission's guidance defines it: the one rule that the
payout statement (and its email), `wardfund report` and `wardfund permissibility` use.

Under the Representation of the People Act 1983 (candidates) and the Political Parties,
Elections and Referendums Act 2000 (parties, non-party campaigners), a gift is a
*donation* only when it is worth more than a threshold: over £50 to a candidate, over £500
to a party or a non-party campaigner. A gift of the threshold or less is not a donation at
all, however many of them one person gives, so it needs no check. Each donation must come
from a permissible source (for an individual: on a UK electoral register), checked within
30 days of receiving it, or be returned. See docs/permissibility.md for the guidance quoted.

So, for one campaign:

- **checks**: each single gift over the campaign's threshold (by its type; settings),
  with what to check and the day to check it by (30 days, counted from the day the donor
  paid: the earliest the campaign can be said to have received it). A gift wholly refunded
  or lost to a dispute needs no check; one partly refunded still does (it was received).
- **reportable totals**: for the campaign's return, each donor whose donations (gifts over
  the threshold, less what was refunded) add up to more than the reporting threshold of
  the campaign's type (a setting): every donation over £50 for a candidate; over £7,500
  for a non-party campaigner; over £11,180 for a party's central organisation.
- **review**: repeated gifts from one donor each just under the threshold (by default at
  least 80 % of it, two or more within 90 days), which may be one donation split to stay
  under it. Flagged for a person to look at, not a finding.

Pure: the caller supplies the gifts (from ledger lines or from the report's movements).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from wardfund.domain.calendar import london_date
from wardfund.domain.campaign import CampaignType
from wardfund.domain.facts import Donor
from wardfund.domain.payouts import LedgerLine
from wardfund.domain.postings import Payment, PostingKind

CAMPAIGN_TYPE_LABELS = {
    CampaignType.CANDIDATE: "a candidate's campaign",
    CampaignType.PARTY: "a registered party",
    CampaignType.NON_PARTY_CAMPAIGNER: "a non-party campaigner",
}
DEFAULT_DONATION_THRESHOLDS = {
    CampaignType.CANDIDATE: 5_000,  # RPA 1983 Sch. 2A para 4(2): over £50 is a donation
    CampaignType.PARTY: 50_000,  # PPERA s.52(2)(b): over £500
    CampaignType.NON_PARTY_CAMPAIGNER: 50_000,  # PPERA Sch. 11 para 4: over £500
}
DEFAULT_REPORTING_THRESHOLDS = {
    CampaignType.CANDIDATE: 5_000,  # the return lists every donation over £50
    CampaignType.PARTY: 1_118_000,  # central party: over £11,180 (accounting unit £2,230)
    CampaignType.NON_PARTY_CAMPAIGNER: 750_000,  # over £7,500, single or added together
}
CHECK_DAYS = 30
WHAT_TO_CHECK = (
    "who the donor really is, and that they are a permissible source: an individual must be "
    "on a UK electoral register (overseas electors included) on the day the gift was received; "
    "record their full name and the address shown on the register. If the donor is not "
    "permissible or cannot be identified, return the gift within 30 days of receiving it"
)


@dataclass(frozen=True)
class PermissibilityRules:
    """The thresholds and the review's limits, in pence and days: settings, with the law's
    values as defaults (docs/permissibility.md)."""

    donation_thresholds: Mapping[CampaignType, int] = field(
        default_factory=lambda: dict(DEFAULT_DONATION_THRESHOLDS)
    )
    reporting_thresholds: Mapping[CampaignType, int] = field(
        default_factory=lambda: dict(DEFAULT_REPORTING_THRESHOLDS)
    )
    check_days: int = CHECK_DAYS
    near_percent: int = 80  # a gift of at least this share of the threshold, and not over it
    near_repeats: int = 2  # this many such gifts from one donor ...
    near_window_days: int = 90  # ... within this many days are flagged for review

    def __post_init__(self) -> None:
        for name, table in (
            ("donation", self.donation_thresholds),
            ("reporting", self.reporting_thresholds),
        ):
            for kind in CampaignType:
                if table.get(kind, 0) <= 0:
                    raise ValueError(f"the {name} threshold of a {kind} must be more than 0")
        if not 0 < self.near_percent <= 100:
            raise ValueError("near_percent must be 1-100")
        if self.near_repeats < 2 or self.near_window_days < 1 or self.check_days < 1:
            raise ValueError("near_repeats must be 2 or more, the days 1 or more")

    def threshold(self, kind: CampaignType) -> int:
        return self.donation_thresholds[kind]

    def reporting_threshold(self, kind: CampaignType) -> int:
        return self.reporting_thresholds[kind]

    def near_floor(self, kind: CampaignType) -> int:
        """The smallest gift that counts as just under the threshold."""
        return -(-self.threshold(kind) * self.near_percent // 100)


@dataclass(frozen=True)
class Gift:
    """One gift to the campaign: what the donor paid, and what is left of it after refunds
    and disputes not won."""

    payment_id: str
    donor_ref: str
    received_at: datetime
    gross: int
    net: int
    ward: str = ""

    @property
    def received_on(self) -> date:
        return london_date(self.received_at)


@dataclass(frozen=True)
class GiftCheck:
    """A single gift over the threshold: a donation whose donor must be checked."""

    gift: Gift
    donor: Donor
    threshold: int
    check_by: date
    what_to_check: str = WHAT_TO_CHECK

    @property
    def donor_name(self) -> str:
        return self.donor.name or "A donor"


@dataclass(frozen=True)
class NearThreshold:
    """Repeated gifts from one donor just under the threshold: for a person to review."""

    donor: Donor
    gifts: tuple[Gift, ...]
    threshold: int
    floor: int
    window_days: int

    @property
    def donor_name(self) -> str:
        return self.donor.name or "A donor"

    @property
    def total(self) -> int:
        return sum(gift.gross for gift in self.gifts)


@dataclass(frozen=True)
class ReportableTotal:
    """A donor whose donations add up to more than the reporting threshold."""

    donor: Donor
    donations: tuple[Gift, ...]
    total: int
    threshold: int
    changed: bool  # one of the donations is in the statement or period looked at

    @property
    def donor_name(self) -> str:
        return self.donor.name or "A donor"


@dataclass(frozen=True)
class PermissibilityReview:
    campaign_type: CampaignType
    threshold: int
    reporting_threshold: int
    check_days: int
    checks: tuple[GiftCheck, ...]
    review: tuple[NearThreshold, ...]
    reportable: tuple[ReportableTotal, ...]
    what_to_check: str = WHAT_TO_CHECK

    @property
    def campaign_type_label(self) -> str:
        return CAMPAIGN_TYPE_LABELS[self.campaign_type]

    @property
    def reportable_changed(self) -> tuple[ReportableTotal, ...]:
        return tuple(total for total in self.reportable if total.changed)

    @property
    def anything(self) -> bool:
        return bool(self.checks or self.review or self.reportable_changed)


def review_permissibility(
    gifts: Iterable[Gift],
    donors: Mapping[str, Donor],
    campaign_type: CampaignType,
    rules: PermissibilityRules,
    in_scope: Callable[[Gift], bool],
) -> PermissibilityReview:
    """`gifts`: every gift to the campaign so far (history decides totals and repeats);
    `in_scope`: the gifts being looked at (those a payout settles, or those of a period):
    only they raise checks and reviews, and mark a reportable total as changed."""
    every = sorted(gifts, key=lambda g: (g.received_at, g.payment_id))
    threshold = rules.threshold(campaign_type)
    reporting = rules.reporting_threshold(campaign_type)

    def donor(ref: str) -> Donor:
        return donors.get(ref) or Donor(ref)

    checks = tuple(
        sorted(
            (
                GiftCheck(
                    gift,
                    donor(gift.donor_ref),
                    threshold,
                    gift.received_on + timedelta(days=rules.check_days),
                )
                for gift in every
                if in_scope(gift) and gift.gross > threshold and gift.net > 0
            ),
            key=lambda c: (c.check_by, c.donor_name, c.gift.payment_id),
        )
    )
    return PermissibilityReview(
        campaign_type=campaign_type,
        threshold=threshold,
        reporting_threshold=reporting,
        check_days=rules.check_days,
        checks=checks,
        review=_near_threshold(every, donor, campaign_type, rules, in_scope),
        reportable=_reportable(every, donor, threshold, reporting, in_scope),
    )


def _near_threshold(
    every: Sequence[Gift],
    donor: Callable[[str], Donor],
    kind: CampaignType,
    rules: PermissibilityRules,
    in_scope: Callable[[Gift], bool],
) -> tuple[NearThreshold, ...]:
    threshold, floor = rules.threshold(kind), rules.near_floor(kind)
    window = timedelta(days=rules.near_window_days)
    near: dict[str, list[Gift]] = defaultdict(list)
    for gift in every:
        if floor <= gift.gross <= threshold and gift.net > 0:
            near[gift.donor_ref].append(gift)
    flagged = []
    for donor_ref, gifts in near.items():
        grouped: dict[str, Gift] = {}
        for gift in gifts:
            if not in_scope(gift):
                continue
            together = [g for g in gifts if gift.received_at - window <= g.received_at]
            together = [g for g in together if g.received_at <= gift.received_at]
            if len(together) >= rules.near_repeats:
                grouped.update((g.payment_id, g) for g in together)
        if grouped:
            ordered = tuple(sorted(grouped.values(), key=lambda g: (g.received_at, g.payment_id)))
            flagged.append(
                NearThreshold(donor(donor_ref), ordered, threshold, floor, rules.near_window_days)
            )
    return tuple(sorted(flagged, key=lambda n: (-n.total, n.donor_name)))


def _reportable(
    every: Sequence[Gift],
    donor: Callable[[str], Donor],
    threshold: int,
    reporting: int,
    in_scope: Callable[[Gift], bool],
) -> tuple[ReportableTotal, ...]:
    donations: dict[str, list[Gift]] = defaultdict(list)
    for gift in every:
        if gift.gross > threshold and gift.net > 0:
            donations[gift.donor_ref].append(gift)
    totals = []
    for donor_ref, gifts in donations.items():
        total = sum(gift.net for gift in gifts)
        if total > reporting:
            changed = any(in_scope(gift) for gift in gifts)
            totals.append(
                ReportableTotal(donor(donor_ref), tuple(gifts), total, reporting, changed)
            )
    return tuple(sorted(totals, key=lambda t: (-t.total, t.donor_name)))


# ----------------------------------------------------------------------------- gifts
def gifts_from_lines(
    lines: Iterable[LedgerLine], payments: Mapping[str, tuple[Payment, Donor]] | None = None
) -> list[Gift]:
    """A campaign's gifts from its ledger lines: each payment line is a gift, and every line
    naming the same payment (refunds, disputes, reinstatements) moves what is left of it."""
    lines = list(lines)
    net: dict[str, int] = defaultdict(int)
    for line in lines:
        if line.payment_id:
            net[line.payment_id] += line.figures.raised
    gifts = []
    for line in lines:
        if line.kind != PostingKind.PAYMENT or not line.payment_id or not line.donor_ref:
            continue
        found = (payments or {}).get(line.payment_id)
        received = found[0].paid_at if found else line.effective_at
        gifts.append(
            Gift(
                line.payment_id,
                line.donor_ref,
                received,
                line.figures.raised,
                net[line.payment_id],
                line.ward or "",
            )
        )
    return gifts


def gifts_from_payments(
    payments: Mapping[str, tuple[Payment, Donor]], raised: Mapping[str, int]
) -> list[Gift]:
    """Gifts from recorded payments; `raised`: each payment's gift less refunds and
    disputes not won (a payment missing from it kept everything)."""
    return [
        Gift(
            payment_id,
            payment.donor_ref,
            payment.paid_at,
            payment.gross,
            raised.get(payment_id, payment.gross),
            payment.ward or "",
        )
        for payment_id, (payment, _) in payments.items()
    ]
