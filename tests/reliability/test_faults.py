"""Fault injection: throttled or failed ledger writes, Stripe errors and resets, and a crash
between the transfer and saving its outcome. After retries nothing is lost, nothing is
counted twice and nobody is paid twice.

A payout run fans out one task per campaign: a task whose transfer fails is delivered again
(up to its attempts), then its payout is held for the daily retry; a task whose worker
crashes stays queued until it is delivered again."""

from __future__ import annotations

import socket
import threading
import uuid
from datetime import UTC, date, datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.ledger_report import DynamoLedgerReport
from wardfund.adapters.dynamodb.ledger_store import DynamoLedgerStore
from wardfund.adapters.dynamodb.payout_store import DynamoPayoutStore
from wardfund.adapters.dynamodb.records import run_report_from
from wardfund.adapters.dynamodb.table import ALERT_PK, RUNS_PK, Table
from wardfund.domain.calendar import LONDON, utc_key
from wardfund.domain.campaign import Campaign
from wardfund.local.stripe.world import Donor, StripeWorld
from wardfund.services.campaigns import register_campaign, update_campaign

GIFT_AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)
RUN = datetime(2026, 6, 8, 6, 0, tzinfo=LONDON)
NEXT_DAY = datetime(2026, 6, 9, 6, 0, tzinfo=LONDON)  # the daily retry of held payouts


def _campaign(stack: Any, connect: bool = True) -> Campaign:
    cid = f"c-{uuid.uuid4().hex[:8]}"
    campaign = Campaign(
        cid,
        f"Campaign {cid}",
        launch_event_on=date(2026, 6, 1),
        connect_account_id=f"acct_1{uuid.uuid4().hex[:12]}" if connect else None,
    )
    return register_campaign(
        DynamoCampaignStore(Table(stack.resources.table_name)), campaign, by="test"
    )


def _pledges(stack: Any, campaign: Campaign, count: int) -> None:
    world = StripeWorld(account_id=f"acct_{campaign.campaign_id}")  # ids unique per campaign
    events: list[dict[str, Any]] = []
    for n in range(count):
        donor = Donor(f"d{n}", f"d{n}@example.org", f"Donor {n}")
        events += world.pledge(GIFT_AT, donor, campaign.campaign_id, "Ward", 1000)
    assert set(stack.deliver(events)) == {200}


def _figures(stack: Any, campaign: Campaign) -> dict[str, int]:
    return (
        DynamoLedgerReport(Table(stack.resources.table_name))
        .figures(campaign.campaign_id)
        .as_dict()
    )


def _transfers_to(stack: Any, campaign: Campaign) -> list[dict[str, Any]]:
    return [t for t in stack.stripe.transfers() if t["destination"] == campaign.connect_account_id]


@pytest.fixture
def flaky_commits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every third ledger transaction is throttled by DynamoDB (before it writes anything)."""
    calls = [0]
    real = DynamoLedgerStore.commit

    def commit(self: DynamoLedgerStore, write: Any) -> None:
        calls[0] += 1
        if calls[0] % 3 == 0:
            raise ClientError(
                {
                    "Error": {
                        "Code": "ProvisionedThroughputExceededException",
                        "Message": "slow down",
                    }
                },
                "TransactWriteItems",
            )
        real(self, write)

    monkeypatch.setattr(DynamoLedgerStore, "commit", commit)
    return calls


def test_throttled_ledger_writes_are_retried_and_counted_once(
    stack: Any, flaky_commits: list[int]
) -> None:
    # Given DynamoDB throttles a third of the ledger transactions mid-batch
    campaign = _campaign(stack)
    # When twelve pledges are delivered and the queue drained (failed items come back)
    _pledges(stack, campaign, 12)
    stack.drain()
    # Then every payment counts exactly once and nothing is dead-lettered
    figures = _figures(stack, campaign)
    assert flaky_commits[0] > 12
    assert figures["raised"] == 12_000
    assert figures["match"] == 12_000
    assert stack.dead_letters() == 0


def test_stripe_500s_then_success_pay_once(stack: Any) -> None:
    # Given a campaign owed money and Stripe failing every try of the task's first attempt
    campaign = _campaign(stack)
    _pledges(stack, campaign, 2)
    stack.drain()
    stack.stripe.fail_next(3, 500)  # the SDK's own 2 retries included
    # When the run fires: the attempt fails, and the task is delivered again
    result = stack.fire_payout_schedule(RUN)
    assert result["workers"]["failed"] == 1
    # Then exactly one transfer of the whole amount was made
    transfers = _transfers_to(stack, campaign)
    assert [t["amount"] for t in transfers] == [3600]
    assert _figures(stack, campaign)["paid_out"] == 3600


class _ResettingServer:
    """Accepts each connection and closes it at once: a connection reset for the client."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            conn.close()

    def close(self) -> None:
        self.sock.close()


