"""`wardfund report`, `wardfund export` and `wardfund permissibility`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from wardfund.cli.common import (
    CommandError,
    command_errors,
    money,
    now,
    out,
    parse_day,
    write_private,
)
from wardfund.cli.options import CampaignIdArgument, OutputOption
from wardfund.cli.stack_options import Connect, stack_and_actor_options, stack_options
from wardfund.cli.tables import Column, columns, print_table
from wardfund.cli.target import Target
from wardfund.domain.account_report import CampaignReport, ReportEntry, summary_totals
from wardfund.domain.calendar import LONDON, london_date
from wardfund.domain.campaign import Campaign
from wardfund.domain.permissibility import PermissibilityReview
from wardfund.printouts import formats

REPORT_FORMATS = ("table", "csv", "xero", "quickbooks", "html", "json")
CHECK_FORMATS = ("table", "csv", "json")

CampaignArg = Annotated[str | None, typer.Argument(help="Campaign id (or --all).")]
AllOpt = Annotated[bool, typer.Option("--all", help="Every campaign (the national view).")]
FromOpt = Annotated[
    str | None,
    typer.Option(
        "--from", metavar="DATE", help="First day (YYYY-MM-DD); default: 1st of the month."
    ),
]
ToOpt = Annotated[
    str | None, typer.Option("--to", metavar="DATE", help="Last day (YYYY-MM-DD); default: today.")
]


def _period(start: str | None, end: str | None) -> tuple[date, date]:
    today = london_date(now())
    first = parse_day(start, what="--from") if start else today.replace(day=1)
    last = parse_day(end, what="--to") if end else today
    if last < first:
        raise CommandError(f"--to ({last}) is before --from ({first})")
    return first, last


def _checked(
    campaign_id: str | None,
    every: bool,
    fmt: str,
    formats_known: tuple[str, ...],
    start: str | None,
    end: str | None,
) -> tuple[date, date]:
    """The period, once the campaign choice and the format are known to be sound."""
    if every == (campaign_id is not None):
        raise CommandError("name one campaign, or give --all")
    if fmt not in formats_known:
        raise CommandError(f"--format is one of {', '.join(formats_known)}, not {fmt!r}")
    return _period(start, end)


def _sources(target: Target) -> tuple[Any, Any]:
    from wardfund.adapters.dynamodb.campaign_ledger import DynamoCampaignLedger
    from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore

    return DynamoCampaignLedger(target.table), DynamoCampaignStore(target.table)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        print(text, end="" if text.endswith("\n") else "\n")
    else:
        with command_errors():
            write_private(output, text)  # 0600: reports hold names and emails
        out().print(f"wrote {output}")


REPORT_HEADS = columns(
    "Date", "Entry", "Ward", "Reference", "Amount", "Change", "Balance",
    right=("Amount", "Change", "Balance"),
)  # fmt: skip


def entry_amount(entry: ReportEntry) -> int:
    """The entry's own amount: a gift's gross (a refund's, negative), the invoice a launch
    entry pays (to the supplier or reimbursed), a payout's, a late match's."""
    f = entry.figures
    for amount in (f.raised, entry.paid_for_campaign, f.launch_costs, f.paid_out, f.match):
        if amount:
            return amount
    return 0


def _print_report(report: CampaignReport) -> None:
    rows = [[str(report.start), "Opening balance", "", "", "", "", money(report.opening_balance)]]
    for row in report.rows:
        rows.append(
            [
                row.entry.at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M"),
                row.entry.label,
                row.entry.ward or "",
                row.entry.reference or "",
                money(entry_amount(row.entry)),
                money(row.change),
                money(row.balance),
            ]
        )
    rows.append([str(report.end), "Closing balance", "", "", "", "", money(report.closing_balance)])
    print_table(
        out(),
        f"{report.campaign_name} ({report.campaign_id}): {report.start} to {report.end}",
        REPORT_HEADS,
        rows,
        caption=f"opening {money(report.opening_balance)} · closing "
        f"{money(report.closing_balance)} (owed to the campaign)",
    )


def _print_summary(reports: list[CampaignReport]) -> None:
    heads = [
        Column(heading.replace("_", " ").capitalize(), right=index >= 2)
        for index, heading in enumerate(formats.SUMMARY_COLUMNS)
    ]
    title = f"All campaigns: {reports[0].start} to {reports[0].end}" if reports else "No campaigns"
    rows = []
    for r in reports:
        p = r.period
        rows.append([
            r.campaign_id, r.campaign_name, money(r.opening_balance), money(p.raised),
            money(p.local_share), money(p.national_share), money(p.match), money(p.launch_costs),
            money(p.paid_out), money(r.paid_for_campaign), money(r.closing_balance),
        ])  # fmt: skip
    opening, period, closing = summary_totals(reports)
    rows.append([
        "TOTAL", "", money(opening), money(period.raised), money(period.local_share),
        money(period.national_share), money(period.match), money(period.launch_costs),
        money(period.paid_out), money(sum(r.paid_for_campaign for r in reports)), money(closing),
    ])  # fmt: skip
    print_table(out(), title, heads, rows)


@stack_options
def report(
    campaign_id: CampaignArg = None,
    every: AllOpt = False,
    start: FromOpt = None,
    end: ToOpt = None,
    fmt: Annotated[
        str, typer.Option("--format", help="table, csv, xero, quickbooks, html or json.")
    ] = "table",
    output: OutputOption = None,
    *,
    connect: Connect,
) -> None:
    """Every ledger line of a campaign in a period, with opening and closing balance."""
    from wardfund.printouts.html import report_html
    from wardfund.services.reports import all_reports, campaign_report
    from wardfund.services.reports import permissibility as find_checks
    from wardfund.settings import permissibility_rules

    with command_errors():
        first, last = _checked(campaign_id, every, fmt, REPORT_FORMATS, start, end)
        ledger, campaigns = _sources(connect())
        reviews: list[tuple[Campaign, PermissibilityReview]] = []
        if campaign_id is not None:
            reports = [campaign_report(ledger, campaigns, campaign_id, first, last)]
            if fmt in ("table", "json"):  # the one permissibility rule, beside the ledger
                rules = permissibility_rules()
                reviews = find_checks(ledger, campaigns, [campaign_id], first, last, rules)
        else:
            reports = all_reports(ledger, campaigns, first, last)
    if fmt == "table":
        for one in reports if campaign_id else []:
            _print_report(one)
        if reviews:
            _print_review(reviews, first, last)
        if every:
            _print_summary(reports)
    elif fmt == "csv":
        _emit(
            formats.report_csv(reports[0]) if campaign_id else formats.summary_csv(reports), output
        )
    elif fmt == "xero":
        _emit(formats.report_xero(reports), output)
    elif fmt == "quickbooks":
        _emit(formats.report_quickbooks(reports), output)
    elif fmt == "json":
        body: Any = (
            formats.report_json(reports[0])
            | {"permissibility": formats.permissibility_json(*reviews[0])}
            if campaign_id
            else [formats.report_json(r) for r in reports]
        )
        _emit(json.dumps(body, indent=2), output)
    else:
        title = f"{reports[0].campaign_name}: statement" if campaign_id else "All campaigns"
        _emit(report_html(reports, title=title, with_summary=every), output)


@stack_and_actor_options
def export(
    campaign_id: CampaignIdArgument, output: OutputOption = None, *, connect: Connect
) -> None:
    """The campaign's donor data (name, email, ward, gifts) as CSV; recorded in the audit trail."""
    from wardfund.adapters.dynamodb.audit_log import DynamoAuditLog
    from wardfund.services.reports import export_donors

    with command_errors():
        target = connect()
        ledger, campaigns = _sources(target)
        donors = export_donors(
            ledger, campaigns, DynamoAuditLog(target.table), campaign_id, by=target.actor,
            at=now(), destination=str(output) if output else "standard output",
            principal=target.principal,
        )  # fmt: skip
    _emit(formats.donors_csv(donors), output)


def _review_tables(
    reviews: list[tuple[Campaign, PermissibilityReview]], first: date, last: date
) -> list[tuple[str, list[Column], list[list[str]]]]:
    """Gifts to check, donors to review, reportable totals: one table each."""
    checks: list[list[str]] = []
    review: list[list[str]] = []
    totals: list[list[str]] = []
    for campaign, found in reviews:
        cid = campaign.campaign_id
        for c in found.checks:
            checks.append([
                cid, c.donor_name, c.donor.email or "", c.gift.ward,
                str(c.gift.received_on), money(c.gift.net), str(c.check_by),
            ])  # fmt: skip
        for n in found.review:
            dates = ", ".join(str(g.received_on) for g in n.gifts)
            review.append([cid, n.donor_name, n.donor.email or "", dates, money(n.total)])
        for t in found.reportable:
            totals.append([
                cid, t.donor_name, t.donor.email or "", str(len(t.donations)),
                money(t.total), money(t.threshold),
            ])  # fmt: skip
    return [
        (
            f"Donations to check (gifts over the threshold), {first} to {last}",
            columns("Campaign", "Donor", "Email", "Ward", "Given on", "Gift", "Check by",
                    right=("Gift",)),
            checks,
        ),
        (
            "For review: repeated gifts just under the threshold",
            columns("Campaign", "Donor", "Email", "Given on", "Together", right=("Together",)),
            review,
        ),
        (
            f"Reportable totals for the return (donations up to {last})",
            columns("Campaign", "Donor", "Email", "Donations", "Total", "Over",
                    right=("Donations", "Total", "Over")),
            totals,
        ),
    ]  # fmt: skip


def _print_review(
    reviews: list[tuple[Campaign, PermissibilityReview]], first: date, last: date
) -> None:
    for title, heads, rows in _review_tables(reviews, first, last):
        print_table(out(), title, heads, rows)
    for campaign, found in reviews:
        out().print(
            f"{campaign.campaign_id} is {found.campaign_type_label}: a gift of "
            f"{money(found.threshold)} or less is not a donation; each gift over it is."
        )
    if any(found.checks for _, found in reviews):
        out().print(f"Check for each: {reviews[0][1].what_to_check}.")


@stack_and_actor_options
def permissibility(
    campaign_id: CampaignArg = None,
    every: AllOpt = False,
    start: FromOpt = None,
    end: ToOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    output: OutputOption = None,
    *,
    connect: Connect,
) -> None:
    """Gifts over the campaign's threshold in the period (£50 for a candidate, £500 for a
    party or non-party campaigner): what to check, by when; repeated gifts just under it,
    for review; and donors whose donations are reportable in the campaign's return. Names and
    emails are shown, so each campaign's audit trail records who read them (`--by`, and on a
    deployed stage the AWS identity) before they are."""
    from wardfund.adapters.dynamodb.audit_log import DynamoAuditLog
    from wardfund.services.reports import permissibility as find_checks
    from wardfund.services.reports import record_permissibility_read
    from wardfund.settings import permissibility_rules

    with command_errors():
        first, last = _checked(campaign_id, every, fmt, CHECK_FORMATS, start, end)
        target = connect()
        ledger, campaigns = _sources(target)
        ids = [campaign_id] if campaign_id else sorted(c.campaign_id for c in campaigns.all())
        reviews = find_checks(ledger, campaigns, ids, first, last, permissibility_rules())
        record_permissibility_read(
            DynamoAuditLog(target.table), reviews, by=target.actor, at=now(),
            principal=target.principal, start=first, end=last,
            destination=str(output) if output and fmt != "table" else "standard output",
        )  # fmt: skip
    if fmt == "csv":
        _emit(formats.permissibility_csv(reviews), output)
    elif fmt == "json":
        found = [formats.permissibility_json(campaign, review) for campaign, review in reviews]
        _emit(json.dumps(found, indent=2), output)
    else:
        _print_review(reviews, first, last)
