"""Which emails a change in the ledger makes due, and the id that makes each one unique.

The ledger and the payout run write, in the same transactions as the money, the records
that mean "an email is due" (a payment, a finished payout, an alert, a run summary, a
failed renewal, a change of a campaign's bank details). Each such change arrives here as
one of the types below; `emails_due` says, without any I/O, who gets which email. Each
email's `request_id` is stable, so a change seen twice never sends the same email twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from wardfund.domain.bank_details import Shown
from wardfund.domain.calendar import utc_key
from wardfund.domain.campaign import Campaign
from wardfund.domain.facts import Donor
from wardfund.domain.payouts import PayoutMethod, PayoutStatus
from wardfund.domain.postings import Allocation, Payment, PaymentKind
from wardfund.domain.run_report import RunReport


class EmailKind(StrEnum):
    DONOR_THANKS = "donor_thanks"
    PAYOUT_STATEMENT = "payout_statement"
    NATIONAL_SUMMARY = "national_summary"
    ALERT = "alert"
    PAYMENT_FAILED = "payment_failed"
    BANK_DETAILS_CHANGED = "bank_details_changed"
    CONNECT_ONBOARDING = "connect_onboarding"


class AlertKind(StrEnum):
    SUSPENSE = "suspense"
    PAYOUT_FAILED = "payout_failed"
    DEAD_LETTERS = "dead_letters"
    CONNECT_NOT_READY = "connect_not_ready"  # paid by bank: its Stripe account cannot receive
    EVENT_IGNORED = "event_ignored"  # a type wardfund counts, with an object it cannot count
    EVENT_SET_ASIDE = "event_set_aside"  # unreadable: dead-lettered at once, not retried
    PAYOUTS_HELD = "payouts_held"  # a run held payouts for Stripe's available balance
    PAYOUT_RUN_LATE = "payout_run_late"  # a payout run not finished by its deadline


@dataclass(frozen=True)
class PaymentRecorded:
    payment: Payment
    allocation: Allocation
    donor: Donor


@dataclass(frozen=True)
class PayoutCompleted:
    payout_id: str
    campaign_id: str
    run_at: datetime
    amount: int
    method: PayoutMethod
    status: PayoutStatus
    reference: str
    settles: tuple[str, ...]


ALERT_DETAIL_NAMES = (
    "campaign_id",
    "campaign_name",
    "ward",
    "payment_id",
    "payment_kind",
    "currency",
    "needed",
    "queue",
    "alarm",
    "event_id",
    "event_type",
    "object_id",
    "error_type",
)
"""The details an alert may carry (`AlertRaised.details`): read from its record, and each
shown in its email (blank when the alert has none)."""


@dataclass(frozen=True)
class AlertRaised:
    alert_id: str
    kind: AlertKind
    at: datetime
    reason: str
    amount: int | None = None
    details: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RenewalFailed:
    object_id: str
    campaign_id: str | None
    ward: str | None
    at: datetime
    donor: Donor | None


@dataclass(frozen=True)
class RunSummarised:
    report: RunReport
    revision: str = ""  # empty for the first summary of a run; set when a retry changes it


@dataclass(frozen=True)
class BankDetailsChanged:
    """A campaign's bank details changed (a second person approved the change): every
    treasurer and national finance are told, so a change nobody asked for is seen."""

    change_id: str
    campaign_id: str
    at: datetime
    now: Shown
    was: Shown | None
    requested_by: str
    approved_by: str


@dataclass(frozen=True)
class ConnectOnboarding:
    """`wardfund campaign connect` made an onboarding link for the campaign's Stripe account:
    every treasurer is emailed it. It works once, until `link_expires_at` (minutes)."""

    campaign_id: str
    account_id: str
    at: datetime
    link_url: str
    link_expires_at: datetime
    requested_by: str


Change = (
    PaymentRecorded
    | PayoutCompleted
    | AlertRaised
    | RenewalFailed
    | RunSummarised
    | BankDetailsChanged
    | ConnectOnboarding
)


@dataclass(frozen=True)
class NoticePolicy:
    national_finance_email: str
    payment_failed_emails: bool = False


@dataclass(frozen=True)
class EmailDue:
    kind: EmailKind
    request_id: str
    to: str


THANKED_KINDS = (PaymentKind.FIRST_MONTHLY, PaymentKind.ONE_OFF)


def recipient_tag(address: str) -> str:
    """A short, stable stand-in for an address in ids and logs (never the address itself)."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:16]


