"""`wardfund local up|down|status`: the background local stack that `--local` commands use;
and `wardfund local give|pledge|renew|refund|dispute`: Stripe activity played into it, as
signed events through its webhook endpoint (issue 14, section 1)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from wardfund.cli.common import CommandError, command_errors, out, parse_time, pounds_to_pence
from wardfund.cli.progress import working
from wardfund.domain import display

app = typer.Typer(
    help="A local stack in the background, for commands given --local; and Stripe activity "
    "(gifts, pledges, renewals, refunds, disputes) sent into it as signed webhooks.",
    no_args_is_help=True,
)
HIDDEN = ("stripe_api_key", "control_token")

CampaignArg = Annotated[
    str, typer.Argument(help="The campaign id the Payment Link names (any text: try a typo).")
]
WardOpt = Annotated[str, typer.Option("--ward", help="The ward the Payment Link names.")]
DonorOpt = Annotated[
    str | None,
    typer.Option("--donor", help="The donor's id (a new one each time when not given)."),
]
DonorArg = Annotated[str, typer.Argument(help="The donor's id, as `give` or `pledge` printed it.")]
NameOpt = Annotated[str | None, typer.Option("--name", help="The donor's name.")]
EmailOpt = Annotated[str | None, typer.Option("--email", help="The donor's email.")]
AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="TIME",
        help="When it happens (ISO time, London when no offset; default: now).",
    ),
]
CurrencyOpt = Annotated[str, typer.Option("--currency", help="Three-letter currency code.")]
PaymentOpt = Annotated[
    int | None,
    typer.Option("--payment", help="Which of the donor's payments (1 = first; default: latest)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the stack's answer as JSON.")]
LocalFlag = Annotated[
    bool,
    typer.Option("--local", hidden=True, help="Accepted: these always work on the local stack."),
]


@app.command()
def up() -> None:
    """Start the local stack (moto, webhook endpoint, Stripe stand-in, queue worker)."""
    from wardfund.local.background import start_background, state_path
    from wardfund.local.lambdas.webhook_server import live_base

    with command_errors(), working("starting the local stack (about 10 s)"):
        state = start_background()
    out().print(f"local stack running (pid {state.pid}); state in {state_path()}")
    out().print(f"webhook endpoint: {state.webhook_url}")
    out().print(f"Stripe stand-in:  {state.stripe_api_base}")
    out().print(f"live pages:       {live_base(state.webhook_url)}/<campaign>/<ward key>")


@app.command()
def down() -> None:
    """Stop the local stack; everything in it is gone."""
    from wardfund.local.background import stop_background

    out().print("stopped" if stop_background() else "no local stack was running")


@app.command()
def status() -> None:
    """Print the running local stack's endpoints and names as JSON (exit 1 when none)."""
    from wardfund.local.background import status as read_status

    found = read_status()
    if found is None:
        out().print("no local stack is running")
        raise typer.Exit(1)
    print(json.dumps({k: v for k, v in found.items() if k not in HIDDEN}, indent=2))


def _at(text: str | None) -> str | None:
    return parse_time(text, what="--at").isoformat() if text else None


def _send(request: dict[str, Any], as_json: bool) -> None:
    """Tells the running stack to play the request's Stripe activity; prints its answer."""
    from wardfund.local.background import control

    with command_errors(), working("sending Stripe's events"):
        answer = control(request)
    if as_json:
        print(json.dumps(answer, indent=2))
        return
    out().print(told(answer))


def told(answer: dict[str, Any]) -> str:
    """One line in words: what happened and what the ledger made of the payment."""
    action = answer.get("action")
    donor = answer.get("donor", "")
    payment_id = answer.get("payment_id")
    gross = display.pounds(int(answer.get("gross_pence", 0)))
    where = f"{answer.get('campaign') or '(no campaign)'}"
    if answer.get("ward"):
        where += f" ({answer['ward']})"
    head = {
        "give": f"one-off gift of {gross} by {donor} to {where}",
        "pledge": f"monthly pledge of {gross} by {donor} to {where}, first payment",
        "renew": f"monthly payment of {gross} by {donor} to {where}",
        "refund": f"refund of {display.pounds(int(answer.get('refunded_pence') or 0))} "
        f"({answer.get('refund_id')}) to {donor}",
        "dispute": f"dispute {answer.get('outcome')} on a payment by {donor}",
    }.get(str(action), str(action))
    if not payment_id:
        return head
    if not answer.get("counted"):
        return f"{head}: payment {payment_id}, not counted yet (waiting for its other events)"
    if answer.get("suspense_pence"):
        held = display.pounds(int(answer["suspense_pence"]))
        why = answer.get("suspense_reason") or "no campaign could be given it"
        return f"{head}: payment {payment_id}, {held} in suspense. {why}"
    return (
        f"{head}: payment {payment_id}; it now gives campaign share "
        f"{display.pounds(int(answer['local_share_pence']))}, kept nationally "
        f"{display.pounds(int(answer['national_share_pence']))}, match "
        f"{display.pounds(int(answer['match_pence']))}"
    )


