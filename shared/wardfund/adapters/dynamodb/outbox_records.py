"""The table's stream as an outbox: which item changes mean "an email is due", as domain changes.

The ledger and the payout run already write, in the same transactions as the money, the
items below; a stream record of one of them becomes a `Change`, any other record `None`.
`STREAM_FILTERS` are the same rules as Lambda event filter patterns, so in AWS the
notifications function is only invoked for these records (the local stream worker applies
the same patterns).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from wardfund.adapters.dynamodb.records import payment_from, plan_from, run_report_from
from wardfund.adapters.dynamodb.suspense_assignment import ASSIGNED_RECORD
from wardfund.adapters.dynamodb.table import ALERT_PK, RUNS_PK, Item, from_item
from wardfund.domain.bank_details import Shown
from wardfund.domain.calendar import parse_utc_key
from wardfund.domain.facts import Donor
from wardfund.domain.notices import (
    ALERT_DETAIL_NAMES,
    AlertKind,
    AlertRaised,
    BankDetailsChanged,
    Change,
    ConnectOnboarding,
    PaymentRecorded,
    PayoutCompleted,
    RenewalFailed,
    RunSummarised,
)
from wardfund.domain.payouts import PayoutStatus

INSERT, MODIFY = "INSERT", "MODIFY"
# A payment's record as first written, and the record `suspense assign` writes when a payment
# leaves suspense for its campaign: both carry the payment, its allocation and its donor, and a
# payment in suspense was never thanked.
PAYMENT_RECORDS = ("PAYMENT", ASSIGNED_RECORD)
BANK_DETAILS_CHANGED = "bank_details_changed"  # bank_details_store.CHANGED_KIND
CONNECT_ONBOARDING = "connect_onboarding"  # connect_store.ONBOARDING_KIND
DONE = (str(PayoutStatus.PAID), str(PayoutStatus.AWAITING_BANK_TRANSFER))

STREAM_FILTERS: tuple[dict[str, Any], ...] = (
    {"eventName": [INSERT], "dynamodb": {"Keys": {"SK": {"S": list(PAYMENT_RECORDS)}}}},
    {
        "eventName": [MODIFY],
        "dynamodb": {
            "Keys": {"SK": {"S": [{"prefix": "PAYOUT#"}]}},
            "OldImage": {"status": {"S": [str(PayoutStatus.PENDING)]}},
            "NewImage": {"status": {"S": list(DONE)}},
        },
    },
    {"eventName": [INSERT], "dynamodb": {"Keys": {"PK": {"S": [ALERT_PK]}}}},
    {
        "eventName": [INSERT],
        "dynamodb": {
            "Keys": {"SK": {"S": [{"prefix": "DONOR#"}]}},
            "NewImage": {"kind": {"S": ["renewal_failed"]}},
        },
    },
    {"eventName": [INSERT, MODIFY], "dynamodb": {"Keys": {"PK": {"S": [RUNS_PK]}}}},
)


def _payment(new: Item) -> Change:
    payment, allocation, donor = payment_from(new)
    return PaymentRecorded(payment, allocation, donor)


def _payout(new: Item) -> Change:
    plan = plan_from(new)
    return PayoutCompleted(
        payout_id=plan.payout_id,
        campaign_id=plan.campaign_id,
        run_at=plan.run_at,
        amount=plan.amount,
        method=plan.method,
        status=PayoutStatus(new["status"]),
        reference=str(new.get("reference", "")),
        settles=plan.settles,
    )


def _alert(new: Item) -> Change:
    at_text = new.get("at") or str(new["SK"]).split("#", 1)[0]
    amount = new.get("amount")
    return AlertRaised(
        alert_id=str(new["SK"]),
        kind=AlertKind(new.get("kind", "suspense")),
        at=parse_utc_key(at_text),
        reason=str(new.get("reason", "")),
        amount=int(amount) if amount is not None else None,
        details={name: str(new[name]) for name in ALERT_DETAIL_NAMES if new.get(name) is not None},
    )


def _bank_details_changed(new: Item) -> Change:
    """The notice `adapters/dynamodb/bank_details_store.py` leaves in the alerts' partition
    (it rides their stream filter) when a change of bank details is approved."""

    def shown(prefix: str) -> Shown | None:
        if not new.get(f"{prefix}sort_code"):
            return None
        return Shown(
            str(new.get(f"{prefix}account_name", "")),
            str(new[f"{prefix}sort_code"]),
            str(new.get(f"{prefix}last4", "")),
        )

    now = shown("")
    assert now is not None  # a notice always names the new details
    return BankDetailsChanged(
        change_id=str(new["change_id"]),
        campaign_id=str(new["campaign_id"]),
        at=parse_utc_key(new["at"]),
        now=now,
        was=shown("old_"),
        requested_by=str(new.get("requested_by", "")),
        approved_by=str(new.get("approved_by", "")),
    )


def _connect_onboarding(new: Item) -> Change:
    """The notice `adapters/dynamodb/connect_store.py` leaves in the alerts' partition when
    `wardfund campaign connect` made an onboarding link (issue 17)."""
    return ConnectOnboarding(
        campaign_id=str(new["campaign_id"]),
        account_id=str(new["account_id"]),
        at=parse_utc_key(new["at"]),
        link_url=str(new["link_url"]),
        link_expires_at=parse_utc_key(new["link_expires_at"]),
        requested_by=str(new.get("requested_by", "")),
    )


def _renewal_failed(new: Item) -> Change:
    donor = None
    if new.get("donor_ref") or new.get("donor_email"):
        donor = Donor(str(new.get("donor_ref", "")), new.get("donor_email"), new.get("donor_name"))
    pk = str(new["PK"])
    return RenewalFailed(
        object_id=str(new["SK"]).split("#")[2],
        campaign_id=pk.removeprefix("CAMPAIGN#") if pk.startswith("CAMPAIGN#") else None,
        ward=new.get("ward"),
        at=parse_utc_key(new["at"]),
        donor=donor,
    )


def _outcome(item: Item) -> list[tuple[str, Any, Any]]:
    return sorted(
        (line["campaign_id"], line.get("status"), line.get("failure"))
        for line in item.get("lines", [])
    )


def _run(event_name: str, new: Item, old: Item) -> Change | None:
    if event_name == INSERT:
        return RunSummarised(run_report_from(new))
    if _outcome(new) == _outcome(old):
        return None  # the same run written again: nothing new to tell
    digest = hashlib.sha256(json.dumps(_outcome(new), default=str).encode()).hexdigest()[:12]
    return RunSummarised(run_report_from(new), revision=digest)


def change_from_record(
    event_name: str,
    new_image: Mapping[str, Any] | None,
    old_image: Mapping[str, Any] | None,
) -> Change | None:
    """A stream record (images in DynamoDB JSON) → the change it reports, if any."""
    new = from_item(new_image or {})
    old = from_item(old_image or {})
    pk, sk = str(new.get("PK", "")), str(new.get("SK", ""))
    if not pk:
        return None  # a REMOVE, or a stream without new images
    if event_name == INSERT and sk in PAYMENT_RECORDS and pk.startswith("PAYMENT#"):
        return _payment(new)
    if (
        event_name == MODIFY
        and sk.startswith("PAYOUT#")
        and old.get("status") == str(PayoutStatus.PENDING)
        and new.get("status") in DONE
    ):
        return _payout(new)
    if event_name == INSERT and pk == ALERT_PK:
        if new.get("kind") == BANK_DETAILS_CHANGED:
            return _bank_details_changed(new)
        if new.get("kind") == CONNECT_ONBOARDING:
            return _connect_onboarding(new)
        return _alert(new)
    if event_name == INSERT and sk.startswith("DONOR#") and new.get("kind") == "renewal_failed":
        return _renewal_failed(new)
    if pk == RUNS_PK and event_name in (INSERT, MODIFY):
        return _run(event_name, new, old)
    return None
