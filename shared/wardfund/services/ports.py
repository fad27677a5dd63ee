"""The small interfaces the use cases need; adapters implement them, tests fake them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from wardfund.domain.campaign import Campaign
from wardfund.domain.facts import Donor, DonorLifecycle, InvoiceSeen
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.payout_run import PayoutTask, RunState, Settled, Settlement
from wardfund.domain.payouts import LedgerLine, PayoutMethod, PayoutPlan, PayoutStatus
from wardfund.domain.postings import Allocation, Holding, Payment, Posting, holding_when_paid
from wardfund.domain.run_report import RunReport
from wardfund.domain.suspense import SuspenseItem
from wardfund.domain.suspense_assignment import Assignment


class AlreadyRecorded(Exception):
    """The event, or the business object it reports, is in the ledger already."""


class TransferFailed(Exception):
    """The payment provider refused or did not answer; the payout stays pending for a retry."""


class BalanceInsufficient(TransferFailed):
    """Stripe refused the transfer for want of available balance (`balance_insufficient`):
    the payout is held and tried again daily, not counted as a failure of the campaign's."""


class GuardFailed(Exception):
    """A balance changed between read and write (cap, settlement, campaign settings)."""


@dataclass(frozen=True)
class CampaignBalance:
    """`unpaid_runs`: runs whose payout to the campaign is recorded but not yet made."""

    campaign_id: str
    figures: CampaignFigures
    settled_through: datetime | None
    unpaid_runs: tuple[datetime, ...] = ()


@dataclass(frozen=True)
class StoredPayment:
    """`allocation`: what the payment gave when it was paid; `stored_holding`: what has been
    taken back of it since (rule 3), None while the record has no holding yet (a payment
    being recorded, or one written before holdings were kept: nothing taken back)."""

    payment: Payment
    allocation: Allocation
    donor: Donor
    stored_holding: Holding | None = None

    @property
    def holding(self) -> Holding:
        return self.stored_holding or holding_when_paid(self.allocation)


@dataclass(frozen=True)
class HoldingChange:
    """The payment's holding moves from `before` (as read) to `after`, in the same transaction
    as the posting, and only if nobody moved it since."""

    before: StoredPayment
    after: Holding


@dataclass(frozen=True)
class Guards:
    """Conditions the one transaction checks, so concurrent writers cannot both win.

    `settle_before`: no payout has covered `settle_at` yet (optimistic path).
    `settled_through_is`: the payout watermark is exactly this (exact path).
    `match_at_most` / `match_is`: the campaign's match given so far, for the cap.
    `campaign_version`: the campaign settings the posting was computed from.
    """

    settle_before: bool = True
    settled_through_is: datetime | None = None
    match_at_most: int | None = None
    match_is: int | None = None
    campaign_version: int | None = None


@dataclass(frozen=True)
class LedgerWrite:
    event_id: str
    record_key: str
    posting: Posting
    settle_at: datetime
    guards: Guards
    payment: StoredPayment | None = None
    reversal: Allocation | None = None
    payment_id: str | None = None
    ward: str | None = None
    alert: str | None = None
    holding: HoldingChange | None = None
    suspense: SuspenseItem | None = None  # a payment no campaign could be given: kept open
    assignment: SuspenseAssignment | None = None  # a payment leaves suspense for a campaign


@dataclass(frozen=True)
class SuspenseAssignment:
    """A payment in suspense given to a campaign by a person (issue 14, section 2): in the
    posting's transaction, suspense's own entry takes the money out of suspense, the payment's
    record becomes the campaign's (`assigned`), and its suspense item is closed, with who did
    it (`by`, and on a stage their AWS identity, `principal`), in the campaign's audit trail."""

    before: StoredPayment
    assigned: Assignment
    by: str
    principal: str | None
    detail: str


@dataclass(frozen=True)
class PayoutRecord:
    plan: PayoutPlan
    status: PayoutStatus
    reference: str | None = None


