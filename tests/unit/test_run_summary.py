"""Each campaign's unit of work reports its lines, even when it could not be paid; the run's
fan-in puts them together, with the bank file's rows, once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wardfund.domain.campaign import Campaign
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.payout_run import PayoutTask, RunState, Settlement
from wardfund.domain.payouts import LedgerLine, PayoutMethod, PayoutPlan, PayoutStatus
from wardfund.domain.run_report import RunReport
from wardfund.services.finish_payout_run import assemble_report, balance_alert
from wardfund.services.pay_campaign import TryAgain, pay_campaign
from wardfund.services.ports import (
    BalanceInsufficient,
    CampaignBalance,
    PayoutRecord,
    TransferFailed,
)

RUN = datetime(2026, 6, 8, 5, tzinfo=UTC)
EARLIER = datetime(2026, 6, 1, 5, tzinfo=UTC)
AT = datetime(2026, 6, 3, 18, tzinfo=UTC)
CAMPAIGNS = {
    "leeds": Campaign("leeds", "Leeds Central", connect_account_id="acct_1"),
    "oxford": Campaign("oxford", "Oxford East", bank_reference="OXE"),
    "brighton": Campaign("brighton", "Brighton Kemptown", connect_account_id="acct_2"),
    "sheffield": Campaign("sheffield", "Sheffield Hallam"),
}
OWED = {"leeds": 1800, "oxford": 2000, "brighton": 500, "sheffield": -700}


class Store:
    def __init__(self, unpaid: tuple[datetime, ...] = ()) -> None:
        self.marked: dict[str, PayoutStatus] = {}
        self.recorded: list[PayoutPlan] = []
        self.unpaid = unpaid

    def balance(self, campaign_id: str) -> CampaignBalance:
        figures = CampaignFigures(raised=5000, local_share=4000)
        return CampaignBalance(campaign_id, figures, None, self.unpaid)

    def payout(self, campaign_id: str, run_at: datetime) -> PayoutRecord | None:
        if run_at == EARLIER and run_at in self.unpaid:
            plan = PayoutPlan(
                f"{campaign_id}@e", campaign_id, EARLIER, 900, PayoutMethod.STRIPE_TRANSFER, ()
            )
            return PayoutRecord(plan, PayoutStatus.PENDING)
        return None

    def unsettled_lines(self, campaign_id, settled_through, run_at):  # type: ignore[no-untyped-def]
        owed = OWED[campaign_id]
        figures = CampaignFigures(local_share=owed)
        return [LedgerLine(f"LINE#{campaign_id}", "e", "payment", AT, AT, figures)]

    def record_payout(self, plan, posting, previous) -> None:  # type: ignore[no-untyped-def]
        self.recorded.append(plan)

    def mark_payout(self, plan, status, reference, *, completed_in=None) -> None:  # type: ignore[no-untyped-def]
        self.marked[plan.payout_id] = status


class Transfers:
    def __init__(self, failing: type[TransferFailed] | None = None) -> None:
        self.failing = failing
        self.made: list[tuple[str, int]] = []
        self.looked: list[str] = []

    def transfer(self, *, idempotency_key, amount, destination, campaign_id, run_at) -> str:  # type: ignore[no-untyped-def]
        if self.failing is not None:
            raise self.failing("Stripe answered 500")
        self.made.append((campaign_id, amount))
        return f"tr_{campaign_id}_{amount}"

    def find_transfer(self, *, idempotency_key, run_at) -> str | None:  # type: ignore[no-untyped-def]
        self.looked.append(idempotency_key)
        return None


def task(campaign_id: str, allowance: int | None = None) -> PayoutTask:
    return PayoutTask(RUN, "run", CAMPAIGNS[campaign_id], allowance)


def test_each_campaign_reports_its_line_paid_by_stripe_bank_or_carried() -> None:
    store, transfers = Store(), Transfers()
    leeds = pay_campaign(task("leeds"), store, transfers)
    oxford = pay_campaign(task("oxford"), store, transfers)
    sheffield = pay_campaign(task("sheffield"), store, transfers)
    ((leeds_line,), (oxford_line,), (sheffield_line,)) = (
        leeds.lines,
        oxford.lines,
        sheffield.lines,
    )
    assert (leeds_line.paid, leeds_line.reference) == (1800, "tr_leeds_1800")
    assert (oxford_line.paid, oxford_line.method) == (2000, "bank_transfer")
    assert sheffield_line.carried == -700
    assert leeds_line.to_date.raised == 5000
    # a payout recorded by this very attempt is not looked for at Stripe first
    assert transfers.looked == []


def test_a_failed_transfer_is_tried_again_then_reported_on_the_last_attempt() -> None:
    store = Store()
    with pytest.raises(TryAgain):
        pay_campaign(task("brighton"), store, Transfers(TransferFailed), last_attempt=False)
    (line,) = pay_campaign(task("brighton"), store, Transfers(TransferFailed)).lines
    assert line.failure == "Stripe answered 500"
    assert not line.held_for_balance


def test_beyond_its_allowance_or_refused_for_balance_a_payout_is_held_not_failed() -> None:
    store = Store()
    # Given the balance check allows Leeds £10 of its £18, and Stripe refuses Brighton
    (leeds,) = pay_campaign(task("leeds", allowance=1000), store, Transfers()).lines
    (brighton,) = pay_campaign(
        task("brighton"), store, Transfers(BalanceInsufficient), last_attempt=False
    ).lines
    # Then both payouts are recorded and held for balance (no retry asked for), with
    # what is held carried
    assert [plan.campaign_id for plan in store.recorded] == ["leeds", "brighton"]
    assert (leeds.held_for_balance, leeds.carried, leeds.paid) == (True, 1800, 0)
    assert (brighton.held_for_balance, brighton.carried) == (True, 500)
    assert store.marked == {}


def test_held_payouts_are_made_first_looked_for_first_and_within_the_allowance() -> None:
    store, transfers = Store(unpaid=(EARLIER,)), Transfers()
    # Given £9 held from last week and £18 owed now, with £9 of allowance
    held, this_week = pay_campaign(task("leeds", allowance=900), store, transfers).lines
    assert (held.resumed_from, held.paid) == (EARLIER, 900)
    assert transfers.looked == ["payout-leeds@e"]
    assert (this_week.held_for_balance, this_week.carried) == (True, 1800)
    assert transfers.made == [("leeds", 900)]


def test_the_fan_in_puts_lines_together_once_with_earlier_completions_and_bank_rows() -> None:
    # Given Oxford's task made last week's bank payout, died, and its repeat settled
    earlier = PayoutPlan("oxford@e", "oxford", EARLIER, 700, PayoutMethod.BANK_TRANSFER, ())
    completed = [PayoutRecord(earlier, PayoutStatus.AWAITING_BANK_TRANSFER, "WFREF")]
    store = Store()
    oxford = pay_campaign(task("oxford"), store, Transfers())
    leeds = pay_campaign(task("leeds"), store, Transfers())
    lines, rows = assemble_report(RUN, [oxford, leeds], completed)
    # Then campaigns come in id order, the earlier payout before this week's, filed once
    assert [(line.campaign_id, line.resumed_from, line.paid) for line in lines] == [
        ("leeds", None, 1800),
        ("oxford", EARLIER, 700),
        ("oxford", None, 2000),
    ]
    assert [(row["payout_id"], row["amount_pence"]) for row in rows] == [
        ("oxford@2026-06-01T05:00:00.000000Z", "700"),
        ("oxford@2026-06-08T05:00:00.000000Z", "2000"),
    ]
    assert {row["bank_details_reference"] for row in rows} == {"OXE"}
    # And a settlement that already reports the earlier payout is not doubled
    again = Settlement("oxford", "Oxford East", "OXE", (lines[1], lines[2]))
    lines_again, rows_again = assemble_report(RUN, [again], completed)
    assert len(lines_again) == 2
    assert len(rows_again) == 2


def test_one_alert_names_the_shortfall_for_every_payout_held_for_balance() -> None:
    store = Store()
    held = [
        *pay_campaign(task("leeds", allowance=0), store, Transfers()).lines,
        *pay_campaign(task("brighton", allowance=0), store, Transfers()).lines,
    ]
    state = RunState(RUN, "run", expected=2, remaining=0, available=1000, demand=2300)
    alert = balance_alert(state, RunReport(RUN, tuple(held)))
    assert alert is not None
    assert alert.amount == 2300
    assert "£10.00" in alert.reason  # available
    assert "£13.00 short" in alert.reason
    assert "Leeds Central £18.00" in alert.reason
    assert balance_alert(state, RunReport(RUN, ())) is None
