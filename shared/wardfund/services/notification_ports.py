"""What the notifications use case needs: the ledger to read, templates, and a mailer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from wardfund.domain.campaign import Campaign
from wardfund.domain.facts import Donor
from wardfund.domain.notices import EmailKind
from wardfund.domain.payouts import LedgerLine
from wardfund.domain.permissibility import PermissibilityRules
from wardfund.domain.postings import Payment
from wardfund.domain.statement import LifecycleNote
from wardfund.domain.suspense import SuspenseItem


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "text/csv"
    data: bytes


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    html: str
    text: str


@dataclass(frozen=True)
class OutgoingEmail:
    """One email to one person. `request_id` is what makes a second send of it a no-op."""

    request_id: str
    kind: str
    to: str
    subject: str
    html: str
    text: str
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class EmailContext:
    """Settings the wording needs."""

    organisation_name: str
    national_finance_email: str
    customer_portal_url: str = ""
    reply_to_address: str = ""
    payment_failed_emails: bool = False
    permissibility: PermissibilityRules = field(default_factory=PermissibilityRules)


@dataclass(frozen=True)
class SentEmail:
    kind: str
    request_id: str
    message_id: str


@dataclass(frozen=True)
class Composed:
    """What a kind's template is rendered from, and what goes with it."""

    view: Mapping[str, Any]
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


class NotificationReader(Protocol):
    def campaign(self, campaign_id: str) -> Campaign | None: ...
    def lines_until(self, campaign_id: str, run_at: datetime) -> Sequence[LedgerLine]: ...
    def payments(self, payment_ids: Iterable[str]) -> Mapping[str, tuple[Payment, Donor]]: ...
    def lifecycle(
        self, campaign_id: str, after: datetime | None, until: datetime
    ) -> Sequence[LifecycleNote]: ...
    def previous_run(self, before: datetime) -> datetime | None: ...
    def suspense(self) -> int: ...
    def open_suspense(self) -> Sequence[SuspenseItem]:
        """Suspense items not yet resolved, oldest first (listed in every national summary)."""
        ...


class BankFileReader(Protocol):
    def read(self, location: str) -> bytes: ...


class Renderer(Protocol):
    def render(self, kind: EmailKind, view: Mapping[str, Any]) -> RenderedEmail: ...


class Mailer(Protocol):
    def send(self, email: OutgoingEmail) -> str:
        """Sends it, or does nothing when an email with this request id was sent already;
        returns the provider's message id. Raises when the send failed."""
        ...


@dataclass(frozen=True)
class NotificationPorts:
    reader: NotificationReader
    bank_files: BankFileReader
    renderer: Renderer
    mailer: Mailer