class LedgerStore(Protocol):
    def campaign(self, campaign_id: str, *, fresh: bool = False) -> Campaign | None: ...
    def balance(self, campaign_id: str) -> CampaignBalance: ...
    def invoice(self, invoice_id: str) -> InvoiceSeen | None: ...
    def save_invoice(self, invoice: InvoiceSeen) -> None: ...
    def payment(self, payment_id: str) -> StoredPayment | None: ...
    def reversal(self, payment_id: str, record_key: str) -> Allocation | None: ...
    def save_lifecycle(self, event_id: str, fact: DonorLifecycle) -> None: ...
    def commit(self, write: LedgerWrite) -> None: ...


class PayoutStore(Protocol):
    def campaigns(self) -> Sequence[Campaign]: ...
    def balance(self, campaign_id: str) -> CampaignBalance: ...
    def balances(self, campaign_ids: Sequence[str]) -> Mapping[str, CampaignBalance]:
        """Every campaign's balance item, read in batches (the run's planning)."""
        ...

    def payout(self, campaign_id: str, run_at: datetime) -> PayoutRecord | None: ...
    def unsettled_lines(
        self, campaign_id: str, settled_through: datetime | None, run_at: datetime
    ) -> Sequence[LedgerLine]: ...
    def record_payout(
        self, plan: PayoutPlan, posting: Posting, previous_settled_through: datetime | None
    ) -> None: ...
    def mark_payout(
        self,
        plan: PayoutPlan,
        status: PayoutStatus,
        reference: str,
        *,
        completed_in: datetime | None = None,
    ) -> None: ...
    def completed_in(self, run_at: datetime) -> Sequence[PayoutRecord]:
        """Payouts of earlier runs that the run at `run_at` completed."""
        ...

    def record_run(self, report: RunReport) -> None:
        """Keeps the run's summary, and an alert for each campaign the run could not pay:
        the records the notifications function turns into the national emails."""
        ...


class PayoutRunStore(Protocol):
    """A fanned-out run's state, plan and settlements (adapters/dynamodb/payout_runs.py)."""

    def run(self, run_at: datetime) -> RunState | None: ...
    def start(self, state: RunState, tasks: Sequence[PayoutTask]) -> bool:
        """Records the run and its tasks; False when it had been started already."""
        ...

    def tasks(self, run_at: datetime) -> Sequence[PayoutTask]: ...
    def settled_campaigns(self, run_at: datetime) -> set[str]: ...
    def settlements(self, run_at: datetime) -> Sequence[Settlement]: ...
    def settle(self, run_at: datetime, settlement: Settlement) -> Settled:
        """Keeps the campaign's settlement once and counts it once; says if it was the last."""
        ...

    def finish(self, run_at: datetime) -> None: ...


class PayoutTaskQueue(Protocol):
    def send(self, tasks: Sequence[PayoutTask]) -> None: ...


class TransferGateway(Protocol):
    def transfer(
        self,
        *,
        idempotency_key: str,
        amount: int,
        destination: str,
        campaign_id: str,
        run_at: datetime,
    ) -> str: ...
    def find_transfer(self, *, idempotency_key: str, run_at: datetime) -> str | None:
        """The transfer an earlier attempt made for this payout, if it made one."""
        ...

    def available_balance(self) -> int:
        """The national account's available balance in pence (GBP): what transfers can draw on."""
        ...


class BankFileStore(Protocol):
    def write(self, run_at: datetime, rows: Sequence[dict[str, str]]) -> str: ...


__all__ = [
    "AlreadyRecorded",
    "BalanceInsufficient",
    "BankFileStore",
    "CampaignBalance",
    "GuardFailed",
    "Guards",
    "HoldingChange",
    "LedgerLine",
    "LedgerStore",
    "LedgerWrite",
    "PayoutMethod",
    "PayoutRecord",
    "PayoutRunStore",
    "PayoutStore",
    "PayoutTaskQueue",
    "StoredPayment",
    "TransferFailed",
    "TransferGateway",
]
