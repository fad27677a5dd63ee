"""`wardfund suspense list|assign|refund`: the way out of suspense (issue 14, section 2)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from wardfund.cli.common import CommandError, command_errors, now, out
from wardfund.cli.stack_options import Connect, stack_options
from wardfund.cli.tables import columns, print_table
from wardfund.domain import display
from wardfund.domain.calendar import LONDON
from wardfund.domain.suspense import shown_amount

app = typer.Typer(
    help="Payments no campaign could be given: list them, assign one to its campaign, or "
    "refund it.",
    no_args_is_help=True,
)
PaymentArg = Annotated[
    str, typer.Argument(help="The payment's id (pi_..., as `suspense list` shows it).")
]
ByRequired = Annotated[
    str | None,
    typer.Option(
        "--by", envvar="WARDFUND_ACTOR", help="Who is acting (required: kept in the audit trail)."
    ),
]


def _who(by: str | None) -> str:
    if not by or not by.strip():
        raise CommandError("say who is acting: --by NAME (or set WARDFUND_ACTOR)")
    return by.strip()


def _when(at: Any) -> str:
    return at.astimezone(LONDON).strftime("%d %b %Y %H:%M") if at else ""


@app.command("list")
@stack_options
def list_suspense(
    every: Annotated[
        bool, typer.Option("--all", help="Resolved payments too (assigned or refunded).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    *,
    connect: Connect,
) -> None:
    """Payments in suspense: what each holds, why it is there and what is needed."""
    from wardfund.adapters.dynamodb.suspense_assignment import DynamoSuspense

    with command_errors():
        target = connect()
        rows = [row for row in DynamoSuspense(target.table).rows() if every or row.item.open]
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "payment_id": row.item.payment_id,
                        "paid_at": row.item.paid_at.astimezone(LONDON).isoformat(),
                        "amount_pence": row.item.amount,
                        "held_pence": row.held,
                        "currency": row.item.currency,
                        "kind": str(row.item.kind),
                        "why": row.item.why,
                        "campaign_named": row.item.campaign_named,
                        "ward": row.item.ward,
                        "open": row.item.open,
                        "resolved_at": row.item.resolved_at.astimezone(LONDON).isoformat()
                        if row.item.resolved_at
                        else None,
                        "resolved_by": row.resolved_by,
                        "resolution": row.resolution,
                        "needed": row.item.needed,
                    }
                    for row in rows
                ],
                indent=2,
            )
        )
        return
    heads = columns(
        "Payment", "Paid (London)", "Held", "Campaign named", "Ward", "Why", "Status",
        right=("Held",),
    )  # fmt: skip
    table_rows = [
        [
            row.item.payment_id,
            _when(row.item.paid_at),
            shown_amount(row.held, row.item.currency),
            row.item.campaign_named or "(none)",
            row.item.ward or "",
            row.item.why,
            "open" if row.item.open else f"{row.resolution or 'resolved'}",
        ]
        for row in rows
    ]
    held = sum(row.held for row in rows if row.item.currency.lower() == "gbp")
    kind = "payment(s) in suspense" if not every else "payment(s) in suspense, ever"
    print_table(
        out(),
        f"{len(rows)} {kind}",
        heads,
        table_rows,
        caption=f"held in suspense: {display.pounds(held)}" if rows else None,
    )
    if not rows:
        out().print("nothing is in suspense")
    elif any(row.item.open for row in rows):
        out().print(
            "assign one: wardfund suspense assign PAYMENT CAMPAIGN --by NAME; "
            "or refund it: wardfund suspense refund PAYMENT --by NAME"
        )


@app.command()
@stack_options
def assign(
    payment_id: PaymentArg,
    campaign_id: Annotated[str, typer.Argument(help="The campaign it was given for.")],
    ward: Annotated[
        str | None, typer.Option("--ward", help="The ward, when the payment named none.")
    ] = None,
    by: ByRequired = None,
    *,
    connect: Connect,
) -> None:
    """Give a payment in suspense to its campaign: one balanced, audited ledger entry; the
    payment is then split, and matched if it is an eligible first monthly payment, as of the
    day it was paid. Its suspense item and alert are closed."""
    from wardfund.adapters.dynamodb.ledger_store import DynamoLedgerStore
    from wardfund.adapters.dynamodb.suspense_assignment import DynamoSuspense
    from wardfund.services.suspense import assign_payment

    with command_errors():
        actor = _who(by)
        target = connect()
        done = assign_payment(
            DynamoLedgerStore(target.table),
            DynamoSuspense(target.table),
            payment_id,
            campaign_id,
            by=actor,
            at=now(),
            principal=target.principal,
            ward=ward,
        )
    part = done.assignment.part
    out().print(
        f"assigned {payment_id} to {campaign_id}: {display.pounds(part.amount)} "
        f"(campaign share {display.pounds(part.local_share)}, kept nationally "
        f"{display.pounds(part.national_share)}, match {display.pounds(part.match)}); "
        "paid with the next payout"
    )


@app.command()
@stack_options
def refund(payment_id: PaymentArg, by: ByRequired = None, *, connect: Connect) -> None:
    """Send a payment in suspense back to its donor through Stripe; the ledger takes it out
    of suspense when Stripe's refund event arrives. Its suspense item and alert are closed."""
    from wardfund.adapters.dynamodb.suspense_assignment import DynamoSuspense
    from wardfund.adapters.dynamodb.suspense_items import mark_resolved
    from wardfund.adapters.stripe_refunds import StripeRefunds
    from wardfund.services.suspense import refund_payment

    with command_errors():
        actor = _who(by)
        target = connect()
        suspense = DynamoSuspense(target.table)
        row = suspense.row(payment_id)
        principal = target.principal
        client = target.stripe()
        asked = refund_payment(
            suspense,
            StripeRefunds(lambda: client),
            lambda pid, *, by, resolution, at: mark_resolved(
                target.table, pid, by=by, resolution=resolution, at=at
            ),
            payment_id,
            held=row.held if row else 0,
            by=actor,
            at=now(),
            principal=principal,
        )
    out().print(
        f"refund {asked.refund_id} of {asked.amount} asked of Stripe for {payment_id}; the "
        "ledger takes it out of suspense when Stripe's refund event arrives"
    )
