"""Stripe Connect through stripe-python: a campaign's connected account, its onboarding link,
and what an Account object says it can do (issue 17; docs/stripe-connect.md says why these
settings).

The account (`POST /v1/accounts`, Accounts v1 with controller properties):

- `controller.stripe_dashboard.type=express`: the treasurer gets Stripe's Express Dashboard
  (payouts to their bank, their own details), not the full Dashboard;
- `controller.requirement_collection=stripe`: Stripe collects and keeps up to date what it
  needs to know (hosted onboarding through Account Links), not wardfund;
- `controller.losses.payments=application` and `controller.fees.payer=application`: the
  national account is liable for the account's negative balances and pays Stripe's fees
  (Stripe requires the second with the first; the account takes no payments, so the
  liability is only for what wardfund itself transfers and reverses);
- `capabilities.transfers.requested=true` only: the account receives transfers and takes no
  card payments;
- `country=GB`, no `tos_acceptance.service_agreement`: Stripe's default, the `full` service
  agreement (the `recipient` one is for accounts in another country than the platform's);
- `metadata.campaign`: the campaign, so an `account.updated` names it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import stripe

from wardfund.domain.connect import ConnectStatus
from wardfund.domain.errors import WardfundError

COUNTRY = "GB"
CURRENCY = "gbp"
ACCOUNT_SETTINGS: dict[str, Any] = {
    "country": COUNTRY,
    "default_currency": CURRENCY,
    "controller": {
        "stripe_dashboard": {"type": "express"},
        "requirement_collection": "stripe",
        "losses": {"payments": "application"},
        "fees": {"payer": "application"},
    },
    "capabilities": {"transfers": {"requested": True}},
}


class ConnectRefused(WardfundError):
    """Stripe refused the request, or did not answer; nothing was made by it."""


@dataclass(frozen=True)
class OnboardingLink:
    """An Account Link: a single-use URL to Stripe's hosted onboarding, until `expires_at`."""

    url: str
    created: datetime
    expires_at: datetime


def _at(seconds: Any) -> datetime:
    return datetime.fromtimestamp(int(seconds), UTC)


def _get(found: Any, name: str) -> Any:
    if isinstance(found, Mapping):
        return found.get(name)
    return getattr(found, name, None)


def status_from_account(
    account: Any, checked_at: datetime, event_id: str | None = None
) -> ConnectStatus:
    """What an Account object (a stripe-python object, or an event's `data.object` as a
    dict) says the account can do. Fields: Account in stripe-python 16.1.0 (`_account.py`):
    `capabilities.transfers` (active | inactive | pending), `payouts_enabled`,
    `details_submitted`, `requirements.currently_due`, `requirements.disabled_reason`."""
    capabilities = _get(account, "capabilities") or {}
    requirements = _get(account, "requirements") or {}
    due = _get(requirements, "currently_due") or []
    return ConnectStatus(
        account_id=str(_get(account, "id")),
        transfers=str(_get(capabilities, "transfers") or "unrequested"),
        payouts_enabled=bool(_get(account, "payouts_enabled")),
        checked_at=checked_at,
        details_submitted=bool(_get(account, "details_submitted")),
        disabled_reason=_get(requirements, "disabled_reason"),
        currently_due=len(due),
        event_id=event_id,
    )


def _refused(error: stripe.StripeError, what: str) -> ConnectRefused:
    message = error.user_message or str(error) or type(error).__name__
    return ConnectRefused(f"Stripe refused {what}: {message} (HTTP {error.http_status})")


class StripeConnect:
    def __init__(self, client: Callable[[], stripe.StripeClient]) -> None:
        self._client = client

    def create_account(
        self, campaign_id: str, campaign_name: str, email: str | None
    ) -> ConnectStatus:
        """The campaign's connected account. The idempotency key is the campaign's, so a
        second try within Stripe's memory of keys (about a day) gets the same account."""
        params: dict[str, Any] = ACCOUNT_SETTINGS | {
            "business_profile": {"name": campaign_name},
            "metadata": {"campaign": campaign_id},
        }
        if email:
            params["email"] = email
        try:
            made = self._client().v1.accounts.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": f"connect-account-{campaign_id}"},
            )
        except stripe.StripeError as error:
            raise _refused(error, f"a connected account for {campaign_id}") from error
        return status_from_account(made, _at(made.created or 0))

    def account(self, account_id: str) -> ConnectStatus:
        """What Stripe says of the account now."""
        try:
            found = self._client().v1.accounts.retrieve(account_id)
        except stripe.StripeError as error:
            raise _refused(error, f"to show account {account_id}") from error
        return status_from_account(found, datetime.now(UTC))

    def onboarding_link(self, account_id: str, refresh_url: str, return_url: str) -> OnboardingLink:
        """A new Account Link of type `account_onboarding` (each call makes another)."""
        try:
            link = self._client().v1.account_links.create(
                params={
                    "account": account_id,
                    "type": "account_onboarding",
                    "refresh_url": refresh_url,
                    "return_url": return_url,
                }
            )
        except stripe.StripeError as error:
            raise _refused(error, f"an onboarding link for {account_id}") from error
        return OnboardingLink(str(link.url), _at(link.created), _at(link.expires_at))


__all__ = [
    "ACCOUNT_SETTINGS",
    "ConnectRefused",
    "OnboardingLink",
    "StripeConnect",
    "status_from_account",
]
