"""Use case: a campaign with a Stripe connected account that cannot receive transfers was paid
by the run's bank file instead; national finance is told, naming the campaign (issue 17).

The payout run chooses the method when it plans (`Campaign.pays_by_transfer`, from what
Stripe last said of the account: domain/connect.py); this raises the alert once per run and
campaign, whoever settles it and however often its task is delivered.
"""

from __future__ import annotations

from wardfund.domain.calendar import london_date, utc_key
from wardfund.domain.display import pounds
from wardfund.domain.notices import AlertKind, AlertRaised
from wardfund.domain.payout_run import PayoutTask, Settlement
from wardfund.domain.payouts import PayoutMethod
from wardfund.services.raise_alert import AlertStore


def connect_not_ready_alert(task: PayoutTask, settlement: Settlement) -> AlertRaised | None:
    """The alert for this run's payout of a campaign whose account cannot receive transfers,
    when the run paid it something by bank; None otherwise."""
    campaign = task.campaign
    if not campaign.connect_not_ready or task.kind != "run":
        return None
    by_bank = [
        line
        for line in settlement.lines
        if line.resumed_from is None
        and line.paid > 0
        and line.method == str(PayoutMethod.BANK_TRANSFER)
    ]
    if not by_bank:
        return None
    amount = sum(line.paid for line in by_bank)
    account = campaign.connect_account_id
    why = campaign.connect.words() if campaign.connect else "cannot receive transfers"
    return AlertRaised(
        alert_id=f"{utc_key(task.run_at)}#{AlertKind.CONNECT_NOT_READY}#{campaign.campaign_id}",
        kind=AlertKind.CONNECT_NOT_READY,
        at=task.run_at,
        reason=(
            f"{campaign.name}'s Stripe account {account} {why}. Its payout of "
            f"{pounds(amount)} in the run of {london_date(task.run_at):%d %b %Y} is in the "
            "run's bank file instead of a Stripe transfer (a campaign with no approved bank "
            "details is left out of the file and named in the run's summary). Ask the "
            "treasurer to finish Stripe's onboarding: `wardfund campaign connect "
            f"{campaign.campaign_id}` emails them a new link. Payouts go by Stripe again "
            "once Stripe says the account can receive transfers."
        ),
        amount=amount,
        details={"campaign_id": campaign.campaign_id, "campaign_name": campaign.name},
    )


def alert_if_connect_not_ready(
    task: PayoutTask, settlement: Settlement, alerts: AlertStore
) -> AlertRaised | None:
    alert = connect_not_ready_alert(task, settlement)
    if alert is not None:
        alerts.raise_alert(alert)
    return alert


__all__ = ["alert_if_connect_not_ready", "connect_not_ready_alert"]
