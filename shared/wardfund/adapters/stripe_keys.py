"""The Stripe API keys wardfund uses: one restricted key per purpose, each in its own secret
that only its own role may read (issue 13, item 7).

A restricted key (`rk_live_...`, `rk_test_...`) can do only what it was given in the Stripe
Dashboard, resource by resource (docs/stripe-keys.md lists what each key needs and why). A
key is read from Secrets Manager when it is needed and checked before any work starts: a
secret that is absent, still CloudFormation's random placeholder, or holding the account's
unrestricted live secret key (`sk_live_...`) stops the function or command with a message
that says which secret to fill and with what.
"""

from __future__ import annotations

from dataclasses import dataclass

from wardfund.adapters.secrets import read_secret

RESTRICTED_PREFIXES = ("rk_live_", "rk_test_")
TEST_SECRET_PREFIX = "sk_test_"  # noqa: S105 - a prefix; test mode only (the local stand-in)
LIVE_SECRET_PREFIX = "sk_live_"  # noqa: S105 - a prefix, refused


@dataclass(frozen=True)
class KeyPurpose:
    """One restricted key: who uses it and the Stripe permissions (resource, access) it needs,
    named as the Dashboard's restricted-key form names them."""

    name: str
    used_by: str
    permissions: tuple[tuple[str, str], ...]

    @property
    def permission_text(self) -> str:
        return ", ".join(f"{resource}: {access}" for resource, access in self.permissions)


# An event in another API version than the pinned one is read through its object, fetched by
# id (docs/stripe-versions.md): whoever reads events also reads those objects.
_EVENT_OBJECTS = (
    ("Events", "Read"),
    ("Checkout Sessions", "Read"),
    ("Invoices", "Read"),
    ("Subscriptions", "Read"),
    ("Refunds", "Read"),
    ("Disputes", "Read"),
)
PAYOUTS = KeyPurpose(
    "payouts",
    "the payout run: Connect transfers, listing a run's transfers (to find one an earlier try "
    "made) and reading the available balance",
    (("Transfers", "Write"), ("Balance", "Read")),
)
RECONCILE = KeyPurpose(
    "reconcile",
    "the weekly reconciliation: lists the events the webhooks may have missed",
    _EVENT_OBJECTS,
)
OPERATOR = KeyPurpose(
    "operator",
    "operators: `wardfund kit` (Payment Links, their prices and products), `wardfund reconcile`, "
    "`wardfund suspense refund` (a payment in suspense back to its donor), `wardfund payout "
    "preview` (the available balance) and `wardfund campaign connect` (a campaign's connected "
    "account and its onboarding link)",
    (
        ("Accounts", "Write"),  # Connect: POST /v1/accounts (issue 17)
        ("Account Links", "Write"),  # Connect: POST /v1/account_links
        ("Payment Links", "Write"),
        ("Prices", "Write"),
        ("Products", "Write"),
        *((name, "Write" if name == "Refunds" else access) for name, access in _EVENT_OBJECTS),
        ("Balance", "Read"),
    ),
)
PURPOSES = (PAYOUTS, RECONCILE, OPERATOR)


class StripeKeyMissing(RuntimeError):
    """The key's secret is not configured, absent, or holds no usable restricted key."""


class StripeKeyUnavailable(RuntimeError):
    """Secrets Manager did not give the key (throttled, unreachable): try again later."""


def secret_name(stage: str, purpose: KeyPurpose) -> str:
    """`wardfund/prod/stripe/payouts-key`: where a deployed stage keeps the purpose's key."""
    return f"wardfund/{stage}/stripe/{purpose.name}-key"


def key_problem(value: str) -> str | None:
    """Why `value` is not a key wardfund may use, or None."""
    key = value.strip()
    if key.startswith(RESTRICTED_PREFIXES) or key.startswith(TEST_SECRET_PREFIX):
        return None
    if key.startswith(LIVE_SECRET_PREFIX):
        return "holds the account's unrestricted live secret key (sk_live_...)"
    return "holds no Stripe API key (still the placeholder CloudFormation created?)"


def _what_to_put(purpose: KeyPurpose) -> str:
    return (
        f"put a restricted key (rk_live_...) there with only {purpose.permission_text} "
        f"(docs/stripe-keys.md)"
    )


def checked_key(value: str, purpose: KeyPurpose, where: str) -> str:
    """`value` if it is a key wardfund may use for `purpose`; `where` names its source."""
    problem = key_problem(value)
    if problem is not None:
        raise StripeKeyMissing(
            f"the {purpose.name} Stripe key in {where} {problem}: {_what_to_put(purpose)}"
        )
    return value.strip()


def _not_found(error: Exception) -> bool:
    cause = error.__cause__ or error.__context__
    response = getattr(cause, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return code == "ResourceNotFoundException" or "ResourceNotFoundException" in str(error)


def stripe_key(name: str, purpose: KeyPurpose, max_age_seconds: int) -> str:
    """The purpose's key from the secret `name`, checked; raises StripeKeyMissing (fix the
    secret) or StripeKeyUnavailable (Secrets Manager failed; a retry may work)."""
    if not name:
        raise StripeKeyMissing(
            f"no secret is configured for the {purpose.name} Stripe key "
            "(STRIPE_API_KEY_SECRET_NAME is empty)"
        )
    try:
        value = read_secret(name, max_age_seconds)
    except Exception as error:  # Powertools wraps every failure in GetParameterError
        if _not_found(error):
            raise StripeKeyMissing(
                f"the {purpose.name} Stripe key is missing: secret {name} does not exist; "
                f"create it and {_what_to_put(purpose)}"
            ) from error
        raise StripeKeyUnavailable(
            f"Secrets Manager did not give the {purpose.name} Stripe key ({name}): {error}"
        ) from error
    return checked_key(value, purpose, f"secret {name}")
