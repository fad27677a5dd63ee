"""A deterministic simulation of Stripe's side of a donation story.

`StripeWorld` plays donors giving through Stripe Payment Links (monthly subscriptions and
one-off gifts) and returns the snapshot webhook events Stripe would send, as plain
JSON-ready dicts, in Stripe's typical order (Stripe does not guarantee that order).

Shapes follow stripe-python 16.1.0 (API 2026-10-28.endive) and Stripe's OpenAPI fixtures:
Invoices carry no `payment_intent`/`charge`/`subscription`/`paid` (the subscription sits
under `parent.subscription_details`), billing periods live on subscription items, and
includable fields (`Invoice.payments`, `Charge.refunds`, `Session.line_items`, ...) are
absent, as they are from real webhook payloads.

`StripeIds` (also used by the API stand-in) makes the ids.

Simplifications: every event of one story, and every time in its objects, is its `at`
(FORMAT.md "Time"; a real renewal is attempted about an hour after `invoice.created`);
every card is Visa UK; the dispute fee is 2000 in the payment's currency; a failed
renewal's later `renew`/`renewal_fails` is a retry of the same open invoice (same
PaymentIntent, a new Charge); a donor has one live subscription.
"""

from __future__ import annotations

import calendar
import copy
import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

JSON = dict[str, Any]

DEFAULT_API_VERSION = "2026-10-28.endive"
DISPUTE_FEE = 2000
_MINIMUM_CHARGE = {"gbp": 30, "eur": 50, "usd": 50}
_RECEIPTS = "https://pay.stripe.com/receipts"
_SYMBOL = {"gbp": "£", "eur": "€", "usd": "$"}
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SHORT_PREFIXES = frozenset({"cus", "si", "py", "prod", "req"})
_OPEN_DISPUTE = frozenset({"needs_response", "under_review"})
_EVIDENCE_FIELDS = (
    "access_activity_log billing_address cancellation_policy cancellation_policy_disclosure "
    "cancellation_rebuttal customer_communication customer_email_address customer_name "
    "customer_purchase_ip customer_signature duplicate_charge_documentation "
    "duplicate_charge_explanation duplicate_charge_id product_description receipt refund_policy "
    "refund_policy_disclosure refund_refusal_explanation service_date service_documentation "
    "shipping_address shipping_carrier shipping_date shipping_documentation "
    "shipping_tracking_number uncategorized_file uncategorized_text"
)


def _b62(text: str, length: int) -> str:
    """`length` base-62 characters drawn from SHA-256 of `text` (chained for long strings)."""
    chars: list[str] = []
    block = 0
    while len(chars) < length:
        number = int.from_bytes(hashlib.sha256(f"{text}|{block}".encode()).digest(), "big")
        for _ in range(40):
            number, rest = divmod(number, 62)
            chars.append(_ALPHABET[rest])
        block += 1
    return "".join(chars[:length])


class StripeIds:
    """Stripe-looking ids from a counter per prefix, hashed with a seed (so reproducible)."""

    def __init__(self, seed: str) -> None:
        self._seed = seed
        self._counters: dict[str, int] = {}
        self._issued: set[str] = set()
        self._account_tag = _b62(f"account|{seed}", 10)

    def _digest(self, label: str) -> bytes:
        return hashlib.sha256(f"{self._seed}|{label}".encode()).digest()

    def new(self, prefix: str) -> str:
        while True:
            count = self._counters.get(prefix, 0) + 1
            self._counters[prefix] = count
            raw = _b62(f"{self._seed}|{prefix}|{count}", 30)
            if prefix in _SHORT_PREFIXES:
                body = raw[:14]
            elif prefix == "cs_test":
                body = "a1" + _b62(f"{self._seed}|{prefix}|{count}|long", 42) + raw[:14]
            else:
                body = "1" + raw[:5] + self._account_tag + raw[5:13]
            ident = f"{prefix}_{body}"
            if ident not in self._issued:
                self._issued.add(ident)
                return ident

    def token(self, label: str, length: int = 24) -> str:
        count = self._counters.get(f"token|{label}", 0) + 1
        self._counters[f"token|{label}"] = count
        return _b62(f"{self._seed}|token|{label}|{count}", length)

    def uuid(self) -> str:
        return str(uuid.UUID(bytes=self._digest(f"uuid|{self.token('uuid')}")[:16], version=4))


@dataclass(frozen=True)
class Donor:
    donor_id: str
    email: str
    name: str


@dataclass(frozen=True)
class _Link:
    id: str
    mode: Literal["payment", "subscription"]
    metadata: dict[str, str]
    product: str
    price: str
    product_name: str
    created: int


@dataclass
class _Payment:
    charge: JSON
    intent: JSON
    dispute: JSON | None = None


@dataclass
class _Pledge:
    customer: JSON
    subscription: JSON
    link: _Link
    payment_method: JSON
    amount: int
    currency: str
    anchor: datetime
    cycle: int = 0
    open_invoice: JSON | None = None
    open_intent: JSON | None = None
    open_invoice_payment: JSON | None = None


@dataclass
class _DonorState:
    donor: Donor
    payments: list[_Payment] = field(default_factory=list)
    pledge: _Pledge | None = None


@dataclass
class _Story:
    at: int
    request: JSON
    events: list[JSON] = field(default_factory=list)


def _unix(at: datetime) -> int:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"`at` must be timezone-aware, got {at!r}")
    return int(at.timestamp())


