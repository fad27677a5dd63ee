"""The ledger checked by its own arithmetic, never by the counters kept beside it.

An entry balances when the balances its lines give their accounts sum to zero (debits equal
credits). A campaign's figures are what the accounts of the entries filed under it hold:
its share, match, launch-cost and payout accounts, and the national share and donor funds
of those entries. A wrong counter, a posting whose figures say something its lines do not,
or a one-sided line is then a difference between two independent sums.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from wardfund.domain.figures import CampaignFigures
from wardfund.domain.ledger import (
    DONOR_FUNDS,
    NATIONAL_SHARE,
    SUSPENSE,
    Line,
    Side,
    campaign_launch_costs_account,
    campaign_match_account,
    campaign_payouts_account,
    campaign_share_account,
)


def line_balances(lines: Iterable[Line]) -> dict[str, int]:
    """Credit-positive balance of every account the lines touch."""
    balances: dict[str, int] = {}
    for line in lines:
        signed = line.amount if line.side is Side.CREDIT else -line.amount
        balances[line.account] = balances.get(line.account, 0) + signed
    return balances


def lines_balance(lines: Iterable[Line]) -> bool:
    """Debits equal credits: the account balances of the lines sum to zero."""
    return sum(line_balances(lines).values()) == 0


def add_balances(into: dict[str, int], balances: Mapping[str, int]) -> None:
    for account, amount in balances.items():
        into[account] = into.get(account, 0) + amount


def figures_from_balances(campaign_id: str, balances: Mapping[str, int]) -> CampaignFigures:
    """A campaign's figures from the credit-positive balances of the entries filed under it.

    Money from donors is debited to donor funds and paid out by crediting it back, so what
    was raised is what was paid out less donor funds' (negative) balance.
    """
    paid_out = -balances.get(campaign_payouts_account(campaign_id), 0)
    return CampaignFigures(
        raised=paid_out - balances.get(DONOR_FUNDS, 0),
        local_share=balances.get(campaign_share_account(campaign_id), 0),
        national_share=balances.get(NATIONAL_SHARE, 0),
        match=balances.get(campaign_match_account(campaign_id), 0),
        paid_out=paid_out,
        launch_costs=balances.get(campaign_launch_costs_account(campaign_id), 0),
    )


def suspense_from_balances(balances: Mapping[str, int]) -> int:
    """Money no campaign could claim: the suspense account's balance."""
    return balances.get(SUSPENSE, 0)


def foreign_campaign_accounts(campaign_id: str, balances: Mapping[str, int]) -> list[str]:
    """Accounts of another campaign among the entries filed under `campaign_id`."""
    own = f"campaign:{campaign_id}:"
    return sorted(
        account
        for account in balances
        if account.startswith("campaign:") and not account.startswith(own)
    )
