"""Use case: a payout run not finished by its deadline raises an alert.

A weekly schedule fires PAYOUT_DEADLINE_HOURS after the payout run (Monday 08:00 London for
the 06:00 run). If the run was due that week and is not finished (never started, or some
campaigns not yet settled), one alert says so; the function also counts it in a metric
that a CloudWatch alarm watches, so the alert reaches the operators even if email fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from wardfund.domain.calendar import utc_key
from wardfund.domain.display import london
from wardfund.domain.notices import AlertKind, AlertRaised
from wardfund.domain.payout_run import PAYOUT_DEADLINE_HOURS
from wardfund.domain.payouts import PayoutFrequency, is_payout_week
from wardfund.services.ports import PayoutRunStore
from wardfund.services.raise_alert import AlertStore


@dataclass(frozen=True)
class DeadlineCheck:
    run_at: datetime
    late: bool
    reason: str | None = None


def run_checked_at(deadline: datetime) -> datetime:
    """The scheduled time of the run a deadline check is for."""
    return deadline - timedelta(hours=PAYOUT_DEADLINE_HOURS)


def check_payout_deadline(
    deadline: datetime, frequency: PayoutFrequency, runs: PayoutRunStore, alerts: AlertStore
) -> DeadlineCheck:
    run_at = run_checked_at(deadline)
    if not is_payout_week(run_at, frequency):
        return DeadlineCheck(run_at, late=False)
    state = runs.run(run_at)
    if state is not None and state.finished:
        return DeadlineCheck(run_at, late=False)
    when = f"{london(run_at):%d %b %Y %H:%M}"
    if state is None:
        reason = (
            f"the payout run of {when} has not started: no run is recorded. Check the "
            "RunPayouts function's errors and the payout run's dead-letter queue."
        )
    else:
        reason = (
            f"the payout run of {when} has {state.remaining} of {state.expected} campaign(s) "
            "not yet settled. Check the payout tasks queue and its dead-letter queue; the "
            "run finishes by itself once they are settled."
        )
    alerts.raise_alert(
        AlertRaised(
            alert_id=f"{utc_key(run_at)}#{AlertKind.PAYOUT_RUN_LATE}",
            kind=AlertKind.PAYOUT_RUN_LATE,
            at=deadline,
            reason=reason,
        )
    )
    return DeadlineCheck(run_at, late=True, reason=reason)
