"""A campaign's settings and figures in the words people use (issue 14, section 3):
"Match cap £2,000.00", "Local share 80 %", "Polling day Thu 10 Dec 2026", "Withdrawn on ...",
never `match_cap_pence 200000` or `None`. One place, for `campaign show`, the audit trail's
descriptions of a change, and the comments `campaign export` writes beside each field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from wardfund.domain.calendar import LONDON
from wardfund.domain.display import pounds

NOT_SET = "not set"
SETTING_LABELS = {
    "campaign_id": "Id",
    "name": "Name",
    "treasurer_emails": "Treasurers",
    "launch_event_on": "Launch event",
    "election_on": "Polling day",
    "match_cap_pence": "Match cap",
    "local_share_bps": "Local share",
    "launch_invoice_cap_pence": "Launch-event invoice cap",
    "withdrawn_at": "Withdrawn on",
    "connect_account_id": "Paid by Stripe Connect to",
    "bank_reference": "Bank details reference",
    "campaign_type": "Campaign type",
    "promoter_name": "Promoter",
    "promoter_address": "Promoter's address",
    "on_behalf_of": "On behalf of",
    "printer": "Printer",
    "version": "Settings version",
}
FIGURE_LABELS = {
    "raised": "Raised",
    "local_share": "Campaign share",
    "national_share": "Kept nationally",
    "match": "Match funding",
    "launch_costs": "Launch-event invoices reimbursed",
    "paid_out": "Paid out",
    "owed": "Owed to the campaign",
    "match_remaining": "Match left under the cap",
    "launch_invoices_committed": "Launch-event invoices committed",
    "launch_invoices_remaining": "Left under the launch-event invoice cap",
}
CAMPAIGN_TYPES = {
    "candidate": "candidate (gifts over £50 are donations)",
    "party": "party (gifts over £500 are donations)",
    "non_party_campaigner": "non-party campaigner (gifts over £500 are donations)",
}


def day(value: date) -> str:
    """`Mon 01 Jun 2026`."""
    return value.strftime("%a %d %b %Y")


def london_time(value: datetime) -> str:
    """`Mon 01 Jun 2026 18:30 (London)`: whole, in the agreement's time zone."""
    return value.astimezone(LONDON).strftime("%a %d %b %Y %H:%M") + " (London)"


def percent(bps: int) -> str:
    return f"{bps / 100:g} %"


def shown_setting(name: str, value: Any) -> str:
    """A setting's value in words (its name's kind decides how)."""
    if value is None or value == () or value == []:
        return NOT_SET
    if name.endswith("_pence") and isinstance(value, int):
        return pounds(value)
    if name.endswith("_bps") and isinstance(value, int):
        return percent(value)
    if isinstance(value, datetime):
        return london_time(value)
    if isinstance(value, date):
        return day(value)
    if name == "campaign_type":
        return CAMPAIGN_TYPES.get(str(value), str(value))
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def setting_label(name: str) -> str:
    return SETTING_LABELS.get(name, name.replace("_", " ").capitalize())


def described_change(name: str, before: Any, after: Any) -> str:
    """`Match cap: £2,000.00 → £1,500.00`."""
    return f"{setting_label(name)}: {shown_setting(name, before)} → {shown_setting(name, after)}"


__all__ = [
    "FIGURE_LABELS",
    "NOT_SET",
    "SETTING_LABELS",
    "day",
    "described_change",
    "london_time",
    "percent",
    "setting_label",
    "shown_setting",
]
