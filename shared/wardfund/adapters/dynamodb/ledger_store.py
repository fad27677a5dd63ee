"""LedgerStore on DynamoDB: every posting is one TransactWriteItems call.

The transaction holds the processed-event marker, the business record that makes the
posting unique (payment, refund, dispute step), the journal entry as the campaign's
ledger line, the balance counters with their guards (cap, payout watermark) and a
check that the campaign's settings are the ones the posting was computed from.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from datetime import timedelta
from typing import Any, cast

from botocore.exceptions import ClientError

from wardfund.adapters.dynamodb.live_nights import night_item
from wardfund.adapters.dynamodb.records import (
    allocation_from,
    campaign_from,
    figures_from,
    holding_from,
    holding_values,
    invoice_from,
    invoice_values,
    journal_values,
    payment_from,
    payment_items,
    payment_values,
)
from wardfund.adapters.dynamodb.suspense_assignment import assignment_items
from wardfund.adapters.dynamodb.suspense_items import suspense_item_record
from wardfund.adapters.dynamodb.table import (
    ALERT_PK,
    BALANCE_SK,
    CAMPAIGNS_PK,
    Table,
    campaign_pk,
    event_pk,
    invoice_pk,
    key,
    line_sk,
    payment_pk,
    to_item,
    values,
)
from wardfund.domain.calendar import parse_utc_key, utc_key
from wardfund.domain.campaign import Campaign
from wardfund.domain.facts import DonorLifecycle, InvoiceSeen
from wardfund.domain.postings import Allocation, PostingKind
from wardfund.services.ports import (
    AlreadyRecorded,
    CampaignBalance,
    GuardFailed,
    Guards,
    HoldingChange,
    LedgerWrite,
    StoredPayment,
)

CAMPAIGN_CACHE_SECONDS = 60.0
EVENT_MARKER_DAYS = 400
NOT_THERE = "attribute_not_exists(PK)"
_UNIQUE_ITEMS = 2  # the event marker and the business record come first in every transaction
# Cancellation reasons that mean "lost a race, try again": a guard's condition, a conflict with
# another transaction on the same item, throttling. Anything else (a validation error, an item
# collection too large) is not contention and is raised as it is.
RACE_REASONS = frozenset(
    {
        "None",
        "ConditionalCheckFailed",
        "TransactionConflict",
        "ThrottlingError",
        "ProvisionedThroughputExceeded",
        "RequestLimitExceeded",
    }
)


class DynamoLedgerStore:
    def __init__(self, table: Table) -> None:
        self.table = table
        self._campaigns: dict[str, tuple[float, Campaign]] = {}

    def campaign(self, campaign_id: str, *, fresh: bool = False) -> Campaign | None:
        cached = self._campaigns.get(campaign_id)
        if cached and not fresh and time.monotonic() - cached[0] < CAMPAIGN_CACHE_SECONDS:
            return cached[1]
        item = self.table.get(CAMPAIGNS_PK, campaign_id)
        if item is None:
            self._campaigns.pop(campaign_id, None)
            return None
        campaign = campaign_from(item)
        self._campaigns[campaign_id] = (time.monotonic(), campaign)
        return campaign

    def balance(self, campaign_id: str) -> CampaignBalance:
        item = self.table.get(campaign_pk(campaign_id), BALANCE_SK) or {}
        through = item.get("settled_through")
        return CampaignBalance(
            campaign_id,
            figures_from(item),
            parse_utc_key(through) if through else None,
            tuple(sorted(parse_utc_key(run) for run in item.get("unpaid_runs", ()))),
        )

    def invoice(self, invoice_id: str) -> InvoiceSeen | None:
        item = self.table.get(invoice_pk(invoice_id), "INVOICE")
        return invoice_from(item) if item else None

    def save_invoice(self, invoice: InvoiceSeen) -> None:
        self.table.put(
            {"PK": invoice_pk(invoice.invoice_id), "SK": "INVOICE"} | invoice_values(invoice)
        )

    def payment(self, payment_id: str) -> StoredPayment | None:
        item = self.table.get(payment_pk(payment_id), "PAYMENT")
        return StoredPayment(*payment_from(item), holding_from(item)) if item else None

    def payments_of(self, campaign_id: str) -> list[StoredPayment]:
        """Every payment with a line in the campaign's ledger (strongly consistent reads)."""
        ids = {
            str(line["payment_id"])
            for line in self.table.query(campaign_pk(campaign_id), "LINE#", "LINE#\uffff")
            if line.get("kind") == str(PostingKind.PAYMENT) and line.get("payment_id")
        }
        return [
            StoredPayment(*payment_from(item), holding_from(item))
            for item in payment_items(self.table, ids)
        ]

    def reversal(self, payment_id: str, record_key: str) -> Allocation | None:
        item = self.table.get(payment_pk(payment_id), record_key)
        return allocation_from(item["allocation"]) if item else None

    def save_lifecycle(self, event_id: str, fact: DonorLifecycle) -> None:
        sk = f"DONOR#{utc_key(fact.at)}#{fact.object_id}#{fact.kind}"
        try:
            self.table.put(
                {
                    "PK": campaign_pk(fact.campaign_id),
                    "SK": sk,
                    "kind": fact.kind,
                    "subscription_id": fact.subscription_id,
                    "ward": fact.ward,
                    "at": utc_key(fact.at),
                    "detail": fact.detail,
                    "event_id": event_id,
                    "donor_ref": fact.donor.donor_ref if fact.donor else None,
                    "donor_email": fact.donor.email if fact.donor else None,
                    "donor_name": fact.donor.name if fact.donor else None,
                },
                condition=NOT_THERE,
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    def commit(self, write: LedgerWrite) -> None:
        try:
            self.table.client.transact_write_items(
                TransactItems=cast(Any, self._transaction(write))
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
            if "ConditionalCheckFailed" in reasons[:_UNIQUE_ITEMS]:
                raise AlreadyRecorded(write.posting.entry.entry_id) from error
            if not set(reasons) <= RACE_REASONS:  # not a race: trying again cannot help
                raise
            # A guard that failed, or another writer (or DynamoDB's throttling) in the way:
            # `with_retries` tries again after a jittered back-off, then gives up contended.
            raise GuardFailed(f"{write.posting.entry.entry_id}: {reasons}") from error

    def _transaction(self, write: LedgerWrite) -> list[dict[str, Any]]:
        posting = write.posting
        expires = int((posting.effective_at + timedelta(days=EVENT_MARKER_DAYS)).timestamp())
        items: list[dict[str, Any]] = [
            self._put(
                {"PK": event_pk(write.event_id), "SK": "EVENT", "expires_at": expires}, NOT_THERE
            ),
            self._put(self._business_record(write), NOT_THERE),
            self._put(self._line(write), None),
            self._balance_update(write),
        ]
        if posting.campaign_id and write.guards.campaign_version is not None:
            items.append(
                {
                    "ConditionCheck": {
                        "TableName": self.table.name,
                        "Key": key(CAMPAIGNS_PK, posting.campaign_id),
                        "ConditionExpression": "version = :v",
                        "ExpressionAttributeValues": values({":v": write.guards.campaign_version}),
                    }
                }
            )
        if write.alert:
            items.append(self._put(self._alert(write), None))
        if write.suspense is not None:  # open until a person resolves it
            items.append(self._put(suspense_item_record(write.suspense, write.event_id), None))
        if write.holding is not None:
            items.append(self._holding_update(write.holding))
        if (night := night_item(self.table.name, write)) is not None:  # the ward night's page
            items.append(night)
        if write.assignment is not None:  # a payment leaves suspense for a campaign
            items += assignment_items(self.table.name, write)
        return items

    def _holding_update(self, change: HoldingChange) -> dict[str, Any]:
        """Moves the payment's holding on, only from the state the posting was computed from."""
        before = change.before
        if before.stored_holding is None:
            condition, bound = "attribute_not_exists(taken_back)", {}
        else:
            condition = "taken_back = :t0 AND match_base = :b0"
            bound = {":t0": before.holding.taken_back, ":b0": before.holding.match_base}
        after = holding_values(change.after)
        return {
            "Update": {
                "TableName": self.table.name,
                "Key": key(payment_pk(before.payment.payment_id), "PAYMENT"),
                "UpdateExpression": "SET taken_back = :t, match_base = :b",
                "ConditionExpression": condition,
                "ExpressionAttributeValues": values(
                    bound | {":t": after["taken_back"], ":b": after["match_base"]}
                ),
            }
        }

    def _put(self, item: dict[str, Any], condition: str | None) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self.table.name, "Item": to_item(item)}
        if condition:
            put["ConditionExpression"] = condition
        return {"Put": put}

    @staticmethod
    def _business_record(write: LedgerWrite) -> dict[str, Any]:
        assert write.payment_id is not None
        record: dict[str, Any] = {"PK": payment_pk(write.payment_id), "SK": write.record_key}
        if write.payment is not None:
            stored = write.payment
            record |= payment_values(stored.payment, stored.allocation, stored.donor)
        if write.reversal is not None:
            record |= {
                "allocation": asdict(write.reversal),
                "at": utc_key(write.posting.effective_at),
            }
        return record | {"entry_id": write.posting.entry.entry_id, "event_id": write.event_id}

    @staticmethod
    def _line(write: LedgerWrite) -> dict[str, Any]:
        posting = write.posting
        return {
            "PK": campaign_pk(posting.campaign_id),
            "SK": line_sk(write.settle_at, posting.entry.entry_id),
            "entry_id": posting.entry.entry_id,
            "kind": str(posting.kind),
            "effective_at": utc_key(posting.effective_at),
            "settle_at": utc_key(write.settle_at),
            "currency": posting.entry.currency,
            "journal": journal_values(posting.entry),
            "figures": posting.figures.as_dict(),
            "suspense_delta": posting.suspense_delta,
            "payment_id": write.payment_id,
            "ward": write.ward,
            "donor_ref": write.payment.payment.donor_ref if write.payment else None,
            "event_id": write.event_id,
        }

    def _balance_update(self, write: LedgerWrite) -> dict[str, Any]:
        posting = write.posting
        names: dict[str, str] = {}
        bound: dict[str, Any] = {}
        if posting.campaign_id is None:
            names["#s"] = f"suspense_{posting.entry.currency}"
            bound[":s"] = posting.suspense_delta
            update: dict[str, Any] = {"UpdateExpression": "ADD #s :s"}
        else:
            adds = []
            for index, (name, amount) in enumerate(posting.figures.as_dict().items()):
                names[f"#f{index}"], bound[f":f{index}"] = name, amount
                adds.append(f"#f{index} :f{index}")
            update = {"UpdateExpression": "ADD " + ", ".join(adds)}
            condition = _guard_condition(write.guards, write, names, bound)
            if condition:
                update["ConditionExpression"] = condition
        update |= {
            "TableName": self.table.name,
            "Key": key(campaign_pk(posting.campaign_id), BALANCE_SK),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values(bound),
        }
        return {"Update": update}

    @staticmethod
    def _alert(write: LedgerWrite) -> dict[str, Any]:
        posting = write.posting
        return {
            "PK": ALERT_PK,
            "SK": f"{utc_key(posting.effective_at)}#{posting.entry.entry_id}",
            "kind": "suspense",
            "reason": write.alert,
            "amount": posting.entry.total(posting.entry.lines[0].side),
            "currency": posting.entry.currency,
            "payment_id": write.payment_id,
            "campaign_id": write.payment.payment.campaign_id if write.payment else None,
            "ward": write.ward,
            "at": utc_key(posting.effective_at),
            "event_id": write.event_id,
            "payment_kind": str(write.suspense.kind) if write.suspense else None,
            "needed": write.suspense.needed if write.suspense else None,
        }


def _guard_condition(
    guards: Guards, write: LedgerWrite, names: dict[str, str], bound: dict[str, Any]
) -> str:
    names["#wm"] = "settled_through"
    parts: list[str] = []
    if guards.settle_before:
        bound[":settle"] = utc_key(write.settle_at)
        parts.append("(attribute_not_exists(#wm) OR #wm < :settle)")
    elif guards.settled_through_is is None:
        parts.append("attribute_not_exists(#wm)")
    else:
        bound[":wm"] = utc_key(guards.settled_through_is)
        parts.append("#wm = :wm")
    if guards.match_at_most is not None or guards.match_is is not None:
        names["#m"] = "match"
        if guards.match_is is not None:
            bound[":m"] = guards.match_is
            parts.append("#m = :m")
        else:
            bound[":m"] = guards.match_at_most
            parts.append("#m <= :m")
    return " AND ".join(parts)
