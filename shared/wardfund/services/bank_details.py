"""Use cases: a campaign's bank details requested, approved by a second person, shown masked,
read whole by the national finance role, and turned into the run's bank payments.

A change is two steps by two people. `request_change` checks the details (form, modulus
where Vocalink's tables cover the sort code), seals them and keeps them waiting;
`approve_change` by someone else (another name and, on a deployed stage, other AWS
credentials) makes them the details payouts go to, and in the same transaction leaves the
notice that emails every treasurer and national finance. Each step is in the campaign's
audit trail with the typed name and the caller's AWS identity.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from wardfund.domain.bank_details import (
    BankChange,
    BankDetails,
    BankDetailsRefused,
    CurrentBankDetails,
    Shown,
    modulus_outcome,
)
from wardfund.domain.bank_files import BankPayment
from wardfund.domain.campaign import Campaign
from wardfund.domain.errors import InvalidCampaign
from wardfund.domain.modulus import ModulusTables


class Sealer(Protocol):
    def seal(self, campaign_id: str, details: BankDetails) -> bytes: ...
    def open(self, campaign_id: str, sealed: bytes) -> BankDetails: ...


class BankDetailsStore(Protocol):
    def current(self, campaign_id: str) -> CurrentBankDetails | None: ...
    def pending(self, campaign_id: str) -> BankChange | None: ...
    def request(self, change: BankChange) -> None: ...
    def withdraw(self, change: BankChange) -> None: ...
    def approve(
        self,
        change: BankChange,
        *,
        was: CurrentBankDetails | None,
        by: str,
        principal: str | None,
        at: datetime,
    ) -> CurrentBankDetails: ...


class Campaigns(Protocol):
    def get(self, campaign_id: str) -> Campaign | None: ...


class AuditLog(Protocol):
    def record(
        self,
        campaign_id: str,
        *,
        action: str,
        by: str,
        at: datetime,
        detail: str,
        principal: str | None = None,
    ) -> None: ...


def new_change_id() -> str:
    return f"bc-{uuid.uuid4().hex[:10]}"


def _campaign(campaigns: Campaigns, campaign_id: str) -> Campaign:
    found = campaigns.get(campaign_id)
    if found is None:
        raise InvalidCampaign(f"no campaign with id {campaign_id!r}")
    return found


def _was(shown: Shown | None) -> str:
    return f" (was {shown.text()})" if shown else " (none before)"


def request_change(
    store: BankDetailsStore,
    campaigns: Campaigns,
    sealer: Sealer,
    audit: AuditLog,
    tables: ModulusTables | None,
    *,
    campaign_id: str,
    account_name: str,
    sort_code: str,
    account_number: str,
    by: str,
    at: datetime,
    principal: str | None = None,
    change_id: str | None = None,
) -> BankChange:
    """Checks and keeps the new details waiting for a second person; changes no payout."""
    _campaign(campaigns, campaign_id)
    details = BankDetails.parse(account_name, sort_code, account_number)
    outcome = modulus_outcome(details, tables)
    current = store.current(campaign_id)
    shown = Shown.of(details)
    if current is not None and current.shown == shown:
        raise BankDetailsRefused(
            f"{campaign_id}'s bank details already end in {shown.masked_account} at "
            f"{shown.sort_code_shown} under that name: nothing to change"
        )
    change = BankChange(
        change_id=change_id or new_change_id(),
        campaign_id=campaign_id,
        shown=shown,
        sealed=sealer.seal(campaign_id, details),
        requested_by=by,
        requested_at=at,
        requested_principal=principal,
        modulus=str(outcome),
        replaces=current.shown if current else None,
    )
    store.request(change)
    audit.record(
        campaign_id,
        action="bank details change requested",
        by=by,
        at=at,
        detail=f"{change.change_id}: {shown.text()}{_was(change.replaces)}; "
        f"modulus check {outcome.replace('_', ' ')}; waiting for a second person",
        principal=principal,
    )
    return change


def approve_change(
    store: BankDetailsStore,
    audit: AuditLog,
    *,
    campaign_id: str,
    by: str,
    at: datetime,
    principal: str | None = None,
    change_id: str | None = None,
) -> CurrentBankDetails:
    change = store.pending(campaign_id)
    if change is None:
        raise BankDetailsRefused(f"no change of {campaign_id}'s bank details is waiting")
    if change_id is not None and change_id != change.change_id:
        raise BankDetailsRefused(
            f"the change waiting for {campaign_id} is {change.change_id}, not {change_id}"
        )
    change.check_second_person(by, principal)
    was = store.current(campaign_id)
    current = store.approve(change, was=was, by=by, principal=principal, at=at)
    audit.record(
        campaign_id,
        action="bank details changed",
        by=by,
        at=at,
        detail=f"{change.change_id}: now {change.shown.text()}"
        f"{_was(was.shown if was else None)}; requested by {change.requested_by}"
        + (f" ({change.requested_principal})" if change.requested_principal else "")
        + f", approved by {by}; every treasurer and national finance are emailed",
        principal=principal,
    )
    return current


def reject_change(
    store: BankDetailsStore,
    audit: AuditLog,
    *,
    campaign_id: str,
    reason: str,
    by: str,
    at: datetime,
    principal: str | None = None,
) -> BankChange:
    if not reason.strip():
        raise BankDetailsRefused("a rejection needs a reason")
    change = store.pending(campaign_id)
    if change is None:
        raise BankDetailsRefused(f"no change of {campaign_id}'s bank details is waiting")
    store.withdraw(change)
    audit.record(
        campaign_id,
        action="bank details change rejected",
        by=by,
        at=at,
        detail=f"{change.change_id}: {change.shown.text()} not applied: {reason}",
        principal=principal,
    )
    return change


@dataclass(frozen=True)
class Revealed:
    campaign_id: str
    details: BankDetails
    current: CurrentBankDetails


def reveal(
    store: BankDetailsStore,
    sealer: Sealer,
    audit: AuditLog,
    campaign_ids: Sequence[str],
    *,
    by: str,
    at: datetime,
    principal: str | None = None,
) -> list[Revealed]:
    """The whole details, for the national finance role (KMS refuses anyone else). Each
    campaign's audit trail records the read before the details are opened."""
    found = []
    for campaign_id in campaign_ids:
        current = store.current(campaign_id)
        if current is None:
            continue
        audit.record(
            campaign_id,
            action="bank details exported",
            by=by,
            at=at,
            detail=f"{current.shown.text()} read whole",
            principal=principal,
        )
        found.append(Revealed(campaign_id, sealer.open(campaign_id, current.sealed), current))
    return found


@dataclass(frozen=True)
class RunPayments:
    """The run's bank payments with their details, and the campaigns without details."""

    payments: tuple[BankPayment, ...]
    missing: tuple[Mapping[str, str], ...]


def run_bank_payments(
    rows: Sequence[Mapping[str, str]], store: BankDetailsStore, sealer: Sealer
) -> RunPayments:
    """The payout run's bank rows (payout_id, campaign_id, payee, amount_pence, reference)
    with each campaign's current details opened. A campaign with no approved details is
    listed as missing: its payout is recorded, and national finance is told to pay it by
    hand once the details are approved."""
    payments, missing = [], []
    for row in rows:
        campaign_id = row["campaign_id"]
        current = store.current(campaign_id)
        if current is None:
            missing.append(row)
            continue
        details = sealer.open(campaign_id, current.sealed)
        payments.append(
            BankPayment(
                campaign_id=campaign_id,
                payout_id=row["payout_id"],
                payee_name=details.payee_name,
                sort_code=details.sort_code,
                account_number=details.account_number,
                amount=int(row["amount_pence"]),
                reference=row["reference"],
                details_changed_at=current.changed_at,
            )
        )
    return RunPayments(tuple(payments), tuple(missing))
