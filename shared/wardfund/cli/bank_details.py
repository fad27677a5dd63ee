"""`wardfund campaign bank set|approve|reject|show|export|files`: campaign bank details.

A change is asked for by one person (`set`) and made by another (`approve`: another name
and, on a deployed stage, other AWS credentials); every treasurer and national finance are
emailed when it is made. `show` gives the details masked (`••••5678`). `export` and
`files` give whole account numbers and work only with the national finance role's
credentials (the bank-details KMS key refuses the others); each read is audited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from wardfund.cli.common import CommandError, command_errors, labelled, now, out, write_private
from wardfund.cli.options import OutputOption
from wardfund.cli.stack_options import Connect, stack_and_actor_options, stack_options
from wardfund.cli.tables import columns, print_pairs, print_table
from wardfund.cli.target import Target
from wardfund.domain.display import long_date

app = typer.Typer(
    help="Campaign bank details: a change needs a second person; shown masked.",
    no_args_is_help=True,
)
CampaignArg = Annotated[str, typer.Argument(help="The campaign's id.")]
EXPORT_COLUMNS = ("campaign_id", "account_name", "sort_code", "account_number", "changed_at")


def _stores(target: Target) -> tuple[Any, Any, Any]:
    from wardfund.adapters.dynamodb.audit_log import DynamoAuditLog
    from wardfund.adapters.dynamodb.bank_details_store import DynamoBankDetailsStore
    from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore

    return (
        DynamoBankDetailsStore(target.table),
        DynamoCampaignStore(target.table),
        DynamoAuditLog(target.table),
    )


@app.command("set")
@stack_and_actor_options
def set_details(
    campaign_id: CampaignArg,
    account_name: Annotated[
        str, typer.Option("--account-name", help="The account's name, as the bank has it.")
    ],
    sort_code: Annotated[str, typer.Option("--sort-code", help="Six digits (12-34-56 is fine).")],
    account_number: Annotated[
        str | None,
        typer.Option(
            "--account-number",
            help="Eight digits; asked for when left out (then it stays out of shell history).",
        ),
    ] = None,
    *,
    connect: Connect,
) -> None:
    """Ask for a change of a campaign's bank details; someone else approves it."""
    from wardfund.adapters.kms_bank_details import KmsBankDetails
    from wardfund.adapters.modulus_tables import modulus_tables
    from wardfund.services.bank_details import request_change

    number = account_number
    if number is None:
        number = str(typer.prompt("Account number (8 digits)"))
    with command_errors():
        target = connect()
        store, campaigns, audit = _stores(target)
        tables = modulus_tables()
        change = request_change(
            store,
            campaigns,
            KmsBankDetails(),
            audit,
            tables,
            campaign_id=campaign_id,
            account_name=account_name,
            sort_code=sort_code,
            account_number=number,
            by=target.actor,
            at=now(),
            principal=target.principal,
        )
    said = {
        "pass": f"passes the UK modulus check ({tables.source if tables else ''})",
        "not_checked": "not modulus-checked: "
        + ("no table covers this sort code" if tables else "no modulus table installed"),
    }
    out().print(f"requested {change.change_id}: {change.shown.text()}")
    out().print(f"  {said.get(change.modulus, change.modulus)}")
    out().print(
        labelled(
            "note:",
            "yellow",
            "nothing is paid to it until someone else runs "
            f"`wardfund campaign bank approve {campaign_id}`",
        )
    )


@app.command()
@stack_and_actor_options
def approve(
    campaign_id: CampaignArg,
    change: Annotated[
        str | None, typer.Option("--change", help="The change's id, as `set` printed it.")
    ] = None,
    *,
    connect: Connect,
) -> None:
    """Approve the waiting change (not by whoever asked for it); treasurers are emailed."""
    from wardfund.services.bank_details import approve_change

    with command_errors():
        target = connect()
        store, _, audit = _stores(target)
        current = approve_change(
            store,
            audit,
            campaign_id=campaign_id,
            by=target.actor,
            at=now(),
            principal=target.principal,
            change_id=change,
        )
    out().print(f"approved: {campaign_id} is now paid to {current.shown.text()}")
    out().print("  every treasurer and national finance are emailed that the details changed")


