"""A payout statement, itemised from the ledger lines the payout settled, like a bank statement.

Figures only: no formatting, no I/O. The period runs from the previous payout run (any run,
paid or not) to this one. Lines that were already due at the previous run but were not paid
then (a refund that left the campaign owing, carried) make the opening balance; every other
line is this period's. After the payout the closing balance is what is still owed: nothing,
unless the ledger moved between the run and this statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from wardfund.domain.calendar import london_date
from wardfund.domain.campaign import Campaign
from wardfund.domain.facts import Donor
from wardfund.domain.notices import PayoutCompleted
from wardfund.domain.payouts import LedgerLine, PayoutMethod
from wardfund.domain.permissibility import (
    PermissibilityReview,
    PermissibilityRules,
    gifts_from_lines,
    review_permissibility,
)
from wardfund.domain.postings import Payment, PaymentKind, PostingKind
from wardfund.domain.working_days import bank_holiday_name, payment_date

KIND_LABELS = {
    PaymentKind.FIRST_MONTHLY: "Monthly gift: first payment",
    PaymentKind.RENEWAL: "Monthly gift",
    PaymentKind.ONE_OFF: "One-off gift",
}
LAUNCH_INVOICE_LABELS = {
    PostingKind.LAUNCH_INVOICE_REIMBURSED: "Launch-event invoice {} reimbursed",
    PostingKind.LAUNCH_INVOICE_PAID_TO_SUPPLIER: "Launch-event invoice {} paid to the supplier",
}
TAKEBACK_LABELS = {
    PostingKind.REFUND: "Refund",
    PostingKind.DISPUTE_WITHDRAWN: "Disputed by the card holder",
    PostingKind.DISPUTE_REINSTATED: "Dispute won: funds returned",
}

LATE_MATCH_LABEL = "Launch event recorded: match funding"


@dataclass(frozen=True)
class LifecycleNote:
    kind: str  # "renewal_failed" | "cancelled"
    subscription_id: str
    at: datetime


@dataclass(frozen=True)
class StatementRow:
    at: datetime
    kind: str
    label: str
    ward: str
    donor_name: str
    payment_id: str | None
    gross: int
    national: int
    share: int
    match: int
    brought_forward: bool = False
    recovered: bool = False
    gift_date: datetime | None = None
    launch_costs: int = 0

    @property
    def to_campaign(self) -> int:
        return self.share + self.match + self.launch_costs


@dataclass(frozen=True)
class PayoutStatement:
    campaign_id: str
    campaign_name: str
    payout_id: str
    run_at: datetime
    period_start: datetime | None
    amount: int
    method: PayoutMethod
    reference: str
    rows: tuple[StatementRow, ...]
    match_used: int
    match_cap: int
    new_monthly: int
    failed_payments: int
    cancelled: int
    permissibility: PermissibilityReview  # gifts this payout pays, by the one rule
    paid_on: date  # the payment date: the run's London day, or the next working day
    run_on_holiday: str | None = None  # the bank holiday the run fell on, when a bank payout

    @property
    def paid_later(self) -> bool:
        """A bank payout from a run on a weekend or bank holiday: paid the next working day."""
        return self.paid_on != london_date(self.run_at)

    @property
    def period_rows(self) -> tuple[StatementRow, ...]:
        return tuple(row for row in self.rows if not row.brought_forward)

    @property
    def opening_balance(self) -> int:
        return sum(row.to_campaign for row in self.rows if row.brought_forward)

    @property
    def gifts_share(self) -> int:
        return sum(row.share for row in self.period_rows if row.share > 0)

    @property
    def gifts_gross(self) -> int:
        return sum(row.gross for row in self.period_rows if row.gross > 0)

    @property
    def gifts_national(self) -> int:
        return sum(row.national for row in self.period_rows if row.gross > 0)

    @property
    def match_added(self) -> int:
        return sum(row.match for row in self.period_rows if row.match > 0)

    @property
    def launch_costs(self) -> int:
        """Launch-event invoices the agreement reimburses to the campaign this period."""
        return sum(row.launch_costs for row in self.period_rows)

    @property
    def taken_back(self) -> int:
        """Negative: shares and matches taken back by refunds and disputes this period."""
        return sum(
            min(row.share, 0) + min(row.match, 0) for row in self.period_rows if row.to_campaign < 0
        )

    @property
    def recovered(self) -> int:
        """Negative: the part of `taken_back` that reverses gifts an earlier payout paid."""
        return sum(row.to_campaign for row in self.period_rows if row.recovered)

    @property
    def closing_balance(self) -> int:
        return sum(row.to_campaign for row in self.rows) - self.amount

    @property
    def match_remaining(self) -> int:
        return max(0, self.match_cap - self.match_used)


def _donor_name(donor: Donor | None) -> str:
    if donor is None:
        return "A donor"
    return donor.name or "A donor"


def _label(line: LedgerLine, payment: Payment | None) -> str:
    kind = PostingKind(line.kind)
    if kind is PostingKind.PAYMENT:
        return KIND_LABELS[payment.kind] if payment else "Gift"
    if kind in LAUNCH_INVOICE_LABELS:
        return LAUNCH_INVOICE_LABELS[kind].format(line.entry_id.split(":", 1)[-1])
    if kind is PostingKind.LATE_MATCH:
        return LATE_MATCH_LABEL
    return TAKEBACK_LABELS.get(kind, line.kind)


def _row(
    line: LedgerLine,
    paid: Mapping[str, tuple[Payment, Donor]],
    previous_run: datetime | None,
    earlier_payment_ids: set[str],
) -> StatementRow:
    found = paid.get(line.payment_id or "")
    payment, donor = found if found else (None, None)
    takeback = line.kind in TAKEBACK_LABELS
    launch = line.kind in LAUNCH_INVOICE_LABELS
    late_match = line.kind == PostingKind.LATE_MATCH
    return StatementRow(
        at=line.effective_at,
        kind=line.kind,
        label=_label(line, payment),
        ward=line.ward or "",
        donor_name="" if launch else _donor_name(donor),
        payment_id=line.payment_id,
        gross=line.figures.raised,
        national=line.figures.national_share,
        share=line.figures.local_share,
        match=line.figures.match,
        brought_forward=previous_run is not None and line.settle_at <= previous_run,
        recovered=takeback
        and line.figures.owed < 0
        and (line.payment_id or "") in earlier_payment_ids,
        gift_date=payment.paid_at if payment and (takeback or late_match) else None,
        launch_costs=line.figures.launch_costs,
    )


def _distinct(
    notes: Iterable[LifecycleNote], kind: str, start: datetime | None, end: datetime
) -> int:
    return len(
        {
            note.subscription_id
            for note in notes
            if note.kind == kind and (start is None or note.at > start) and note.at <= end
        }
    )


def _kind_of(
    payment_id: str | None, payments: Mapping[str, tuple[Payment, Donor]]
) -> PaymentKind | None:
    found = payments.get(payment_id or "")
    return found[0].kind if found else None


def build_statement(
    payout: PayoutCompleted,
    campaign: Campaign,
    lines: Sequence[LedgerLine],
    payments: Mapping[str, tuple[Payment, Donor]],
    notes: Sequence[LifecycleNote],
    previous_run: datetime | None,
    rules: PermissibilityRules,
) -> PayoutStatement:
    """`lines`: every ledger line of the campaign due at or before the run (settled by this
    payout or an earlier one); `payments`: the payments (and their donors) the settled lines
    name; `notes`: failed renewals and cancellations; `previous_run`: the run before this."""
    settled_keys = set(payout.settles)
    settled = sorted(
        (line for line in lines if line.line_key in settled_keys),
        key=lambda line: (line.effective_at, line.line_key),
    )
    earlier = [line for line in lines if line.line_key not in settled_keys]
    earlier_payment_ids = {
        line.payment_id for line in earlier if line.kind == PostingKind.PAYMENT and line.payment_id
    }
    rows = tuple(_row(line, payments, previous_run, earlier_payment_ids) for line in settled)
    settled_payments = {
        line.payment_id for line in settled if line.kind == PostingKind.PAYMENT and line.payment_id
    }
    new_monthly = sum(
        1
        for row in rows
        if not row.brought_forward
        and row.kind == PostingKind.PAYMENT
        and _kind_of(row.payment_id, payments) is PaymentKind.FIRST_MONTHLY
    )
    by_bank = payout.method == PayoutMethod.BANK_TRANSFER
    return PayoutStatement(
        campaign_id=campaign.campaign_id,
        campaign_name=campaign.name,
        payout_id=payout.payout_id,
        run_at=payout.run_at,
        period_start=previous_run,
        amount=payout.amount,
        method=payout.method,
        reference=payout.reference,
        rows=rows,
        match_used=sum(line.figures.match for line in lines),
        match_cap=campaign.match_cap_pence,
        new_monthly=new_monthly,
        failed_payments=_distinct(notes, "renewal_failed", previous_run, payout.run_at),
        cancelled=_distinct(notes, "cancelled", previous_run, payout.run_at),
        permissibility=review_permissibility(
            gifts_from_lines(lines, payments),
            {donor.donor_ref: donor for _, donor in payments.values()},
            campaign.campaign_type,
            rules,
            in_scope=lambda gift: gift.payment_id in settled_payments,
        ),
        # a Stripe transfer reaches the connected account at once; a bank payment waits
        # for the next working day when the run falls on a weekend or bank holiday
        paid_on=payment_date(payout.run_at) if by_bank else london_date(payout.run_at),
        run_on_holiday=bank_holiday_name(london_date(payout.run_at)) if by_bank else None,
    )