def test_connection_reset_on_transfer_is_retried_without_double_payment(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given Stripe's address resets every connection during the first run
    campaign = _campaign(stack)
    _pledges(stack, campaign, 1)
    stack.drain()
    resetter = _ResettingServer()
    from wardfund.wiring import stripe_api

    real_client = stripe_api._cached_client
    stripe_api._cached_client.cache_clear()
    monkeypatch.setattr(
        stripe_api, "_cached_client", lambda key, base: real_client(key, resetter.url)
    )
    held = stack.fire_payout_schedule(RUN)  # every attempt fails: the payout is held
    assert campaign.campaign_id in held["failed"]
    resetter.close()
    # When the connection works again and the daily retry of held payouts comes
    monkeypatch.setattr(stripe_api, "_cached_client", real_client)
    stack.fire_held_payouts(NEXT_DAY)
    # Then one transfer, and the ledger shows it paid once
    assert [t["amount"] for t in _transfers_to(stack, campaign)] == [1800]
    assert _figures(stack, campaign)["paid_out"] == 1800


def test_a_transfer_answered_after_the_client_gave_up_is_made_once(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given Stripe makes the transfer but answers after the client's timeout has passed
    campaign = _campaign(stack)
    _pledges(stack, campaign, 1)
    stack.drain()
    from wardfund.adapters import stripe_gateway
    from wardfund.wiring import stripe_api

    monkeypatch.setattr(stripe_gateway, "TIMEOUT_SECONDS", 0.5)
    stripe_api._cached_client.cache_clear()
    stack.stripe.delay_next(1, 2.0)
    # When the payout run's transfer times out (the SDK retries with the same key)
    stack.fire_payout_schedule(RUN)
    stripe_api._cached_client.cache_clear()
    # Then Stripe replayed the transfer it had made: one transfer, paid once
    transfers = _transfers_to(stack, campaign)
    assert [t["amount"] for t in transfers] == [1800]
    assert _figures(stack, campaign)["paid_out"] == 1800
    (key,) = [k for k in stack.stripe.posts_with_key if campaign.campaign_id in k]
    assert stack.stripe.posts_with_key[key] == 2  # the try that timed out, and its retry


def _run_that_dies_after_the_transfer(
    stack: Any, monkeypatch: pytest.MonkeyPatch, connect: bool = True
) -> Campaign:
    """A campaign owed £18 whose worker dies every time once the payout is made (a Stripe
    transfer, or a bank one decided), before the outcome is saved; its task stays queued,
    and the store works again afterwards."""
    campaign = _campaign(stack, connect)
    _pledges(stack, campaign, 1)
    stack.drain()
    with monkeypatch.context() as patched:

        def crash(self: DynamoPayoutStore, *args: Any, **kwargs: Any) -> None:
            raise RuntimeError("Lambda timed out")

        patched.setattr(DynamoPayoutStore, "mark_payout", crash)
        result = stack.fire_payout_schedule(RUN)
    assert result["finished"] is False
    assert result["workers"]["errors"] == []  # reported as the task's failure, not raised
    return campaign


def test_crash_after_the_transfer_before_its_outcome_is_saved(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the worker dies right after Stripe accepted the transfer
    campaign = _run_that_dies_after_the_transfer(stack, monkeypatch)
    assert len(_transfers_to(stack, campaign)) == 1
    # When its task is delivered again (the pending payout is resumed with the same key)
    stack.drain_payouts()
    # Then Stripe replayed the first transfer: still exactly one
    transfers = _transfers_to(stack, campaign)
    assert len(transfers) == 1
    assert transfers[0]["amount"] == 1800
    assert _figures(stack, campaign)["paid_out"] == 1800


NEXT_RUN = datetime(2026, 6, 15, 6, 0, tzinfo=LONDON)


def _run_lines(stack: Any, run_at: datetime, campaign: Campaign) -> list[Any]:
    """The campaign's lines in the run's stored summary (what the national email shows)."""
    item = Table(stack.resources.table_name).get(RUNS_PK, utc_key(run_at))
    assert item is not None
    lines = run_report_from(item).lines
    return [line for line in lines if line.campaign_id == campaign.campaign_id]


def test_a_payout_whose_run_gave_up_is_made_by_the_next_run(stack: Any) -> None:
    # Given Stripe fails every try of the campaign's three attempts: its payout is held
    campaign = _campaign(stack)
    _pledges(stack, campaign, 2)
    stack.drain()
    stack.stripe.fail_next(9, 500)
    assert campaign.campaign_id in stack.fire_payout_schedule(RUN)["failed"]
    assert _transfers_to(stack, campaign) == []
    # When Stripe is back a day later and the next week's run comes
    stack.stripe.forget_idempotency_keys()
    stack.fire_payout_schedule(NEXT_RUN)
    # Then the held payout is made, once, and the next run's report says so
    assert [t["amount"] for t in _transfers_to(stack, campaign)] == [3600]
    assert _figures(stack, campaign)["paid_out"] == 3600
    resumed, this_week = _run_lines(stack, NEXT_RUN, campaign)
    assert (resumed.paid, resumed.status, resumed.resumed_from) == (3600, "paid", RUN)
    assert (this_week.paid, this_week.resumed_from) == (0, None)  # nothing new was owed
    # And a later run has nothing left to resume
    stack.fire_payout_schedule(datetime(2026, 6, 22, 6, 0, tzinfo=LONDON))
    assert len(_transfers_to(stack, campaign)) == 1


def test_a_crash_after_the_transfer_is_not_paid_again_after_stripe_forgets_the_key(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a worker that died after Stripe made the transfer, its task not yet back
    campaign = _run_that_dies_after_the_transfer(stack, monkeypatch)
    # When the task comes back a day later (from the dead-letter queue, say), after Stripe
    # has forgotten the idempotency key, and the next run comes too
    stack.stripe.forget_idempotency_keys()
    stack.fire_payout_schedule(NEXT_RUN)
    # Then the task finds the transfer already made and records it: still exactly one
    transfers = _transfers_to(stack, campaign)
    assert [t["amount"] for t in transfers] == [1800]
    assert _figures(stack, campaign)["paid_out"] == 1800
    (line,) = _run_lines(stack, RUN, campaign)
    assert (line.status, line.reference, line.paid) == ("paid", transfers[0]["id"], 1800)
    # And the next run had nothing more to pay it
    (next_line,) = _run_lines(stack, NEXT_RUN, campaign)
    assert (next_line.paid, next_line.resumed_from) == (0, None)


def _bank_file_rows(stack: Any, run_at: datetime) -> list[dict[str, str]]:
    import csv
    import io

    item = Table(stack.resources.table_name).get(RUNS_PK, utc_key(run_at))
    assert item is not None
    location = run_report_from(item).bank_file
    if location is None:
        return []
    bucket, _, key = location.removeprefix("s3://").partition("/")
    body = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read().decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_a_held_stripe_payout_waits_for_a_connected_account_and_is_never_sent_by_bank(
    stack: Any,
) -> None:
    # Given a payout held because Stripe failed every try, then the Connect account removed
    campaign = _campaign(stack)
    _pledges(stack, campaign, 1)
    stack.drain()
    stack.stripe.fail_next(9, 500)
    assert campaign.campaign_id in stack.fire_payout_schedule(RUN)["failed"]
    stack.stripe.forget_idempotency_keys()
    store = DynamoCampaignStore(Table(stack.resources.table_name))
    account = campaign.connect_account_id
    update_campaign(store, campaign.campaign_id, {"connect_account_id": None}, by="national")
    # When the next run comes: the payout stays held, out of the bank file, with an alert
    assert f"{campaign.campaign_id} (held)" in stack.fire_payout_schedule(NEXT_RUN)["failed"]
    held, this_week = _run_lines(stack, NEXT_RUN, campaign)
    assert (held.resumed_from, held.carried, held.paid) == (RUN, 1800, 0)
    assert held.failure
    assert "no Stripe connected account" in held.failure
    assert this_week.failure is None
    assert _bank_file_rows(stack, NEXT_RUN) == []
    this_run = utc_key(NEXT_RUN)
    alerts = list(Table(stack.resources.table_name).query(ALERT_PK, this_run, this_run + "~"))
    assert [(a["campaign_id"], a["amount"]) for a in alerts] == [(campaign.campaign_id, 1800)]
    assert alerts[0]["SK"].endswith(f"#{utc_key(RUN)}")  # its own alert, apart from this run's
    # And once the account is back, the following run pays it by transfer, once
    update_campaign(store, campaign.campaign_id, {"connect_account_id": account}, by="national")
    later = datetime(2026, 6, 22, 6, 0, tzinfo=LONDON)
    stack.fire_payout_schedule(later)
    assert [t["amount"] for t in _transfers_to(stack, campaign)] == [1800]
    assert _figures(stack, campaign)["paid_out"] == 1800
