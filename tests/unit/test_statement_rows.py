"""The payout statement row by row: each line's label and donor, what is brought forward at
the previous run's exact instant, which takebacks recover gifts an earlier payout paid, and
the statement's own fields (period, counts of failed and cancelled monthly gifts, holiday)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from wardfund.domain.calendar import LONDON
from wardfund.domain.campaign import Campaign
from wardfund.domain.facts import Donor
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.notices import PayoutCompleted
from wardfund.domain.payouts import LedgerLine, PayoutMethod, PayoutStatus
from wardfund.domain.permissibility import PermissibilityRules
from wardfund.domain.postings import Payment, PaymentKind
from wardfund.domain.statement import LifecycleNote, PayoutStatement, build_statement

PREVIOUS_RUN = datetime(2026, 6, 8, 5, tzinfo=UTC)
RUN = datetime(2026, 6, 15, 5, tzinfo=UTC)
LEEDS = Campaign("leeds", "Leeds", ("t@leeds.example",))
SHARE = {"raised": 1000, "local_share": 800, "national_share": 200}
TAKEN = {"raised": -1000, "local_share": -800, "national_share": -200}


def at(day: int) -> datetime:
    return datetime(2026, 6, day, 18, tzinfo=UTC)


def line(
    key: str,
    kind: str,
    when: datetime,
    pid: str | None = None,
    donor: str | None = None,
    entry_id: str | None = None,
    **figures: int,
) -> LedgerLine:
    return LedgerLine(
        f"LINE#{key}", entry_id or key, kind, when, when, CampaignFigures(**figures), pid,
        "Headingley", donor,
    )  # fmt: skip


def paid(pid: str, kind: PaymentKind, when: datetime, name: str | None) -> tuple[Payment, Donor]:
    payment = Payment(pid, "leeds", "Headingley", kind, 1000, "gbp", when, f"cus_{pid}")
    return payment, Donor(f"cus_{pid}", f"{pid}@donors.example", name)


def statement(
    settled: Sequence[LedgerLine],
    earlier: Sequence[LedgerLine] = (),
    payments: dict[str, tuple[Payment, Donor]] | None = None,
    notes: Sequence[LifecycleNote] = (),
    method: PayoutMethod = PayoutMethod.STRIPE_TRANSFER,
    run: datetime = RUN,
) -> PayoutStatement:
    payout = PayoutCompleted(
        "leeds@run", "leeds", run, 0, method, PayoutStatus.PAID, "tr_1",
        tuple(item.line_key for item in settled),
    )  # fmt: skip
    lines = [*earlier, *settled]
    return build_statement(
        payout, LEEDS, lines, payments or {}, notes, PREVIOUS_RUN, PermissibilityRules()
    )


def test_each_kind_of_line_has_its_label_and_donor() -> None:
    # Given a payout settling one line of each kind
    payments = {
        "pi_1": paid("pi_1", PaymentKind.FIRST_MONTHLY, at(9), "Amira Khan"),
        "pi_3": paid("pi_3", PaymentKind.ONE_OFF, at(9), None),
    }
    settled = [
        line("p1", "payment", at(9), "pi_1", "cus_pi_1", **SHARE),
        line("p2", "payment", at(9), "pi_2", None, **SHARE),  # a payment not found
        line("p3", "payment", at(9), "pi_3", "cus_pi_3", **SHARE),
        line("r1", "refund", at(10), "pi_1", "cus_pi_1", **TAKEN),
        line("d1", "dispute_withdrawn", at(11), "pi_3", "cus_pi_3", **TAKEN),
        line("w1", "dispute_reinstated", at(12), "pi_3", "cus_pi_3", **SHARE),
        line("li", "launch_invoice_reimbursed", at(13), None, None, "launch_invoice:li-0a1b2c"),
        line("x", "payout", at(14)),
    ]
    # When its statement is made
    rows = statement(settled, payments=payments).rows
    # Then each row says what it is, and whose gift, as the statement shows them
    assert [(row.label, row.donor_name) for row in rows] == [
        ("Monthly gift: first payment", "Amira Khan"),
        ("Gift", "A donor"),
        ("One-off gift", "A donor"),
        ("Refund", "Amira Khan"),
        ("Disputed by the card holder", "A donor"),
        ("Dispute won: funds returned", "A donor"),
        ("Launch-event invoice li-0a1b2c reimbursed", ""),
        ("payout", "A donor"),
    ]
    # And a takeback is dated back to its gift; a gift itself needs no such date
    assert [row.gift_date for row in rows[:4]] == [None, None, None, at(9)]
    assert [row.ward for row in rows[:2]] == ["Headingley", "Headingley"]


def test_a_line_due_exactly_at_the_previous_run_is_brought_forward() -> None:
    # Given a refund that was due at the previous run's exact instant (and not paid then),
    # and one a microsecond later
    carried = line("c", "refund", PREVIOUS_RUN, "pi_1", None, **TAKEN)
    later = line("n", "refund", PREVIOUS_RUN + timedelta(microseconds=1), "pi_2", None, **TAKEN)
    # Then the first opens the statement, the second is this period's
    rows = statement([carried, later]).rows
    assert [(row.payment_id, row.brought_forward) for row in rows] == [
        ("pi_1", True),
        ("pi_2", False),
    ]


def test_only_money_taken_back_from_gifts_an_earlier_payout_paid_is_recovered() -> None:
    # Given gifts an earlier payout paid (pi_e matched; pi_n after polling day, all national)
    payments = {"pi_e": paid("pi_e", PaymentKind.FIRST_MONTHLY, at(1), "Ben")}
    earlier = [
        line("pe", "payment", at(1), "pi_e", "cus_pi_e", **SHARE),
        line("pn", "payment", at(1), "pi_n", "cus_pi_n", raised=1000, national_share=1000),
    ]
    # And, this period: a refund, a won dispute and a late match of pi_e; a refund of pi_n;
    # a gift pi_t paid and refunded within the period
    settled = [
        line("re", "refund", at(9), "pi_e", "cus_pi_e", **TAKEN),
        line("we", "dispute_reinstated", at(10), "pi_e", "cus_pi_e", **SHARE),
        line("le", "late_match", at(11), "pi_e", "cus_pi_e", match=1000),
        line("rn", "refund", at(12), "pi_n", "cus_pi_n", raised=-1000, national_share=-1000),
        line("pt", "payment", at(13), "pi_t", "cus_pi_t", **SHARE),
        line("rt", "refund", at(14), "pi_t", "cus_pi_t", **TAKEN),
    ]
    rows = statement(settled, earlier, payments).rows
    # Then only the refund of pi_e takes back money already paid out
    assert [(row.kind, row.payment_id, row.recovered) for row in rows] == [
        ("refund", "pi_e", True),
        ("dispute_reinstated", "pi_e", False),
        ("late_match", "pi_e", False),
        ("refund", "pi_n", False),
        ("payment", "pi_t", False),
        ("refund", "pi_t", False),
    ]
    assert rows[2].gift_date == at(1)


def test_the_statement_names_its_payout_period_and_monthly_gifts_lost() -> None:
    # Given a failed renewal and a cancellation before the period, and in it, and after
    notes = [
        LifecycleNote("renewal_failed", "sub_a", at(5)),
        LifecycleNote("cancelled", "sub_a", at(6)),
        LifecycleNote("renewal_failed", "sub_b", at(9)),
        LifecycleNote("cancelled", "sub_c", at(10)),
        LifecycleNote("cancelled", "sub_c", at(11)),  # the same gift told twice
        LifecycleNote("cancelled", "sub_d", RUN + timedelta(hours=1)),
    ]
    s = statement([line("p", "payment", at(9), "pi_1", None, **SHARE)], notes=notes)
    # Then it names its payout and period, and counts each monthly gift lost in it once
    assert (s.payout_id, s.period_start, s.run_at) == ("leeds@run", PREVIOUS_RUN, RUN)
    assert s.method is PayoutMethod.STRIPE_TRANSFER
    assert (s.failed_payments, s.cancelled) == (1, 1)


def test_only_a_bank_payout_waits_for_a_bank_holiday() -> None:
    # Given runs on the summer bank holiday, Monday 31 August 2026
    holiday = datetime(2026, 8, 31, 6, tzinfo=LONDON)
    settled = [line("p", "payment", at(9), "pi_1", None, **SHARE)]
    by_bank = statement(settled, method=PayoutMethod.BANK_TRANSFER, run=holiday)
    by_stripe = statement(settled, method=PayoutMethod.STRIPE_TRANSFER, run=holiday)
    # Then the bank payout names the holiday and is paid on Tuesday; the transfer is not held
    assert (by_bank.run_on_holiday, by_bank.paid_on.isoformat()) == (
        "Summer bank holiday",
        "2026-09-01",
    )
    assert (by_stripe.run_on_holiday, by_stripe.paid_on.isoformat()) == (None, "2026-08-31")


def test_a_refund_does_not_bring_an_earlier_payouts_gift_back_for_checking() -> None:
    # Given a £100 gift an earlier payout paid (and checked), £10 of it refunded now
    payments = {"pi_big": paid("pi_big", PaymentKind.ONE_OFF, at(1), "Chloe")}
    earlier = [
        line("pb", "payment", at(1), "pi_big", "cus_pi_big", raised=10_000, local_share=8000,
             national_share=2000),
    ]  # fmt: skip
    refund = line(
        "rb", "refund", at(9), "pi_big", "cus_pi_big", raised=-1000, local_share=-800,
        national_share=-200,
    )  # fmt: skip
    # Then this payout's statement asks for no check of it
    assert statement([refund], earlier, payments).permissibility.checks == ()
    # while the payout that paid it did
    assert [c.gift.payment_id for c in statement(earlier, (), payments).permissibility.checks] == [
        "pi_big"
    ]
