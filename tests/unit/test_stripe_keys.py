"""One restricted Stripe key per purpose, each checked before any work: a secret that is absent,
still CloudFormation's placeholder, or holding the unrestricted live key is a clear error that
names the secret and the permissions the key needs (issue 13, item 7)."""

from __future__ import annotations

import pytest
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError
from botocore.exceptions import ClientError

from wardfund.adapters import stripe_keys
from wardfund.adapters.stripe_keys import (
    OPERATOR,
    PAYOUTS,
    PURPOSES,
    RECONCILE,
    StripeKeyMissing,
    StripeKeyUnavailable,
    checked_key,
    key_problem,
    secret_name,
    stripe_key,
)

NAME = "wardfund/prod/stripe/payouts-key"


def _failing(code: str):  # type: ignore[no-untyped-def]
    def read(name: str, max_age: int) -> str:
        try:
            raise ClientError({"Error": {"Code": code, "Message": "no"}}, "GetSecretValue")
        except ClientError as error:
            raise GetParameterError(str(error))  # as Powertools wraps it  # noqa: B904

    return read


@pytest.mark.parametrize(
    ("value", "usable"),
    [
        ("rk_live_51abc", True),
        ("rk_test_51abc", True),
        ("sk_test_51abc", True),  # test mode (the local stack's stand-in)
        ("sk_live_51abc", False),  # every permission on the live account: never
        ("pk_live_51abc", False),
        ("Zx8#kq0-placeholder-from-cloudformation", False),
        ("", False),
    ],
)
def test_only_restricted_keys_or_test_keys_are_usable(value: str, usable: bool) -> None:
    assert (key_problem(value) is None) is usable


def test_each_purpose_has_its_own_secret_and_permissions() -> None:
    assert [secret_name("prod", p) for p in PURPOSES] == [
        "wardfund/prod/stripe/payouts-key",
        "wardfund/prod/stripe/reconcile-key",
        "wardfund/prod/stripe/operator-key",
    ]
    assert ("Transfers", "Write") in PAYOUTS.permissions
    assert not any(access == "Write" for _, access in RECONCILE.permissions)  # read only
    assert ("Transfers", "Write") not in OPERATOR.permissions  # operators move no money
    assert ("Payment Links", "Write") in OPERATOR.permissions


def test_a_placeholder_stops_with_the_secret_and_what_to_put_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stripe_keys, "read_secret", lambda name, age: "q8Zr-placeholder")
    with pytest.raises(StripeKeyMissing) as raised:
        stripe_key(NAME, PAYOUTS, 300)
    assert str(raised.value) == (
        f"the payouts Stripe key in secret {NAME} holds no Stripe API key (still the "
        "placeholder CloudFormation created?): put a restricted key (rk_live_...) there with "
        "only Transfers: Write, Balance: Read (docs/stripe-keys.md)"
    )


def test_the_live_secret_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stripe_keys, "read_secret", lambda name, age: "sk_live_51xyz")
    with pytest.raises(StripeKeyMissing, match="unrestricted live secret key"):
        stripe_key(NAME, PAYOUTS, 300)


def test_an_absent_secret_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stripe_keys, "read_secret", _failing("ResourceNotFoundException"))
    with pytest.raises(StripeKeyMissing, match=f"secret {NAME} does not exist; create it"):
        stripe_key(NAME, PAYOUTS, 300)


def test_secrets_manager_failing_is_unavailable_not_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stripe_keys, "read_secret", _failing("ThrottlingException"))
    with pytest.raises(StripeKeyUnavailable, match="Secrets Manager did not give"):
        stripe_key(NAME, PAYOUTS, 300)


def test_no_secret_configured_is_missing() -> None:
    with pytest.raises(StripeKeyMissing, match="STRIPE_API_KEY_SECRET_NAME is empty"):
        stripe_key("", RECONCILE, 300)


def test_a_key_given_in_the_environment_is_checked_too() -> None:
    assert checked_key(" rk_test_abc \n", OPERATOR, "STRIPE_API_KEY") == "rk_test_abc"
    with pytest.raises(StripeKeyMissing, match="the operator Stripe key in STRIPE_API_KEY"):
        checked_key("sk_live_abc", OPERATOR, "STRIPE_API_KEY")
