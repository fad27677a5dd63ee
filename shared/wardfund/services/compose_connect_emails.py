"""What a campaign's treasurers are told when `wardfund campaign connect` makes their Stripe
onboarding link (issue 17)."""

from __future__ import annotations

from wardfund.domain.campaign import Campaign
from wardfund.domain.notices import ConnectOnboarding
from wardfund.services.notification_ports import Composed, EmailContext


def compose_connect_onboarding(
    change: ConnectOnboarding, campaign: Campaign | None, context: EmailContext
) -> Composed:
    return Composed(
        view={
            "kind": "connect_onboarding",
            "campaign_name": campaign.name if campaign else change.campaign_id,
            "campaign_id": change.campaign_id,
            "account_id": change.account_id,
            "at": change.at,
            "link_url": change.link_url,
            "expires_at": change.link_expires_at,
            "minutes": max(1, round((change.link_expires_at - change.at).total_seconds() / 60)),
            "requested_by": change.requested_by,
            "organisation": context.organisation_name,
            "reply_to": context.reply_to_address,
            "finance_email": context.national_finance_email,
        }
    )
