"""Ward nights on the table (issue 17): the ledger's own transaction counts each payment for
its night exactly once, and the live page's reads are the three narrow ones its role allows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from tests.integration.operations import deliver, donor, register, table
from wardfund.adapters.dynamodb.live_nights import (
    BALANCE_ATTRIBUTES,
    NIGHT_ATTRIBUTES,
    PUBLIC_CAMPAIGN_ATTRIBUTES,
    DynamoLiveNights,
    live_pk,
)
from wardfund.domain.live_night import NightKey, NightTotals
from wardfund.local.stack import LocalStack
from wardfund.local.stripe.world import StripeWorld

pytestmark = pytest.mark.e2e

EVENING = datetime(2026, 6, 3, 19, 30, tzinfo=UTC)
IMPRINT = {
    "promoter_name": "Sam Agent",
    "promoter_address": "1 High St, Leeds LS1 1AA",
    "on_behalf_of": "Jo Candidate, 2 Park Row, Leeds",
    "printer": "Quick Print, Leeds",
}


def night(stack: LocalStack, campaign_id: str, ward_key: str = "hyde") -> NightTotals:
    return DynamoLiveNights(table(stack)).night(NightKey(campaign_id, ward_key, date(2026, 6, 3)))


def test_each_payment_counts_once_for_its_night_in_the_ledgers_transaction(
    stack: LocalStack,
) -> None:
    # Given a campaign, two first monthly payments and a one-off gift in Hyde that evening
    cid = register(stack, match_cap_pence=1500, **IMPRINT).campaign_id
    world = StripeWorld()
    deliver(stack, world.pledge(EVENING, donor("a"), cid, "Hyde", 1000))
    second = world.pledge(EVENING.replace(minute=45), donor("b"), cid, "Hyde", 1200)
    deliver(stack, second)
    deliver(stack, world.give_once(EVENING, donor("c"), cid, "Hyde", 2500))
    # When Stripe sends the second pledge's events again
    deliver(stack, second)
    # and one donor renews next month, another is refunded, a gift comes from another ward
    deliver(stack, world.renew(datetime(2026, 7, 3, 19, tzinfo=UTC), "a"))
    deliver(stack, world.refund(EVENING.replace(hour=21), "b", 1))
    deliver(stack, world.give_once(EVENING, donor("d"), cid, "Little London", 700))
    # Then the night counts each of its payments once, and only its own
    assert night(stack, cid) == NightTotals("Hyde", 2, 2200, 1, 2500, 1500)
    assert night(stack, cid, "little-london") == NightTotals("Little London", 0, 0, 1, 700, 0)
    items = list(table(stack).query(live_pk(cid)))
    assert [item["SK"] for item in items] == [
        "NIGHT#2026-06-03#hyde",
        "NIGHT#2026-06-03#little-london",
    ]


def test_money_in_suspense_counts_for_no_night(stack: LocalStack) -> None:
    world = StripeWorld()
    deliver(stack, world.pledge(EVENING, donor("a"), "no-such-campaign", "Hyde", 1000))
    assert list(table(stack).query(live_pk("no-such-campaign"))) == []


class Spy:
    """The table client, noting each call the live page's reads make."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.client, name)

        def call(**kwargs: Any) -> Any:
            self.calls.append((name, kwargs))
            return method(**kwargs)

        return call


def test_the_page_reads_three_items_by_key_with_projections_only(stack: LocalStack) -> None:
    # Given a campaign with a night
    cid = register(stack, **IMPRINT).campaign_id
    deliver(stack, StripeWorld().pledge(EVENING, donor("a"), cid, "Hyde", 1000))
    live_table = table(stack)
    spy = Spy(live_table.client)
    live_table.client = spy  # type: ignore[assignment]
    nights = DynamoLiveNights(live_table)
    # When the page reads what it shows
    key = NightKey(cid, "hyde", date(2026, 6, 3))
    assert nights.night(key).new_monthly_donors == 1
    campaign = nights.campaign(cid)
    assert nights.matched(cid) == 1000
    # Then it made three GetItems, eventually consistent, each naming the attributes it reads
    assert [name for name, _ in spy.calls] == ["get_item"] * 3
    read = {}
    for _, kwargs in spy.calls:
        assert "ConsistentRead" not in kwargs
        pk = kwargs["Key"]["PK"]["S"]
        read[pk] = tuple(kwargs["ExpressionAttributeNames"].values())
        assert kwargs["ProjectionExpression"] == ", ".join(kwargs["ExpressionAttributeNames"])
    assert read == {
        f"LIVE#{cid}": NIGHT_ATTRIBUTES,
        "CAMPAIGN": PUBLIC_CAMPAIGN_ATTRIBUTES,
        f"CAMPAIGN#{cid}": BALANCE_ATTRIBUTES,
    }
    # and the campaign it built knows nothing private (treasurers, bank, Connect account)
    assert campaign is not None
    assert campaign.treasurer_emails == ()
    assert campaign.connect_account_id is None
    assert campaign.bank_reference is None


def test_before_the_first_payment_the_kit_has_named_the_ward(stack: LocalStack) -> None:
    cid = register(stack, **IMPRINT).campaign_id
    DynamoLiveNights(table(stack)).name_ward(cid, "queen-s-park", "Queen's Park")
    totals = night(stack, cid, "queen-s-park")
    assert totals == NightTotals(ward="Queen's Park")
