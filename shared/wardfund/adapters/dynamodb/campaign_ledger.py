"""Reads a campaign's whole ledger back for reports: its lines, its payouts, and the payment
records (with donors) the lines name."""

from __future__ import annotations

from collections.abc import Iterable

from wardfund.adapters.dynamodb.records import figures_from, payment_from, payment_items
from wardfund.adapters.dynamodb.table import Item, Table, campaign_pk
from wardfund.domain.account_report import ReportEntry
from wardfund.domain.calendar import parse_utc_key
from wardfund.domain.donor_report import Movement
from wardfund.domain.facts import Donor
from wardfund.domain.postings import Payment, PaymentKind, PostingKind
from wardfund.services.reports import CampaignLedger

PAYMENT_LABELS = {
    PaymentKind.FIRST_MONTHLY: "Monthly gift, first payment",
    PaymentKind.RENEWAL: "Monthly gift",
    PaymentKind.ONE_OFF: "One-off gift",
}
LINE_LABELS: dict[str, str] = {
    PostingKind.REFUND: "Refund",
    PostingKind.DISPUTE_WITHDRAWN: "Disputed by the card holder",
    PostingKind.DISPUTE_REINSTATED: "Dispute won: funds returned",
    PostingKind.LATE_MATCH: "Launch event recorded: match funding of a first payment",
}
PAYOUT_LABELS = {"stripe_transfer": "Payout by Stripe transfer", "bank_transfer": "Payout by bank"}


def _line_entry(item: Item, payments: dict[str, tuple[Payment, Donor]]) -> ReportEntry:
    kind = item["kind"]
    payment_id = item.get("payment_id")
    reference: str | None = payment_id
    paid_for = 0
    if kind == PostingKind.PAYMENT:
        found = payments.get(payment_id or "")
        label = PAYMENT_LABELS[found[0].kind] if found else "Gift"
    elif kind == PostingKind.LAUNCH_INVOICE_REIMBURSED:
        label = f"Launch-event invoice reimbursed ({item.get('supplier', '')})"
        reference = item.get("invoice_id")
    elif kind == PostingKind.LAUNCH_INVOICE_PAID_TO_SUPPLIER:
        label = f"Launch-event invoice paid to {item.get('supplier', '')} by the national body"
        reference = item.get("invoice_id")
        paid_for = int(item.get("amount", 0))
    else:
        label = LINE_LABELS.get(kind) or str(kind)
    return ReportEntry(
        at=parse_utc_key(item["effective_at"]),
        entry_id=item["entry_id"],
        kind=kind,
        label=label,
        figures=figures_from(item.get("figures", {})),
        ward=item.get("ward"),
        reference=reference,
        paid_for_campaign=paid_for,
    )


def _payout_entry(item: Item) -> ReportEntry:
    return ReportEntry(
        at=parse_utc_key(item["run_at"]),
        entry_id=item["entry_id"],
        kind=str(PostingKind.PAYOUT),
        label=PAYOUT_LABELS.get(item.get("method", ""), "Payout"),
        figures=figures_from(item.get("figures", {})),
        reference=item.get("reference") or item.get("payout_id"),
    )


class DynamoCampaignLedger:
    def __init__(self, table: Table) -> None:
        self.table = table

    def read(self, campaign_id: str) -> CampaignLedger:
        pk = campaign_pk(campaign_id)
        lines = list(self.table.query(pk, "LINE#", "LINE#\uffff"))
        payouts = list(self.table.query(pk, "PAYOUT#", "PAYOUT#\uffff"))
        ids = {item["payment_id"] for item in lines if item.get("payment_id")}
        payments = self.payments(ids)
        ledger = CampaignLedger(payments=payments)
        for item in lines:
            ledger.entries.append(_line_entry(item, payments))
            raised = figures_from(item.get("figures", {})).raised
            if item.get("payment_id") and raised:
                ledger.movements.append(
                    Movement(item["payment_id"], parse_utc_key(item["effective_at"]), raised)
                )
        ledger.entries.extend(_payout_entry(item) for item in payouts)
        return ledger

    def payments(self, payment_ids: Iterable[str]) -> dict[str, tuple[Payment, Donor]]:
        found: dict[str, tuple[Payment, Donor]] = {}
        for item in payment_items(self.table, payment_ids):
            payment, _, donor = payment_from(item)
            found[payment.payment_id] = (payment, donor)
        return found
