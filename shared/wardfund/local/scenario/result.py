"""The figures of a played scenario, read back from the ledger (FORMAT.md "Output"), in the
order FORMAT.md gives: payouts by run then campaign, emails by step, kind, then address."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.ledger_report import DynamoLedgerReport
from wardfund.adapters.dynamodb.table import Table
from wardfund.domain.calendar import LONDON
from wardfund.domain.notices import EmailKind
from wardfund.local.aws.sent_emails import SentEmail


@dataclass(frozen=True)
class StepEmail:
    """An email and the number of the step whose work sent it."""

    step: int
    email: SentEmail


def email_rows(emails: Sequence[StepEmail]) -> list[dict[str, str]]:
    ordered = sorted(emails, key=lambda e: (e.step, e.email.kind, ", ".join(e.email.to)))
    return [sent.email.summary() for sent in ordered]


def figures(
    name: str, table: Table, emails: Sequence[StepEmail], dead_letters: int
) -> dict[str, Any]:
    report = DynamoLedgerReport(table)
    check = report.check()
    campaigns: dict[str, Any] = {}
    counters_match = True
    payouts = sorted(report.payouts(), key=lambda p: (p[0].run_at, p[0].campaign_id))
    for campaign in DynamoCampaignStore(table).all():
        owed = report.figures(campaign.campaign_id)
        rebuilt = check.rebuilt.get(campaign.campaign_id)
        paid = sum(plan.amount for plan, _ in payouts if plan.campaign_id == campaign.campaign_id)
        if rebuilt is not None and (rebuilt.as_dict() | {"paid_out": paid}) != owed.as_dict():
            counters_match = False
        campaigns[campaign.campaign_id] = {
            "raised_pence": owed.raised,
            "local_share_pence": owed.local_share,
            "national_share_pence": owed.national_share,
            "match_pence": owed.match,
            "match_remaining_pence": campaign.match_cap_pence - owed.match,
            "paid_out_pence": owed.paid_out,
            "owed_pence": owed.owed,
        }
    rows = email_rows(emails)
    return {
        "scenario": name,
        "campaigns": campaigns,
        "payouts": [
            {
                "campaign": plan.campaign_id,
                "run_at": plan.run_at.astimezone(LONDON).isoformat(),
                "amount_pence": plan.amount,
            }
            for plan, _ in payouts
        ],
        "emails": rows,
        "email_counts": {
            str(kind): sum(1 for row in rows if row["kind"] == kind) for kind in EmailKind
        },
        "suspense_pence": report.suspense().get("gbp", 0),
        "ledger_balanced": check.balanced,
        "journal_matches_counters": counters_match,
        "dead_letters": dead_letters,
    }
