"""What a campaign's treasurers and national finance are told when its bank details change."""

from __future__ import annotations

from wardfund.domain.campaign import Campaign
from wardfund.domain.notices import BankDetailsChanged
from wardfund.services.notification_ports import Composed, EmailContext


def compose_bank_details_changed(
    change: BankDetailsChanged, campaign: Campaign | None, context: EmailContext
) -> Composed:
    return Composed(
        view={
            "kind": "bank_details_changed",
            "campaign_name": campaign.name if campaign else change.campaign_id,
            "campaign_id": change.campaign_id,
            "change_id": change.change_id,
            "at": change.at,
            "now": change.now,
            "was": change.was,
            "requested_by": change.requested_by,
            "approved_by": change.approved_by,
            "organisation": context.organisation_name,
            "reply_to": context.reply_to_address,
            "finance_email": context.national_finance_email,
        }
    )
