"""`wardfund invoice submit|approve|reject|pay|list|show`: launch-event invoices under a cap."""

from __future__ import annotations

import json
import mimetypes
import uuid
from pathlib import Path
from typing import Annotated, Any

import typer

from wardfund.cli.common import (
    CommandError,
    command_errors,
    labelled,
    money,
    now,
    out,
    pounds_to_pence,
)
from wardfund.cli.options import JsonOption
from wardfund.cli.stack_options import Connect, stack_and_actor_options, stack_options
from wardfund.cli.tables import columns, print_table
from wardfund.cli.target import Target
from wardfund.domain.calendar import LONDON
from wardfund.domain.launch_invoices import LaunchInvoice, PayTo

app = typer.Typer(
    help="Launch-event invoices the agreement pays, up to a cap per campaign.",
    no_args_is_help=True,
)
InvoiceArg = Annotated[str, typer.Argument(help="Invoice id, as `submit` printed it.")]


def _stores(target: Target) -> tuple[Any, Any, Any]:
    from wardfund.adapters.dynamodb.audit_log import DynamoAuditLog
    from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
    from wardfund.adapters.dynamodb.launch_invoice_store import DynamoLaunchInvoiceStore

    return (
        DynamoLaunchInvoiceStore(target.table),
        DynamoCampaignStore(target.table),
        DynamoAuditLog(target.table),
    )


def new_invoice_id() -> str:
    return f"li-{uuid.uuid4().hex[:10]}"


def invoice_json(invoice: LaunchInvoice) -> dict[str, Any]:
    def when(value: Any) -> str | None:
        return value.astimezone(LONDON).isoformat() if value else None

    return {
        "invoice_id": invoice.invoice_id,
        "campaign": invoice.campaign_id,
        "supplier": invoice.supplier,
        "amount_pence": invoice.amount,
        "state": str(invoice.state),
        "document": invoice.document,
        "document_sha256": invoice.document_sha256,
        "submitted_at": when(invoice.submitted_at),
        "submitted_by": invoice.submitted_by,
        "decided_at": when(invoice.decided_at),
        "decided_by": invoice.decided_by,
        "reason": invoice.reason,
        "paid_at": when(invoice.paid_at),
        "paid_by": invoice.paid_by,
        "pay_to": str(invoice.pay_to) if invoice.pay_to else None,
        "payment_reference": invoice.payment_reference,
    }


@app.command()
@stack_and_actor_options
def submit(
    campaign_id: Annotated[str, typer.Argument(help="The campaign whose launch event it was.")],
    supplier: Annotated[str, typer.Option("--supplier", help="Who sent the invoice.")],
    amount: Annotated[
        str, typer.Option("--amount", metavar="POUNDS", help="Amount in pounds, e.g. 450.00.")
    ],
    file: Annotated[Path, typer.Option("--file", help="The invoice document (PDF, image).")],
    *,
    connect: Connect,
) -> None:
    """Submit a launch-event invoice with its document, for approval."""
    from wardfund.adapters.s3_documents import S3Documents
    from wardfund.services.launch_invoices import submit_invoice

    with command_errors():
        pence = pounds_to_pence(amount, what="--amount")
        if pence <= 0:
            raise CommandError("--amount must be more than nothing")
        try:
            body = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        target = connect()
        invoices, campaigns, audit = _stores(target)
        invoice, room = submit_invoice(
            invoices,
            campaigns,
            S3Documents(target.settings.bank_files_bucket),
            audit,
            invoice_id=new_invoice_id(),
            campaign_id=campaign_id,
            supplier=supplier,
            amount=pence,
            file_name=file.name,
            body=body,
            content_type=mimetypes.guess_type(file.name)[0] or "application/octet-stream",
            by=target.actor,
            at=now(),
            principal=target.principal,
        )
    out().print(f"submitted {invoice.invoice_id}: {supplier}, {money(pence)}")
    if pence > room:
        out().print(
            labelled("note:", "yellow", f"only {money(max(room, 0))} is left under the cap")
        )


