"""The payout statement's figures, worked by hand, and its Xero CSV (parsed back)."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal

from wardfund.domain.campaign import Campaign
from wardfund.domain.facts import Donor
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.notices import PayoutCompleted
from wardfund.domain.payouts import LedgerLine, PayoutMethod, PayoutStatus
from wardfund.domain.permissibility import PermissibilityRules
from wardfund.domain.postings import Payment, PaymentKind
from wardfund.domain.statement import LifecycleNote, build_statement
from wardfund.domain.statement_csv import COLUMNS, bank_lines, statement_csv

EARLIER_PAYOUT = datetime(2026, 6, 1, 5, tzinfo=UTC)
PREVIOUS_RUN = datetime(2026, 6, 8, 5, tzinfo=UTC)  # paid Leeds nothing: it owed -£18
RUN = datetime(2026, 6, 15, 5, tzinfo=UTC)
LEEDS = Campaign("leeds-central", "Leeds Central", ("t@leeds.example",), match_cap_pence=200_000)


def at(day: int) -> datetime:
    return datetime(2026, 6, day, 18, tzinfo=UTC)


def line(
    key: str, kind: str, when: datetime, pid: str, donor: str | None, **figures: int
) -> LedgerLine:
    return LedgerLine(
        f"LINE#{key}", key, kind, when, when, CampaignFigures(**figures), pid, "Headingley", donor
    )


PAID_EARLIER = line(
    "a",
    "payment",
    datetime(2026, 5, 31, 18, tzinfo=UTC),
    "pi_a",
    "amira",
    raised=1000,
    local_share=800,
    national_share=200,
    match=1000,
)
REFUND = line(
    "r",
    "refund",
    at(5),
    "pi_a",
    None,
    raised=-1000,
    local_share=-800,
    national_share=-200,
    match=-1000,
)
BEN = line(
    "b", "payment", at(10), "pi_b", "ben", raised=6000, local_share=4800, national_share=1200
)
CHLOE = line(
    "c",
    "payment",
    at(12),
    "pi_c",
    "chloe",
    raised=3000,
    local_share=2400,
    national_share=600,
    match=1000,
)


def payment(
    pid: str, kind: PaymentKind, gross: int, when: datetime, ref: str, name: str
) -> tuple[Payment, Donor]:
    return (
        Payment(pid, "leeds-central", "Headingley", kind, gross, "gbp", when, ref),
        Donor(ref, f"{ref}@donors.example", name),
    )


PAYMENTS = {
    "pi_a": payment(
        "pi_a", PaymentKind.FIRST_MONTHLY, 1000, PAID_EARLIER.effective_at, "amira", "Amira Khan"
    ),
    "pi_b": payment("pi_b", PaymentKind.ONE_OFF, 6000, at(10), "ben", '=HYPERLINK("x")'),
    "pi_c": payment("pi_c", PaymentKind.FIRST_MONTHLY, 3000, at(12), "chloe", "Chloe Ng"),
}
PAYOUT = PayoutCompleted(
    "leeds-central@run",
    "leeds-central",
    RUN,
    6400,
    PayoutMethod.STRIPE_TRANSFER,
    PayoutStatus.PAID,
    "tr_1",
    ("LINE#b", "LINE#c", "LINE#r"),
)
NOTES = [
    LifecycleNote("cancelled", "sub_y", at(7)),  # before the period
    LifecycleNote("renewal_failed", "sub_x", at(9)),
    LifecycleNote("renewal_failed", "sub_x", at(12)),  # the same donor's retry
]


def statement():  # type: ignore[no-untyped-def]
    return build_statement(
        PAYOUT,
        LEEDS,
        [PAID_EARLIER, REFUND, BEN, CHLOE],
        PAYMENTS,
        NOTES,
        PREVIOUS_RUN,
        PermissibilityRules(),
    )


def test_statement_figures_worked_by_hand() -> None:
    s = statement()
    # The refund of a gift an earlier payout paid was due at the previous run, unpaid: carried
    assert s.opening_balance == -1800
    assert [r.payment_id for r in s.rows] == ["pi_a", "pi_b", "pi_c"]
    assert s.rows[0].brought_forward
    assert s.rows[0].recovered
    assert s.rows[0].gift_date == PAID_EARLIER.effective_at
    assert s.gifts_share == 7200
    assert s.gifts_gross == 9000
    assert s.gifts_national == 1800
    assert s.match_added == 1000
    assert s.taken_back == 0  # nothing taken back this period: it is in the opening balance
    assert s.opening_balance + s.gifts_share + s.match_added + s.taken_back == s.amount
    assert s.closing_balance == 0
    assert (s.match_used, s.match_remaining) == (1000, 199_000)
    assert (s.new_monthly, s.failed_payments, s.cancelled) == (1, 1, 0)


def test_a_takeback_in_the_period_is_shown_as_recovered() -> None:
    # Given no earlier run since the payout that paid amira's gift
    s = build_statement(
        PAYOUT,
        LEEDS,
        [PAID_EARLIER, REFUND, BEN, CHLOE],
        PAYMENTS,
        NOTES,
        EARLIER_PAYOUT,
        PermissibilityRules(),
    )
    assert s.opening_balance == 0
    assert s.taken_back == -1800
    assert s.recovered == -1800
    assert s.closing_balance == 0


def test_each_gift_over_the_threshold_in_this_payout_is_flagged_once() -> None:
    review = statement().permissibility
    # ben gave £60 in one gift: a donation to check; chloe's £30 is not a donation; amira's
    # gift was refunded and paid by an earlier payout
    assert [(c.donor.donor_ref, c.gift.net, c.threshold) for c in review.checks] == [
        ("ben", 6000, 5000)
    ]
    assert review.checks[0].donor.email == "ben@donors.example"
    assert review.checks[0].check_by.isoformat() == "2026-07-10"
    assert [t.donor.donor_ref for t in review.reportable_changed] == ["ben"]


def test_the_xero_csv_parses_and_its_lines_sum_to_the_payout() -> None:
    s = statement()
    text = statement_csv(s, "Common Ground")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0].keys()) == COLUMNS
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", row["Date"]) for row in rows)
    assert sum(Decimal(row["Amount"]) for row in rows) == Decimal(s.amount) / 100
    assert len(rows) == len(bank_lines(s, "x")) == 5  # refund share + match, ben, chloe + match
    assert {row["Date"] for row in rows} == {"15/06/2026"}  # the payment date: in the bank then
    assert rows[1]["Payee"] == "Common Ground (match funding)"
    # a donor name can never become a spreadsheet formula
    assert rows[2]["Payee"].startswith("'=")


def test_a_reimbursed_launch_invoice_is_counted_and_in_the_csv() -> None:
    invoice = LedgerLine(
        "LINE#i",
        "launch_invoice:inv-7",
        "launch_invoice_reimbursed",
        at(11),
        at(11),
        CampaignFigures(launch_costs=45_000),
    )
    payout = PayoutCompleted(
        "leeds-central@run",
        "leeds-central",
        RUN,
        6400 + 45_000,
        PayoutMethod.STRIPE_TRANSFER,
        PayoutStatus.PAID,
        "tr_1",
        ("LINE#b", "LINE#c", "LINE#i", "LINE#r"),
    )
    s = build_statement(
        payout,
        LEEDS,
        [PAID_EARLIER, REFUND, BEN, CHLOE, invoice],
        PAYMENTS,
        NOTES,
        PREVIOUS_RUN,
        PermissibilityRules(),
    )
    row = next(r for r in s.rows if r.kind == "launch_invoice_reimbursed")
    assert (row.label, row.donor_name, row.to_campaign) == (
        "Launch-event invoice inv-7 reimbursed",
        "",
        45_000,
    )
    assert s.launch_costs == 45_000
    assert (
        s.opening_balance + s.gifts_share + s.match_added + s.launch_costs + s.taken_back
        == s.amount
    )
    assert s.closing_balance == 0
    assert sum(r.to_campaign for r in s.rows) == s.amount
    lines = bank_lines(s, "Common Ground")
    assert sum(line.amount for line in lines) == s.amount
    assert [line.payee for line in lines if line.amount == 45_000] == [
        "Common Ground (launch-event invoices)"
    ]


def test_a_late_match_is_its_own_line_dated_when_recorded_naming_the_payment() -> None:
    # Given Ben's first payment of 10 June, paid before the launch event was recorded, and
    # the launch event recorded on 13 June, matching it then
    ben_first = {"pi_b": payment("pi_b", PaymentKind.FIRST_MONTHLY, 6000, at(10), "ben", "Ben Ode")}
    late = line("m", "late_match", at(13), "pi_b", "ben", match=6000)
    payout = PayoutCompleted(
        "leeds-central@run",
        "leeds-central",
        RUN,
        10_800,
        PayoutMethod.STRIPE_TRANSFER,
        PayoutStatus.PAID,
        "tr_1",
        ("LINE#b", "LINE#m"),
    )
    # When the next statement is built
    s = build_statement(
        payout, LEEDS, [BEN, late], ben_first, [], PREVIOUS_RUN, PermissibilityRules()
    )
    # Then the match is a line of its own, dated when recorded, naming the gift it matches
    row = s.rows[1]
    assert (row.kind, row.at, row.payment_id, row.gift_date) == (
        "late_match",
        at(13),
        "pi_b",
        at(10),
    )
    assert row.label == "Launch event recorded: match funding"
    assert (row.match, row.to_campaign, row.donor_name) == (6000, 6000, "Ben Ode")
    assert s.match_added == 6000
    assert s.new_monthly == 1  # the match does not count the donor again
    assert s.gifts_share + s.match_added == s.amount
