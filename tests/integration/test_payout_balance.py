"""The payout run and Stripe's available balance and rate limits (issue 16), through the
embedded stack: the stand-in's balance (GET /v1/balance, and transfers drawing on it), its
`balance_insufficient` refusal, and 429s."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import stripe

from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
from wardfund.adapters.dynamodb.ledger_report import DynamoLedgerReport
from wardfund.adapters.dynamodb.records import run_report_from
from wardfund.adapters.dynamodb.table import ALERT_PK, RUNS_PK, Table
from wardfund.adapters.stripe_gateway import StripeTransfers, stripe_client
from wardfund.domain.calendar import LONDON, utc_key
from wardfund.domain.campaign import Campaign
from wardfund.local.stack import STRIPE_API_KEY, LocalStack
from wardfund.local.stripe.standin.app import StripeStandIn
from wardfund.local.stripe.world import Donor, StripeWorld
from wardfund.services.campaigns import register_campaign
from wardfund.services.ports import BalanceInsufficient, TransferFailed

GIFT_AT = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)
RUN = datetime(2026, 6, 8, 6, 0, tzinfo=LONDON)
TUESDAY = RUN + timedelta(days=1)


def _table(stack: LocalStack) -> Table:
    assert stack.resources is not None
    return Table(stack.resources.table_name)


def _campaign(stack: LocalStack, prefix: str, connect: bool = True) -> Campaign:
    cid = f"{prefix}-{uuid.uuid4().hex[:6]}"
    campaign = Campaign(
        cid,
        f"Campaign {cid}",
        launch_event_on=date(2026, 6, 1),
        connect_account_id=f"acct_1{uuid.uuid4().hex[:12]}" if connect else None,
    )
    return register_campaign(DynamoCampaignStore(_table(stack)), campaign, by="test")


def _pledge(stack: LocalStack, campaign: Campaign, pence: int) -> None:
    """A first monthly pledge: 80 % plus as much again in match is owed."""
    world = StripeWorld(account_id=f"acct_{campaign.campaign_id}")
    donor = Donor(f"d-{campaign.campaign_id}", "d@example.org", "Donor")
    assert set(stack.deliver(world.pledge(GIFT_AT, donor, campaign.campaign_id, "W", pence))) == {
        200
    }
    stack.drain()


def _transfers_to(stack: LocalStack, campaign: Campaign) -> list[int]:
    return [
        t["amount"]
        for t in stack.stripe.transfers()
        if t["destination"] == campaign.connect_account_id
    ]


def _alerts(stack: LocalStack, at: datetime) -> list[dict[str, Any]]:
    key = utc_key(at)
    return list(_table(stack).query(ALERT_PK, key, key + "~"))


def _lines(stack: LocalStack, at: datetime) -> dict[str, Any]:
    item = _table(stack).get(RUNS_PK, utc_key(at))
    assert item is not None
    return {line.campaign_id: line for line in run_report_from(item).lines}


@pytest.fixture
def standin_restored(stack: LocalStack) -> Any:
    """The stand-in is the session's: its faults, balance and settings go back afterwards."""
    yield stack
    with stack.stripe._lock:
        stack.stripe._faults.clear()
    stack.stripe.configure_transfers(latency_seconds=0, error_rate=0, error_status=500)


def test_a_short_balance_pays_in_the_stated_order_and_holds_the_rest_with_one_alert(
    standin_restored: LocalStack,
) -> None:
    stack = standin_restored
    # Given Stripe campaigns owed £9, £18 and £18 (a: sorts before b), a bank one owed £18,
    # and £30 available at Stripe
    small = _campaign(stack, "small")
    first_big, second_big = _campaign(stack, "a-big"), _campaign(stack, "b-big")
    by_bank = _campaign(stack, "bank", connect=False)
    _pledge(stack, small, 500)
    for campaign in (first_big, second_big, by_bank):
        _pledge(stack, campaign, 1000)
    stack.stripe.set_available_balance(3000)

    # When the run fires
    result = stack.fire_payout_schedule(RUN)

    # Then it pays the smallest first, then the next while the balance lasts, and holds
    # the one that no longer fits (recorded, pending); the bank payout is not held
    assert (result["stripe_available_pence"], result["stripe_demand_pence"]) == (3000, 4500)
    assert result["held_for_balance_pence"] == {second_big.campaign_id: 1800}
    assert _transfers_to(stack, small) == [900]
    assert _transfers_to(stack, first_big) == [1800]
    assert _transfers_to(stack, second_big) == []
    lines = _lines(stack, RUN)
    held = lines[second_big.campaign_id]
    assert (held.held_for_balance, held.carried, held.paid) == (True, 1800, 0)
    assert lines[by_bank.campaign_id].paid == 1800
    assert result["finished"] is True
    # And one alert names the shortfall; the held payout has no failure alert of its own
    (alert,) = _alerts(stack, RUN)
    assert alert["kind"] == "payouts_held"
    assert alert["amount"] == 1800
    assert "£30.00" in alert["reason"]
    assert "£15.00 short" in alert["reason"]
    assert f"Campaign {second_big.campaign_id} £18.00" in alert["reason"]

    # When the balance is there by the next morning and the daily retry comes
    stack.stripe.set_available_balance(5000)
    retry = stack.fire_held_payouts(TUESDAY)

    # Then it makes the held payout, once, and nobody else is paid again
    assert retry["campaigns"] == 1
    assert _transfers_to(stack, second_big) == [1800]
    assert _transfers_to(stack, first_big) == [1800]
    report = DynamoLedgerReport(_table(stack))
    for campaign in (small, first_big, second_big, by_bank):
        assert report.figures(campaign.campaign_id).owed == 0
    assert _lines(stack, TUESDAY)[second_big.campaign_id].resumed_from == RUN


