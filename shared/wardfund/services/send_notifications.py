"""Use case: one change in the ledger → the emails it makes due, each rendered and sent once.

Nothing here touches the ledger's money: a failed send raises, so the change is delivered
again later, and the mailer's idempotency on each email's request id keeps the emails that
did go out from going out twice.
"""

from __future__ import annotations

from dataclasses import replace

from wardfund.domain.campaign import Campaign
from wardfund.domain.notices import (
    AlertRaised,
    BankDetailsChanged,
    Change,
    ConnectOnboarding,
    EmailDue,
    EmailKind,
    NoticePolicy,
    PaymentRecorded,
    PayoutCompleted,
    RenewalFailed,
    RunSummarised,
    emails_due,
)
from wardfund.services.compose_bank_emails import compose_bank_details_changed
from wardfund.services.compose_connect_emails import compose_connect_onboarding
from wardfund.services.compose_donor_emails import compose_payment_failed, compose_thanks
from wardfund.services.compose_national_emails import compose_alert, compose_summary
from wardfund.services.compose_statement import compose_statement
from wardfund.services.notification_ports import (
    Composed,
    EmailContext,
    NotificationPorts,
    OutgoingEmail,
    SentEmail,
)


def _campaign_id(change: Change) -> str | None:
    match change:
        case PaymentRecorded():
            return change.payment.campaign_id
        case PayoutCompleted() | RenewalFailed() | BankDetailsChanged() | ConnectOnboarding():
            return change.campaign_id
    return None


def _compose(
    change: Change, campaign: Campaign | None, ports: NotificationPorts, context: EmailContext
) -> Composed:
    match change:
        case PaymentRecorded():
            return compose_thanks(change, campaign, context)
        case PayoutCompleted():
            assert campaign is not None  # no statement is due without the campaign
            return compose_statement(change, campaign, ports.reader, context)
        case RunSummarised():
            return compose_summary(change, ports.reader, ports.bank_files, context)
        case AlertRaised():
            return compose_alert(change, context)
        case RenewalFailed():
            return compose_payment_failed(change, campaign, context)
        case BankDetailsChanged():
            return compose_bank_details_changed(change, campaign, context)
        case ConnectOnboarding():
            return compose_connect_onboarding(change, campaign, context)


def _outgoing(due: EmailDue, composed: Composed, ports: NotificationPorts) -> OutgoingEmail:
    rendered = ports.renderer.render(due.kind, composed.view)
    return OutgoingEmail(
        request_id=due.request_id,
        kind=str(due.kind),
        to=due.to,
        subject=rendered.subject,
        html=rendered.html,
        text=rendered.text,
        attachments=composed.attachments,
    )


def send_notifications(
    change: Change, ports: NotificationPorts, context: EmailContext
) -> list[SentEmail]:
    campaign_id = _campaign_id(change)
    campaign = ports.reader.campaign(campaign_id) if campaign_id else None
    policy = NoticePolicy(context.national_finance_email, context.payment_failed_emails)
    due = emails_due(change, campaign, policy)
    if not due:
        return []
    composed = _compose(change, campaign, ports, context)  # once, whoever it goes to
    sent = []
    rendered: dict[EmailKind, OutgoingEmail] = {}
    for email in due:
        if email.kind not in rendered:
            rendered[email.kind] = _outgoing(email, composed, ports)
        outgoing = replace(rendered[email.kind], request_id=email.request_id, to=email.to)
        sent.append(SentEmail(str(email.kind), email.request_id, ports.mailer.send(outgoing)))
    return sent
