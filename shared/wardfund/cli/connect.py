"""`wardfund campaign connect CAMPAIGN`: the campaign's Stripe connected account and its
treasurers' onboarding link, by email (issue 17, section 2; docs/stripe-connect.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from wardfund.cli.common import CommandError, command_errors, now, out
from wardfund.cli.stack_options import Connect, stack_and_actor_options
from wardfund.domain.calendar import LONDON

ReturnOpt = Annotated[
    str | None,
    typer.Option(
        "--return-url",
        metavar="URL",
        help="Where Stripe sends the treasurer when they leave or finish onboarding "
        "(default: CONNECT_RETURN_URL).",
    ),
]
RefreshOpt = Annotated[
    str | None,
    typer.Option(
        "--refresh-url",
        metavar="URL",
        help="Where Stripe sends the treasurer when the link has expired or was used "
        "(default: CONNECT_REFRESH_URL).",
    ),
]


@stack_and_actor_options
def connect_command(
    campaign_id: Annotated[str, typer.Argument(help="Campaign id (a slug such as leeds-central).")],
    return_url: ReturnOpt = None,
    refresh_url: RefreshOpt = None,
    *,
    connect: Connect,
) -> None:
    """Create the campaign's Stripe connected account (once) and email its treasurers a link
    to Stripe's onboarding. Payouts go by bank until Stripe says the account can receive
    transfers. Run it again for a new link: each works once, for minutes."""
    from wardfund.adapters.dynamodb.campaign_store import DynamoCampaignStore
    from wardfund.adapters.dynamodb.connect_store import DynamoConnectStore
    from wardfund.adapters.stripe_connect import StripeConnect
    from wardfund.services.connect import connect_campaign

    with command_errors():
        target = connect()
        settings = target.settings
        back = return_url or settings.connect_return_url
        again = refresh_url or settings.connect_refresh_url
        if not back or not again:
            raise CommandError(
                "say where Stripe sends the treasurer back: --return-url and --refresh-url "
                "(or CONNECT_RETURN_URL and CONNECT_REFRESH_URL), https:// pages of yours"
            )
        principal = target.principal
        client = target.stripe()
        done = connect_campaign(
            campaign_id,
            campaigns=DynamoCampaignStore(target.table),
            records=DynamoConnectStore(target.table),
            stripe=StripeConnect(lambda: client),
            refresh_url=again,
            return_url=back,
            by=target.actor,
            at=now(),
            principal=principal,
        )
    console = out()
    made = "created" if done.created else "has"
    console.print(f"{campaign_id} {made} Stripe connected account {done.account_id}")
    if done.status is None:
        console.print("  Stripe has said nothing of it yet (typed in by hand)")
    else:
        console.print(f"  it {done.status.words()}")
    until = done.link_expires_at.astimezone(LONDON)
    console.print(
        f"  onboarding link emailed to {', '.join(done.emailed)}; it works once, until "
        f"{until:%H:%M} (London): run this again for a new one"
    )
    if done.status is not None and not done.status.can_receive:
        console.print("  payouts go by bank transfer until Stripe says it can receive transfers")
