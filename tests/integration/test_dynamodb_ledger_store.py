"""DynamoLedgerStore.commit against DynamoDB (moto): one transaction per posting, with its
guards, its uniqueness (event id, business record) and a balanced journal entry."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import boto3
import pytest

from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.ledger_report import DynamoLedgerReport
from wardfund.adapters.dynamodb.ledger_store import DynamoLedgerStore
from wardfund.adapters.dynamodb.table import SUSPENSE_PK, Table, campaign_pk
from wardfund.domain.campaign import Campaign
from wardfund.domain.facts import Donor
from wardfund.domain.figures import CampaignFigures
from wardfund.domain.postings import Payment, PaymentKind, allocate_payment, post_payment
from wardfund.local.stack import LocalStack
from wardfund.services.campaigns import register_campaign
from wardfund.services.ports import AlreadyRecorded, GuardFailed, Guards, LedgerWrite, StoredPayment

AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)
ONE_PAYMENT = CampaignFigures(raised=1000, local_share=800, national_share=200, match=1000)


# ----------------------------------------------------------------------------- helpers
@pytest.fixture
def table(local_stack_session: LocalStack) -> Table:
    """A fresh, empty ledger table on the stack's moto (the key schema provision() uses);
    creating one table is much quicker than provisioning the whole stack."""
    name = f"ledger-store-{uuid.uuid4().hex[:10]}"
    boto3.client("dynamodb").create_table(
        TableName=name,
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
    return Table(name)


@pytest.fixture
def campaign(table: Table) -> Campaign:
    return register_campaign(
        DynamoCampaignStore(table),
        Campaign("leeds", "Leeds", launch_event_on=date(2026, 6, 1)),
        by="test",
    )


def payment_write(
    campaign: Campaign | None,
    payment_id: str,
    event_id: str,
    guards: Guards,
    campaign_id: str = "leeds",
) -> LedgerWrite:
    """A first monthly £10 payment, allocated (and matched) as the service would."""
    payment = Payment(
        payment_id=payment_id,
        campaign_id=campaign_id,
        ward="Headingley",
        kind=PaymentKind.FIRST_MONTHLY,
        gross=1000,
        currency="gbp",
        paid_at=AT,
        donor_ref="cus_donor1",
    )
    allocation = allocate_payment(payment, campaign, 0)
    return LedgerWrite(
        event_id=event_id,
        record_key="PAYMENT",
        posting=post_payment(payment, allocation),
        settle_at=AT,
        guards=guards,
        payment=StoredPayment(payment, allocation, Donor("cus_donor1")),
        payment_id=payment_id,
        ward="Headingley",
        alert=None if campaign else "unknown_campaign",
    )


def optimistic(campaign: Campaign) -> Guards:
    """What the service's first try sends for a matched payment."""
    return Guards(match_at_most=campaign.match_cap_pence - 1000, campaign_version=campaign.version)


def everything(table: Table) -> list[dict[str, Any]]:
    return sorted(table.scan(), key=lambda item: (item["PK"], item["SK"]))


def journal_lines(table: Table, pk: str) -> list[dict[str, Any]]:
    (line,) = table.query(pk, "LINE#", "LINE#~")
    journal: list[dict[str, Any]] = line["journal"]
    return journal


# ----------------------------------------------------------------------------- guards
GUARD_FAILURES = {
    "match_is differs from the match given": lambda c: Guards(
        settle_before=False, match_is=500, campaign_version=c.version
    ),
    "campaign settings changed since read": lambda c: replace(
        optimistic(c), campaign_version=c.version + 1
    ),
    "payout watermark differs": lambda c: Guards(
        settle_before=False, settled_through_is=AT, campaign_version=c.version
    ),
}


@pytest.mark.parametrize("case", GUARD_FAILURES, ids=list(GUARD_FAILURES))
def test_guard_failure_raises_and_writes_nothing(
    table: Table, campaign: Campaign, case: str
) -> None:
    # Given a campaign with nothing matched yet, and the table as it stands
    store = DynamoLedgerStore(table)
    before = everything(table)
    write = payment_write(campaign, "pi_guarded", "evt_guarded", GUARD_FAILURES[case](campaign))

    # When a posting is committed with a guard the ledger does not satisfy
    with pytest.raises(GuardFailed):
        store.commit(write)

    # Then no part of the transaction was written: no marker, payment, line or counter
    assert everything(table) == before
    assert store.payment("pi_guarded") is None
    assert DynamoLedgerReport(table).figures("leeds") == CampaignFigures()