def _unique(addresses: tuple[str, ...]) -> list[str]:
    seen: dict[str, str] = {}
    for address in addresses:
        cleaned = address.strip()
        if cleaned:
            seen.setdefault(cleaned.lower(), cleaned)
    return list(seen.values())


def _thanks(change: PaymentRecorded) -> list[EmailDue]:
    payment, allocation = change.payment, change.allocation
    if payment.kind not in THANKED_KINDS or allocation.suspense or not change.donor.email:
        return []
    return [
        EmailDue(
            EmailKind.DONOR_THANKS,
            f"{EmailKind.DONOR_THANKS}:{payment.payment_id}",
            change.donor.email,
        )
    ]


def _statements(change: PayoutCompleted, campaign: Campaign | None) -> list[EmailDue]:
    if campaign is None:
        return []
    return [
        EmailDue(
            EmailKind.PAYOUT_STATEMENT,
            f"{EmailKind.PAYOUT_STATEMENT}:{change.payout_id}:{recipient_tag(address)}",
            address,
        )
        for address in _unique(campaign.treasurer_emails)
    ]


def _to_finance(kind: EmailKind, request_id: str, policy: NoticePolicy) -> list[EmailDue]:
    if not policy.national_finance_email:
        return []
    return [EmailDue(kind, request_id, policy.national_finance_email)]


def _payment_failed(change: RenewalFailed, policy: NoticePolicy) -> list[EmailDue]:
    if not policy.payment_failed_emails or change.donor is None or not change.donor.email:
        return []
    return [
        EmailDue(
            EmailKind.PAYMENT_FAILED,
            f"{EmailKind.PAYMENT_FAILED}:{change.object_id}",
            change.donor.email,
        )
    ]


def _bank_details_changed(
    change: BankDetailsChanged, campaign: Campaign | None, policy: NoticePolicy
) -> list[EmailDue]:
    kind = EmailKind.BANK_DETAILS_CHANGED
    to = [*(campaign.treasurer_emails if campaign else ()), policy.national_finance_email]
    return [
        EmailDue(kind, f"{kind}:{change.change_id}:{recipient_tag(address)}", address)
        for address in _unique(tuple(to))
    ]


def link_tag(url: str) -> str:
    """A short, stable stand-in for an onboarding link in ids (never the link itself)."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def _connect_onboarding(change: ConnectOnboarding, campaign: Campaign | None) -> list[EmailDue]:
    kind = EmailKind.CONNECT_ONBOARDING
    link = f"{change.account_id}:{link_tag(change.link_url)}"  # each link is its own email
    return [
        EmailDue(kind, f"{kind}:{link}:{recipient_tag(address)}", address)
        for address in _unique(campaign.treasurer_emails if campaign else ())
    ]


def summary_request_id(change: RunSummarised) -> str:
    base = f"{EmailKind.NATIONAL_SUMMARY}:{utc_key(change.report.run_at)}"
    return f"{base}:{change.revision}" if change.revision else base


def emails_due(change: Change, campaign: Campaign | None, policy: NoticePolicy) -> list[EmailDue]:
    """`campaign`: the settings of the campaign the change is about, when it is about one."""
    match change:
        case PaymentRecorded():
            return _thanks(change)
        case PayoutCompleted():
            return _statements(change, campaign)
        case AlertRaised():
            return _to_finance(EmailKind.ALERT, f"{EmailKind.ALERT}:{change.alert_id}", policy)
        case RenewalFailed():
            return _payment_failed(change, policy)
        case RunSummarised():
            return _to_finance(EmailKind.NATIONAL_SUMMARY, summary_request_id(change), policy)
        case BankDetailsChanged():
            return _bank_details_changed(change, campaign, policy)
        case ConnectOnboarding():
            return _connect_onboarding(change, campaign)
