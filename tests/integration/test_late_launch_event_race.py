"""A launch event recorded late, racing first payments on a nearly full cap (rule 2).

The recording and two new first payments run in three threads against the stack's DynamoDB
(moto), each with its own client as separate processes would have, and all three read the
campaign before any writes. Each TransactWriteItems runs alone, as DynamoDB runs it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3

from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.ledger_report import DynamoLedgerReport
from wardfund.adapters.dynamodb.ledger_store import DynamoLedgerStore
from wardfund.adapters.dynamodb.table import Table, payment_pk
from wardfund.domain.campaign import Campaign
from wardfund.domain.facts import Donor, InvoicePaymentPaid, InvoiceSeen
from wardfund.local.stack import LocalStack
from wardfund.services.campaigns import register_campaign
from wardfund.services.launch_event import record_launch_event
from wardfund.services.record_stripe_event import record_stripe_event

PAID = datetime(2026, 6, 2, 18, tzinfo=UTC)
RECORDED = datetime(2026, 6, 10, 12, tzinfo=UTC)
CAP = 2500


def own_table(stack: LocalStack) -> Table:
    assert stack.resources is not None
    return Table(stack.resources.table_name, boto3.client("dynamodb"))


def first_payment(store: DynamoLedgerStore, number: int, at: datetime) -> None:
    invoice = InvoiceSeen(
        invoice_id=f"in_{number}",
        subscription_id=f"sub_{number}",
        campaign_id="leeds",
        ward="Headingley",
        first_payment=True,
        currency="gbp",
        donor=Donor(f"cus_{number}"),
    )
    record_stripe_event(f"evt_invoice_{number}", invoice, store)
    paid = InvoicePaymentPaid(f"in_{number}", f"pi_{number}", 1000, "gbp", at)
    record_stripe_event(f"evt_paid_{number}", paid, store)


def after_first_call(
    method: Callable[..., Any], barrier: threading.Barrier, met: list[bool]
) -> Callable[..., Any]:
    """Calls `method`, then (the first time only) waits until every racer has read."""
    done = threading.Event()

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        answer = method(*args, **kwargs)
        if not done.is_set():
            done.set()
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                met.append(False)
                raise
            met.append(True)
        return answer

    return wrapped


def test_late_launch_event_and_first_payments_at_once_keep_the_cap(stack: LocalStack) -> None:
    # Given a campaign with a £25 cap and no launch event, and three £10 first payments
    # dated after the day the launch event will be said to be held: none matched yet
    table = own_table(stack)
    campaigns = DynamoCampaignStore(table)
    register_campaign(
        campaigns,
        Campaign(campaign_id="leeds", name="Leeds", match_cap_pence=CAP),
        by="test",
    )
    setup = DynamoLedgerStore(table)
    for number in (1, 2, 3):
        first_payment(setup, number, PAID + timedelta(minutes=number))
    report = DynamoLedgerReport(table)
    assert report.figures("leeds").match == 0

    # And the recording and two new first payments each read before any of them writes
    everyone_read = threading.Barrier(3, timeout=10)
    met: list[bool] = []
    one_transaction_at_a_time = threading.Lock()
    stores = [DynamoLedgerStore(own_table(stack)) for _ in range(3)]
    for store in stores:
        commit = store.commit

        def isolated(write: Any, _commit: Callable[[Any], None] = commit) -> None:
            with one_transaction_at_a_time:
                _commit(write)

        store.commit = isolated  # type: ignore[method-assign]
    stores[0].payments_of = after_first_call(stores[0].payments_of, everyone_read, met)  # type: ignore[method-assign]
    for store in stores[1:]:
        store.campaign = after_first_call(store.campaign, everyone_read, met)  # type: ignore[method-assign]

    errors: list[BaseException] = []

    def run(work: Callable[[], object]) -> None:
        try:
            work()
        except BaseException as error:  # reported through the assertion below
            errors.append(error)

    # When the launch event (held on 1 June) is recorded while two more first payments post
    work: list[Callable[[], object]] = [
        lambda: record_launch_event(
            DynamoCampaignStore(own_table(stack)),
            stores[0],
            "leeds",
            date(2026, 6, 1),
            by="national",
            at=RECORDED,
        ),
        lambda: first_payment(stores[1], 4, RECORDED),
        lambda: first_payment(stores[2], 5, RECORDED),
    ]
    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then they really raced, and everything was recorded
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert met == [True, True, True], f"the writers did not all read first: {met}"
    # And £50 of first payments wanted matching: the cap stopped it at exactly £25
    assert report.figures("leeds").match == CAP
    # And no payment is matched twice: each holds at most its own amount, and a payment
    # matched when it was posted has no late match
    held = 0
    for number in range(1, 6):
        item = table.get(payment_pk(f"pi_{number}"), "PAYMENT")
        assert item is not None
        late = table.get(payment_pk(f"pi_{number}"), "LATE_MATCH")
        matched_at_posting = int(item["allocation"]["match"])
        assert not (late and matched_at_posting)
        assert int(item["match_base"]) <= 1000
        held += int(item["match_base"])
    assert held == CAP
    assert report.check().balanced

    # When the same recording runs again (a retry), nothing more is matched
    again = record_launch_event(
        campaigns, setup, "leeds", date(2026, 6, 1), by="national", at=RECORDED
    )
    assert again.already_recorded
    assert again.matched == ()
    assert report.figures("leeds").match == CAP
