"""A campaign's Stripe connected account, and whether the payout run may pay it by transfer
(issue 17, section 2; docs/stripe-connect.md).

`wardfund campaign connect` creates the account and records what Stripe answered; after
that, each `account.updated` Stripe sends to the Connect webhook records what the account
can do now. The payout run pays a campaign by Stripe transfer only when the account it
would pay is recorded as able to receive one; otherwise by the run's bank file, with an
alert naming the campaign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wardfund.domain.calendar import require_aware

ACTIVE = "active"


@dataclass(frozen=True)
class ConnectStatus:
    """What Stripe last said of a connected account. `transfers`: its `transfers`
    capability (`active`, `pending`, `inactive`, or `unrequested` when absent);
    `checked_at`: the Stripe time of what said it (the account's creation, or the
    `account.updated` event's `created`), so an older event never undoes a newer one."""

    account_id: str
    transfers: str
    payouts_enabled: bool
    checked_at: datetime
    details_submitted: bool = False
    disabled_reason: str | None = None
    currently_due: int = 0
    event_id: str | None = None

    def __post_init__(self) -> None:
        require_aware(self.checked_at)

    @property
    def can_receive(self) -> bool:
        """A transfer reaches the campaign's bank only when Stripe accepts transfers to the
        account (`capabilities.transfers` active) and pays the account out to its bank
        (`payouts_enabled`); short of either, the money would wait in Stripe."""
        return self.transfers == ACTIVE and self.payouts_enabled

    def words(self) -> str:
        """`can receive transfers`, or what stands in the way, in people's words."""
        if self.can_receive:
            return "can receive transfers"
        reasons = []
        if self.transfers != ACTIVE:
            reasons.append(f"its transfers capability is {self.transfers}")
        if not self.payouts_enabled:
            reasons.append("Stripe does not pay it out to a bank account yet")
        if not self.details_submitted:
            reasons.append("the treasurer has not finished Stripe's onboarding")
        if self.currently_due:
            reasons.append(f"{self.currently_due} item(s) of information are due")
        if self.disabled_reason:
            reasons.append(f"Stripe says {self.disabled_reason}")
        return "cannot receive transfers: " + "; ".join(reasons)


def receives_transfers(connect_account_id: str | None, status: ConnectStatus | None) -> bool:
    """Whether a payout to the campaign goes by Stripe transfer.

    No account: by bank. An account `campaign connect` made, or any account Stripe has told
    of since: only when Stripe last said it can receive. An account id typed in by hand
    (`--connect-account`, a campaign file, a scenario) that Stripe has said nothing of yet is
    paid by transfer, as before this rule: Stripe refuses a transfer to an account that
    cannot take it, and the payout is then held and alerted, never lost."""
    if not connect_account_id:
        return False
    if status is None or status.account_id != connect_account_id:
        return True
    return status.can_receive


def newer(status: ConnectStatus, recorded: ConnectStatus | None) -> bool:
    """Whether `status` may replace what is recorded: about another account (the campaign's
    account changed), or not older than it (Stripe's events come in any order)."""
    return (
        recorded is None
        or recorded.account_id != status.account_id
        or status.checked_at >= recorded.checked_at
    )


__all__ = ["ACTIVE", "ConnectStatus", "newer", "receives_transfers"]
