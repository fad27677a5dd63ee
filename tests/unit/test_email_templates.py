"""Each kind renders from one view to a subject, HTML and text with the same figures; HTML
is escaped, has no scripts, and the campaign's name is in the statement's subject."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tests.unit.test_statement import (
    BEN,
    CHLOE,
    LEEDS,
    NOTES,
    PAID_EARLIER,
    PAYMENTS,
    PAYOUT,
    PREVIOUS_RUN,
    REFUND,
)
from wardfund.adapters.email_templates import JinjaRenderer
from wardfund.domain.bank_details import Shown
from wardfund.domain.campaign import Campaign
from wardfund.domain.facts import Donor
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.notices import (
    AlertKind,
    AlertRaised,
    BankDetailsChanged,
    EmailKind,
    PaymentRecorded,
    RenewalFailed,
    RunSummarised,
)
from wardfund.domain.payouts import LedgerLine
from wardfund.domain.postings import Allocation, Payment, PaymentKind, SuspenseReason
from wardfund.domain.run_report import CampaignRunLine, RunReport
from wardfund.domain.suspense import SuspenseItem
from wardfund.services.compose_bank_emails import compose_bank_details_changed
from wardfund.services.compose_donor_emails import compose_payment_failed, compose_thanks
from wardfund.services.compose_national_emails import compose_alert, compose_summary
from wardfund.services.compose_statement import compose_statement
from wardfund.services.notification_ports import Composed, EmailContext

AT = datetime(2026, 6, 2, 18, 30, tzinfo=UTC)
CONTEXT = EmailContext(
    "Common Ground", "finance@x.example", "https://portal.example/p", "finance@x.example"
)
NASTY = Campaign("leeds-central", 'Leeds <script>alert("x")</script> & Co', ("t@x.example",))
OPEN_SUSPENSE = SuspenseItem(
    "pi_suspense_1",
    SuspenseReason.UNKNOWN_CAMPAIGN,
    700,
    "gbp",
    AT,
    PaymentKind.ONE_OFF,
    campaign_named="nowhere-north",
)


class FakeReader:
    def campaign(self, campaign_id: str) -> Campaign | None:
        return LEEDS

    def lines_until(self, campaign_id, run_at):  # type: ignore[no-untyped-def]
        return [PAID_EARLIER, REFUND, BEN, CHLOE]

    def payments(self, payment_ids):  # type: ignore[no-untyped-def]
        return {pid: PAYMENTS[pid] for pid in payment_ids}

    def lifecycle(self, campaign_id, after, until):  # type: ignore[no-untyped-def]
        return NOTES

    def previous_run(self, before: datetime) -> datetime | None:
        return PREVIOUS_RUN

    def suspense(self) -> int:
        return 700

    def open_suspense(self) -> list[SuspenseItem]:
        return [OPEN_SUSPENSE]


class FakeBankFiles:
    def read(self, location: str) -> bytes:
        return b"payout_id,amount_pence\nx,800\n"


def thanks(campaign: Campaign = LEEDS) -> Composed:
    payment = Payment(
        "pi_1", "leeds-central", "Headingley", PaymentKind.FIRST_MONTHLY, 1000, "gbp", AT, "c"
    )
    allocation = Allocation(1000, local_share=800, national_share=200, match=1000)
    return compose_thanks(
        PaymentRecorded(payment, allocation, Donor("c", "d@x.example", "Amira Khan")),
        campaign,
        CONTEXT,
    )


REPORT = RunReport(
    datetime(2026, 6, 8, 5, tzinfo=UTC),
    (
        CampaignRunLine(
            "leeds-central",
            "Leeds Central",
            CampaignFigures(raised=6000, local_share=4800, national_share=1200, match=2000),
            paid=6800,
            method="stripe_transfer",
            status="paid",
            reference="tr_1",
        ),
        CampaignRunLine(
            "oxford-east",
            "Oxford East",
            CampaignFigures(raised=2500, local_share=2000, national_share=500),
            paid=2000,
            method="bank_transfer",
            status="awaiting_bank_transfer",
            reference="WF260608OXFORDEAST",
        ),
        CampaignRunLine("brighton", "Brighton Kemptown", CampaignFigures(), carried=-1800),
        CampaignRunLine(
            "hove",
            "Hove",
            CampaignFigures(),
            paid=900,
            method="stripe_transfer",
            status="paid",
            reference="tr_9",
            resumed_from=datetime(2026, 6, 1, 5, tzinfo=UTC),
        ),
    ),
    bank_file="s3://bucket/bank-transfers/2026-06-08/payout-run.csv",
)
KINDS = {
    EmailKind.DONOR_THANKS: (
        lambda: thanks(),
        ["£10.00", "£20.00", "£18.00", "Leeds Central", "Amira"],
    ),
    EmailKind.PAYOUT_STATEMENT: (
        lambda: compose_statement(PAYOUT, LEEDS, FakeReader(), CONTEXT),
        ["Leeds Central", "£64.00", "\u2212£18.00", "£1,990.00", "tr_1"],
    ),
    EmailKind.NATIONAL_SUMMARY: (
        lambda: compose_summary(RunSummarised(REPORT), FakeReader(), FakeBankFiles(), CONTEXT),
        [
            "£97.00",
            "Oxford East",
            "WF260608OXFORDEAST",
            "\u2212£18.00",
            "£7.00",
            "Hove (payout held from the run of 1 Jun 2026)",
        ],
    ),
    EmailKind.ALERT: (
        lambda: compose_alert(
            AlertRaised(
                "a#1", AlertKind.SUSPENSE, AT, "unknown_campaign", 700, {"campaign_id": "nowhere"}
            ),
            CONTEXT,
        ),
        ["£7.00", "nowhere"],
    ),
    EmailKind.BANK_DETAILS_CHANGED: (
        lambda: compose_bank_details_changed(
            BankDetailsChanged(
                "bc-1",
                "leeds-central",
                AT,
                Shown("Leeds Central", "089999", "4958"),
                Shown("Leeds Central", "202959", "8472"),
                "T. Reasurer",
                "A. Jones",
            ),
            LEEDS,
            CONTEXT,
        ),
        ["Leeds Central", "08-99-99", "••••4958", "••••8472", "A. Jones", "fraud"],
    ),
    EmailKind.PAYMENT_FAILED: (
        lambda: compose_payment_failed(
            RenewalFailed(
                "in_1", "leeds-central", "Headingley", AT, Donor("c", "d@x.example", "Amira Khan")
            ),
            LEEDS,
            CONTEXT,
        ),
        ["Amira", "Leeds Central", "update your card"],
    ),
}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("kind", list(KINDS), ids=str)
def test_html_and_text_carry_the_same_key_figures(kind: EmailKind) -> None:
    compose, figures = KINDS[kind]
    rendered = JinjaRenderer().render(kind, compose().view)
    for figure in figures:
        assert figure in text_of(rendered.html), figure
        assert figure in rendered.text, figure
    assert "<script" not in rendered.html
    assert f'<meta name="x-wardfund-kind" content="{kind}">' in rendered.html
    assert rendered.subject
    assert "\n" not in rendered.subject


def test_the_statement_subject_names_the_campaign_and_the_csv_is_attached() -> None:
    composed = compose_statement(PAYOUT, LEEDS, FakeReader(), CONTEXT)
    rendered = JinjaRenderer().render(EmailKind.PAYOUT_STATEMENT, composed.view)
    assert rendered.subject == "Leeds Central: payout statement, £64.00 on 15 Jun 2026"
    assert [a.filename for a in composed.attachments] == [
        "leeds-central-payout-2026-06-15-xero-journal.csv",
        "leeds-central-payout-2026-06-15-quickbooks-journal.csv",
        "leeds-central-payout-2026-06-15.csv",  # the bank statement: only without a feed
    ]
    for said in (rendered.text, text_of(rendered.html)):
        assert "bank feed" in said
        assert "Only if the account has no bank feed" in said
        assert "WFDUE Due from wardfund" in said


def test_the_national_summary_links_the_bank_files_and_says_what_to_check() -> None:
    # A run from before the bank files had a summary: named, not attached
    composed = compose_summary(RunSummarised(REPORT), FakeReader(), FakeBankFiles(), CONTEXT)
    assert composed.attachments == ()
    # A run with its summary beside the Bankline file: linked, listed, and a checklist
    summary = {
        "payment_date": "2026-06-08", "bacs_arrives": "2026-06-10", "count": 1,
        "total_pence": 2000, "debit_account": "60-16-13 ••••6819",
        "files": {"bankline": "x-bankline.csv", "standard18": "x-bacs18.txt"},
        "payments": [{
            "payee_name": "OXFORD EAST", "sort_code": "202959", "account": "••••8472",
            "reference": "WF260608OXFORDEAST", "amount_pence": 2000,
            "details_changed_at": "2026-06-01T09:00:00.000000Z",
        }],
        "missing": [],
    }  # fmt: skip

    class WithSummary(FakeBankFiles):
        def read(self, location: str) -> bytes:
            assert location.endswith("-summary.json")
            return json.dumps(summary).encode()

    report = replace(REPORT, bank_file="s3://b/bank-transfers/2026-06-08/x-bankline.csv")
    composed = compose_summary(RunSummarised(report), FakeReader(), WithSummary(), CONTEXT)
    assert composed.attachments == ()
    rendered = JinjaRenderer().render(EmailKind.NATIONAL_SUMMARY, composed.view)
    for text in (rendered.text, text_of(rendered.html)):
        assert "x-bankline.csv" in text
        assert "x-bacs18.txt" in text
        assert "20-29-59 ••••8472" in text
        assert "changed" in text.lower()  # changed a week before the run: flagged
        assert "Monday 8 June 2026" in text
        assert "60-16-13 ••••6819" in text


def test_names_from_outside_are_escaped_in_html() -> None:
    rendered = JinjaRenderer().render(EmailKind.DONOR_THANKS, thanks(NASTY).view)
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert "<script>" in rendered.text  # plain text is not HTML: nothing to escape


def test_donor_emails_link_to_the_customer_portal() -> None:
    rendered = JinjaRenderer().render(EmailKind.DONOR_THANKS, thanks().view)
    assert 'href="https://portal.example/p"' in rendered.html
    assert "https://portal.example/p" in rendered.text


def test_a_reimbursed_launch_invoice_shows_in_the_statement_summary_and_lines() -> None:
    invoice = LedgerLine(
        "LINE#i",
        "launch_invoice:inv-7",
        "launch_invoice_reimbursed",
        datetime(2026, 6, 11, 18, tzinfo=UTC),
        datetime(2026, 6, 11, 18, tzinfo=UTC),
        CampaignFigures(launch_costs=45_000),
    )

    class WithInvoice(FakeReader):
        def lines_until(self, campaign_id, run_at):  # type: ignore[no-untyped-def]
            return [*super().lines_until(campaign_id, run_at), invoice]

    payout = replace(PAYOUT, amount=PAYOUT.amount + 45_000, settles=(*PAYOUT.settles, "LINE#i"))
    composed = compose_statement(payout, LEEDS, WithInvoice(), CONTEXT)
    rendered = JinjaRenderer().render(EmailKind.PAYOUT_STATEMENT, composed.view)
    for text in (rendered.text, text_of(rendered.html)):
        assert re.search(r"Launch-event invoices reimbursed\s+£450\.00", text), text
        assert "Launch-event invoice inv-7 reimbursed" in text
    assert "Total to campaign: £514.00" in rendered.text
    assert "£514.00" in text_of(rendered.html)
    assert "inv-7 reimbursed, " not in rendered.text  # no empty donor name after it
    xero, quickbooks, bank = (a.data.decode() for a in composed.attachments)
    assert "Common Ground (launch-event invoices)" in bank
    assert ",WFLAUNCH,No VAT,-450.00," in xero
    assert "Launch-event costs reimbursed,,450.00," in quickbooks
