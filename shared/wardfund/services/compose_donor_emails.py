"""What the donor emails say: the thank-you after a first payment, the failed-payment note."""

from __future__ import annotations

from wardfund.domain.campaign import Campaign
from wardfund.domain.facts import Donor
from wardfund.domain.notices import PaymentRecorded, RenewalFailed
from wardfund.domain.postings import PaymentKind
from wardfund.services.notification_ports import Composed, EmailContext


def first_name(donor: Donor | None) -> str:
    name = (donor.name or "").strip() if donor else ""
    return name.split()[0] if name else "there"


def compose_thanks(
    change: PaymentRecorded, campaign: Campaign | None, context: EmailContext
) -> Composed:
    payment, allocation = change.payment, change.allocation
    to_campaign = allocation.local_share + allocation.match
    return Composed(
        view={
            "kind": "donor_thanks",
            "first_name": first_name(change.donor),
            "campaign_name": campaign.name if campaign else (payment.campaign_id or ""),
            "ward": payment.ward or "",
            "paid_at": payment.paid_at,
            "monthly": payment.kind is PaymentKind.FIRST_MONTHLY,
            "gross": payment.gross,
            "share": allocation.local_share,
            "national": allocation.national_share,
            "match": allocation.match,
            "became": payment.gross + allocation.match,
            "to_campaign": to_campaign,
            "in_agreement": to_campaign > 0,
            "portal_url": context.customer_portal_url,
            "organisation": context.organisation_name,
            "reply_to": context.reply_to_address,
        }
    )


def compose_payment_failed(
    change: RenewalFailed, campaign: Campaign | None, context: EmailContext
) -> Composed:
    return Composed(
        view={
            "kind": "payment_failed",
            "first_name": first_name(change.donor),
            "campaign_name": campaign.name if campaign else "",
            "ward": change.ward or "",
            "at": change.at,
            "portal_url": context.customer_portal_url,
            "organisation": context.organisation_name,
            "reply_to": context.reply_to_address,
        }
    )
