"""Which emails a ledger change makes due, to whom, under which request id."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wardfund.domain.campaign import Campaign
from wardfund.domain.facts import Donor
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.notices import (
    AlertKind,
    AlertRaised,
    EmailKind,
    NoticePolicy,
    PaymentRecorded,
    PayoutCompleted,
    RenewalFailed,
    RunSummarised,
    emails_due,
    recipient_tag,
)
from wardfund.domain.payouts import PayoutMethod, PayoutStatus
from wardfund.domain.postings import Allocation, Payment, PaymentKind
from wardfund.domain.run_report import CampaignRunLine, RunReport

AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)
RUN = datetime(2026, 6, 8, 5, 0, tzinfo=UTC)
FINANCE = "finance@national.example"
POLICY = NoticePolicy(FINANCE)
LEEDS = Campaign(
    "leeds-central",
    "Leeds Central",
    treasurer_emails=("t1@leeds.example", "T1@leeds.example ", "t2@leeds.example"),
)


def paid(
    kind: PaymentKind, *, suspense: bool = False, email: str | None = "d@x.example"
) -> PaymentRecorded:
    gross = 1000
    allocation = (
        Allocation(gross, suspense=gross)
        if suspense
        else Allocation(gross, local_share=800, national_share=200)
    )
    payment = Payment("pi_1", "leeds-central", "Headingley", kind, gross, "gbp", AT, "cus_1")
    return PaymentRecorded(payment, allocation, Donor("cus_1", email, "Amira Khan"))


@pytest.mark.parametrize("kind", [PaymentKind.FIRST_MONTHLY, PaymentKind.ONE_OFF])
def test_a_first_monthly_payment_or_a_one_off_gift_is_thanked_once(kind: PaymentKind) -> None:
    # When a donor's first payment is recorded
    due = emails_due(paid(kind), LEEDS, POLICY)
    # Then one thank-you goes to the donor, keyed on the payment
    assert [(d.kind, d.to, d.request_id) for d in due] == [
        (EmailKind.DONOR_THANKS, "d@x.example", "donor_thanks:pi_1")
    ]


def test_renewals_suspense_and_donors_without_email_are_not_thanked() -> None:
    assert emails_due(paid(PaymentKind.RENEWAL), LEEDS, POLICY) == []
    assert emails_due(paid(PaymentKind.ONE_OFF, suspense=True), None, POLICY) == []
    assert emails_due(paid(PaymentKind.ONE_OFF, email=None), LEEDS, POLICY) == []


def test_a_payout_sends_one_statement_to_each_treasurer_separately() -> None:
    # Given a campaign listing one treasurer twice (case and spaces differ) and another
    payout = PayoutCompleted(
        "leeds-central@x", "leeds-central", RUN, 7000, PayoutMethod.STRIPE_TRANSFER,
        PayoutStatus.PAID, "tr_1", ("LINE#a",),
    )  # fmt: skip
    # When the payout completes
    due = emails_due(payout, LEEDS, POLICY)
    # Then each distinct treasurer gets one statement, with an id naming no address
    assert [d.to for d in due] == ["t1@leeds.example", "t2@leeds.example"]
    assert {d.kind for d in due} == {EmailKind.PAYOUT_STATEMENT}
    assert (
        due[0].request_id == f"payout_statement:leeds-central@x:{recipient_tag('t1@leeds.example')}"
    )
    assert "@leeds" not in due[0].request_id
    assert len({d.request_id for d in due}) == 2


def test_alerts_and_run_summaries_go_to_national_finance() -> None:
    alert = AlertRaised("2026#suspense#pi_1", AlertKind.SUSPENSE, AT, "unknown_campaign", 700)
    report = RunReport(RUN, (CampaignRunLine("leeds-central", "Leeds Central", CampaignFigures()),))
    assert [(d.kind, d.to) for d in emails_due(alert, None, POLICY)] == [(EmailKind.ALERT, FINANCE)]
    summary = emails_due(RunSummarised(report), None, POLICY)
    assert [(d.kind, d.to) for d in summary] == [(EmailKind.NATIONAL_SUMMARY, FINANCE)]
    # A rewritten summary after a retry that changed the outcome is a new email
    again = emails_due(RunSummarised(report, revision="abc"), None, POLICY)
    assert again[0].request_id == summary[0].request_id + ":abc"
    # No finance address configured: nothing to send
    assert emails_due(alert, None, NoticePolicy("")) == []


def test_payment_failed_only_when_the_setting_is_on() -> None:
    failed = RenewalFailed("in_1", "leeds-central", "Headingley", AT, Donor("cus_1", "d@x.example"))
    assert emails_due(failed, LEEDS, POLICY) == []
    due = emails_due(failed, LEEDS, NoticePolicy(FINANCE, payment_failed_emails=True))
    assert [(d.kind, d.to, d.request_id) for d in due] == [
        (EmailKind.PAYMENT_FAILED, "d@x.example", "payment_failed:in_1")
    ]