def _through_payment_link(
    action: str,
    pounds: str,
    option: str,
    *,
    campaign: str,
    ward: str,
    donor: str | None,
    name: str | None,
    email: str | None,
    at: str | None,
    currency: str,
    as_json: bool,
) -> None:
    """`give` and `pledge`: a donor pays `pounds` (as given to `option`) through the
    campaign's Payment Link."""
    with command_errors():
        pence = pounds_to_pence(pounds, what=option)
        request = {
            "action": action, "campaign": campaign, "ward": ward, "amount_pence": pence,
            "donor": donor, "name": name, "email": email, "at": _at(at), "currency": currency,
        }  # fmt: skip
    _send(request, as_json)


@app.command()
def give(
    campaign: CampaignArg,
    ward: WardOpt,
    amount: Annotated[
        str, typer.Option("--amount", metavar="POUNDS", help="The gift in pounds, e.g. 25.")
    ],
    donor: DonorOpt = None,
    name: NameOpt = None,
    email: EmailOpt = None,
    at: AtOpt = None,
    currency: CurrencyOpt = "gbp",
    as_json: JsonOpt = False,
    local: LocalFlag = True,
) -> None:
    """A donor gives once through the campaign's Payment Link (signed webhooks, as Stripe
    sends them, into the running local stack)."""
    _through_payment_link(
        "give", amount, "--amount", campaign=campaign, ward=ward, donor=donor, name=name,
        email=email, at=at, currency=currency, as_json=as_json,
    )  # fmt: skip


@app.command()
def pledge(
    campaign: CampaignArg,
    ward: WardOpt,
    monthly: Annotated[
        str, typer.Option("--monthly", metavar="POUNDS", help="The monthly gift in pounds.")
    ],
    donor: DonorOpt = None,
    name: NameOpt = None,
    email: EmailOpt = None,
    at: AtOpt = None,
    currency: CurrencyOpt = "gbp",
    as_json: JsonOpt = False,
    local: LocalFlag = True,
) -> None:
    """A donor starts a monthly gift through the campaign's Payment Link: its first payment
    (matched once the campaign's launch event is recorded, under the cap)."""
    _through_payment_link(
        "pledge", monthly, "--monthly", campaign=campaign, ward=ward, donor=donor, name=name,
        email=email, at=at, currency=currency, as_json=as_json,
    )  # fmt: skip


@app.command()
def renew(
    donor: DonorArg, at: AtOpt = None, as_json: JsonOpt = False, local: LocalFlag = True
) -> None:
    """The donor's next monthly payment succeeds."""
    with command_errors():
        request = {"action": "renew", "donor": donor, "at": _at(at)}
    _send(request, as_json)


@app.command()
def refund(
    donor: DonorArg,
    payment: PaymentOpt = None,
    amount: Annotated[
        str | None,
        typer.Option(
            "--amount", metavar="POUNDS", help="Part of it, in pounds (default: all left)."
        ),
    ] = None,
    at: AtOpt = None,
    as_json: JsonOpt = False,
    local: LocalFlag = True,
) -> None:
    """Stripe refunds one of the donor's payments, wholly or in part."""
    with command_errors():
        pence = pounds_to_pence(amount, what="--amount") if amount else None
        if pence is not None and pence <= 0:
            raise CommandError("--amount must be more than nothing")
        request = {
            "action": "refund", "donor": donor, "payment": payment, "amount_pence": pence,
            "at": _at(at),
        }  # fmt: skip
    _send(request, as_json)


@app.command()
def dispute(
    donor: DonorArg,
    payment: PaymentOpt = None,
    outcome: Annotated[
        str, typer.Option("--outcome", help="opened (the bank takes the money), won or lost.")
    ] = "opened",
    at: AtOpt = None,
    as_json: JsonOpt = False,
    local: LocalFlag = True,
) -> None:
    """The donor's bank disputes one of their payments; later the dispute is won or lost."""
    with command_errors():
        if outcome not in ("opened", "won", "lost"):
            raise CommandError(f"--outcome is opened, won or lost, not {outcome!r}")
        request = {
            "action": "dispute", "donor": donor, "payment": payment, "outcome": outcome,
            "at": _at(at),
        }  # fmt: skip
    _send(request, as_json)
