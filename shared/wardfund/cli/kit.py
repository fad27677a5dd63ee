"""`wardfund kit CAMPAIGN WARD`: Payment Links for a ward assembly and a printable sheet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wardfund.cli.common import CommandError, command_errors, now, out, pounds_to_pence
from wardfund.cli.options import CampaignIdArgument
from wardfund.cli.stack_options import Connect, stack_and_actor_options

if TYPE_CHECKING:
    from wardfund.cli.target import Target


@stack_and_actor_options
def kit(
    campaign_id: CampaignIdArgument,
    ward: Annotated[str, typer.Argument(help="The ward, as donors know it.")],
    monthly: Annotated[
        str, typer.Option("--monthly", help="Monthly amounts in pounds, comma-separated.")
    ] = "5,10,20",
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Where to write the sheet.")
    ] = Path("kits"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the links as JSON.")] = False,
    organisation: Annotated[
        str | None,
        typer.Option("--organisation", help="The organisation's name (default ORGANISATION_NAME)."),
    ] = None,
    privacy_url: Annotated[
        str | None,
        typer.Option(
            "--privacy-url",
            help="The donors' privacy notice, https:// (default PRIVACY_NOTICE_URL).",
        ),
    ] = None,
    *,
    connect: Connect,
) -> None:
    """Create (or reuse) the ward's Payment Links and write its A4 sheet as HTML and PDF, with
    the campaign's imprint, the organisation's name and the donors' privacy line (refused
    until the campaign has its imprint: `wardfund campaign update --promoter ...`); and the
    organiser's copy, with a second page for the ward's live page (its address and QR code)."""
    from wardfund.adapters.dynamodb.audit_log import DynamoAuditLog
    from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
    from wardfund.adapters.dynamodb.kit_store import DynamoKitStore
    from wardfund.adapters.dynamodb.ledger_report import DynamoLedgerReport
    from wardfund.adapters.dynamodb.live_nights import DynamoLiveNights
    from wardfund.adapters.stripe_payment_links import StripePaymentLinks
    from wardfund.domain.kit import ward_key
    from wardfund.printouts.kit_sheet import sheet_html, sheet_pdf
    from wardfund.services.ward_kit import prepare_kit

    with command_errors():
        amounts = [pounds_to_pence(a, what="--monthly") for a in monthly.split(",") if a.strip()]
        target = connect()
        target.stripe()  # the operator's Stripe key, checked before anything is made
        report = DynamoLedgerReport(target.table)
        sheet = prepare_kit(
            DynamoCampaignStore(target.table),
            lambda cid: report.figures(cid).match,
            DynamoKitStore(target.table),
            StripePaymentLinks(target.stripe),
            DynamoAuditLog(target.table),
            campaign_id,
            ward,
            monthly_pence=amounts,
            organisation=target.settings.organisation_name
            if organisation is None
            else organisation,
            privacy_url=target.settings.privacy_notice_url if privacy_url is None else privacy_url,
            by=target.actor,
            at=now(),
        )
        key = ward_key(sheet.ward)
        live_url = _live_base(target)
        live = f"{live_url.rstrip('/')}/{campaign_id}/{key}" if live_url else None
        DynamoLiveNights(target.table).name_ward(campaign_id, key, sheet.ward)
        try:
            output_dir.mkdir(parents=True, exist_ok=True)
            stem = output_dir / f"{campaign_id}-{key}"
            html, pdf = stem.with_suffix(".html"), stem.with_suffix(".pdf")
            html.write_text(sheet_html(sheet), encoding="utf-8")
            pdf.write_bytes(sheet_pdf(sheet))
            copy = output_dir / f"{campaign_id}-{key}-organiser"
            copy_html, copy_pdf = copy.with_suffix(".html"), copy.with_suffix(".pdf")
            copy_html.write_text(sheet_html(sheet, live), encoding="utf-8")
            copy_pdf.write_bytes(sheet_pdf(sheet, live))
        except OSError as error:
            raise CommandError(f"cannot write in {output_dir}: {error.strerror}") from None
    links = [
        {"item": link.item.key, "label": link.item.label, "id": link.link_id, "url": link.url,
         "reused": link.reused}
        for link in sheet.links
    ]  # fmt: skip
    if as_json:
        print(
            json.dumps(
                {
                    "html": str(html),
                    "pdf": str(pdf),
                    "links": links,
                    "live_page": live,
                    "organiser_html": str(copy_html),
                    "organiser_pdf": str(copy_pdf),
                },
                indent=2,
            )
        )
        return
    for link in links:
        state = "reused" if link["reused"] else "created"
        out().print(f"{link['label']:<32} {link['url']}  ({state})")
    out().print(f"wrote {html} and {pdf}")
    if live:
        out().print(f"live page for the room's screen: {live}")
    else:
        out().print("note: no live page address (set LIVE_PAGE_URL, the stack's LivePageUrl)")
    out().print(f"organiser's copy: {copy_html} and {copy_pdf}")


def _live_base(target: Target) -> str:
    """The live pages' base: the local endpoint's with --local, else LIVE_PAGE_URL (the
    stage's LivePageUrl output)."""
    if target.local:
        from wardfund.local.background import read_state
        from wardfund.local.lambdas.webhook_server import live_base

        return live_base(read_state().webhook_url)
    return target.settings.live_page_url