@app.command()
@stack_and_actor_options
def reject(
    campaign_id: CampaignArg,
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit trail).")],
    *,
    connect: Connect,
) -> None:
    """Reject the waiting change: the details stay as they are."""
    from wardfund.services.bank_details import reject_change

    with command_errors():
        target = connect()
        store, _, audit = _stores(target)
        change = reject_change(
            store,
            audit,
            campaign_id=campaign_id,
            reason=reason,
            by=target.actor,
            at=now(),
            principal=target.principal,
        )
    out().print(f"rejected {change.change_id}: {change.shown.text()}")


@app.command()
@stack_options
def show(campaign_id: CampaignArg, *, connect: Connect) -> None:
    """A campaign's bank details, masked, and any change waiting for approval."""
    with command_errors():
        target = connect()
        store, _, _ = _stores(target)
        current = store.current(campaign_id)
        pending = store.pending(campaign_id)
    pairs = []
    if current is None:
        pairs.append(("Bank details", "none approved (payouts by bank cannot go in the file)"))
    else:
        pairs += [
            ("Account name", current.shown.account_name),
            ("Sort code", current.shown.sort_code_shown),
            ("Account number", current.shown.masked_account),
            ("Changed", f"{long_date(current.changed_at)}, asked for by {current.requested_by},"
             f" approved by {current.approved_by}"),
        ]  # fmt: skip
    if pending is not None:
        pairs += [
            ("Waiting for approval", f"{pending.change_id}: {pending.shown.text()}"),
            ("Asked for", f"{long_date(pending.requested_at)} by {pending.requested_by}"),
        ]
    print_pairs(out(), f"{campaign_id}: bank details", pairs)


@app.command("export")
@stack_and_actor_options
def export_details(
    campaign_ids: Annotated[
        list[str] | None, typer.Argument(help="Campaigns (all with details when none given).")
    ] = None,
    output: OutputOption = None,
    *,
    connect: Connect,
) -> None:
    """Whole bank details as CSV, for the national finance role only (audited)."""
    from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
    from wardfund.adapters.kms_bank_details import KmsBankDetails
    from wardfund.domain.calendar import LONDON
    from wardfund.domain.safe_csv import csv_records
    from wardfund.services.bank_details import reveal

    with command_errors():
        target = connect()
        store, _, audit = _stores(target)
        wanted = campaign_ids or [c.campaign_id for c in DynamoCampaignStore(target.table).all()]
        found = reveal(
            store, KmsBankDetails(), audit, wanted, by=target.actor, at=now(),
            principal=target.principal,
        )  # fmt: skip
    text = csv_records(
        EXPORT_COLUMNS,
        [
            {
                "campaign_id": r.campaign_id,
                "account_name": r.details.account_name,
                "sort_code": r.details.sort_code,
                "account_number": r.details.account_number,
                "changed_at": r.current.changed_at.astimezone(LONDON).isoformat(),
            }
            for r in found
        ],
    )
    if output is None:
        out().print(text, end="")
        return
    write_private(output, text)
    out().print(f"wrote {len(found)} campaign(s)' bank details to {output} (readable by you only)")


@app.command()
@stack_and_actor_options
def files(
    run_date: Annotated[str, typer.Argument(metavar="DATE", help="The run's London date.")],
    folder: Annotated[
        Path, typer.Option("--to", help="Where to save them (default: this folder).")
    ] = Path(),
    *,
    connect: Connect,
) -> None:
    """Save a payout run's bank files (national finance role only), to upload to the bank."""
    import boto3
    from botocore.exceptions import ClientError

    from wardfund.cli.common import parse_day

    day = parse_day(run_date, what="DATE")
    with command_errors():
        target = connect()
        s3 = boto3.client("s3")
        bucket = target.settings.bank_files_bucket
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"bank-transfers/{day.isoformat()}/")
        keys = [item["Key"] for item in listed.get("Contents", [])]
        if not keys:
            raise CommandError(f"no bank files for a run on {day.isoformat()}")
        saved = []
        for key in keys:
            try:
                body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            except ClientError as error:
                if error.response["Error"]["Code"] in ("AccessDenied", "KMS.AccessDeniedException"):
                    raise CommandError(
                        f"cannot read {key}: the bank files open only with the national finance "
                        "role's credentials"
                    ) from error
                raise
            target_file = folder / key.rsplit("/", 1)[-1]
            write_private(target_file, body.decode())
            saved.append(target_file)
    print_table(out(), f"saved {len(saved)} file(s)", columns("File"), [[str(p)] for p in saved])
