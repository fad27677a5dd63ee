"""Use case: Stripe's Connect webhook endpoint (`POST /stripe/connect-webhook`) sends an
event about a connected account (issue 17, section 2).

Only the Connect endpoint's own signing secret verifies it (the platform endpoint's does
not, and that endpoint ignores `account.updated`). An `account.updated` of a campaign's
account records what the account can do now, unless something newer is recorded already
(Stripe's events come in any order, and sometimes twice); a change of whether it can receive
transfers is written to the campaign's audit trail. The payout run reads the record when it
plans. Nothing is queued: the write is one conditional put, and a failure to write answers
503, so Stripe sends the event again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from wardfund.domain.connect import ConnectStatus
from wardfund.services.accept_webhook import (
    Verifies,
    WebhookReply,
    verified,
    version_refusal,
)

ACCOUNT_UPDATED = "account.updated"


@dataclass(frozen=True)
class ConnectEvent:
    """A verified event from the Connect endpoint. `connected_account`: the event's
    `account` (the connected account it happened on; absent on the platform's own events);
    `status`: for `account.updated`, what its Account object says; `campaign_hint`: the
    account's `metadata.campaign`, as `campaign connect` sets it."""

    event_id: str
    event_type: str
    api_version: str | None
    created: datetime
    connected_account: str | None
    status: ConnectStatus | None = None
    campaign_hint: str | None = None


class ConnectVerifier(Verifies[ConnectEvent], Protocol): ...


class ConnectStatuses(Protocol):
    def account_of(self, campaign_id: str) -> str | None: ...
    def campaign_of_account(self, account_id: str) -> str | None: ...
    def record(
        self, campaign_id: str, status: ConnectStatus
    ) -> tuple[bool, ConnectStatus | None]: ...
    def audit(
        self, campaign_id: str, *, at: datetime, by: str, detail: str, principal: str | None = None
    ) -> None: ...


def _campaign(event: ConnectEvent, account: str, store: ConnectStatuses) -> str | None:
    hint = event.campaign_hint
    if hint and store.account_of(hint) == account:
        return hint
    return store.campaign_of_account(account)


def _changed(before: ConnectStatus | None, now: ConnectStatus) -> bool:
    if before is None or before.account_id != now.account_id:
        return True
    return before.can_receive != now.can_receive


def accept_connect_webhook(
    raw_body: bytes, signature: str | None, verifier: ConnectVerifier, store: ConnectStatuses
) -> WebhookReply:
    event = verified(raw_body, signature, verifier)
    if isinstance(event, WebhookReply):
        return event
    if event.event_type != ACCOUNT_UPDATED:
        return WebhookReply(200, "ignored: not an event wardfund acts on", event.event_id)
    refused = version_refusal(event.event_id, event.api_version)
    if refused is not None:
        return refused
    status = event.status
    account = event.connected_account
    if status is None or not account or account != status.account_id:
        return WebhookReply(
            400,
            "payload rejected: an account.updated on the Connect endpoint names the connected "
            "account it is about (`account`, the same as data.object.id)",
            event.event_id,
        )
    campaign_id = _campaign(event, account, store)
    if campaign_id is None:
        return WebhookReply(200, f"ignored: no campaign is paid through {account}", event.event_id)
    kept, before = store.record(campaign_id, status)
    if not kept:
        return WebhookReply(200, "ignored: something newer is recorded", event.event_id)
    if _changed(before, status):
        store.audit(
            campaign_id,
            at=event.created,
            by=f"Stripe ({ACCOUNT_UPDATED} {event.event_id})",
            detail=f"Stripe connected account {account} {status.words()}",
        )
    return WebhookReply(200, f"recorded: {campaign_id}", event.event_id)


__all__ = ["ACCOUNT_UPDATED", "ConnectEvent", "accept_connect_webhook"]
