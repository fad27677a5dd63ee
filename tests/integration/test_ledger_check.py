"""The ledger check (`ledger_balanced`) against items written straight into DynamoDB (moto):
it sums each entry's stored journal lines and rebuilds the figures from account balances, so
a one-sided line, a wrong counter or a posting whose figures its lines do not bear out is
caught, whatever the counters say."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from wardfund.adapters.dynamodb.ledger_report import DynamoLedgerReport
from wardfund.adapters.dynamodb.table import BALANCE_SK, SUSPENSE_PK, Table, campaign_pk
from wardfund.domain.figures import CampaignFigures
from wardfund.local.stack import LocalStack

PAYMENT_LINES = [
    {"account": "donor_funds", "side": "debit", "amount": 1000},
    {"account": "national:match_funding", "side": "debit", "amount": 1000},
    {"account": "national:share", "side": "credit", "amount": 200},
    {"account": "campaign:leeds:share", "side": "credit", "amount": 800},
    {"account": "campaign:leeds:match", "side": "credit", "amount": 1000},
]
PAYMENT_FIGURES = {"raised": 1000, "local_share": 800, "national_share": 200, "match": 1000}
PAYOUT_LINES = [
    {"account": "campaign:leeds:payouts", "side": "debit", "amount": 1800},
    {"account": "donor_funds", "side": "credit", "amount": 1800},
]
COUNTERS = PAYMENT_FIGURES | {"paid_out": 1800, "launch_costs": 0, "settled_through": "x"}


@pytest.fixture
def table(local_stack_session: LocalStack) -> Table:
    """A fresh, empty ledger table on the stack's moto, keyed as provision() keys it."""
    name = f"ledger-check-{uuid.uuid4().hex[:10]}"
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


def line_item(
    entry_id: str,
    journal: list[dict[str, Any]],
    figures: dict[str, int],
    partition: str = "CAMPAIGN#leeds",
) -> dict[str, Any]:
    return {
        "PK": partition,
        "SK": f"LINE#2026-06-03T17:30:00.000000Z#{entry_id}",
        "entry_id": entry_id,
        "kind": "payment",
        "currency": "gbp",
        "journal": journal,
        "figures": figures,
    }


def write_a_sound_ledger(table: Table) -> None:
    """A matched £10 first payment, a £18 payout, and £7 in suspense, with their counters."""
    table.put(line_item("payment:pi_1", PAYMENT_LINES, PAYMENT_FIGURES))
    table.put(
        {
            "PK": campaign_pk("leeds"),
            "SK": "PAYOUT#2026-06-08T05:00:00.000000Z",
            "entry_id": "payout:leeds@2026-06-08T05:00:00.000000Z",
            "journal": PAYOUT_LINES,
            "figures": {"paid_out": 1800},
        }
    )
    table.put({"PK": campaign_pk("leeds"), "SK": BALANCE_SK} | COUNTERS)
    suspense_lines = [
        {"account": "donor_funds", "side": "debit", "amount": 700},
        {"account": "suspense", "side": "credit", "amount": 700},
    ]
    table.put(line_item("payment:pi_lost", suspense_lines, {}, partition=SUSPENSE_PK))
    table.put({"PK": SUSPENSE_PK, "SK": BALANCE_SK, "suspense_gbp": 700})


def test_a_sound_ledger_balances_and_its_figures_come_from_the_accounts(table: Table) -> None:
    # Given a ledger whose entries, figures and counters all agree
    write_a_sound_ledger(table)
    # When it is checked
    check = DynamoLedgerReport(table).check()
    # Then it balances, and the figures rebuilt from the account balances are the counters
    assert check.differences == []
    assert check.unbalanced == []
    assert check.balanced
    assert check.entries == 3
    assert check.rebuilt == {
        "leeds": CampaignFigures(
            raised=1000, local_share=800, national_share=200, match=1000, paid_out=1800
        )
    }
    assert check.suspense == {"gbp": 700}


