"""`wardfund campaign add|update|show|list|launch-event|withdraw|import|export`, and
`campaign bank ...` (cli/bank_details.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from wardfund.cli.bank_details import app as bank_app
from wardfund.cli.campaign_yaml import CampaignRecord, check_email, dump_campaigns, load_campaigns
from wardfund.cli.common import (
    CommandError,
    command_errors,
    money,
    now,
    out,
    parse_day,
    parse_time,
    percent_to_bps,
    pounds_to_pence,
    write_private,
)
from wardfund.cli.connect import connect_command
from wardfund.cli.option_groups import options_from
from wardfund.cli.options import JsonOption, OutputOption
from wardfund.cli.stack_options import Connect, stack_and_actor_options, stack_options
from wardfund.cli.tables import columns, print_pairs, print_table
from wardfund.cli.target import Target
from wardfund.domain.calendar import LONDON
from wardfund.domain.campaign import Campaign, parse_campaign_type
from wardfund.domain.setting_words import (
    FIGURE_LABELS,
    SETTING_LABELS,
    percent,
    setting_label,
    shown_setting,
)

app = typer.Typer(
    help="Campaigns in the agreement: settings, launch event, withdrawal.", no_args_is_help=True
)
app.add_typer(bank_app, name="bank")
app.command("connect")(connect_command)  # issue 17: cli/connect.py

NONE = "none"  # clears an optional setting in `update`
NameOpt = Annotated[str | None, typer.Option("--name", help="The campaign's name.")]
TreasurerOpt = Annotated[
    list[str] | None,
    typer.Option("--treasurer", help="A treasurer's email (repeat for several)."),
]
LaunchOpt = Annotated[
    str | None,
    typer.Option("--launch-event", metavar="DATE", help="Date the launch event was held, or none."),
]
PollingOpt = Annotated[
    str | None,
    typer.Option("--polling-day", metavar="DATE", help="Polling day (YYYY-MM-DD), or none."),
]
MatchCapOpt = Annotated[
    str | None, typer.Option("--match-cap", metavar="POUNDS", help="Match cap in pounds.")
]
InvoiceCapOpt = Annotated[
    str | None,
    typer.Option("--invoice-cap", metavar="POUNDS", help="Launch-event invoice cap in pounds."),
]
ShareOpt = Annotated[
    str | None,
    typer.Option(
        "--local-share", metavar="PERCENT", help="The campaign's share in per cent (0-100)."
    ),
]
ConnectAccountOpt = Annotated[
    str | None, typer.Option("--connect-account", help="Stripe Connect account (acct_...).")
]
BankOpt = Annotated[
    str | None, typer.Option("--bank-ref", help="Reference of the campaign's bank details.")
]
TypeOpt = Annotated[
    str | None,
    typer.Option(
        "--type",
        help="candidate (gifts over £50 are donations), party or non_party_campaigner (£500).",
    ),
]
PromoterOpt = Annotated[
    str | None, typer.Option("--promoter", help="Imprint: the promoter's name, or none.")
]
PromoterAddressOpt = Annotated[
    str | None,
    typer.Option("--promoter-address", help="Imprint: the promoter's postal address, or none."),
]
OnBehalfOpt = Annotated[
    str | None,
    typer.Option(
        "--on-behalf-of", help="Imprint: on whose behalf (the candidate's name and address)."
    ),
]
PrinterOpt = Annotated[
    str | None,
    typer.Option("--printer", help="Imprint: who prints the kit sheets (name and address)."),
]
IdArg = Annotated[str, typer.Argument(help="Campaign id (a slug such as leeds-central).")]
Changes = Callable[[], dict[str, Any]]


def _settings(
    treasurer: TreasurerOpt = None,
    launch_event: LaunchOpt = None,
    polling_day: PollingOpt = None,
    match_cap: MatchCapOpt = None,
    invoice_cap: InvoiceCapOpt = None,
    local_share: ShareOpt = None,
    connect_account: ConnectAccountOpt = None,
    bank_ref: BankOpt = None,
    campaign_type: TypeOpt = None,
    promoter: PromoterOpt = None,
    promoter_address: PromoterAddressOpt = None,
    on_behalf_of: OnBehalfOpt = None,
    printer: PrinterOpt = None,
) -> dict[str, Any]:
    """Only the options given, parsed; `none` clears an optional one. (`--name` is not one
    of them: `add` checks it before anything else.)"""

    def day(text: str, what: str) -> date | None:
        return None if text.lower() == NONE else parse_day(text, what=what)

    def optional(text: str) -> str | None:
        return None if text.lower() == NONE else text

    changes: dict[str, Any] = {}
    if treasurer is not None:
        changes["treasurer_emails"] = tuple(check_email(e) for e in treasurer if e != NONE)
    if launch_event is not None:
        changes["launch_event_on"] = day(launch_event, "launch event")
    if polling_day is not None:
        changes["election_on"] = day(polling_day, "polling day")
    if match_cap is not None:
        changes["match_cap_pence"] = pounds_to_pence(match_cap, what="match cap")
    if invoice_cap is not None:
        changes["launch_invoice_cap_pence"] = pounds_to_pence(invoice_cap, what="invoice cap")
    if local_share is not None:
        changes["local_share_bps"] = percent_to_bps(local_share)
    if connect_account is not None:
        account = optional(connect_account)
        if account is not None and not account.startswith("acct_"):
            raise CommandError(f"a Stripe Connect account id starts with acct_, not {account!r}")
        changes["connect_account_id"] = account
    if bank_ref is not None:
        changes["bank_reference"] = optional(bank_ref)
    if campaign_type is not None:
        changes["campaign_type"] = parse_campaign_type(campaign_type)
    for name, given in (
        ("promoter_name", promoter),
        ("promoter_address", promoter_address),
        ("on_behalf_of", on_behalf_of),
        ("printer", printer),
    ):
        if given is not None:
            text = " ".join(given.split())
            changes[name] = None if text.lower() == NONE else text or None
    return changes


settings_options = options_from(_settings, into="settings")


def _stores(target: Target) -> Any:
    from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore

    return DynamoCampaignStore(target.table)


@app.command()
@stack_and_actor_options
@settings_options
def add(campaign_id: IdArg, name: NameOpt = None, *, settings: Changes, connect: Connect) -> None:
    """Add a campaign to the agreement."""
    from wardfund.services.campaigns import add_campaign

    with command_errors():
        if not name:
            raise CommandError("a new campaign needs --name")
        campaign = Campaign(campaign_id=campaign_id, name=name, **settings())
        target = connect()
        saved = add_campaign(_stores(target), campaign, by=target.actor, at=now())
        out().print(f"added {saved.campaign_id} (version {saved.version})")


@app.command()
@stack_and_actor_options
@settings_options
def update(
    campaign_id: IdArg, name: NameOpt = None, *, settings: Changes, connect: Connect
) -> None:
    """Change some of a campaign's settings (only the options given; `none` clears one)."""
    from wardfund.services.campaigns import describe_change, existing, update_campaign

    with command_errors():
        changes = settings()
        if name is not None:
            changes["name"] = name
        if not changes:
            raise CommandError("nothing to change: give at least one setting")
        target = connect()
        store = _stores(target)
        before = existing(store, campaign_id)
        saved = update_campaign(store, campaign_id, changes, by=target.actor, at=now())
        out().print(f"{campaign_id} version {saved.version}: {describe_change(before, saved)}")


