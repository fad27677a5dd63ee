"""Launch-event invoices on DynamoDB.

The invoice lives in its campaign's partition (`LAUNCHINV#<id>`), with a pointer item
(`LAUNCHINV#<id>` / `LAUNCHINV`) to find it by id alone. The amount approved or paid is a
counter on the campaign's BALANCE item; approving is one transaction whose conditions are
the invoice's state, the counter staying within the cap, and the campaign settings (the
cap) being the version read. Paying writes the journal entry as the campaign's ledger line.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from botocore.exceptions import ClientError

from wardfund.adapters.dynamodb.campaign_store import LAUNCH_INVOICES_COMMITTED
from wardfund.adapters.dynamodb.records import journal_values
from wardfund.adapters.dynamodb.table import (
    BALANCE_SK,
    CAMPAIGNS_PK,
    Item,
    Table,
    campaign_pk,
    key,
    line_sk,
    to_item,
    values,
)
from wardfund.domain.calendar import parse_utc_key, utc_key
from wardfund.domain.launch_invoices import (
    CapReached,
    InvoiceRefused,
    InvoiceState,
    LaunchInvoice,
    PayTo,
)
from wardfund.domain.postings import Posting
from wardfund.services.ports import GuardFailed

INVOICE_PREFIX = "LAUNCHINV#"
POINTER_SK = "LAUNCHINV"
NOT_THERE = "attribute_not_exists(PK)"


def _time(value: datetime | None) -> str | None:
    return utc_key(value) if value else None


def _parsed(text: str | None) -> datetime | None:
    return parse_utc_key(text) if text else None


def invoice_values(invoice: LaunchInvoice) -> dict[str, Any]:
    return {
        "invoice_id": invoice.invoice_id,
        "campaign_id": invoice.campaign_id,
        "supplier": invoice.supplier,
        "amount": invoice.amount,
        "document": invoice.document,
        "document_sha256": invoice.document_sha256,
        "state": str(invoice.state),
        "submitted_at": utc_key(invoice.submitted_at),
        "submitted_by": invoice.submitted_by,
        "decided_at": _time(invoice.decided_at),
        "decided_by": invoice.decided_by,
        "reason": invoice.reason,
        "paid_at": _time(invoice.paid_at),
        "paid_by": invoice.paid_by,
        "pay_to": str(invoice.pay_to) if invoice.pay_to else None,
        "payment_reference": invoice.payment_reference,
        "submitted_principal": invoice.submitted_principal,
        "decided_principal": invoice.decided_principal,
    }


def invoice_from(item: Item) -> LaunchInvoice:
    return LaunchInvoice(
        invoice_id=item["invoice_id"],
        campaign_id=item["campaign_id"],
        supplier=item["supplier"],
        amount=item["amount"],
        document=item["document"],
        document_sha256=item["document_sha256"],
        submitted_at=parse_utc_key(item["submitted_at"]),
        submitted_by=item["submitted_by"],
        state=InvoiceState(item["state"]),
        decided_at=_parsed(item.get("decided_at")),
        decided_by=item.get("decided_by"),
        reason=item.get("reason"),
        paid_at=_parsed(item.get("paid_at")),
        paid_by=item.get("paid_by"),
        pay_to=PayTo(item["pay_to"]) if item.get("pay_to") else None,
        payment_reference=item.get("payment_reference"),
        submitted_principal=item.get("submitted_principal"),
        decided_principal=item.get("decided_principal"),
    )


class _Cancelled(Exception):
    """A transaction's condition failed; `reasons` has one code per item, in order."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(", ".join(reasons))
        self.reasons = reasons


