"""Storage shapes of the domain's objects: how each is written to and read from an item."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import date
from typing import Any

from wardfund.adapters.dynamodb.table import Item, Table, from_item, key, payment_pk
from wardfund.domain.calendar import parse_utc_key, utc_key
from wardfund.domain.campaign import Campaign, CampaignType
from wardfund.domain.facts import Donor, InvoiceSeen
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.ledger import JournalEntry
from wardfund.domain.money import DEFAULT_LAUNCH_INVOICE_CAP_PENCE
from wardfund.domain.payouts import LedgerLine, PayoutMethod, PayoutPlan
from wardfund.domain.postings import Allocation, Holding, Payment, PaymentKind, holding_when_paid
from wardfund.domain.run_report import CampaignRunLine, RunReport

FIGURE_NAMES = ("raised", "local_share", "national_share", "match", "paid_out", "launch_costs")


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def campaign_values(campaign: Campaign) -> dict[str, Any]:
    return {
        "campaign_id": campaign.campaign_id,
        "name": campaign.name,
        "treasurer_emails": list(campaign.treasurer_emails),
        "launch_event_on": campaign.launch_event_on.isoformat()
        if campaign.launch_event_on
        else None,
        "election_on": campaign.election_on.isoformat() if campaign.election_on else None,
        "match_cap_pence": campaign.match_cap_pence,
        "local_share_bps": campaign.local_share_bps,
        "withdrawn_at": utc_key(campaign.withdrawn_at) if campaign.withdrawn_at else None,
        "connect_account_id": campaign.connect_account_id,
        "bank_reference": campaign.bank_reference,
        "launch_invoice_cap_pence": campaign.launch_invoice_cap_pence,
        "campaign_type": str(campaign.campaign_type),
        "promoter_name": campaign.promoter_name,
        "promoter_address": campaign.promoter_address,
        "on_behalf_of": campaign.on_behalf_of,
        "printer": campaign.printer,
    }


def campaign_from(item: Item) -> Campaign:
    return Campaign(
        campaign_id=item["campaign_id"],
        name=item["name"],
        treasurer_emails=tuple(item.get("treasurer_emails", [])),
        launch_event_on=_date(item.get("launch_event_on")),
        election_on=_date(item.get("election_on")),
        match_cap_pence=item["match_cap_pence"],
        local_share_bps=item["local_share_bps"],
        withdrawn_at=parse_utc_key(item["withdrawn_at"]) if item.get("withdrawn_at") else None,
        connect_account_id=item.get("connect_account_id"),
        bank_reference=item.get("bank_reference"),
        launch_invoice_cap_pence=item.get(
            "launch_invoice_cap_pence", DEFAULT_LAUNCH_INVOICE_CAP_PENCE
        ),
        campaign_type=item.get("campaign_type") or CampaignType.CANDIDATE,
        promoter_name=item.get("promoter_name"),
        promoter_address=item.get("promoter_address"),
        on_behalf_of=item.get("on_behalf_of"),
        printer=item.get("printer"),
        version=item.get("version", 0),
    )


def figures_from(item: Item) -> CampaignFigures:
    return CampaignFigures(**{name: int(item.get(name, 0)) for name in FIGURE_NAMES})


def allocation_from(values: dict[str, Any]) -> Allocation:
    return Allocation(**{name: int(value) for name, value in values.items()})


def payment_values(payment: Payment, allocation: Allocation, donor: Donor) -> dict[str, Any]:
    return {
        "payment_id": payment.payment_id,
        "campaign_id": payment.campaign_id,
        "ward": payment.ward,
        "kind": str(payment.kind),
        "gross": payment.gross,
        "currency": payment.currency,
        "paid_at": utc_key(payment.paid_at),
        "donor_ref": payment.donor_ref,
        "subscription_id": payment.subscription_id,
        "allocation": asdict(allocation),
        "donor_email": donor.email,
        "donor_name": donor.name,
    } | holding_values(holding_when_paid(allocation))


def holding_values(holding: Holding) -> dict[str, Any]:
    return {"taken_back": holding.taken_back, "match_base": holding.match_base}


def holding_from(item: Item) -> Holding | None:
    if "taken_back" not in item:
        return None
    return Holding(taken_back=int(item["taken_back"]), match_base=int(item["match_base"]))


def payment_from(item: Item) -> tuple[Payment, Allocation, Donor]:
    payment = Payment(
        payment_id=item["payment_id"],
        campaign_id=item.get("campaign_id"),
        ward=item.get("ward"),
        kind=PaymentKind(item["kind"]),
        gross=item["gross"],
        currency=item["currency"],
        paid_at=parse_utc_key(item["paid_at"]),
        donor_ref=item["donor_ref"],
        subscription_id=item.get("subscription_id"),
    )
    donor = Donor(item["donor_ref"], item.get("donor_email"), item.get("donor_name"))
    return payment, allocation_from(item["allocation"]), donor


def invoice_values(invoice: InvoiceSeen) -> dict[str, Any]:
    return {
        "invoice_id": invoice.invoice_id,
        "subscription_id": invoice.subscription_id,
        "campaign_id": invoice.campaign_id,
        "ward": invoice.ward,
        "first_payment": invoice.first_payment,
        "currency": invoice.currency,
        "donor_ref": invoice.donor.donor_ref,
        "donor_email": invoice.donor.email,
        "donor_name": invoice.donor.name,
    }


def invoice_from(item: Item) -> InvoiceSeen:
    return InvoiceSeen(
        invoice_id=item["invoice_id"],
        subscription_id=item["subscription_id"],
        campaign_id=item.get("campaign_id"),
        ward=item.get("ward"),
        first_payment=bool(item["first_payment"]),
        currency=item["currency"],
        donor=Donor(item["donor_ref"], item.get("donor_email"), item.get("donor_name")),
    )


def journal_values(entry: JournalEntry) -> list[dict[str, Any]]:
    return [
        {"account": line.account, "side": str(line.side), "amount": line.amount}
        for line in entry.lines
    ]


def line_from(item: Item) -> LedgerLine:
    return LedgerLine(
        line_key=item["SK"],
        entry_id=item["entry_id"],
        kind=item["kind"],
        effective_at=parse_utc_key(item["effective_at"]),
        settle_at=parse_utc_key(item["settle_at"]),
        figures=figures_from(item.get("figures", {})),
        payment_id=item.get("payment_id"),
        ward=item.get("ward"),
        donor_ref=item.get("donor_ref"),
    )


def plan_values(plan: PayoutPlan) -> dict[str, Any]:
    return {
        "payout_id": plan.payout_id,
        "campaign_id": plan.campaign_id,
        "run_at": utc_key(plan.run_at),
        "amount": plan.amount,
        "method": str(plan.method),
        "settles": list(plan.settles),
    }


def plan_from(item: Item) -> PayoutPlan:
    return PayoutPlan(
        payout_id=item["payout_id"],
        campaign_id=item["campaign_id"],
        run_at=parse_utc_key(item["run_at"]),
        amount=item["amount"],
        method=PayoutMethod(item["method"]),
        settles=tuple(item.get("settles", [])),
    )


def _run_line_values(line: CampaignRunLine) -> dict[str, Any]:
    return {
        "campaign_id": line.campaign_id,
        "name": line.name,
        "to_date": line.to_date.as_dict(),
        "paid": line.paid,
        "method": line.method,
        "status": line.status,
        "reference": line.reference,
        "carried": line.carried,
        "failure": line.failure,
        "resumed_from": utc_key(line.resumed_from) if line.resumed_from else None,
        "held_for_balance": True if line.held_for_balance else None,
    }


def run_line_values(lines: Iterable[CampaignRunLine]) -> list[dict[str, Any]]:
    return [
        {name: value for name, value in _run_line_values(line).items() if value is not None}
        for line in lines
    ]


# A run's lines are kept in its summary item, under DynamoDB's 400 KB for an item: about 200
# bytes each, so beyond LINES_INLINE_MAX lines (a run of thousands of campaigns) they are kept
# gzip-compressed as base64 text (`lines_gz`: about a tenth of the size), still one item.
LINES_INLINE_MAX = 1000


def run_report_values(report: RunReport) -> dict[str, Any]:
    lines = run_line_values(report.lines)
    values: dict[str, Any] = {"run_at": utc_key(report.run_at), "bank_file": report.bank_file}
    if len(lines) > LINES_INLINE_MAX:
        packed = gzip.compress(json.dumps(lines, separators=(",", ":")).encode(), mtime=0)
        return values | {"lines_gz": base64.b64encode(packed).decode()}
    return values | {"lines": lines}


def _lines_of(item: Item) -> list[Any]:
    if item.get("lines_gz"):
        lines: list[Any] = json.loads(gzip.decompress(base64.b64decode(item["lines_gz"])))
        return lines
    return list(item.get("lines", []))


def run_report_from(item: Item) -> RunReport:
    return RunReport(
        run_at=parse_utc_key(item["run_at"]),
        bank_file=item.get("bank_file"),
        lines=run_lines_from(_lines_of(item)),
    )


def run_lines_from(values: Iterable[Any]) -> tuple[CampaignRunLine, ...]:
    return tuple(
        CampaignRunLine(
            campaign_id=line["campaign_id"],
            name=line.get("name", line["campaign_id"]),
            to_date=figures_from(line.get("to_date", {})),
            paid=int(line.get("paid", 0)),
            method=line.get("method"),
            status=line.get("status"),
            reference=line.get("reference"),
            carried=int(line.get("carried", 0)),
            failure=line.get("failure"),
            resumed_from=(
                parse_utc_key(line["resumed_from"]) if line.get("resumed_from") else None
            ),
            held_for_balance=bool(line.get("held_for_balance", False)),
        )
        for line in values
    )


PAYMENT_BATCH = 100  # BatchGetItem's largest request


def payment_items(table: Table, payment_ids: Iterable[str]) -> Iterator[Item]:
    """The PAYMENT records of these payments, read consistently, a hundred keys a call."""
    wanted = sorted(set(payment_ids))
    for start in range(0, len(wanted), PAYMENT_BATCH):
        keys: list[dict[str, Any]] = [
            key(payment_pk(pid), "PAYMENT") for pid in wanted[start : start + PAYMENT_BATCH]
        ]
        request: dict[str, Any] = {table.name: {"Keys": keys, "ConsistentRead": True}}
        while request:
            answer = table.client.batch_get_item(RequestItems=request)
            for raw in answer.get("Responses", {}).get(table.name, []):
                yield from_item(raw)
            request = dict(answer.get("UnprocessedKeys") or {})
