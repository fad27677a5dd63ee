"""Reports as text files: CSV, and the bank-statement CSVs Xero and QuickBooks import.

Amounts in the Xero and QuickBooks files are the change in what wardfund owes the campaign
(a gift share or match in, a payout or refund out). Imported into a clearing account
("Due from wardfund"), that account's balance then follows the report's balance column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from wardfund.domain.account_report import CampaignReport, summary_totals
from wardfund.domain.calendar import LONDON
from wardfund.domain.campaign import Campaign
from wardfund.domain.donor_report import DonorSummary
from wardfund.domain.permissibility import Gift, PermissibilityReview
from wardfund.domain.safe_csv import csv_text


def pounds(pence: int) -> str:
    return f"{pence / 100:.2f}"


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Through the one CSV writer: no cell is ever a live spreadsheet formula."""
    return csv_text(header, rows)


REPORT_COLUMNS = (
    "date", "time", "type", "description", "ward", "reference", "gross", "campaign_share",
    "national_share", "match", "launch_costs", "paid_out", "paid_for_campaign", "change",
    "balance",
)  # fmt: skip


def report_csv(report: CampaignReport) -> str:
    """Opening row, every entry, closing row; amounts in pounds."""
    rows: list[list[str]] = [
        [report.start.isoformat(), "", "opening", "Opening balance"]
        + [""] * 10
        + [pounds(report.opening_balance)]
    ]
    for row in report.rows:
        entry, f = row.entry, row.entry.figures
        local = entry.at.astimezone(LONDON)
        rows.append(
            [
                local.date().isoformat(), local.strftime("%H:%M"), entry.kind, entry.label,
                entry.ward or "", entry.reference or "", pounds(f.raised), pounds(f.local_share),
                pounds(f.national_share), pounds(f.match), pounds(f.launch_costs),
                pounds(f.paid_out), pounds(entry.paid_for_campaign), pounds(row.change),
                pounds(row.balance),
            ]
        )  # fmt: skip
    rows.append(
        [report.end.isoformat(), "", "closing", "Closing balance"]
        + [""] * 10
        + [pounds(report.closing_balance)]
    )
    return _csv(REPORT_COLUMNS, rows)


def _description(report: CampaignReport, label: str, ward: str | None, several: bool) -> str:
    parts = [report.campaign_name] if several else []
    return " · ".join([*parts, label, *([ward] if ward else [])])


def report_xero(reports: Sequence[CampaignReport]) -> str:
    """Xero's statement import: *Date (dd/mm/yyyy), *Amount, Payee, Description, Reference."""
    several = len(reports) > 1
    rows = [
        [
            row.entry.at.astimezone(LONDON).strftime("%d/%m/%Y"),
            pounds(row.change),
            "wardfund",
            _description(report, row.entry.label, row.entry.ward, several),
            row.entry.reference or row.entry.entry_id,
        ]
        for report in reports
        for row in report.rows
        if row.change
    ]
    return _csv(("*Date", "*Amount", "Payee", "Description", "Reference"), rows)


def report_quickbooks(reports: Sequence[CampaignReport]) -> str:
    """QuickBooks Online's three-column bank upload: Date (dd/mm/yyyy), Description, Amount."""
    several = len(reports) > 1
    rows = [
        [
            row.entry.at.astimezone(LONDON).strftime("%d/%m/%Y"),
            _description(report, row.entry.label, row.entry.ward, several)
            + f" ({row.entry.reference or row.entry.entry_id})",
            pounds(row.change),
        ]
        for report in reports
        for row in report.rows
        if row.change
    ]
    return _csv(("Date", "Description", "Amount"), rows)


def report_json(report: CampaignReport) -> dict[str, Any]:
    return {
        "campaign": report.campaign_id,
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "opening_balance_pence": report.opening_balance,
        "closing_balance_pence": report.closing_balance,
        "period_pence": report.period.as_dict() | {"owed": report.period.owed},
        "paid_for_campaign_pence": report.paid_for_campaign,
        "lines": [
            {
                "at": row.entry.at.astimezone(LONDON).isoformat(),
                "kind": row.entry.kind,
                "label": row.entry.label,
                "ward": row.entry.ward,
                "reference": row.entry.reference,
                "figures_pence": row.entry.figures.as_dict(),
                "paid_for_campaign_pence": row.entry.paid_for_campaign,
                "change_pence": row.change,
                "balance_pence": row.balance,
            }
            for row in report.rows
        ],
    }


SUMMARY_COLUMNS = (
    "campaign", "name", "opening_balance", "raised", "campaign_share", "national_share",
    "match", "launch_costs", "paid_out", "paid_for_campaign", "closing_balance",
)  # fmt: skip


def summary_rows(reports: Sequence[CampaignReport]) -> list[list[str]]:
    rows = []
    for r in reports:
        p = r.period
        rows.append(
            [
                r.campaign_id, r.campaign_name, pounds(r.opening_balance), pounds(p.raised),
                pounds(p.local_share), pounds(p.national_share), pounds(p.match),
                pounds(p.launch_costs), pounds(p.paid_out), pounds(r.paid_for_campaign),
                pounds(r.closing_balance),
            ]
        )  # fmt: skip
    opening, period, closing = summary_totals(reports)
    rows.append(
        [
            "TOTAL", "", pounds(opening), pounds(period.raised), pounds(period.local_share),
            pounds(period.national_share), pounds(period.match), pounds(period.launch_costs),
            pounds(period.paid_out), pounds(sum(r.paid_for_campaign for r in reports)),
            pounds(closing),
        ]
    )  # fmt: skip
    return rows


