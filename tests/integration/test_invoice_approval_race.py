"""Two approvals at the same moment: the cap holds because approving is one conditional
DynamoDB transaction (invoice state + committed counter ≤ cap − amount + campaign version).

DynamoDB runs each TransactWriteItems in isolation; moto does not (it applies items one by
one with no lock). This test runs moto in this process and holds one lock around its item
operations and transactions, which gives DynamoDB's isolation back, so what is tested is
wardfund's conditions: both approvers read the counter before either writes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.models import DynamoDBBackend

from wardfund.adapters.dynamodb.audit_log import DynamoAuditLog
from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.launch_invoice_store import DynamoLaunchInvoiceStore
from wardfund.adapters.dynamodb.table import Table
from wardfund.domain.campaign import Campaign
from wardfund.domain.launch_invoices import CapReached, InvoiceRefused, LaunchInvoice
from wardfund.services.campaigns import add_campaign
from wardfund.services.launch_invoices import approve_invoice

AT = datetime(2026, 6, 1, 12, tzinfo=UTC)
TABLE = "race-ledger"


@pytest.fixture
def serialised_dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    lock = threading.RLock()
    for name in ("transact_write_items", "get_item", "put_item", "update_item", "query"):
        original = getattr(DynamoDBBackend, name)

        def serialised(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with lock:
                return _original(self, *args, **kwargs)

        monkeypatch.setattr(DynamoDBBackend, name, serialised)
    with mock_aws():
        boto3.client("dynamodb").create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "PK", "AttributeType": "S"},
                {"AttributeName": "SK", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "PK", "KeyType": "HASH"},
                {"AttributeName": "SK", "KeyType": "RANGE"},
            ],
        )
        yield


def new_table() -> Table:
    return Table(TABLE, boto3.client("dynamodb"))  # one client per approver, as two processes


def submitted(invoice_id: str, amount: int) -> LaunchInvoice:
    invoice = LaunchInvoice(
        invoice_id=invoice_id,
        campaign_id="leeds",
        supplier="Hall",
        amount=amount,
        document="s3://documents/x.pdf",
        document_sha256="0" * 64,
        submitted_at=AT,
        submitted_by="treasurer",
    )
    DynamoLaunchInvoiceStore(new_table()).add(invoice)
    return invoice


def race(invoice_ids: list[str]) -> list[Any]:
    """Each approver in its own thread with its own client; both read the committed total
    before either writes."""
    both_read = threading.Barrier(len(invoice_ids), timeout=10)
    results: list[Any] = [None] * len(invoice_ids)

    def approve(index: int) -> None:
        store = DynamoLaunchInvoiceStore(new_table())
        read = store.committed
        waited = False

        def committed_then_wait(campaign_id: str) -> int:
            nonlocal waited
            total = read(campaign_id)
            if not waited:
                waited = True
                both_read.wait()
            return total

        store.committed = committed_then_wait  # type: ignore[method-assign]
        try:
            results[index] = approve_invoice(
                store,
                DynamoCampaignStore(new_table()),
                DynamoAuditLog(new_table()),
                invoice_ids[index],
                by=f"approver-{index}",
                at=AT,
            )
        except InvoiceRefused as error:
            results[index] = error

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(len(invoice_ids))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.usefixtures("serialised_dynamodb")
def test_two_approvals_that_together_pass_the_cap_exactly_one_succeeds() -> None:
    # Given a £2,000 cap and two submitted invoices of £1,200 (together £2,400)
    add_campaign(DynamoCampaignStore(new_table()), Campaign("leeds", "Leeds"), by="national")
    submitted("li-a", 120000)
    submitted("li-b", 120000)
    # When both are approved at the same moment
    results = race(["li-a", "li-b"])
    # Then exactly one is approved and the other is refused for the cap
    approved = [r for r in results if isinstance(r, LaunchInvoice)]
    refused = [r for r in results if isinstance(r, CapReached)]
    assert (len(approved), len(refused)) == (1, 1), results
    assert "would pass the cap" in str(refused[0])
    store = DynamoLaunchInvoiceStore(new_table())
    assert store.committed("leeds") == 120000
    states = sorted(str(i.state) for i in store.for_campaign("leeds"))
    assert states == ["approved", "submitted"]


@pytest.mark.usefixtures("serialised_dynamodb")
def test_two_approvals_that_fit_together_both_succeed() -> None:
    add_campaign(DynamoCampaignStore(new_table()), Campaign("leeds", "Leeds"), by="national")
    submitted("li-a", 100000)
    submitted("li-b", 100000)
    results = race(["li-a", "li-b"])
    assert all(isinstance(r, LaunchInvoice) for r in results), results
    assert DynamoLaunchInvoiceStore(new_table()).committed("leeds") == 200000


@pytest.mark.usefixtures("serialised_dynamodb")
def test_the_same_invoice_approved_twice_at_once_counts_once() -> None:
    add_campaign(DynamoCampaignStore(new_table()), Campaign("leeds", "Leeds"), by="national")
    submitted("li-a", 50000)
    results = race(["li-a", "li-a"])
    assert sum(isinstance(r, LaunchInvoice) for r in results) == 1, results
    assert DynamoLaunchInvoiceStore(new_table()).committed("leeds") == 50000
