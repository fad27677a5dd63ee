"""The Stripe stand-in, driven through stripe-python 16.1.0's own StripeClient."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import stripe

from wardfund.local.stripe.standin.app import StripeStandIn

KEY = "sk_test_standin"
PARAMS: dict[str, Any] = {
    "amount": 1234,
    "currency": "gbp",
    "destination": "acct_1WardNorth",
    "description": "North ward share, week 45",
    "transfer_group": "meeting-2026-11-05",
    "metadata": {"campaign": "camp-1", "ward": "north"},
}


@pytest.fixture
def standin() -> Iterator[StripeStandIn]:
    with StripeStandIn(KEY) as running:
        yield running


def client_for(standin: StripeStandIn, key: str = KEY) -> stripe.StripeClient:
    return stripe.StripeClient(key, base_addresses={"api": standin.url}, max_network_retries=0)


def test_create_returns_a_stripe_shaped_transfer(standin: StripeStandIn) -> None:
    transfer = client_for(standin).v1.transfers.create(
        params=PARAMS, options={"idempotency_key": "transfer:alloc-1"}
    )
    assert isinstance(transfer, stripe.Transfer)
    assert transfer.id.startswith("tr_")
    assert (transfer.amount, transfer.currency, transfer.destination) == (
        1234,
        "gbp",
        "acct_1WardNorth",
    )
    assert transfer.metadata.to_dict() == {"campaign": "camp-1", "ward": "north"}
    assert transfer.transfer_group == "meeting-2026-11-05"
    assert transfer.destination_payment.startswith("py_")
    assert transfer.balance_transaction.startswith("txn_")
    assert (transfer.reversed, transfer.amount_reversed, transfer.livemode) == (False, 0, False)
    assert transfer.reversals.data == []
    assert transfer.source_type == "card"
    assert transfer.last_response.headers["Request-Id"].startswith("req_")
    assert transfer.last_response.headers["Stripe-Version"] == stripe.api_version
    assert [t["id"] for t in standin.transfers()] == [transfer.id]


def test_retrieve_and_list(standin: StripeStandIn) -> None:
    client = client_for(standin)
    first = client.v1.transfers.create(params=PARAMS)
    second = client.v1.transfers.create(params={**PARAMS, "destination": "acct_1WardSouth"})
    assert client.v1.transfers.retrieve(first.id).amount == 1234
    listed = client.v1.transfers.list(params={"limit": 1})
    assert [t.id for t in listed.data] == [second.id]
    assert listed.has_more is True
    assert [t.id for t in client.v1.transfers.list().auto_paging_iter()] == [second.id, first.id]
    south = client.v1.transfers.list(params={"destination": "acct_1WardSouth"})
    assert [t.id for t in south.data] == [second.id]
    with pytest.raises(stripe.InvalidRequestError, match="No such transfer") as missing:
        client.v1.transfers.retrieve("tr_missing")
    assert missing.value.http_status == 404


def test_same_key_same_params_replays_the_first_transfer(standin: StripeStandIn) -> None:
    client = client_for(standin)
    options: stripe.RequestOptions = {"idempotency_key": "transfer:alloc-2"}
    first = client.v1.transfers.create(params=PARAMS, options=options)
    again = client.v1.transfers.create(params=dict(PARAMS), options=options)
    assert again.id == first.id
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert len(standin.transfers()) == 1


def test_same_key_other_params_is_an_idempotency_error(standin: StripeStandIn) -> None:
    client = client_for(standin)
    options: stripe.RequestOptions = {"idempotency_key": "transfer:alloc-3"}
    client.v1.transfers.create(params=PARAMS, options=options)
    with pytest.raises(stripe.IdempotencyError, match="same parameters"):
        client.v1.transfers.create(params={**PARAMS, "amount": 999}, options=options)
    assert len(standin.transfers()) == 1


def test_a_wrong_or_missing_key_is_an_authentication_error(standin: StripeStandIn) -> None:
    with pytest.raises(stripe.AuthenticationError, match="Invalid API Key") as wrong:
        client_for(standin, "sk_test_wrong_key").v1.transfers.create(params=PARAMS)
    assert wrong.value.http_status == 401
    request = urllib.request.Request(f"{standin.url}/v1/transfers")
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(request, timeout=5)
    assert missing.value.code == 401
    assert "did not provide an API key" in json.load(missing.value)["error"]["message"]
    assert standin.transfers() == []


def test_injected_failures_raise_api_error_and_create_nothing(standin: StripeStandIn) -> None:
    client = client_for(standin)
    options: stripe.RequestOptions = {"idempotency_key": "transfer:alloc-4"}
    standin.fail_next(2)
    for _ in range(2):
        with pytest.raises(stripe.APIError) as failed:
            client.v1.transfers.create(params=PARAMS, options=options)
        assert failed.value.http_status == 500
    assert standin.transfers() == []
    transfer = client.v1.transfers.create(params=PARAMS, options=options)
    assert [t["id"] for t in standin.transfers()] == [transfer.id]
    standin.fail_next(status=429)
    with pytest.raises(stripe.RateLimitError):
        client.v1.transfers.create(params=PARAMS)


@pytest.mark.parametrize(
    ("params", "param", "message"),
    [
        ({k: v for k, v in PARAMS.items() if k != "amount"}, "amount", "Missing required param"),
        ({k: v for k, v in PARAMS.items() if k != "destination"}, "destination", "Missing"),
        ({**PARAMS, "amount": 0}, "amount", "greater than or equal to 1"),
        ({**PARAMS, "amount": -5}, "amount", "greater than or equal to 1"),
        ({**PARAMS, "destination": "ward-north"}, "destination", "No such destination"),
        ({**PARAMS, "amout": 5}, "amout", "unknown parameter"),
    ],
)
def test_validation_errors_are_invalid_request_errors_and_not_saved(
    standin: StripeStandIn, params: dict[str, Any], param: str, message: str
) -> None:
    client = client_for(standin)
    options: stripe.RequestOptions = {"idempotency_key": f"transfer:bad-{param}"}
    with pytest.raises(stripe.InvalidRequestError, match=message) as invalid:
        client.v1.transfers.create(params=params, options=options)
    assert (invalid.value.http_status, invalid.value.param) == (400, param)
    assert standin.transfers() == []
    fixed = client.v1.transfers.create(params=PARAMS, options=options)
    assert "Idempotent-Replayed" not in fixed.last_response.headers
    assert len(standin.transfers()) == 1


def test_stop_frees_the_port() -> None:
    standin = StripeStandIn().start()
    url = standin.url
    standin.stop()
    with pytest.raises(RuntimeError, match="not running"):
        _ = standin.url
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{url}/v1/transfers", timeout=2)