def summary_csv(reports: Sequence[CampaignReport]) -> str:
    return _csv(SUMMARY_COLUMNS, summary_rows(reports))


DONOR_COLUMNS = (
    "donor_ref", "name", "email", "wards", "gifts", "monthly", "first_gift", "last_gift",
    "total_given_pence", "total_given_gbp", "gift_list",
)  # fmt: skip


def donors_csv(donors: Sequence[DonorSummary]) -> str:
    rows = []
    for donor in donors:
        dates = [p.paid_at.astimezone(LONDON).date().isoformat() for p, _ in donor.gifts]
        gift_list = "; ".join(
            f"{p.paid_at.astimezone(LONDON).date().isoformat()} {pounds(net)} {p.kind}"
            for p, net in donor.gifts
        )
        rows.append(
            [
                donor.donor_ref, donor.name, donor.email, "; ".join(sorted(donor.wards)),
                len(donor.gifts), "yes" if donor.monthly else "no", min(dates), max(dates),
                donor.total, pounds(donor.total), gift_list,
            ]
        )  # fmt: skip
    return _csv(DONOR_COLUMNS, rows)


CHECK_COLUMNS = (
    "campaign", "list", "donor_ref", "name", "email", "wards", "given_on", "gift_gbp",
    "total_gbp", "threshold_gbp", "check_by", "what",
)  # fmt: skip
REVIEW_WHAT = "gifts just under the threshold, close together: review whether they are one donation"
REPORTABLE_WHAT = "donations add up to more than the reporting threshold: report each in the return"


def _gifts(gifts: Sequence[Gift]) -> tuple[str, str, str]:
    """Wards, dates and amounts of several gifts, each joined with '; '."""
    return (
        "; ".join(sorted({g.ward for g in gifts if g.ward})),
        "; ".join(g.received_on.isoformat() for g in gifts),
        "; ".join(pounds(g.net) for g in gifts),
    )


def permissibility_rows(campaign: Campaign, review: PermissibilityReview) -> list[list[str]]:
    """One row per gift to check, per donor to review, per reportable donor."""
    cid = campaign.campaign_id
    rows: list[list[str]] = []
    for c in review.checks:
        rows.append(
            [
                cid, "check", c.donor.donor_ref, c.donor.name or "", c.donor.email or "",
                c.gift.ward, c.gift.received_on.isoformat(), pounds(c.gift.net),
                pounds(c.gift.net), pounds(c.threshold), c.check_by.isoformat(), c.what_to_check,
            ]
        )  # fmt: skip
    for n in review.review:
        wards, dates, amounts = _gifts(n.gifts)
        rows.append(
            [
                cid, "review", n.donor.donor_ref, n.donor.name or "", n.donor.email or "", wards,
                dates, amounts, pounds(n.total), pounds(n.threshold), "", REVIEW_WHAT,
            ]
        )  # fmt: skip
    for t in review.reportable:
        wards, dates, amounts = _gifts(t.donations)
        rows.append(
            [
                cid, "reportable", t.donor.donor_ref, t.donor.name or "", t.donor.email or "",
                wards, dates, amounts, pounds(t.total), pounds(t.threshold), "", REPORTABLE_WHAT,
            ]
        )  # fmt: skip
    return rows


def permissibility_csv(reviews: Sequence[tuple[Campaign, PermissibilityReview]]) -> str:
    return _csv(
        CHECK_COLUMNS,
        [row for campaign, review in reviews for row in permissibility_rows(campaign, review)],
    )


def _gift_json(gift: Gift) -> dict[str, Any]:
    return {
        "payment_id": gift.payment_id,
        "given_on": gift.received_on.isoformat(),
        "ward": gift.ward,
        "gross_pence": gift.gross,
        "kept_pence": gift.net,
    }


def _donor_json(donor: Any) -> dict[str, Any]:
    return {"donor_ref": donor.donor_ref, "name": donor.name, "email": donor.email}


def permissibility_json(campaign: Campaign, review: PermissibilityReview) -> dict[str, Any]:
    return {
        "campaign": campaign.campaign_id,
        "campaign_type": str(review.campaign_type),
        "threshold_pence": review.threshold,
        "reporting_threshold_pence": review.reporting_threshold,
        "what_to_check": review.what_to_check,
        "checks": [
            _donor_json(c.donor) | _gift_json(c.gift) | {"check_by": c.check_by.isoformat()}
            for c in review.checks
        ],
        "review": [
            _donor_json(n.donor)
            | {"gifts": [_gift_json(g) for g in n.gifts], "total_pence": n.total}
            for n in review.review
        ],
        "reportable": [
            _donor_json(t.donor)
            | {
                "donations": [_gift_json(g) for g in t.donations],
                "total_pence": t.total,
                "changed_in_period": t.changed,
            }
            for t in review.reportable
        ],
    }
