"""Launch-event invoices the agreement pays for, up to a cap per campaign.

submitted → approved → paid, or → rejected (from submitted or approved). Someone other
than the person who submitted an invoice approves it. An approved or
paid invoice counts against the campaign's cap; the store makes that count and the state
change one conditional write, so two approvals at once can never pass the cap together.

Paying one is a journal entry from the national account: reimbursed to the campaign (it
adds to what the next payout pays) or paid to the supplier directly (national only).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from wardfund.domain.calendar import require_aware
from wardfund.domain.display import pounds
from wardfund.domain.errors import WardfundError
from wardfund.domain.figures import ZERO, CampaignFigures
from wardfund.domain.ledger import (
    NATIONAL_BANK,
    NATIONAL_LAUNCH_EVENT_FUNDING,
    campaign_launch_costs_account,
    credit,
    debit,
    journal_entry,
)
from wardfund.domain.money import require_pence
from wardfund.domain.postings import AGREEMENT_CURRENCY, Posting, PostingKind


class InvoiceState(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PAID = "paid"
    REJECTED = "rejected"


class PayTo(StrEnum):
    SUPPLIER = "supplier"
    CAMPAIGN = "campaign"


NEXT_STATES = {
    InvoiceState.SUBMITTED: frozenset({InvoiceState.APPROVED, InvoiceState.REJECTED}),
    InvoiceState.APPROVED: frozenset({InvoiceState.PAID, InvoiceState.REJECTED}),
    InvoiceState.PAID: frozenset(),
    InvoiceState.REJECTED: frozenset(),
}
COMMITTED_STATES = frozenset({InvoiceState.APPROVED, InvoiceState.PAID})


class InvoiceRefused(WardfundError):
    """The invoice cannot move to that state, or would pass the cap."""


class CapReached(InvoiceRefused):
    """Approving would pass the campaign's launch-event invoice cap."""


@dataclass(frozen=True)
class LaunchInvoice:
    invoice_id: str
    campaign_id: str
    supplier: str
    amount: int
    document: str
    document_sha256: str
    submitted_at: datetime
    submitted_by: str
    state: InvoiceState = InvoiceState.SUBMITTED
    decided_at: datetime | None = None
    decided_by: str | None = None
    reason: str | None = None
    paid_at: datetime | None = None
    paid_by: str | None = None
    pay_to: PayTo | None = None
    payment_reference: str | None = None
    submitted_principal: str | None = None  # who the credentials say submitted (AWS identity)
    decided_principal: str | None = None

    def __post_init__(self) -> None:
        require_pence(self.amount, what=f"invoice {self.invoice_id}")
        if self.amount == 0:
            raise InvoiceRefused(f"invoice {self.invoice_id} is for nothing")
        if not self.supplier.strip():
            raise InvoiceRefused(f"invoice {self.invoice_id} needs a supplier")
        require_aware(self.submitted_at)

    @property
    def committed(self) -> bool:
        return self.state in COMMITTED_STATES

    def approved_by(self, by: str, at: datetime, principal: str | None = None) -> LaunchInvoice:
        """`principal`: the approver's identity as their credentials give it, when known; a
        name can be typed, so the same credentials cannot approve under another name."""
        approved = self.moved_to(InvoiceState.APPROVED)
        same_credentials = principal is not None and principal == self.submitted_principal
        if same_credentials or _same_person(by, self.submitted_by):
            raise InvoiceRefused(
                f"invoice {self.invoice_id} needs a second person: whoever submitted it "
                "cannot also approve it"
            )
        return replace(approved, decided_at=at, decided_by=by, decided_principal=principal)

    def moved_to(self, state: InvoiceState) -> LaunchInvoice:
        if state not in NEXT_STATES[self.state]:
            raise InvoiceRefused(
                f"invoice {self.invoice_id} is {self.state}; it cannot become {state}"
            )
        return replace(self, state=state)


def _same_person(one: str, other: str) -> bool:
    return one.strip().casefold() == other.strip().casefold()


def room_under_cap(cap: int, committed: int) -> int:
    return max(0, cap - committed)


def check_fits(invoice: LaunchInvoice, cap: int, committed: int) -> None:
    room = room_under_cap(cap, committed)
    if invoice.amount > room:
        raise CapReached(
            f"invoice {invoice.invoice_id} for {pounds(invoice.amount)} would pass the cap of "
            f"{invoice.campaign_id}: {pounds(committed)} of {pounds(cap)} is already committed "
            f"({pounds(room)} left)"
        )


def launch_invoice_entry_id(invoice_id: str) -> str:
    return f"launch_invoice:{invoice_id}"


def post_launch_invoice(invoice: LaunchInvoice, pay_to: PayTo, at: datetime) -> Posting:
    """The national account pays: to the campaign (adds to what it is owed) or the supplier."""
    amount = invoice.amount
    if pay_to is PayTo.CAMPAIGN:
        lines = [
            debit(NATIONAL_LAUNCH_EVENT_FUNDING, amount),
            credit(campaign_launch_costs_account(invoice.campaign_id), amount),
        ]
        kind = PostingKind.LAUNCH_INVOICE_REIMBURSED
        figures: CampaignFigures = CampaignFigures(launch_costs=amount)
    else:
        lines = [debit(NATIONAL_LAUNCH_EVENT_FUNDING, amount), credit(NATIONAL_BANK, amount)]
        kind = PostingKind.LAUNCH_INVOICE_PAID_TO_SUPPLIER
        figures = ZERO
    return Posting(
        entry=journal_entry(launch_invoice_entry_id(invoice.invoice_id), AGREEMENT_CURRENCY, lines),
        kind=kind,
        effective_at=require_aware(at),
        campaign_id=invoice.campaign_id,
        figures=figures,
    )