def _add_months(start: datetime, months: int) -> datetime:
    years, month0 = divmod(start.month - 1 + months, 12)
    year, month = start.year + years, month0 + 1
    return start.replace(
        year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1])
    )


def _address() -> JSON:
    return {
        "city": None,
        "country": "GB",
        "line1": None,
        "line2": None,
        "postal_code": None,
        "state": None,
    }


def _money(amount: int, currency: str) -> str:
    return f"{_SYMBOL.get(currency, currency.upper() + ' ')}{amount / 100:.2f}"


def _nulls(names: str) -> JSON:
    """Fields that Stripe sends as null here, named in one space-separated string."""
    return dict.fromkeys(names.split())


def _list(url: str, data: list[JSON]) -> JSON:
    return {"object": "list", "data": data, "has_more": False, "url": url}


class StripeWorld:
    """Stripe's side of a story; each method returns the webhook events it causes."""

    def __init__(
        self, api_version: str = DEFAULT_API_VERSION, account_id: str = "acct_national"
    ) -> None:
        self.api_version = api_version
        self.account_id = account_id
        self.ids = StripeIds(f"{account_id}|{api_version}")
        self._donors: dict[str, _DonorState] = {}
        self._links: dict[tuple[str, ...], _Link] = {}

    # ----------------------------------------------------------------- stories
    def pledge(
        self,
        at: datetime,
        donor: Donor,
        campaign: str,
        ward: str,
        amount_pence: int,
        currency: str = "gbp",
    ) -> list[dict[str, Any]]:
        """A donor completes a subscription-mode Payment Link: the first monthly gift."""
        currency = self._check_amount(at, amount_pence, currency)
        state = self._register(donor)
        if state.pledge is not None and self._live(state.pledge):
            sub_id = state.pledge.subscription["id"]
            raise ValueError(f"donor {donor.donor_id} already has a live subscription {sub_id}")
        story = self._story(at, automatic=False)
        link = self._link("subscription", campaign, ward, currency, amount_pence, story.at)
        customer = self._customer(donor, story.at)
        method = self._payment_method(donor, customer["id"], story.at)
        anchor = datetime.fromtimestamp(story.at, tz=UTC)
        sub = self._subscription(
            customer, link, method["id"], amount_pence, currency, anchor, story.at
        )
        pledge = _Pledge(customer, sub, link, method, amount_pence, currency, anchor)
        state.pledge = pledge
        self._emit(story, "customer.created", customer)
        start = story.at
        invoice = self._invoice(pledge, "subscription_create", start, start, start)
        sub["latest_invoice"] = invoice["id"]
        self._emit(story, "customer.subscription.created", sub)
        self._emit(story, "invoice.created", invoice)
        self._finalize(story, pledge, invoice)
        self._attempt(story, state, pledge, succeeds=True)
        sub["status"] = "active"
        self._emit(story, "customer.subscription.updated", sub, {"status": "incomplete"})
        session = self._session(story, donor, link, amount_pence, currency, customer["id"])
        session.update(subscription=sub["id"], invoice=invoice["id"])
        self._emit(story, "checkout.session.completed", session, request=self._no_request())
        return story.events

    def give_once(
        self,
        at: datetime,
        donor: Donor,
        campaign: str,
        ward: str,
        amount_pence: int,
        currency: str = "gbp",
    ) -> list[dict[str, Any]]:
        """A donor completes a payment-mode Payment Link (no Customer is created)."""
        currency = self._check_amount(at, amount_pence, currency)
        state = self._register(donor)
        story = self._story(at, automatic=False)
        link = self._link("payment", campaign, ward, currency, None, story.at)
        method = self._payment_method(donor, None, story.at)
        intent = self._intent(amount_pence, currency, None, None, dict(link.metadata), story.at)
        self._emit(story, "payment_intent.created", intent)
        charge = self._charge(story, intent, method, donor, succeeded=True)
        self._succeed_intent(intent, charge, method)
        self._emit(story, "charge.succeeded", charge)
        self._emit(story, "payment_intent.succeeded", intent)
        state.payments.append(_Payment(charge, intent))
        session = self._session(story, donor, link, amount_pence, currency, None)
        session["payment_intent"] = intent["id"]
        self._emit(story, "checkout.session.completed", session, request=self._no_request())
        return story.events

    def renew(self, at: datetime, donor_id: str) -> list[dict[str, Any]]:
        """The next monthly payment succeeds (or a failed renewal's retry succeeds).

        The billing period moves on by one calendar month from the anchor, whatever `at` is;
        `at` only dates the events.
        """
        state, pledge = self._live_pledge(donor_id, "renew")
        story = self._story(at, automatic=True)
        sub = pledge.subscription
        if pledge.open_invoice is not None:
            self._attempt(story, state, pledge, succeeds=True)
            sub["status"] = "active"
            self._emit(story, "customer.subscription.updated", sub, {"status": "past_due"})
            return story.events
        previous = self._roll_period(story, pledge)
        self._attempt(story, state, pledge, succeeds=True)
        self._emit(story, "customer.subscription.updated", sub, previous)
        return story.events

    def renewal_fails(self, at: datetime, donor_id: str) -> list[dict[str, Any]]:
        """The next monthly payment is declined (or a failed renewal's retry is declined again)."""
        state, pledge = self._live_pledge(donor_id, "fail a renewal of")
        story = self._story(at, automatic=True)
        sub = pledge.subscription
        if pledge.open_invoice is not None:
            self._attempt(story, state, pledge, succeeds=False)
            return story.events
        previous = self._roll_period(story, pledge)
        self._attempt(story, state, pledge, succeeds=False)
        sub["status"] = "past_due"
        self._emit(story, "customer.subscription.updated", sub, {"status": "active", **previous})
        return story.events

    def cancel(self, at: datetime, donor_id: str) -> list[dict[str, Any]]:
        """The subscription is cancelled at once (Dashboard or portal request)."""
        _, pledge = self._live_pledge(donor_id, "cancel")
        story = self._story(at, automatic=False)
        sub = pledge.subscription
        sub.update(status="canceled", canceled_at=story.at, ended_at=story.at)
        sub["cancellation_details"]["reason"] = "cancellation_requested"
        if pledge.open_invoice is not None:
            pledge.open_invoice["next_payment_attempt"] = None
        self._emit(story, "customer.subscription.deleted", sub)
        return story.events

    def refund(
        self, at: datetime, donor_id: str, payment: int, amount_pence: int | None = None
    ) -> list[dict[str, Any]]:
        """Refund a payment, wholly (what remains of it) or partly."""
        paid = self._payment(donor_id, payment)
        charge = paid.charge
        remaining = charge["amount"] - charge["amount_refunded"]
        if paid.dispute is not None and paid.dispute["status"] in _OPEN_DISPUTE | {"lost"}:
            raise ValueError(f"charge {charge['id']} has been disputed; it cannot be refunded")
        if remaining == 0:
            raise ValueError(f"payment {payment} of donor {donor_id} is already fully refunded")
        amount = remaining if amount_pence is None else amount_pence
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise ValueError(
                f"refund amount must be a positive number of pence, got {amount_pence!r}"
            )
        if amount > remaining:
            raise ValueError(
                f"refund of {amount} exceeds the {remaining} left on payment {payment} "
                f"of donor {donor_id} (charge {charge['id']})"
            )
        story = self._story(at, automatic=False)
        refund = self._refund(paid, amount, story.at)
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        self._emit(story, "refund.created", refund)
        self._emit(story, "charge.refunded", charge)
        return story.events

    def dispute_opened(self, at: datetime, donor_id: str, payment: int) -> list[dict[str, Any]]:
        """The cardholder's bank opens a fraud chargeback; the amount and a fee are withdrawn."""
        paid = self._payment(donor_id, payment)
        charge = paid.charge
        if paid.dispute is not None:
            raise ValueError(f"charge {charge['id']} already has dispute {paid.dispute['id']}")
        amount = charge["amount"] - charge["amount_refunded"]
        if amount == 0:
            raise ValueError(
                f"payment {payment} of donor {donor_id} is fully refunded: nothing to dispute"
            )
        story = self._story(at, automatic=True)
        dispute = self._dispute(paid, amount, story.at)
        paid.dispute = dispute
        charge["disputed"] = True
        self._emit(story, "charge.dispute.created", dispute)
        self._emit(story, "charge.dispute.funds_withdrawn", dispute)
        return story.events

    def dispute_closed(
        self, at: datetime, donor_id: str, payment: int, outcome: Literal["won", "lost"]
    ) -> list[dict[str, Any]]:
        """The dispute is decided; a won dispute returns the disputed amount (not the fee)."""
        if outcome not in ("won", "lost"):
            raise ValueError(f"outcome must be 'won' or 'lost', got {outcome!r}")
        paid = self._payment(donor_id, payment)
        dispute = paid.dispute
        if dispute is None:
            raise ValueError(f"payment {payment} of donor {donor_id} has no dispute to close")
        if dispute["status"] not in _OPEN_DISPUTE:
            raise ValueError(f"dispute {dispute['id']} is already closed ({dispute['status']})")
        story = self._story(at, automatic=True)
        dispute["status"] = outcome
        dispute["evidence_details"].update(
            has_evidence=True, submission_count=1, submission_method="manual"
        )
        dispute["evidence"]["uncategorized_text"] = "The donor authorised this gift."
        self._emit(story, "charge.dispute.closed", dispute)
        if outcome == "won":
            reinstated = self._balance_transaction(
                dispute["amount"], dispute["currency"], 0, dispute["id"], story.at,
                f"Chargeback reversal for {dispute['charge']}", "dispute_reversal",
            )  # fmt: skip
            dispute["balance_transactions"].append(reinstated)
            self._emit(story, "charge.dispute.funds_reinstated", dispute)
        return story.events

    def payment_intent_of(self, donor_id: str, payment: int) -> str:
        """The `pi_` id of the donor's `payment`-th successful payment (1-based)."""
        return str(self._payment(donor_id, payment).intent["id"])

    def find_payment(self, payment_intent: str) -> tuple[str, int] | None:
        """Whose payment a `pi_` id is, and which (1-based), as `refund` and the dispute
        steps name it; None for an id this world never made."""
        for donor_id, state in self._donors.items():
            for number, paid in enumerate(state.payments, start=1):
                if paid.intent["id"] == payment_intent:
                    return donor_id, number
        return None

    def donor(self, donor_id: str) -> Donor | None:
        """The donor as first seen, or None."""
        state = self._donors.get(donor_id)
        return state.donor if state else None

    # ----------------------------------------------------------------- state
    def _check_amount(self, at: datetime, amount: int, currency: str) -> str:
        _unix(at)
        currency = currency.lower()
        if len(currency) != 3 or not currency.isalpha():
            raise ValueError(f"currency must be a three-letter ISO code, got {currency!r}")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise ValueError(f"amount_pence must be a positive int, got {amount!r}")
        minimum = _MINIMUM_CHARGE.get(currency, 1)
        if amount < minimum:
            raise ValueError(
                f"amount {amount} is below Stripe's minimum charge of {minimum} {currency}"
            )
        return currency

    def _register(self, donor: Donor) -> _DonorState:
        state = self._donors.get(donor.donor_id)
        if state is None:
            state = self._donors[donor.donor_id] = _DonorState(donor)
        elif state.donor != donor:
            raise ValueError(f"donor {donor.donor_id} was first seen with another email or name")
        return state

    def _state(self, donor_id: str) -> _DonorState:
        try:
            return self._donors[donor_id]
        except KeyError:
            raise ValueError(f"unknown donor {donor_id!r}: no pledge or gift yet") from None

    @staticmethod
    def _live(pledge: _Pledge) -> bool:
        return pledge.subscription["status"] in ("active", "past_due")

    def _live_pledge(self, donor_id: str, action: str) -> tuple[_DonorState, _Pledge]:
        state = self._state(donor_id)
        if state.pledge is None or not self._live(state.pledge):
            raise ValueError(f"cannot {action} donor {donor_id}: no live subscription")
        return state, state.pledge

    def _payment(self, donor_id: str, payment: int) -> _Payment:
        payments = self._state(donor_id).payments
        if (
            isinstance(payment, bool)
            or not isinstance(payment, int)
            or not 1 <= payment <= len(payments)
        ):
            raise ValueError(
                f"donor {donor_id} has {len(payments)} successful payment(s), "
                f"so no payment {payment!r}"
            )
        return payments[payment - 1]

    def _story(self, at: datetime, *, automatic: bool) -> _Story:
        request = (
            self._no_request()
            if automatic
            else {"id": self.ids.new("req"), "idempotency_key": self.ids.uuid()}
        )
        return _Story(_unix(at), request)

    @staticmethod
    def _no_request() -> JSON:
        return {"id": None, "idempotency_key": None}

    def _emit(
        self,
        story: _Story,
        kind: str,
        obj: JSON,
        previous: JSON | None = None,
        request: JSON | None = None,
    ) -> None:
        data: JSON = {"object": copy.deepcopy(obj)}
        if previous is not None:
            data["previous_attributes"] = copy.deepcopy(previous)
        story.events.append(
            {
                "id": self.ids.new("evt"),
                "object": "event",
                "api_version": self.api_version,
                "created": story.at,
                "data": data,
                "livemode": False,
                "pending_webhooks": 1,
                "request": dict(request if request is not None else story.request),
                "type": kind,
            }
        )

    # ----------------------------------------------------------------- invoices
    def _roll_period(self, story: _Story, pledge: _Pledge) -> JSON:
        """Start the next period with a new invoice, finalized; returns previous_attributes."""
        sub = pledge.subscription
        previous: JSON = {
            "items": copy.deepcopy(sub["items"]),
            "latest_invoice": sub["latest_invoice"],
        }
        item = sub["items"]["data"][0]
        began, ended = item["current_period_start"], item["current_period_end"]
        pledge.cycle += 1
        item["current_period_start"], item["current_period_end"] = self._period(pledge)
        invoice = self._invoice(pledge, "subscription_cycle", began, ended, story.at)
        invoice["automatically_finalizes_at"] = story.at + 3600
        invoice["next_payment_attempt"] = story.at + 3600
        sub["latest_invoice"] = invoice["id"]
        self._emit(story, "invoice.created", invoice)
        self._finalize(story, pledge, invoice)
        return previous

    def _period(self, pledge: _Pledge) -> tuple[int, int]:
        start = _add_months(pledge.anchor, pledge.cycle)
        return int(start.timestamp()), int(_add_months(pledge.anchor, pledge.cycle + 1).timestamp())

    def _finalize(self, story: _Story, pledge: _Pledge, invoice: JSON) -> None:
        customer = pledge.customer
        sequence = customer["next_invoice_sequence"]
        customer["next_invoice_sequence"] = sequence + 1
        token = self.ids.token("invoice", 58)
        invoice.update(
            status="open",
            number=f"{customer['invoice_prefix']}-{sequence:04d}",
            hosted_invoice_url=f"https://invoice.stripe.com/i/{self.account_id}/test_{token}?s=ap",
            invoice_pdf=f"https://pay.stripe.com/invoice/{self.account_id}/test_{token}/pdf?s=ap",
            effective_at=story.at,
            ending_balance=0,
            automatically_finalizes_at=None,
            webhooks_delivered_at=story.at,
        )
        invoice["status_transitions"]["finalized_at"] = story.at
        description = (
            "Subscription creation"
            if invoice["billing_reason"] == "subscription_create"
            else "Subscription update"
        )
        intent = self._intent(
            invoice["amount_due"], pledge.currency, customer["id"], description, {}, story.at
        )
        intent["setup_future_usage"] = "off_session"
        intent["payment_method"] = pledge.payment_method["id"]
        pledge.open_invoice, pledge.open_intent = invoice, intent
        pledge.open_invoice_payment = {
            "id": self.ids.new("inpay"),
            "object": "invoice_payment",
            "amount_paid": None,
            "amount_requested": invoice["amount_due"],
            "created": story.at,
            "currency": pledge.currency,
            "invoice": invoice["id"],
            "is_default": True,
            "livemode": False,
            "payment": {"type": "payment_intent", "payment_intent": intent["id"]},
            "status": "open",
            "status_transitions": {"canceled_at": None, "paid_at": None},
        }
        self._emit(story, "invoice.finalized", invoice)

    def _attempt(
        self, story: _Story, state: _DonorState, pledge: _Pledge, *, succeeds: bool
    ) -> JSON | None:
        """Charge the open invoice's PaymentIntent; emit the charge, intent and invoice events."""
        invoice, intent, inpay = (
            pledge.open_invoice,
            pledge.open_intent,
            pledge.open_invoice_payment,
        )
        if invoice is None or intent is None or inpay is None:
            raise AssertionError("no open invoice to attempt")
        method = pledge.payment_method
        charge = self._charge(story, intent, method, state.donor, succeeded=succeeds)
        invoice["attempted"] = True
        invoice["attempt_count"] += 1
        if not succeeds:
            intent.update(status="requires_payment_method", latest_charge=charge["id"])
            intent["last_payment_error"] = self._decline(charge, method)
            invoice["next_payment_attempt"] = story.at + 3 * 86400 * invoice["attempt_count"]
            self._emit(story, "charge.failed", charge)
            self._emit(story, "payment_intent.payment_failed", intent)
            self._emit(story, "invoice.payment_failed", invoice)
            return None
        self._succeed_intent(intent, charge, method)
        self._emit(story, "charge.succeeded", charge)
        self._emit(story, "payment_intent.succeeded", intent)
        paid_at = story.at
        inpay.update(amount_paid=invoice["amount_due"], status="paid")
        inpay["status_transitions"]["paid_at"] = paid_at
        self._emit(story, "invoice_payment.paid", inpay)
        invoice.update(
            status="paid",
            amount_paid=invoice["amount_due"],
            amount_remaining=0,
            auto_advance=False,
            next_payment_attempt=None,
        )
        invoice["status_transitions"]["paid_at"] = paid_at
        self._emit(story, "invoice.paid", invoice)
        self._emit(story, "invoice.payment_succeeded", invoice)
        state.payments.append(_Payment(charge, intent))
        pledge.customer["currency"] = pledge.currency
        pledge.open_invoice = pledge.open_intent = pledge.open_invoice_payment = None
        return charge

    # ----------------------------------------------------------------- objects
    # Builders list the meaningful fields; `_nulls` adds the ones Stripe sends as null.
    def _link(
        self, mode: Literal["payment", "subscription"], campaign: str, ward: str, currency: str,
        amount: int | None, created: int,
    ) -> _Link:  # fmt: skip
        key = (mode, campaign, ward, currency, str(amount))
        if key not in self._links:
            name = "Monthly gift to " if mode == "subscription" else "Gift to "
            self._links[key] = _Link(
                self.ids.new("plink"), mode, {"campaign": campaign, "ward": ward},
                self.ids.new("prod"), self.ids.new("price"), name + campaign, created,
            )  # fmt: skip
        return self._links[key]

    def _customer(self, donor: Donor, created: int) -> JSON:
        return {
            "id": self.ids.new("cus"),
            "object": "customer",
            "address": _address(),
            "balance": 0,
            "created": created,
            "delinquent": False,
            "email": donor.email,
            "invoice_prefix": self.ids.token("invoice_prefix", 8).upper(),
            "invoice_settings": _nulls(
                "custom_fields default_payment_method footer rendering_options"
            ),
            "livemode": False,
            "metadata": {},
            "name": donor.name,
            "next_invoice_sequence": 1,
            "preferred_locales": ["en-GB"],
            "tax_exempt": "none",
            **_nulls(
                "business_name currency customer_account default_source description discount "
                "individual_name phone shipping test_clock"
            ),
        }

    def _payment_method(self, donor: Donor, customer: str | None, created: int) -> JSON:
        return {
            "id": self.ids.new("pm"),
            "object": "payment_method",
            "allow_redisplay": "limited" if customer else "unspecified",
            "billing_details": self._billing_details(donor),
            "card": {
                "brand": "visa",
                "checks": {
                    **_nulls("address_line1_check address_postal_code_check"),
                    "cvc_check": "pass",
                },
                "country": "GB",
                "display_brand": "visa",
                "exp_month": 12,
                "exp_year": 2030,
                "fingerprint": self.ids.token(f"fingerprint|{donor.donor_id}", 16),
                "funding": "credit",
                "generated_from": None,
                "last4": "0000",
                "networks": {"available": ["visa"], "preferred": None},
                "regulated_status": "unregulated",
                "three_d_secure_usage": {"supported": True},
                "wallet": None,
            },
            "created": created,
            "customer": customer,
            "customer_account": None,
            "livemode": False,
            "metadata": {},
            "type": "card",
        }

    @staticmethod
    def _billing_details(donor: Donor) -> JSON:
        return {
            "address": _address(),
            "email": donor.email,
            "name": donor.name,
            **_nulls("phone tax_id"),
        }

    def _subscription(
        self, customer: JSON, link: _Link, method: str, amount: int, currency: str,
        anchor: datetime, now: int,
    ) -> JSON:  # fmt: skip
        sub_id = self.ids.new("sub")
        start, end = int(anchor.timestamp()), int(_add_months(anchor, 1).timestamp())
        common = {
            "id": link.price,
            "active": True,
            "billing_scheme": "per_unit",
            "created": link.created,
            "currency": currency,
            "livemode": False,
            "metadata": {},
            "product": link.product,
            **_nulls("nickname tiers_mode"),
        }
        recurring = {"interval": "month", "interval_count": 1, "usage_type": "licensed"}
        price = {
            **common,
            "object": "price",
            "recurring": {**recurring, **_nulls("meter trial_period_days")},
            "tax_behavior": "unspecified",
            "type": "recurring",
            "unit_amount": amount,
            "unit_amount_decimal": str(amount),
            **_nulls("custom_unit_amount lookup_key transform_quantity"),
        }
        plan = {
            **common,
            **recurring,
            "object": "plan",
            "amount": amount,
            "amount_decimal": str(amount),
            **_nulls("meter transform_usage trial_period_days"),
        }
        item: JSON = {
            "id": self.ids.new("si"),
            "object": "subscription_item",
            "billing_thresholds": None,
            "created": now,
            "current_period_end": end,
            "current_period_start": start,
            "discounts": [],
            "metadata": {},
            "plan": plan,
            "price": price,
            "quantity": 1,
            "subscription": sub_id,
            "tax_rates": [],
        }
        return {
            "id": sub_id,
            "object": "subscription",
            "automatic_tax": {"enabled": False, **_nulls("disabled_reason liability")},
            "billing_cycle_anchor": start,
            "billing_mode": {
                "flexible": {"proration_discounts": "included"},
                "type": "flexible",
                "updated_at": now,
            },
            "billing_schedules": [],
            "cancel_at_period_end": False,
            "cancellation_details": _nulls("comment feedback reason"),
            "collection_method": "charge_automatically",
            "created": now,
            "currency": currency,
            "customer": customer["id"],
            "default_payment_method": method,
            "default_tax_rates": [],
            "discounts": [],
            "invoice_settings": {"account_tax_ids": None, "issuer": {"type": "self"}},
            "items": _list(f"/v1/subscription_items?subscription={sub_id}", [item]),
            "livemode": False,
            "metadata": dict(link.metadata),
            "payment_settings": {
                **_nulls("payment_method_options payment_method_types"),
                "save_default_payment_method": "off",
            },
            "start_date": now,
            "status": "incomplete",
            "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
            **_nulls(
                "application application_fee_percent billing_cycle_anchor_config "
                "billing_thresholds cancel_at canceled_at customer_account days_until_due "
                "default_source description ended_at latest_invoice managed_payments "
                "next_pending_invoice_item_invoice on_behalf_of pause_collection "
                "pending_invoice_item_interval pending_setup_intent pending_update schedule "
                "test_clock transfer_data trial_end trial_start"
            ),
        }

    def _invoice(
        self, pledge: _Pledge, reason: str, period_start: int, period_end: int, created: int
    ) -> JSON:
        sub, customer, link = pledge.subscription, pledge.customer, pledge.link
        item = sub["items"]["data"][0]
        invoice_id, amount, currency = self.ids.new("in"), pledge.amount, pledge.currency
        line = {
            "id": self.ids.new("il"),
            "object": "line_item",
            "amount": amount,
            "currency": currency,
            "description": f"1 × {link.product_name} (at {_money(amount, currency)} / month)",
            "discount_amounts": [],
            "discountable": True,
            "discounts": [],
            "invoice": invoice_id,
            "livemode": False,
            "metadata": dict(sub["metadata"]),
            "parent": {
                "invoice_item_details": None,
                "subscription_item_details": {
                    "invoice_item": None,
                    "proration": False,
                    "proration_details": {"credited_items": None},
                    "subscription": sub["id"],
                    "subscription_item": item["id"],
                },
                "type": "subscription_item_details",
            },
            "period": {"end": item["current_period_end"], "start": item["current_period_start"]},
            "pretax_credit_amounts": [],
            "pricing": {
                "price_details": {"price": link.price, "product": link.product},
                "type": "price_details",
                "unit_amount_decimal": str(amount),
            },
            "quantity": 1,
            "quantity_decimal": "1",
            "subscription": sub["id"],
            "subtotal": amount,
            "taxes": [],
        }
        amounts = (
            "amount_due amount_remaining subtotal subtotal_excluding_tax total total_excluding_tax"
        )
        zeros = (
            "amount_overpaid amount_paid amount_shipping attempt_count "
            "post_payment_credit_notes_amount pre_payment_credit_notes_amount starting_balance"
        )
        return {
            "id": invoice_id,
            "object": "invoice",
            **dict.fromkeys(amounts.split(), amount),
            **dict.fromkeys(zeros.split(), 0),
            "account_country": "GB",
            "account_name": "Wardfund",
            "attempted": False,
            "auto_advance": True,
            "automatic_tax": {
                "enabled": False,
                **_nulls("disabled_reason liability provider status"),
            },
            "billing_reason": reason,
            "collection_method": "charge_automatically",
            "created": created,
            "currency": currency,
            "customer": customer["id"],
            "customer_address": _address(),
            "customer_email": customer["email"],
            "customer_name": customer["name"],
            "customer_tax_exempt": "none",
            "customer_tax_ids": [],
            "default_tax_rates": [],
            "discounts": [],
            "issuer": {"type": "self"},
            "lines": _list(f"/v1/invoices/{invoice_id}/lines", [line]),
            "livemode": False,
            "metadata": {},
            "parent": {
                "quote_details": None,
                "subscription_details": {
                    "metadata": dict(sub["metadata"]),
                    "subscription": sub["id"],
                },
                "type": "subscription_details",
            },
            "payment_settings": _nulls(
                "default_mandate payment_method_options payment_method_types"
            ),
            "period_end": period_end,
            "period_start": period_start,
            "rendering": {
                "pdf": {"page_size": "auto"},
                **_nulls("amount_tax_display template template_version"),
            },
            "status": "draft",
            "status_transitions": _nulls("finalized_at marked_uncollectible_at paid_at voided_at"),
            "total_discount_amounts": [],
            "total_pretax_credit_amounts": [],
            "total_taxes": [],
            **_nulls(
                "account_tax_ids application automatically_finalizes_at custom_fields "
                "customer_account customer_phone customer_shipping default_payment_method "
                "default_source description due_date effective_at ending_balance footer "
                "from_invoice hosted_invoice_url invoice_pdf last_finalization_error "
                "latest_revision next_payment_attempt number on_behalf_of receipt_number "
                "shipping_cost shipping_details statement_descriptor test_clock "
                "webhooks_delivered_at"
            ),
        }

    def _intent(
        self, amount: int, currency: str, customer: str | None, description: str | None,
        metadata: dict[str, str], created: int,
    ) -> JSON:  # fmt: skip
        intent_id = self.ids.new("pi")
        card_options = _nulls("installments mandate_options network")
        return {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_details": {"tip": {}},
            "amount_received": 0,
            "capture_method": "automatic",
            "client_secret": f"{intent_id}_secret_{self.ids.token('secret', 25)}",
            "confirmation_method": "automatic",
            "created": created,
            "currency": currency,
            "customer": customer,
            "description": description,
            "livemode": False,
            "metadata": metadata,
            "payment_method_options": {
                "card": {**card_options, "request_three_d_secure": "automatic"}
            },
            "payment_method_types": ["card"],
            "status": "requires_payment_method",
            **_nulls(
                "application application_fee_amount automatic_payment_methods canceled_at "
                "cancellation_reason customer_account excluded_payment_method_types "
                "last_payment_error latest_charge managed_payments next_action on_behalf_of "
                "payment_method payment_method_configuration_details processing receipt_email "
                "review setup_future_usage shipping source statement_descriptor "
                "statement_descriptor_suffix transfer_data transfer_group"
            ),
        }

    @staticmethod
    def _succeed_intent(intent: JSON, charge: JSON, method: JSON) -> None:
        intent.update(
            status="succeeded",
            amount_received=intent["amount"],
            latest_charge=charge["id"],
            payment_method=method["id"],
            last_payment_error=None,
        )

    def _charge(
        self, story: _Story, intent: JSON, method: JSON, donor: Donor, *, succeeded: bool
    ) -> JSON:
        amount, card = intent["amount"], method["card"]
        outcome = {
            **_nulls("advice_code network_advice_code network_decline_code reason"),
            "network_status": "approved_by_network",
            "risk_level": "normal",
            "risk_score": 8 + int.from_bytes(self.ids.token("risk", 4).encode()) % 50,
            "seller_message": "Payment complete.",
            "type": "authorized",
        }
        if not succeeded:
            outcome.update(
                advice_code="try_again_later",
                network_decline_code="51",
                network_status="declined_by_network",
                reason="insufficient_funds",
                seller_message="The bank returned the decline code `insufficient_funds`.",
                type="issuer_declined",
            )
        details = {name: card[name] for name in ("brand", "country", "exp_month", "exp_year")}
        details.update({name: card[name] for name in ("fingerprint", "funding", "last4")})
        transaction = self.ids.token("network_transaction", 15) if succeeded else None
        kind = "invoices" if intent["description"] else "payment"
        return {
            "id": self.ids.new("ch"),
            "object": "charge",
            "amount": amount,
            "amount_captured": amount if succeeded else 0,
            "amount_refunded": 0,
            "balance_transaction": self.ids.new("txn") if succeeded else None,
            "billing_details": self._billing_details(donor),
            "calculated_statement_descriptor": "WARDFUND",
            "captured": succeeded,
            "created": story.at,
            "currency": intent["currency"],
            "customer": intent["customer"],
            "description": intent["description"],
            "disputed": False,
            "failure_code": None if succeeded else "card_declined",
            "failure_message": None if succeeded else "Your card has insufficient funds.",
            "fraud_details": {},
            "livemode": False,
            "metadata": dict(intent["metadata"]),
            "outcome": outcome,
            "paid": succeeded,
            "payment_intent": intent["id"],
            "payment_method": method["id"],
            "payment_method_details": {
                "card": {
                    **details,
                    "amount_authorized": amount if succeeded else None,
                    "checks": dict(card["checks"]),
                    "extended_authorization": {"status": "disabled"},
                    "incremental_authorization": {"status": "unavailable"},
                    "multicapture": {"status": "unavailable"},
                    "network": "visa",
                    "network_token": {"used": False},
                    "network_transaction_id": transaction,
                    "overcapture": {"maximum_amount_capturable": amount, "status": "unavailable"},
                    "regulated_status": "unregulated",
                    **_nulls("authorization_code installments mandate three_d_secure wallet"),
                },
                "type": "card",
            },
            "receipt_url": f"{_RECEIPTS}/{kind}/{self.ids.token('receipt', 64)}?s=ap",
            "refunded": False,
            "status": "succeeded" if succeeded else "failed",
            **_nulls(
                "application application_fee application_fee_amount failure_balance_transaction "
                "on_behalf_of receipt_email receipt_number review shipping source "
                "source_transfer statement_descriptor statement_descriptor_suffix transfer_data "
                "transfer_group"
            ),
        }

    @staticmethod
    def _decline(charge: JSON, method: JSON) -> JSON:
        return {
            "advice_code": "try_again_later",
            "charge": charge["id"],
            "code": "card_declined",
            "decline_code": "insufficient_funds",
            "doc_url": "https://stripe.com/docs/error-codes/card-declined",
            "message": "Your card has insufficient funds.",
            "network_decline_code": "51",
            "payment_method": copy.deepcopy(method),
            "type": "card_error",
        }

    def _session(
        self, story: _Story, donor: Donor, link: _Link, amount: int, currency: str,
        customer: str | None,
    ) -> JSON:  # fmt: skip
        subscription_mode = link.mode == "subscription"
        invoice_data = {
            "metadata": {},
            **_nulls("account_tax_ids custom_fields description footer issuer rendering_options"),
        }
        return {
            "id": self.ids.new("cs_test"),
            "object": "checkout.session",
            "adaptive_pricing": {"enabled": False},
            "amount_subtotal": amount,
            "amount_total": amount,
            "automatic_tax": {"enabled": False, **_nulls("liability provider status")},
            "billing_address_collection": "auto",
            "collected_information": _nulls("business_name individual_name shipping_details"),
            "created": story.at,
            "currency": currency,
            "custom_fields": [],
            "custom_text": _nulls(
                "after_submit shipping_address submit terms_of_service_acceptance"
            ),
            "customer": customer,
            "customer_creation": "always" if subscription_mode else "if_required",
            "customer_details": {
                "address": _address(),
                "email": donor.email,
                "name": donor.name,
                "tax_exempt": "none",
                "tax_ids": [],
                **_nulls("business_name individual_name phone"),
            },
            "discounts": [],
            "expires_at": story.at + 86400,
            "invoice_creation": None
            if subscription_mode
            else {"enabled": False, "invoice_data": invoice_data},
            "livemode": False,
            "locale": "auto",
            "metadata": dict(link.metadata),
            "mode": link.mode,
            "payment_link": link.id,
            "payment_method_collection": "always" if subscription_mode else "if_required",
            "payment_method_options": {"card": {"request_three_d_secure": "automatic"}},
            "payment_method_types": ["card"],
            "payment_status": "paid",
            "phone_number_collection": {"enabled": False},
            "shipping_options": [],
            "status": "complete",
            "submit_type": None if subscription_mode else "donate",
            "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            "ui_mode": "hosted",
            **_nulls(
                "after_expiration allow_promotion_codes cancel_url client_reference_id "
                "client_secret consent consent_collection currency_conversion customer_account "
                "customer_email integration_identifier invoice managed_payments origin_context "
                "payment_intent payment_method_configuration_details permissions recovered_from "
                "saved_payment_method_options setup_intent shipping_address_collection "
                "shipping_cost subscription success_url url wallet_options"
            ),
        }

    def _refund(self, paid: _Payment, amount: int, created: int) -> JSON:
        charge = paid.charge
        return {
            "id": self.ids.new("re"),
            "object": "refund",
            "amount": amount,
            "balance_transaction": self.ids.new("txn"),
            "charge": charge["id"],
            "created": created,
            "currency": charge["currency"],
            "customer": charge["customer"],
            "destination_details": {
                "card": {
                    "reference": None,
                    "reference_status": "pending",
                    "reference_type": "acquirer_reference_number",
                    "type": "refund",
                },
                "type": "card",
            },
            "metadata": {},
            "payment_intent": paid.intent["id"],
            "payment_method": charge["payment_method"],
            "reason": "requested_by_customer",
            "status": "succeeded",
            **_nulls("customer_account receipt_number source_transfer_reversal transfer_reversal"),
        }

    def _dispute(self, paid: _Payment, amount: int, created: int) -> JSON:
        charge = paid.charge
        dispute_id = self.ids.new("du")
        withdrawal = self._balance_transaction(
            -amount, charge["currency"], DISPUTE_FEE, dispute_id, created,
            f"Chargeback withdrawal for {charge['id']}", "dispute",
        )  # fmt: skip
        return {
            "id": dispute_id,
            "object": "dispute",
            "amount": amount,
            "balance_transactions": [withdrawal],
            "charge": charge["id"],
            "created": created,
            "currency": charge["currency"],
            "enhanced_eligibility_types": [],
            "evidence": {
                **_nulls(_EVIDENCE_FIELDS),
                "customer_email_address": charge["billing_details"]["email"],
                "customer_name": charge["billing_details"]["name"],
                "enhanced_evidence": {},
            },
            "evidence_details": {
                "due_by": (created // 86400 + 22) * 86400 - 1,
                "enhanced_eligibility": {},
                "has_evidence": False,
                "past_due": False,
                "submission_count": 0,
                "submission_method": None,
            },
            "is_charge_refundable": False,
            "livemode": False,
            "metadata": {},
            "payment_intent": paid.intent["id"],
            "payment_method_details": {
                "card": {"brand": "visa", "case_type": "chargeback", "network_reason_code": "10.4"},
                "type": "card",
            },
            "reason": "fraudulent",
            "status": "needs_response",
        }

    def _balance_transaction(
        self, amount: int, currency: str, fee: int, source: str, created: int, description: str,
        category: str,
    ) -> JSON:  # fmt: skip
        fee_details = {
            "amount": fee,
            "application": None,
            "currency": currency,
            "description": "Dispute fee",
            "type": "stripe_fee",
        }
        return {
            "id": self.ids.new("txn"),
            "object": "balance_transaction",
            "amount": amount,
            "available_on": created,
            "balance_type": "payments",
            "created": created,
            "currency": currency,
            "description": description,
            "exchange_rate": None,
            "fee": fee,
            "fee_details": [fee_details] if fee else [],
            "net": amount - fee,
            "reporting_category": category,
            "source": source,
            "status": "available",
            "type": "adjustment",
        }
