"""Use cases: submit, approve, reject and pay launch-event invoices (up to a cap)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from wardfund.domain.campaign import Campaign
from wardfund.domain.display import pounds
from wardfund.domain.errors import InvalidCampaign
from wardfund.domain.launch_invoices import (
    CapReached,
    InvoiceRefused,
    InvoiceState,
    LaunchInvoice,
    PayTo,
    check_fits,
    post_launch_invoice,
)
from wardfund.domain.payouts import settle_time
from wardfund.domain.postings import Posting
from wardfund.services.ports import GuardFailed

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_TRIES = 3


class InvoiceStore(Protocol):
    def find(self, invoice_id: str) -> LaunchInvoice | None: ...
    def for_campaign(self, campaign_id: str) -> list[LaunchInvoice]: ...
    def committed(self, campaign_id: str) -> int: ...
    def settled_through(self, campaign_id: str) -> datetime | None: ...
    def add(self, invoice: LaunchInvoice) -> None: ...
    def approve(self, approved: LaunchInvoice, *, limit: int, campaign_version: int) -> None: ...
    def reject(self, rejected: LaunchInvoice, *, was: InvoiceState) -> None: ...
    def pay(self, paid: LaunchInvoice, posting: Posting, settle_at: datetime) -> None: ...


class Campaigns(Protocol):
    def get(self, campaign_id: str) -> Campaign | None: ...


class Documents(Protocol):
    def put(self, key: str, body: bytes, content_type: str) -> str: ...


class AuditLog(Protocol):
    def record(
        self, campaign_id: str, *, action: str, by: str, at: datetime, detail: str
    ) -> None: ...


def _campaign(campaigns: Campaigns, campaign_id: str) -> Campaign:
    found = campaigns.get(campaign_id)
    if found is None:
        raise InvalidCampaign(f"no campaign with id {campaign_id!r}")
    return found


def _invoice(invoices: InvoiceStore, invoice_id: str) -> LaunchInvoice:
    found = invoices.find(invoice_id)
    if found is None:
        raise InvoiceRefused(f"no launch-event invoice with id {invoice_id!r}")
    return found


def submit_invoice(
    invoices: InvoiceStore,
    campaigns: Campaigns,
    documents: Documents,
    audit: AuditLog,
    *,
    invoice_id: str,
    campaign_id: str,
    supplier: str,
    amount: int,
    file_name: str,
    body: bytes,
    content_type: str,
    by: str,
    at: datetime,
    principal: str | None = None,
) -> tuple[LaunchInvoice, int]:
    """Returns the invoice and the room left under the cap (it may not fit: approval decides)."""
    campaign = _campaign(campaigns, campaign_id)
    if not body:
        raise InvoiceRefused(f"{file_name} is empty")
    if len(body) > MAX_DOCUMENT_BYTES:
        raise InvoiceRefused(f"{file_name} is over {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB")
    if amount > campaign.launch_invoice_cap_pence:
        raise InvoiceRefused(
            f"{pounds(amount)} is more than the whole launch-event invoice cap of {campaign_id} "
            f"({pounds(campaign.launch_invoice_cap_pence)})"
        )
    invoice = LaunchInvoice(
        invoice_id=invoice_id,
        campaign_id=campaign_id,
        supplier=supplier,
        amount=amount,
        document="",
        document_sha256=hashlib.sha256(body).hexdigest(),
        submitted_at=at,
        submitted_by=by,
        submitted_principal=principal,
    )
    safe_name = "".join(c if c.isalnum() or c in "._-" else "_" for c in file_name)[-100:]
    key = f"launch-invoices/{campaign_id}/{invoice_id}/{safe_name}"
    invoice = replace(invoice, document=documents.put(key, body, content_type))
    invoices.add(invoice)
    audit.record(
        campaign_id,
        action="launch invoice submitted",
        by=by,
        at=at,
        detail=f"{invoice_id}: {supplier}, {pounds(amount)}, {safe_name}",
    )
    room = campaign.launch_invoice_cap_pence - invoices.committed(campaign_id)
    return invoice, room


def approve_invoice(
    invoices: InvoiceStore, campaigns: Campaigns, audit: AuditLog, invoice_id: str, *, by: str,
    at: datetime, principal: str | None = None,
) -> LaunchInvoice:  # fmt: skip
    """Approved only if it fits under the cap; a concurrent approval cannot both fit."""
    for _ in range(MAX_TRIES):
        invoice = _invoice(invoices, invoice_id)
        approved = invoice.approved_by(by, at, principal)
        campaign = _campaign(campaigns, invoice.campaign_id)
        cap = campaign.launch_invoice_cap_pence
        check_fits(invoice, cap, invoices.committed(invoice.campaign_id))
        try:
            invoices.approve(
                approved, limit=cap - invoice.amount, campaign_version=campaign.version
            )
        except GuardFailed:
            continue  # the campaign's settings changed: read the cap again
        except CapReached:
            check_fits(invoice, cap, invoices.committed(invoice.campaign_id))  # names the amounts
            raise
        audit.record(
            invoice.campaign_id,
            action="launch invoice approved",
            by=by,
            at=at,
            detail=f"{invoice_id}: {pounds(invoice.amount)}",
        )
        return approved
    raise GuardFailed(f"campaign settings kept changing while approving {invoice_id}; try again")


def reject_invoice(
    invoices: InvoiceStore, audit: AuditLog, invoice_id: str, *, reason: str, by: str,
    at: datetime,
) -> LaunchInvoice:  # fmt: skip
    if not reason.strip():
        raise InvoiceRefused("a rejection needs a reason")
    invoice = _invoice(invoices, invoice_id)
    rejected = replace(
        invoice.moved_to(InvoiceState.REJECTED), decided_at=at, decided_by=by, reason=reason
    )
    invoices.reject(rejected, was=invoice.state)
    audit.record(
        invoice.campaign_id,
        action="launch invoice rejected",
        by=by,
        at=at,
        detail=f"{invoice_id}: {reason}",
    )
    return rejected


def pay_invoice(
    invoices: InvoiceStore, audit: AuditLog, invoice_id: str, *, pay_to: PayTo,
    reference: str | None, by: str, at: datetime,
) -> LaunchInvoice:  # fmt: skip
    """Records the payment in the ledger from the national account.

    To the campaign: its next payout includes the amount. To the supplier: national only,
    shown on the campaign's statement. A line dated before the last payout's cut-off joins
    the next payout, as any late line does.
    """
    for _ in range(MAX_TRIES):
        invoice = _invoice(invoices, invoice_id)
        paid = replace(
            invoice.moved_to(InvoiceState.PAID),
            paid_at=at,
            paid_by=by,
            pay_to=pay_to,
            payment_reference=reference,
        )
        settle_at = settle_time(at, invoices.settled_through(invoice.campaign_id))
        try:
            invoices.pay(paid, post_launch_invoice(paid, pay_to, at), settle_at)
        except GuardFailed:
            continue  # a payout ran meanwhile: settle on the next one
        audit.record(
            invoice.campaign_id,
            action="launch invoice paid",
            by=by,
            at=at,
            detail=f"{invoice_id}: {pounds(invoice.amount)} to the {pay_to}"
            + (f", reference {reference}" if reference else ""),
        )
        return paid
    raise GuardFailed(f"payouts kept running while paying {invoice_id}; try again")