@app.command("launch-event")
@stack_and_actor_options
def launch_event(
    campaign_id: IdArg,
    on: Annotated[
        str, typer.Option("--on", metavar="DATE", help="The date it was held (YYYY-MM-DD).")
    ],
    *,
    connect: Connect,
) -> None:
    """Record that the campaign's launch event was held: first monthly gifts are matched,
    including those paid on or after that day and recorded before this command."""
    from wardfund.adapters.dynamodb.ledger_store import DynamoLedgerStore
    from wardfund.services.launch_event import record_launch_event

    with command_errors():
        held_on = parse_day(on, what="--on")
        target = connect()
        done = record_launch_event(
            _stores(target),
            DynamoLedgerStore(target.table),
            campaign_id,
            held_on,
            by=target.actor,
            at=now(),
        )
        recorded = "already recorded" if done.already_recorded else "recorded"
        out().print(
            f"{campaign_id}: launch event held on {held_on} {recorded} "
            f"(version {done.campaign.version})"
        )
        if done.matched:
            out().print(
                f"matched {len(done.matched)} earlier first payment(s): "
                f"{money(done.match_added)} of match funding, paid with the next payout"
            )


@app.command()
@stack_and_actor_options
def withdraw(
    campaign_id: IdArg,
    at: Annotated[
        str | None,
        typer.Option("--at", metavar="TIME", help="When it takes effect (default: now)."),
    ] = None,
    side: Annotated[
        str, typer.Option("--side", help="Who leaves: campaign or national.")
    ] = "campaign",
    *,
    connect: Connect,
) -> None:
    """End the agreement for a campaign; later payments stay national, owed money is paid."""
    from wardfund.services.campaigns import withdraw_campaign

    with command_errors():
        if side not in ("campaign", "national"):
            raise CommandError(f"--side is campaign or national, not {side!r}")
        when = parse_time(at, what="--at") if at else now()
        target = connect()
        saved = withdraw_campaign(
            _stores(target), campaign_id, when, by=target.actor, side=side, recorded_at=now()
        )
        assert saved.withdrawn_at is not None
        out().print(
            f"{campaign_id} withdrawn from {saved.withdrawn_at.astimezone(LONDON).isoformat()}"
        )


def _campaign_json(campaign: Campaign) -> dict[str, Any]:
    return CampaignRecord.of(campaign).model_dump(mode="json") | {"version": campaign.version}


