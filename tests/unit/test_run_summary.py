"""The payout run records what it did, campaign by campaign, even when some could not be paid."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wardfund.domain.campaign import Campaign
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.payouts import LedgerLine, PayoutStatus
from wardfund.domain.run_report import RunReport
from wardfund.services.ports import CampaignBalance, PayoutRecord, TransferFailed
from wardfund.services.run_payouts import PayoutRunIncomplete, run_payouts

RUN = datetime(2026, 6, 8, 5, tzinfo=UTC)
AT = datetime(2026, 6, 3, 18, tzinfo=UTC)
CAMPAIGNS = [
    Campaign("leeds", "Leeds Central", connect_account_id="acct_1"),
    Campaign("oxford", "Oxford East", bank_reference="OXE"),
    Campaign("brighton", "Brighton Kemptown", connect_account_id="acct_2"),
    Campaign("sheffield", "Sheffield Hallam"),
]
OWED = {"leeds": 1800, "oxford": 2000, "brighton": 500, "sheffield": -700}


class Store:
    def __init__(self) -> None:
        self.reports: list[RunReport] = []
        self.marked: dict[str, PayoutStatus] = {}

    def campaigns(self) -> list[Campaign]:
        return CAMPAIGNS

    def balance(self, campaign_id: str) -> CampaignBalance:
        return CampaignBalance(campaign_id, CampaignFigures(raised=5000, local_share=4000), None)

    def payout(self, campaign_id: str, run_at: datetime) -> PayoutRecord | None:
        return None

    def unsettled_lines(self, campaign_id, settled_through, run_at):  # type: ignore[no-untyped-def]
        owed = OWED[campaign_id]
        return [
            LedgerLine(
                f"LINE#{campaign_id}", "e", "payment", AT, AT, CampaignFigures(local_share=owed)
            )
        ]

    def record_payout(self, plan, posting, previous) -> None:  # type: ignore[no-untyped-def]
        pass

    def mark_payout(self, plan, status, reference, *, completed_in=None) -> None:  # type: ignore[no-untyped-def]
        self.marked[plan.campaign_id] = status

    def completed_in(self, run_at: datetime) -> list[PayoutRecord]:
        return []

    def record_run(self, report: RunReport) -> None:
        self.reports.append(report)


class Transfers:
    def transfer(self, *, idempotency_key, amount, destination, campaign_id, run_at) -> str:  # type: ignore[no-untyped-def]
        if campaign_id == "brighton":
            raise TransferFailed("Stripe answered 500")
        return f"tr_{campaign_id}"


class BankFiles:
    def write(self, run_at, rows) -> str:  # type: ignore[no-untyped-def]
        return "s3://bank/run.csv"


def test_the_run_records_its_summary_with_failures_before_it_reports_them() -> None:
    store = Store()
    # When one campaign's transfer fails
    with pytest.raises(PayoutRunIncomplete):
        run_payouts(RUN, "weekly", store, Transfers(), BankFiles())
    # Then the summary was still recorded, one line per campaign
    (report,) = store.reports
    lines = {line.campaign_id: line for line in report.lines}
    assert (lines["leeds"].paid, lines["leeds"].reference) == (1800, "tr_leeds")
    assert (lines["oxford"].paid, lines["oxford"].method) == (2000, "bank_transfer")
    assert lines["brighton"].failure == "Stripe answered 500"
    assert lines["sheffield"].carried == -700
    assert report.bank_file == "s3://bank/run.csv"
    assert report.paid == 3800
    assert report.failures == {"brighton": "Stripe answered 500"}
    assert lines["leeds"].to_date.raised == 5000
