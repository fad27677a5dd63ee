"""The shape of `--json` (FORMAT.md "Output"), and an `expect:` block read against it."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from wardfund.domain.notices import EmailKind

FIGURE_KEYS = (
    "raised_pence",
    "local_share_pence",
    "national_share_pence",
    "match_pence",
    "match_remaining_pence",
    "paid_out_pence",
    "owed_pence",
)
PAYOUT_KEYS = ("campaign", "run_at", "amount_pence")
EMAIL_KEYS = ("to", "kind", "subject")
# What the player adds beyond FORMAT.md: both are there to be checked too.
CHECKS = ("journal_matches_counters", "dead_letters")
TOP_KEYS = (
    "scenario",
    "campaigns",
    "payouts",
    "emails",
    "email_counts",
    "suspense_pence",
    "ledger_balanced",
    *CHECKS,
)
ROW_KEYS = {"payouts": PAYOUT_KEYS, "emails": EMAIL_KEYS}


def _unknown(where: str, given: Mapping[Any, Any], known: Collection[str]) -> list[str]:
    return [
        f"{where}.{key}: not a key of the output (known: {', '.join(known)})"
        for key in given
        if key not in known
    ]


def _rows(name: str, value: Any) -> list[str]:
    if not isinstance(value, list):
        return [f"expect.{name}: a list of rows, not {value!r}"]
    found: list[str] = []
    for number, row in enumerate(value, start=1):
        where = f"expect.{name}[{number}]"
        if not isinstance(row, Mapping):
            found.append(f"{where}: a mapping of {', '.join(ROW_KEYS[name])}, not {row!r}")
        else:
            found += _unknown(where, row, ROW_KEYS[name])
    return found


def _campaigns(value: Any, campaign_ids: Collection[str]) -> list[str]:
    if not isinstance(value, Mapping):
        return [f"expect.campaigns: a mapping of campaign id to figures, not {value!r}"]
    found: list[str] = []
    for campaign_id, figures in value.items():
        where = f"expect.campaigns.{campaign_id}"
        if campaign_id not in campaign_ids:
            found.append(f"{where}: not a campaign of this file")
        elif not isinstance(figures, Mapping):
            found.append(f"{where}: a mapping of figures, not {figures!r}")
        else:
            found += _unknown(where, figures, FIGURE_KEYS)
    return found


def expect_problems(expect: Mapping[Any, Any], campaign_ids: Collection[str]) -> list[str]:
    """Every key of `expect` that the output does not have, each named by its path."""
    found = _unknown("expect", expect, TOP_KEYS)
    if "campaigns" in expect:
        found += _campaigns(expect["campaigns"], campaign_ids)
    for name in ROW_KEYS:
        if name in expect:
            found += _rows(name, expect[name])
    counts = expect.get("email_counts")
    if counts is not None and not isinstance(counts, Mapping):
        found.append(f"expect.email_counts: a mapping of kind to count, not {counts!r}")
    elif counts is not None:
        found += _unknown("expect.email_counts", counts, [str(kind) for kind in EmailKind])
    return found