@app.command()
@stack_and_actor_options
def approve(invoice_id: InvoiceArg, *, connect: Connect) -> None:
    """Approve an invoice: refused if it would pass the campaign's cap."""
    from wardfund.services.launch_invoices import approve_invoice

    with command_errors():
        target = connect()
        invoices, campaigns, audit = _stores(target)
        approved = approve_invoice(
            invoices, campaigns, audit, invoice_id, by=target.actor, at=now(),
            principal=target.principal,
        )  # fmt: skip
    out().print(f"approved {approved.invoice_id}: {money(approved.amount)}")


@app.command()
@stack_and_actor_options
def reject(
    invoice_id: InvoiceArg,
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded, shown to them).")],
    *,
    connect: Connect,
) -> None:
    """Reject a submitted or approved invoice (an approved one frees its part of the cap)."""
    from wardfund.services.launch_invoices import reject_invoice

    with command_errors():
        target = connect()
        invoices, _, audit = _stores(target)
        rejected = reject_invoice(
            invoices, audit, invoice_id, reason=reason, by=target.actor, at=now()
        )
    out().print(f"rejected {rejected.invoice_id}: {reason}")


@app.command()
@stack_and_actor_options
def pay(
    invoice_id: InvoiceArg,
    to: Annotated[
        str, typer.Option("--to", help="supplier (paid directly) or campaign (reimbursed).")
    ] = "supplier",
    reference: Annotated[
        str | None, typer.Option("--reference", help="The bank payment's reference.")
    ] = None,
    *,
    connect: Connect,
) -> None:
    """Record an approved invoice as paid from the national account (in the ledger)."""
    from wardfund.services.launch_invoices import pay_invoice

    with command_errors():
        try:
            pay_to = PayTo(to)
        except ValueError:
            raise CommandError(f"--to is supplier or campaign, not {to!r}") from None
        target = connect()
        invoices, _, audit = _stores(target)
        paid = pay_invoice(
            invoices, audit, invoice_id, pay_to=pay_to, reference=reference, by=target.actor,
            at=now(),
        )  # fmt: skip
    if pay_to is PayTo.CAMPAIGN:
        out().print(f"{paid.invoice_id}: {money(paid.amount)} added to the next payout")
    else:
        out().print(f"{paid.invoice_id}: {money(paid.amount)} paid to {paid.supplier}")


@app.command("list")
@stack_options
def list_invoices(
    campaign_id: Annotated[str, typer.Argument(help="The campaign.")],
    as_json: JsonOption = False,
    *,
    connect: Connect,
) -> None:
    """A campaign's launch-event invoices and how much of the cap is committed."""
    from wardfund.services.campaigns import existing

    with command_errors():
        invoices, campaigns, _ = _stores(connect())
        campaign = existing(campaigns, campaign_id)
        found = invoices.for_campaign(campaign_id)
        committed = invoices.committed(campaign_id)
    if as_json:
        print(
            json.dumps(
                {
                    "campaign": campaign_id,
                    "cap_pence": campaign.launch_invoice_cap_pence,
                    "committed_pence": committed,
                    "invoices": [invoice_json(i) for i in found],
                },
                indent=2,
            )
        )
        return
    print_table(
        out(),
        f"{campaign.name}: {money(committed)} of {money(campaign.launch_invoice_cap_pence)}"
        " committed",
        columns("Id", "Supplier", "Amount", "State", "Submitted", "Paid to", right=("Amount",)),
        [
            [
                invoice.invoice_id,
                invoice.supplier,
                money(invoice.amount),
                str(invoice.state),
                invoice.submitted_at.astimezone(LONDON).date().isoformat(),
                str(invoice.pay_to or "-"),
            ]
            for invoice in found
        ],
    )


@app.command()
@stack_options
def show(invoice_id: InvoiceArg, *, connect: Connect) -> None:
    """One invoice as JSON."""
    with command_errors():
        invoices, _, _ = _stores(connect())
        invoice = invoices.find(invoice_id)
        if invoice is None:
            raise CommandError(f"no launch-event invoice with id {invoice_id!r}")
    print(json.dumps(invoice_json(invoice), indent=2))