def test_stripe_refusing_for_balance_during_the_run_holds_not_fails(
    standin_restored: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack = standin_restored
    # Given £100 available when the run is planned, but only £5 when the transfer is made
    # (an automatic payout to the bank took it in between)
    campaign = _campaign(stack, "drained")
    _pledge(stack, campaign, 1000)
    monkeypatch.setattr(StripeTransfers, "available_balance", lambda self: 10000)
    stack.stripe.set_available_balance(500)

    # When the run fires
    result = stack.fire_payout_schedule(RUN)

    # Then Stripe's balance_insufficient holds the payout at once (no retry of the task),
    # with the one balance alert, and no failure alert
    assert result["workers"]["failed"] == 0
    assert _transfers_to(stack, campaign) == []
    line = _lines(stack, RUN)[campaign.campaign_id]
    assert line.held_for_balance is True
    assert "balance_insufficient" in (line.failure or "")
    (alert,) = _alerts(stack, RUN)
    assert alert["kind"] == "payouts_held"
    assert "something else drew on the balance" in alert["reason"]


def test_429s_are_waited_out_and_the_transfer_made_once(standin_restored: LocalStack) -> None:
    stack = standin_restored
    # Given Stripe's rate limiter refusing the next two POSTs
    campaign = _campaign(stack, "limited")
    _pledge(stack, campaign, 1000)
    stack.stripe.fail_next(2, 429)
    # When the run fires
    result = stack.fire_payout_schedule(RUN)
    # Then the transfer waited and was made within the first attempt, once
    assert result["workers"]["failed"] == 0
    assert _transfers_to(stack, campaign) == [1800]


# ----------------------------------------------------------------------------- the gateway
@pytest.fixture
def standin() -> Any:
    with StripeStandIn(STRIPE_API_KEY) as running:
        yield running


def _gateway(standin: StripeStandIn, waits: list[float]) -> StripeTransfers:
    client = stripe_client(STRIPE_API_KEY, standin.url)
    return StripeTransfers(lambda: client, sleep=waits.append)


def _pay(gateway: StripeTransfers, key: str, amount: int = 500) -> str:
    return gateway.transfer(
        idempotency_key=key, amount=amount, destination="acct_1x", campaign_id="c", run_at=RUN
    )


def test_the_gateway_backs_off_on_429_then_gives_up(standin: StripeStandIn) -> None:
    waits: list[float] = []
    gateway = _gateway(standin, waits)
    standin.fail_next(3, 429)
    assert _pay(gateway, "k1").startswith("tr_")
    assert len(waits) == 3
    assert 0.25 <= waits[0] <= 0.5
    assert 0.5 <= waits[1] <= 1.0
    assert 1.0 <= waits[2] <= 2.0
    standin.fail_next(5, 429)
    with pytest.raises(TransferFailed, match="HTTP 429"):
        _pay(gateway, "k2")
    assert len(standin.transfers()) == 1


def test_the_gateway_reads_the_available_balance_and_tells_balance_insufficient_apart(
    standin: StripeStandIn,
) -> None:
    gateway = _gateway(standin, [])
    standin.set_available_balance(700)
    assert gateway.available_balance() == 700
    _pay(gateway, "k3", 500)
    assert gateway.available_balance() == 200
    with pytest.raises(BalanceInsufficient, match="balance_insufficient"):
        _pay(gateway, "k4", 500)
    standin.fail_next(1, 400)
    with pytest.raises(TransferFailed) as other:
        _pay(gateway, "k5", 100)
    assert not isinstance(other.value, BalanceInsufficient)


def test_the_standin_balance_is_stripes_shape(standin: StripeStandIn) -> None:
    balance = stripe_client(STRIPE_API_KEY, standin.url).v1.balance.retrieve()
    assert balance.object == "balance"
    (available,) = balance.available
    assert (available.currency, available.amount) == ("gbp", 10_000_000_000)


def test_standin_transfer_latency_and_errors_are_settings(standin: StripeStandIn) -> None:
    standin.configure_transfers(latency_seconds=0.2, error_rate=1.0, error_status=500)
    client = stripe_client(STRIPE_API_KEY, standin.url)
    started = datetime.now(UTC)
    with pytest.raises(stripe.APIError):
        client.v1.transfers.create(
            params={"amount": 100, "currency": "gbp", "destination": "acct_1x"},
            options={"max_network_retries": 0},  # type: ignore[typeddict-unknown-key]
        )
    assert (datetime.now(UTC) - started).total_seconds() >= 0.2
    assert standin.transfers() == []
    with pytest.raises(ValueError, match="error_rate"):
        standin.configure_transfers(error_rate=1.5)