def test_guard_that_holds_commits(table: Table, campaign: Campaign) -> None:
    # Given the exact guards the retry path sends (nothing matched, no payout yet)
    store = DynamoLedgerStore(table)
    guards = Guards(settle_before=False, match_is=0, campaign_version=campaign.version)

    # When the posting is committed
    store.commit(payment_write(campaign, "pi_ok", "evt_ok", guards))

    # Then the payment and the campaign's figures are stored
    assert store.payment("pi_ok") is not None
    assert DynamoLedgerReport(table).figures("leeds") == ONE_PAYMENT


# ----------------------------------------------------------------------------- uniqueness
def test_repeated_event_id_raises_already_recorded(table: Table, campaign: Campaign) -> None:
    # Given an event already committed
    store = DynamoLedgerStore(table)
    store.commit(payment_write(campaign, "pi_first", "evt_same", optimistic(campaign)))
    before = everything(table)

    # When another posting arrives under the same event id
    with pytest.raises(AlreadyRecorded):
        store.commit(payment_write(campaign, "pi_second", "evt_same", optimistic(campaign)))

    # Then nothing more is written
    assert everything(table) == before
    assert store.payment("pi_second") is None
    assert DynamoLedgerReport(table).figures("leeds") == ONE_PAYMENT


def test_same_payment_under_another_event_raises_already_recorded(
    table: Table, campaign: Campaign
) -> None:
    # Given a payment already committed (say from invoice_payment.paid)
    store = DynamoLedgerStore(table)
    store.commit(payment_write(campaign, "pi_once", "evt_a", optimistic(campaign)))
    before = everything(table)

    # When the same payment is committed for a different event id
    with pytest.raises(AlreadyRecorded):
        store.commit(payment_write(campaign, "pi_once", "evt_b", optimistic(campaign)))

    # Then it is not counted twice
    assert everything(table) == before
    assert DynamoLedgerReport(table).figures("leeds") == ONE_PAYMENT


# ----------------------------------------------------------------------------- journal
def test_stored_journal_entry_of_a_matched_payment_sums_to_zero(
    table: Table, campaign: Campaign
) -> None:
    # Given a matched first payment of £10
    store = DynamoLedgerStore(table)

    # When it is committed
    store.commit(payment_write(campaign, "pi_journal", "evt_journal", optimistic(campaign)))

    # Then its stored journal entry balances: debits equal credits, signed sum zero
    lines = journal_lines(table, campaign_pk("leeds"))
    signed = sum(line["amount"] if line["side"] == "debit" else -line["amount"] for line in lines)
    assert signed == 0
    debits = {line["account"]: line["amount"] for line in lines if line["side"] == "debit"}
    credits = {line["account"]: line["amount"] for line in lines if line["side"] == "credit"}
    assert debits == {"donor_funds": 1000, "national:match_funding": 1000}
    assert credits == {
        "national:share": 200,
        "campaign:leeds:share": 800,
        "campaign:leeds:match": 1000,
    }
    assert DynamoLedgerReport(table).check().balanced


def test_stored_journal_entry_of_a_suspense_payment_sums_to_zero(table: Table) -> None:
    # Given a payment naming a campaign that is not registered
    store = DynamoLedgerStore(table)
    write = payment_write(None, "pi_lost", "evt_lost", Guards(), campaign_id="nowhere")

    # When it is committed
    store.commit(write)

    # Then its journal entry (kept under suspense) balances
    lines = journal_lines(table, SUSPENSE_PK)
    signed = sum(line["amount"] if line["side"] == "debit" else -line["amount"] for line in lines)
    assert signed == 0
    assert {(line["account"], line["side"], line["amount"]) for line in lines} == {
        ("donor_funds", "debit", 1000),
        ("suspense", "credit", 1000),
    }
    assert DynamoLedgerReport(table).suspense() == {"gbp": 1000}