class DynamoLaunchInvoiceStore:
    def __init__(self, table: Table) -> None:
        self.table = table

    # ------------------------------------------------------------------ reads
    def find(self, invoice_id: str) -> LaunchInvoice | None:
        pointer = self.table.get(f"{INVOICE_PREFIX}{invoice_id}", POINTER_SK)
        if pointer is None:
            return None
        item = self.table.get(campaign_pk(pointer["campaign_id"]), INVOICE_PREFIX + invoice_id)
        return invoice_from(item) if item else None

    def for_campaign(self, campaign_id: str) -> list[LaunchInvoice]:
        items = self.table.query(
            campaign_pk(campaign_id), INVOICE_PREFIX, INVOICE_PREFIX + "\uffff"
        )
        return sorted((invoice_from(i) for i in items), key=lambda i: i.submitted_at)

    def committed(self, campaign_id: str) -> int:
        item = self.table.get(campaign_pk(campaign_id), BALANCE_SK) or {}
        return int(item.get(LAUNCH_INVOICES_COMMITTED, 0))

    def settled_through(self, campaign_id: str) -> datetime | None:
        item = self.table.get(campaign_pk(campaign_id), BALANCE_SK) or {}
        return _parsed(item.get("settled_through"))

    # ------------------------------------------------------------------ writes
    def add(self, invoice: LaunchInvoice) -> None:
        """Records a new submitted invoice, only for a campaign that exists."""
        items = [
            self._put(self._main(invoice), NOT_THERE),
            self._put(
                {
                    "PK": f"{INVOICE_PREFIX}{invoice.invoice_id}",
                    "SK": POINTER_SK,
                    "campaign_id": invoice.campaign_id,
                },
                NOT_THERE,
            ),
            {
                "ConditionCheck": {
                    "TableName": self.table.name,
                    "Key": key(CAMPAIGNS_PK, invoice.campaign_id),
                    "ConditionExpression": "attribute_exists(PK)",
                }
            },
        ]
        try:
            self._transact(items)
        except _Cancelled as error:
            reasons = error.reasons
            if reasons[2:3] == ["ConditionalCheckFailed"]:
                raise InvoiceRefused(f"no campaign with id {invoice.campaign_id!r}") from error
            raise InvoiceRefused(f"invoice {invoice.invoice_id} exists already") from error

    def approve(self, approved: LaunchInvoice, *, limit: int, campaign_version: int) -> None:
        """Submitted → approved, adding its amount to the committed counter if that stays
        at or under the cap (`limit` = cap - amount), with the cap's settings unchanged."""
        items = [
            self._state_change(approved, InvoiceState.SUBMITTED),
            {
                "Update": {
                    "TableName": self.table.name,
                    "Key": key(campaign_pk(approved.campaign_id), BALANCE_SK),
                    "UpdateExpression": "ADD #c :amount",
                    "ConditionExpression": "attribute_not_exists(#c) OR #c <= :limit",
                    "ExpressionAttributeNames": {"#c": LAUNCH_INVOICES_COMMITTED},
                    "ExpressionAttributeValues": values(
                        {":amount": approved.amount, ":limit": limit}
                    ),
                }
            },
            {
                "ConditionCheck": {
                    "TableName": self.table.name,
                    "Key": key(CAMPAIGNS_PK, approved.campaign_id),
                    "ConditionExpression": "version = :v",
                    "ExpressionAttributeValues": values({":v": campaign_version}),
                }
            },
        ]
        try:
            self._transact(items)
        except _Cancelled as error:
            reasons = error.reasons
            if reasons[0:1] == ["ConditionalCheckFailed"]:
                raise InvoiceRefused(
                    f"invoice {approved.invoice_id} is no longer submitted (decided meanwhile)"
                ) from error
            if reasons[1:2] == ["ConditionalCheckFailed"]:
                raise CapReached(
                    f"approving invoice {approved.invoice_id} would pass the launch-event "
                    f"invoice cap of {approved.campaign_id}"
                ) from error
            raise GuardFailed(f"campaign {approved.campaign_id} changed meanwhile") from error

    def reject(self, rejected: LaunchInvoice, *, was: InvoiceState) -> None:
        items = [self._state_change(rejected, was)]
        if was is InvoiceState.APPROVED:
            items.append(
                {
                    "Update": {
                        "TableName": self.table.name,
                        "Key": key(campaign_pk(rejected.campaign_id), BALANCE_SK),
                        "UpdateExpression": "ADD #c :minus",
                        "ExpressionAttributeNames": {"#c": LAUNCH_INVOICES_COMMITTED},
                        "ExpressionAttributeValues": values({":minus": -rejected.amount}),
                    }
                }
            )
        try:
            self._transact(items)
        except _Cancelled as error:
            raise InvoiceRefused(
                f"invoice {rejected.invoice_id} is no longer {was} (decided meanwhile)"
            ) from error

    def pay(self, paid: LaunchInvoice, posting: Posting, settle_at: datetime) -> None:
        """Approved → paid with its journal entry as the campaign's ledger line, unless a
        payout has meanwhile covered `settle_at` (then GuardFailed: read and try again)."""
        line = {
            "PK": campaign_pk(paid.campaign_id),
            "SK": line_sk(settle_at, posting.entry.entry_id),
            "entry_id": posting.entry.entry_id,
            "kind": str(posting.kind),
            "effective_at": utc_key(posting.effective_at),
            "settle_at": utc_key(settle_at),
            "currency": posting.entry.currency,
            "journal": journal_values(posting.entry),
            "figures": posting.figures.as_dict(),
            "suspense_delta": 0,
            "invoice_id": paid.invoice_id,
            "supplier": paid.supplier,
            "amount": paid.amount,
            "pay_to": str(paid.pay_to),
        }
        names: dict[str, str] = {"#wm": "settled_through"}
        bound: dict[str, Any] = {":settle": utc_key(settle_at)}
        adds = []
        for index, (name, amount) in enumerate(posting.figures.as_dict().items()):
            names[f"#f{index}"], bound[f":f{index}"] = name, amount
            adds.append(f"#f{index} :f{index}")
        items = [
            self._state_change(paid, InvoiceState.APPROVED),
            self._put(line, NOT_THERE),
            {
                "Update": {
                    "TableName": self.table.name,
                    "Key": key(campaign_pk(paid.campaign_id), BALANCE_SK),
                    "UpdateExpression": "ADD " + ", ".join(adds),
                    "ConditionExpression": "attribute_not_exists(#wm) OR #wm < :settle",
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": values(bound),
                }
            },
        ]
        try:
            self._transact(items)
        except _Cancelled as error:
            reasons = error.reasons
            if reasons[0:1] == ["ConditionalCheckFailed"]:
                raise InvoiceRefused(
                    f"invoice {paid.invoice_id} is no longer approved (paid or rejected meanwhile)"
                ) from error
            raise GuardFailed(f"a payout of {paid.campaign_id} ran meanwhile") from error

    # ------------------------------------------------------------------ helpers
    def _main(self, invoice: LaunchInvoice) -> dict[str, Any]:
        return {
            "PK": campaign_pk(invoice.campaign_id),
            "SK": INVOICE_PREFIX + invoice.invoice_id,
        } | invoice_values(invoice)

    def _put(self, item: dict[str, Any], condition: str | None) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self.table.name, "Item": to_item(item)}
        if condition:
            put["ConditionExpression"] = condition
        return {"Put": put}

    def _state_change(self, invoice: LaunchInvoice, was: InvoiceState) -> dict[str, Any]:
        """The whole invoice rewritten, on condition that it is still in state `was`."""
        put = self._put(self._main(invoice), "#st = :was")
        put["Put"]["ExpressionAttributeNames"] = {"#st": "state"}
        put["Put"]["ExpressionAttributeValues"] = values({":was": str(was)})
        return put

    def _transact(self, items: list[dict[str, Any]]) -> None:
        try:
            self.table.client.transact_write_items(TransactItems=cast(Any, items))
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
            raise _Cancelled(reasons) from error
