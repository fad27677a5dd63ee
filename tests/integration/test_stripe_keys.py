"""Each Stripe key is checked before any work: the payout run and `wardfund kit` with a key
secret still holding CloudFormation's placeholder stop at once with a message that names the
secret and what to put there, having written and paid nothing (issue 13, item 7)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest

from tests.integration.operations import donor, figures, register, said, wardfund
from wardfund.adapters.stripe_keys import StripeKeyMissing
from wardfund.domain.calendar import LONDON
from wardfund.local.lambdas.runtime import apply_environment
from wardfund.local.stack import STRIPE_API_KEY, LocalStack
from wardfund.local.stripe.world import StripeWorld

PLACEHOLDER = "q8Zr,v0^placeholder-CloudFormation-made"  # what GenerateSecretString leaves
RUN = datetime(2026, 6, 8, 6, 0, tzinfo=LONDON)


def _key_secret(stack: LocalStack, value: str) -> None:
    assert stack.resources is not None
    boto3.client("secretsmanager").put_secret_value(
        SecretId=stack.resources.api_key_secret_name, SecretString=value
    )
    apply_environment({})  # forget cached secrets and clients, as a new Lambda process would


def test_the_payout_run_stops_at_its_start_without_a_usable_key(stack: LocalStack) -> None:
    # Given a campaign owed £18 and the payouts key secret still holding the placeholder
    campaign = register(stack, connect_account_id="acct_1keys0000000")
    stack.stripe.reset()  # the stand-in lives for the session: forget earlier tests' transfers
    world = StripeWorld(account_id=f"acct_{campaign.campaign_id}")
    gift = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)
    assert set(stack.deliver(world.pledge(gift, donor("d1"), campaign.campaign_id, "W", 1000))) == {
        200
    }
    stack.drain()
    _key_secret(stack, PLACEHOLDER)
    # When the schedule fires: it stops, naming the secret and the key it needs
    with pytest.raises(StripeKeyMissing) as raised:
        stack.fire_payout_schedule(RUN)
    assert stack.resources is not None
    assert str(raised.value).startswith(
        f"the payouts Stripe key in secret {stack.resources.api_key_secret_name} holds no "
        "Stripe API key (still the placeholder CloudFormation created?): put a restricted key"
    )
    # Then nothing was recorded or paid
    assert figures(stack, campaign.campaign_id).paid_out == 0
    assert stack.stripe.transfers() == []
    # And once the key is put there, the run (retried) pays once
    _key_secret(stack, STRIPE_API_KEY)
    stack.fire_payout_schedule(RUN)
    assert [t["amount"] for t in stack.stripe.transfers()] == [1800]
    assert figures(stack, campaign.campaign_id).paid_out == 1800


def test_kit_without_a_usable_operator_key_is_a_clear_error(
    stack: LocalStack, tmp_path: Path
) -> None:
    campaign = register(stack)
    _key_secret(stack, PLACEHOLDER)
    result = wardfund("kit", campaign.campaign_id, "Hyde", "--output-dir", str(tmp_path))
    assert result.exit_code == 2
    assert stack.resources is not None
    assert said(result).startswith(
        f"error: the operator Stripe key in secret {stack.resources.api_key_secret_name} holds "
        "no Stripe API key"
    )
    assert list(tmp_path.iterdir()) == []
    _key_secret(stack, "sk_live_51realkeyoftheaccount")
    result = wardfund("kit", campaign.campaign_id, "Hyde", "--output-dir", str(tmp_path))
    assert result.exit_code == 2
    assert "unrestricted live secret key (sk_live_...)" in said(result)
