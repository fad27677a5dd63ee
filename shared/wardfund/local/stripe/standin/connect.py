"""Connected accounts for the stand-in (issue 17): `POST /v1/accounts`, `GET
/v1/accounts/{id}`, `POST /v1/account_links`, and the `account.updated` events Stripe sends
a Connect endpoint when an account's abilities change.

Shapes as stripe-python 16.1.0 declares them (`_account.py`, `_account_link.py`, API
2026-10-28.endive). An account is created as Stripe creates one before onboarding: its
requested `transfers` capability `inactive`, payouts disabled, information currently due.
`onboard` is the treasurer finishing Stripe's hosted onboarding (transfers `active`, payouts
enabled); `restrict` is Stripe taking that back (information past due). Each returns the
`account.updated` Stripe would send, with `account` set (it happened on a connected
account) and `previous_attributes`; the events also wait in `pending` for whoever runs the
stack to deliver to the Connect endpoint, a moment after the API answered, as Stripe does.

Checks copied from the SDK's docstrings: `controller.losses.payments=application` needs
`controller.fees.payer=application`; `capabilities` is required when
`controller.stripe_dashboard.type` is `none`; Account Links of type `account_update` only
for accounts whose requirements the platform collects. An Account Link lives five minutes
(the API reference's example: `expires_at` 300 s after `created`).
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from wardfund.local.stripe.standin.errors import JSON, invalid, missing, unknown_parameters
from wardfund.local.stripe.world import DEFAULT_API_VERSION, StripeIds

LINK_SECONDS = 300
_ACCOUNT_PARAMS = frozenset(
    {
        "business_profile",
        "business_type",
        "capabilities",
        "controller",
        "country",
        "default_currency",
        "email",
        "expand",
        "metadata",
        "tos_acceptance",
        "type",
    }
)
_LINK_PARAMS = frozenset(
    {"account", "type", "refresh_url", "return_url", "collect", "collection_options", "expand"}
)
DUE = ("business_type", "external_account", "representative.first_name", "tos_acceptance.date")


def _now() -> datetime:
    return datetime.now(UTC)


def _requested(capabilities: Any) -> list[str]:
    if not isinstance(capabilities, dict):
        return []
    return [
        name
        for name, asked in capabilities.items()
        if isinstance(asked, dict) and str(asked.get("requested")).lower() == "true"
    ]


class StandinConnect:
    def __init__(
        self,
        ids: StripeIds | None = None,
        clock: Callable[[], datetime] = _now,
        base_url: Callable[[], str] = lambda: "http://127.0.0.1",
    ) -> None:
        self.ids = ids or StripeIds("standin-connect")
        self.clock = clock
        self.base_url = base_url
        self.accounts: dict[str, JSON] = {}
        self.links: list[JSON] = []
        self._pending: list[JSON] = []
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ API
    def route(self, method: str, path: str, params: JSON) -> JSON | None:
        if path == "/v1/accounts" and method == "POST":
            return self._create_account(params)
        found = re.fullmatch(r"/v1/accounts/([^/]+)", path)
        if found and method == "GET":
            return copy.deepcopy(self._account(found.group(1), "id"))
        if path == "/v1/account_links" and method == "POST":
            return self._create_link(params)
        return None

    def _account(self, account_id: str, param: str) -> JSON:
        with self._lock:
            account = self.accounts.get(account_id)
        if account is None:
            raise missing("account", account_id, param)
        return account

    def _create_account(self, params: JSON) -> JSON:
        unknown_parameters(params, _ACCOUNT_PARAMS)
        controller = params.get("controller") or {}
        if not isinstance(controller, dict):
            raise invalid("Invalid object", "controller")
        losses = (controller.get("losses") or {}).get("payments")
        fees = (controller.get("fees") or {}).get("payer")
        if losses == "application" and fees != "application":
            raise invalid(
                "Setting controller.losses.payments=application requires "
                "controller.fees.payer=application.",
                "controller[fees][payer]",
            )
        dashboard = (controller.get("stripe_dashboard") or {}).get("type", "full")
        requested = _requested(params.get("capabilities"))
        if dashboard == "none" and not requested:
            raise invalid("capabilities is required for this account.", "capabilities")
        now = self.clock()
        account_id = self.ids.new("acct")
        metadata = params.get("metadata") if isinstance(params.get("metadata"), dict) else {}
        profile = params.get("business_profile")
        account: JSON = {
            "id": account_id,
            "object": "account",
            "business_profile": {
                "name": profile.get("name") if isinstance(profile, dict) else None
            },
            "business_type": None,
            "capabilities": dict.fromkeys(requested, "inactive"),
            "charges_enabled": False,
            "controller": {
                "fees": {"payer": fees or "account"},
                "is_controller": True,
                "losses": {"payments": losses or "stripe"},
                "requirement_collection": controller.get("requirement_collection", "stripe"),
                "stripe_dashboard": {"type": dashboard},
                "type": "application",
            },
            "country": params.get("country", "GB"),
            "created": int(now.timestamp()),
            "default_currency": params.get("default_currency", "gbp"),
            "details_submitted": False,
            "email": params.get("email"),
            "metadata": dict(metadata or {}),
            "payouts_enabled": False,
            "requirements": {
                "alternatives": [],
                "current_deadline": None,
                "currently_due": list(DUE),
                "disabled_reason": "requirements.past_due",
                "errors": [],
                "eventually_due": list(DUE),
                "past_due": list(DUE),
                "pending_verification": [],
            },
            "tos_acceptance": {"date": None, "ip": None, "user_agent": None},
            "type": "none",
        }
        with self._lock:
            self.accounts[account_id] = account
        return copy.deepcopy(account)

    def _create_link(self, params: JSON) -> JSON:
        unknown_parameters(params, _LINK_PARAMS)
        for name in ("account", "type"):
            if not params.get(name):
                raise invalid(f"Missing required param: {name}.", name, "parameter_missing")
        account = self._account(str(params["account"]), "account")
        kind = params["type"]
        if kind not in ("account_onboarding", "account_update"):
            raise invalid(f"Invalid type: {kind}", "type")
        collects = account["controller"]["requirement_collection"]
        if kind == "account_update" and collects != "application":
            raise invalid(
                "You cannot create `account_update` type Account Links for accounts where "
                "your platform is not responsible for collecting requirements.",
                "type",
            )
        for name in ("refresh_url", "return_url"):
            if not str(params.get(name, "")).startswith(("https://", "http://")):
                raise invalid(f"Missing required param: {name}.", name, "parameter_missing")
        now = int(self.clock().timestamp())
        link = {
            "object": "account_link",
            "created": now,
            "expires_at": now + LINK_SECONDS,
            "url": f"{self.base_url()}/setup/e/{account['id']}/{self.ids.new('alu')[4:]}",
        }
        with self._lock:
            self.links.append(link | {"account": account["id"], "type": kind} | params)
        return dict(link)

    # ------------------------------------------------------------------ Stripe's side
    def onboard(self, account_id: str) -> JSON:
        """The treasurer finished onboarding: transfers active, payouts to their bank."""
        return self._change(
            account_id,
            transfers="active",
            payouts_enabled=True,
            details_submitted=True,
            due=[],
            disabled_reason=None,
        )

    def restrict(self, account_id: str, reason: str = "requirements.past_due") -> JSON:
        """Stripe needs more information and stops transfers and payouts until it has it."""
        return self._change(
            account_id,
            transfers="inactive",
            payouts_enabled=False,
            details_submitted=True,
            due=["individual.verification.document"],
            disabled_reason=reason,
        )

    def _change(
        self,
        account_id: str,
        *,
        transfers: str,
        payouts_enabled: bool,
        details_submitted: bool,
        due: list[str],
        disabled_reason: str | None,
    ) -> JSON:
        with self._lock:
            account = self.accounts.get(account_id)
            if account is None:
                raise KeyError(account_id)
            previous = {
                "capabilities": dict(account["capabilities"]),
                "payouts_enabled": account["payouts_enabled"],
                "details_submitted": account["details_submitted"],
                "requirements": copy.deepcopy(account["requirements"]),
            }
            account["capabilities"]["transfers"] = transfers
            account["payouts_enabled"] = payouts_enabled
            account["details_submitted"] = details_submitted
            account["requirements"].update(
                currently_due=list(due),
                past_due=list(due) if disabled_reason else [],
                disabled_reason=disabled_reason,
            )
            event = self.account_updated(account, previous)
            self._pending.append(event)
        return copy.deepcopy(event)

    def account_updated(self, account: JSON, previous: JSON | None = None) -> JSON:
        """The `account.updated` event a Connect endpoint receives for `account`."""
        return {
            "id": self.ids.new("evt"),
            "object": "event",
            "account": account["id"],
            "api_version": DEFAULT_API_VERSION,
            "context": account["id"],
            "created": int(self.clock().timestamp()),
            "data": {"object": copy.deepcopy(account), "previous_attributes": previous or {}},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": "account.updated",
        }

    def take(self) -> list[JSON]:
        """The events made since last asked (to deliver to the Connect endpoint), oldest first."""
        with self._lock:
            taken, self._pending = self._pending, []
        return taken


__all__ = ["LINK_SECONDS", "StandinConnect"]