@app.command()
@stack_options
def show(campaign_id: IdArg, as_json: JsonOption = False, *, connect: Connect) -> None:
    """A campaign's settings, figures, launch-event invoices committed, and audit trail."""
    from wardfund.adapters.dynamodb.audit_log import DynamoAuditLog
    from wardfund.adapters.dynamodb.launch_invoice_store import DynamoLaunchInvoiceStore
    from wardfund.adapters.dynamodb.ledger_report import DynamoLedgerReport
    from wardfund.services.campaigns import existing

    with command_errors():
        target = connect()
        campaign = existing(_stores(target), campaign_id)
        figures = DynamoLedgerReport(target.table).figures(campaign_id)
        committed = DynamoLaunchInvoiceStore(target.table).committed(campaign_id)
        trail = DynamoAuditLog(target.table).trail(campaign_id)
    figures_out = figures.as_dict() | {
        "owed": figures.owed,
        "match_remaining": campaign.match_cap_pence - figures.match,
        "launch_invoices_committed": committed,
        "launch_invoices_remaining": campaign.launch_invoice_cap_pence - committed,
    }
    audit = [
        {
            "at": entry.at.astimezone(LONDON).isoformat() if entry.at else None,
            "by": entry.by,
            "principal": entry.principal,  # the AWS identity, where the stage knew it
            "action": entry.action,
            "detail": entry.detail,
        }
        for entry in trail
    ]
    if as_json:
        print(
            json.dumps(
                {
                    "campaign": _campaign_json(campaign),
                    "figures_pence": figures_out,
                    "audit": audit,
                },
                indent=2,
            )
        )
        return
    console = out()
    print_pairs(
        console,
        f"{campaign.name} ({campaign_id})",
        [
            (setting_label(name), shown_setting(name, getattr(campaign, name)))
            for name in SETTING_LABELS
            if name not in ("campaign_id", "name")
        ],
    )
    console.print()
    print_pairs(
        console,
        "Figures",
        [(FIGURE_LABELS.get(name, name), money(pence)) for name, pence in figures_out.items()],
    )
    console.print()
    print_table(
        console,
        "Audit trail",
        columns("When (London)", "Who", "Action", "What"),
        [
            [
                entry.at.astimezone(LONDON).strftime("%a %d %b %Y %H:%M:%S") if entry.at else "?",
                _who(entry),
                entry.action,
                entry.detail,
            ]
            for entry in trail
        ],
    )


def _who(entry: Any) -> str:
    """The name given, and the AWS identity where a deployed stage knew it."""
    principal = getattr(entry, "principal", None)
    return f"{entry.by} ({principal})" if principal else str(entry.by)


@app.command("list")
@stack_options
def list_campaigns(as_json: JsonOption = False, *, connect: Connect) -> None:
    """Every campaign with its key dates and settings."""
    with command_errors():
        target = connect()
        campaigns = _stores(target).all()
    if as_json:
        print(json.dumps([_campaign_json(c) for c in campaigns], indent=2))
        return
    heads = columns(
        "Id", "Name", "Launch event", "Polling day", "Local share", "Match cap", "Withdrawn on",
        right=("Local share", "Match cap"),
    )  # fmt: skip
    print_table(
        out(),
        f"{len(campaigns)} campaign(s)",
        heads,
        [
            [
                c.campaign_id,
                c.name,
                str(c.launch_event_on or "-"),
                str(c.election_on or "-"),
                percent(c.local_share_bps),
                money(c.match_cap_pence),
                c.withdrawn_at.astimezone(LONDON).date().isoformat() if c.withdrawn_at else "-",
            ]
            for c in campaigns
        ],
    )


@app.command("export")
@stack_options
def export_campaigns(output: OutputOption = None, *, connect: Connect) -> None:
    """All campaigns as YAML (the shape `campaign import` reads)."""
    with command_errors():
        target = connect()
        text = dump_campaigns(_stores(target).all())
    if output is None:
        print(text, end="")
    else:
        with command_errors():
            write_private(output, text)  # 0600: treasurers' emails
        out().print(f"wrote {output}")


def _given(target: Target) -> Any:
    from wardfund.adapters.dynamodb.launch_invoice_store import DynamoLaunchInvoiceStore
    from wardfund.adapters.dynamodb.ledger_report import DynamoLedgerReport

    report, invoices = DynamoLedgerReport(target.table), DynamoLaunchInvoiceStore(target.table)
    return lambda cid: (report.figures(cid).match, invoices.committed(cid))


@app.command("import")
@stack_and_actor_options
def import_file(
    file: Annotated[Path, typer.Argument(help="YAML written by `campaign export`.")],
    *,
    connect: Connect,
) -> None:
    """Add or update every campaign in a YAML file; a bad entry stops it before any write."""
    from wardfund.services.campaigns import import_campaigns

    with command_errors():
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        campaigns = load_campaigns(text, str(file))
        target = connect()
        outcomes = import_campaigns(
            _stores(target), campaigns, by=target.actor, at=now(), given=_given(target)
        )
    for campaign_id, outcome in outcomes.items():
        out().print(f"{campaign_id}: {outcome}")
