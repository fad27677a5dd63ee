"""Issue 14, section 2, without AWS: a payment in suspense given to its campaign. Two
balanced entries (suspense's out, the campaign's in), the normal rules as of the payment's
own date (split; match for an eligible first monthly payment, under the cap), what was taken
back in suspense kept taken back; a second assignment, a foreign currency or a resolved
item refused; and the refund asks Stripe once and closes the item."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from wardfund.domain.campaign import Campaign
from wardfund.domain.facts import Donor
from wardfund.domain.figures import ZERO
from wardfund.domain.ledger import (
    DONOR_FUNDS,
    NATIONAL_MATCH_FUNDING,
    NATIONAL_SHARE,
    SUSPENSE,
    account_balances,
    campaign_match_account,
    campaign_share_account,
)
from wardfund.domain.ledger_check import figures_from_balances, line_balances
from wardfund.domain.postings import (
    Allocation,
    Holding,
    Payment,
    PaymentKind,
    SuspenseReason,
    allocate_payment,
)
from wardfund.domain.suspense import SuspenseItem, suspense_item
from wardfund.domain.suspense_assignment import CannotAssign, assign
from wardfund.services.ports import (
    AlreadyRecorded,
    CampaignBalance,
    LedgerWrite,
    StoredPayment,
)
from wardfund.services.suspense import SuspenseRefused, assign_payment, refund_payment

PAID = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)
NOW = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
LEEDS = Campaign("leeds", "Leeds", launch_event_on=date(2026, 6, 1), match_cap_pence=200_000)


def in_suspense(
    kind: PaymentKind = PaymentKind.FIRST_MONTHLY, gross: int = 1000, currency: str = "gbp"
) -> tuple[Payment, Allocation]:
    payment = Payment("pi_1", "nowhere", "Hyde", kind, gross, currency, PAID, "cus_1")
    allocation = allocate_payment(payment, None, 0)
    assert allocation.suspense == gross
    return payment, allocation


def test_a_first_monthly_payment_is_split_and_matched_in_two_balanced_entries() -> None:
    payment, original = in_suspense()
    done = assign(payment, original, Holding(), LEEDS, matched_so_far=0, at=NOW)
    assert done.payment.campaign_id == "leeds"
    assert (done.part.local_share, done.part.national_share, done.part.match) == (800, 200, 1000)
    assert done.holding == Holding(taken_back=0, match_base=1000)
    into, out = done.into_campaign, done.out_of_suspense
    assert sum(line_balances(into.entry.lines).values()) == 0  # each entry balances
    assert sum(line_balances(out.entry.lines).values()) == 0
    together = account_balances([into.entry, out.entry])
    assert together == {
        SUSPENSE: -1000,  # suspense gives the payment up
        DONOR_FUNDS: 0,  # the money was in donor funds already
        NATIONAL_SHARE: 200,
        campaign_share_account("leeds"): 800,
        NATIONAL_MATCH_FUNDING: -1000,
        campaign_match_account("leeds"): 1000,
    }
    # the campaign's entry says what its lines say (the ledger check rebuilds it from them)
    assert figures_from_balances("leeds", line_balances(into.entry.lines)) == into.figures
    assert (into.figures.raised, into.figures.match, into.figures.owed) == (1000, 1000, 1800)
    assert (out.campaign_id, out.figures, out.suspense_delta) == (None, ZERO, -1000)


def test_a_one_off_gift_is_split_and_not_matched() -> None:
    payment, original = in_suspense(PaymentKind.ONE_OFF, gross=2500)
    done = assign(payment, original, Holding(), LEEDS, matched_so_far=0, at=NOW)
    assert (done.part.local_share, done.part.national_share, done.part.match) == (2000, 500, 0)
    assert not done.matched


def test_the_rules_are_those_of_the_payments_own_date() -> None:
    payment, original = in_suspense()
    # paid before the launch event: no match, though the campaign has had it since
    early = replace(LEEDS, launch_event_on=date(2026, 6, 5))
    assert assign(payment, original, Holding(), early, 0, at=NOW).part.match == 0
    # paid after polling day: the whole of it stays national
    ended = replace(LEEDS, election_on=date(2026, 6, 2))
    done = assign(payment, original, Holding(), ended, 0, at=NOW)
    assert (done.part.local_share, done.part.national_share, done.part.match) == (0, 1000, 0)


def test_the_match_is_under_the_cap() -> None:
    payment, original = in_suspense()
    done = assign(payment, original, Holding(), LEEDS, matched_so_far=199_700, at=NOW)
    assert done.part.match == 300


def test_what_was_refunded_in_suspense_stays_refunded() -> None:
    payment, original = in_suspense()
    done = assign(payment, original, Holding(taken_back=400), LEEDS, 0, at=NOW)
    assert done.part.amount == 600
    assert done.out_of_suspense.suspense_delta == -600
    assert (done.part.local_share, done.part.match) == (480, 600)  # 800 and 1000, less 40 %
    assert done.holding == Holding(taken_back=400, match_base=1000)


def test_refused_when_nothing_is_left_or_not_in_pounds_or_not_in_suspense() -> None:
    payment, original = in_suspense()
    with pytest.raises(CannotAssign, match="nothing left"):
        assign(payment, original, Holding(taken_back=1000), LEEDS, 0, at=NOW)
    euros, in_euros = in_suspense(currency="eur")
    with pytest.raises(CannotAssign, match="EUR"):
        assign(euros, in_euros, Holding(), LEEDS, 0, at=NOW)
    counted = Allocation(amount=1000, local_share=800, national_share=200)
    with pytest.raises(CannotAssign, match="not in suspense"):
        assign(payment, counted, Holding(), LEEDS, 0, at=NOW)


class FakeLedger:
    """Just enough of a LedgerStore: one campaign, one stored payment, the writes made."""

    def __init__(self, stored: StoredPayment, matched: int = 0) -> None:
        self.stored = stored
        self.matched = matched
        self.writes: list[LedgerWrite] = []
        self.markers: set[str] = set()

    def campaign(self, campaign_id: str, *, fresh: bool = False) -> Campaign | None:
        return LEEDS if campaign_id == "leeds" else None

    def balance(self, campaign_id: str) -> CampaignBalance:
        return CampaignBalance(campaign_id, replace(ZERO, match=self.matched), None)

    def payment(self, payment_id: str) -> StoredPayment | None:
        return self.stored if payment_id == self.stored.payment.payment_id else None

    def commit(self, write: LedgerWrite) -> None:
        if write.event_id in self.markers:
            raise AlreadyRecorded(write.event_id)
        self.markers.add(write.event_id)
        self.writes.append(write)


class FakeItems:
    def __init__(self, item: SuspenseItem) -> None:
        self.found = item

    def item(self, payment_id: str) -> SuspenseItem | None:
        return self.found if payment_id == self.found.payment_id else None


def stored_in_suspense() -> tuple[StoredPayment, SuspenseItem]:
    payment, allocation = in_suspense()
    stored = StoredPayment(payment, allocation, Donor("cus_1", "d@x.example", "D"))
    return stored, suspense_item(payment, SuspenseReason.UNKNOWN_CAMPAIGN)


def test_the_service_writes_one_guarded_posting_with_the_assignment() -> None:
    stored, item = stored_in_suspense()
    ledger = FakeLedger(stored, matched=500)
    done = assign_payment(
        ledger, FakeItems(item), "pi_1", "leeds", by="A. Jones", at=NOW,  # type: ignore[arg-type]
        principal="arn:aws:iam::1:user/aj",
    )  # fmt: skip
    (write,) = ledger.writes
    assert write.event_id == "suspense-assign:pi_1"
    assert write.posting.campaign_id == "leeds"
    assert write.guards.match_is == 500  # exact: the cap cannot be overrun
    assert write.assignment is not None
    assert write.assignment.by == "A. Jones"
    assert write.assignment.principal == "arn:aws:iam::1:user/aj"
    assert "assigned from suspense by A. Jones" in write.assignment.detail
    assert "match £10.00" in write.assignment.detail
    assert done.amount == 1000


def test_a_second_assignment_is_refused() -> None:
    stored, item = stored_in_suspense()
    ledger = FakeLedger(stored)
    items = FakeItems(item)
    assign_payment(ledger, items, "pi_1", "leeds", by="a", at=NOW)  # type: ignore[arg-type]
    with pytest.raises(SuspenseRefused, match="assigned already"):
        assign_payment(ledger, items, "pi_1", "leeds", by="b", at=NOW)  # type: ignore[arg-type]
    items.found = replace(item, resolved_at=NOW)
    with pytest.raises(SuspenseRefused, match="left suspense already"):
        assign_payment(ledger, items, "pi_1", "leeds", by="b", at=NOW)  # type: ignore[arg-type]


def test_an_unknown_payment_or_campaign_is_refused() -> None:
    stored, item = stored_in_suspense()
    ledger = FakeLedger(stored)
    with pytest.raises(SuspenseRefused, match="no payment 'pi_9'"):
        assign_payment(ledger, FakeItems(item), "pi_9", "leeds", by="a", at=NOW)  # type: ignore[arg-type]
    with pytest.raises(Exception, match="no campaign with id 'york'"):
        assign_payment(ledger, FakeItems(item), "pi_1", "york", by="a", at=NOW)  # type: ignore[arg-type]
    assert ledger.writes == []


class FakeRefunds:
    def __init__(self) -> None:
        self.asked: list[dict[str, Any]] = []

    def refund(self, payment_id: str, *, idempotency_key: str, metadata: dict[str, str]) -> str:
        self.asked.append({"id": payment_id, "key": idempotency_key} | metadata)
        return "re_1"


def test_a_refund_is_asked_of_stripe_once_per_payment_and_closes_the_item() -> None:
    _, item = stored_in_suspense()
    refunds, closed = FakeRefunds(), []

    def close(payment_id: str, *, by: str, resolution: str, at: datetime) -> bool:
        closed.append((payment_id, by, resolution))
        return True

    asked = refund_payment(
        FakeItems(item), refunds, close, "pi_1", held=1000, by="A. Jones", at=NOW
    )
    assert (asked.refund_id, asked.amount) == ("re_1", "£10.00")
    assert refunds.asked == [
        {
            "id": "pi_1",
            "key": "suspense-refund-pi_1",
            "wardfund": "suspense refund",
            "requested_by": "A. Jones",
        }
    ]
    assert closed == [("pi_1", "A. Jones", "refunded through Stripe by A. Jones: refund re_1")]
    with pytest.raises(SuspenseRefused, match="nothing left"):
        refund_payment(FakeItems(item), refunds, close, "pi_1", held=0, by="a", at=NOW)
    resolved = FakeItems(replace(item, resolved_at=NOW))
    with pytest.raises(SuspenseRefused, match="left suspense already"):
        refund_payment(resolved, refunds, close, "pi_1", held=1000, by="a", at=NOW)
    assert len(refunds.asked) == 1