def test_a_one_sided_journal_item_is_unbalanced(table: Table) -> None:
    # Given a sound ledger, and an item written straight into the table whose journal only
    # credits the campaign's share (its figures and the counter say the same 100p)
    write_a_sound_ledger(table)
    table.put(
        line_item(
            "refund:re_bad",
            [{"account": "campaign:leeds:share", "side": "credit", "amount": 100}],
            {"local_share": 100},
        )
    )
    table.put({"PK": campaign_pk("leeds"), "SK": BALANCE_SK} | COUNTERS | {"local_share": 900})
    # When the ledger is checked
    check = DynamoLedgerReport(table).check()
    # Then that entry is named as unbalanced and the ledger is not balanced
    assert check.unbalanced == ["refund:re_bad"]
    assert not check.balanced


Spoil = Callable[[Table], None]


def wrong_counter(table: Table) -> None:
    # the balance item says 801p of share where the accounts hold 800p
    table.put({"PK": campaign_pk("leeds"), "SK": BALANCE_SK} | COUNTERS | {"local_share": 801})


def figures_without_lines(table: Table) -> None:
    # the payment's figures (and counters) say 900p of share, its lines 800p
    table.put(line_item("payment:pi_1", PAYMENT_LINES, PAYMENT_FIGURES | {"local_share": 900}))
    table.put({"PK": campaign_pk("leeds"), "SK": BALANCE_SK} | COUNTERS | {"local_share": 900})


def wrong_suspense_counter(table: Table) -> None:
    table.put({"PK": SUSPENSE_PK, "SK": BALANCE_SK, "suspense_gbp": 600})


def filed_under_another_campaign(table: Table) -> None:
    # a balanced entry moving Leeds's accounts, filed (with its figures) under York
    table.put(line_item("payment:pi_1", PAYMENT_LINES, PAYMENT_FIGURES, partition="CAMPAIGN#york"))


def entered_twice(table: Table) -> None:
    # the same entry as a second line (another settle time), counters following it
    item = line_item("payment:pi_1", PAYMENT_LINES, PAYMENT_FIGURES)
    table.put(item | {"SK": "LINE#2026-06-09T00:00:00.000000Z#payment:pi_1"})
    doubled = {name: 2 * amount for name, amount in PAYMENT_FIGURES.items()}
    table.put({"PK": campaign_pk("leeds"), "SK": BALANCE_SK} | COUNTERS | doubled)


@pytest.mark.parametrize(
    ("spoil", "named"),
    [
        (wrong_counter, "campaign leeds: counters"),
        (figures_without_lines, "entry payment:pi_1 of leeds: figures"),
        (wrong_suspense_counter, "suspense in gbp: counter 600 but the account holds 700"),
        (filed_under_another_campaign, "moves campaign:leeds:match, campaign:leeds:share"),
        (entered_twice, "entry payment:pi_1 is in the journal twice"),
    ],
)
def test_what_the_journal_does_not_bear_out_is_caught(
    table: Table, spoil: Spoil, named: str
) -> None:
    # Given a sound ledger spoilt in one way, every entry still balanced
    write_a_sound_ledger(table)
    spoil(table)
    # When it is checked
    check = DynamoLedgerReport(table).check()
    # Then the difference is named and the ledger is not balanced
    assert check.unbalanced == []
    assert any(named in difference for difference in check.differences), check.differences
    assert not check.balanced


@pytest.mark.parametrize(
    "bad_line",
    [
        {"account": "donor_funds", "side": "debit", "amount": -1000},
        {"account": "donor_funds", "side": "sideways", "amount": 1000},
        {"account": "donor_funds", "side": "debit"},
    ],
)
def test_a_line_that_cannot_be_a_journal_line_is_unbalanced(
    table: Table, bad_line: dict[str, Any]
) -> None:
    write_a_sound_ledger(table)
    table.put(line_item("payment:pi_1", [bad_line, *PAYMENT_LINES[1:]], PAYMENT_FIGURES))
    check = DynamoLedgerReport(table).check()
    assert check.unbalanced == ["payment:pi_1"]
    assert not check.balanced
