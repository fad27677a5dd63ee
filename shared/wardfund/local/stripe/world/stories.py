"""A deterministic simulation of Stripe's side of a donation story.

`StripeWorld` plays donors giving through Stripe Payment Links (monthly subscriptions and
one-off gifts) and returns the snapshot webhook events Stripe would send, as plain
JSON-ready dicts, in Stripe's typical order (Stripe does not guarantee that order).

Shapes follow stripe-python 16.1.0 (API 2026-10-28.endive) and Stripe's OpenAPI fixtures:
Invoices carry no `payment_intent`/`charge`/`subscription`/`paid` (the subscription sits
under `parent.subscription_details`), billing periods live on subscription items, and
includable fields (`Invoice.payments`, `Charge.refunds`, `Session.line_items`, ...) are
absent, as they are from real webhook payloads.

Each Stripe object family has its module beside this one (customers, checkout, subscriptions,
invoices, payments, refunds, disputes); `StripeIds` (ids.py, also used by the API stand-in)
makes the ids.

Simplifications: every event of one story, and every time in its objects, is its `at`
(FORMAT.md "Time"; a real renewal is attempted about an hour after `invoice.created`);
every card is Visa UK; the dispute fee is 2000 in the payment's currency; a failed
renewal's later `renew`/`renewal_fails` is a retry of the same open invoice (same
PaymentIntent, a new Charge); a donor has one live subscription.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from wardfund.local.stripe.world import (
    checkout,
    customers,
    disputes,
    invoices,
    payments,
    refunds,
    subscriptions,
)
from wardfund.local.stripe.world.checkout import PaymentLink
from wardfund.local.stripe.world.donors import Donor, DonorState, Payment, Pledge
from wardfund.local.stripe.world.events import Story, no_request
from wardfund.local.stripe.world.ids import StripeIds
from wardfund.local.stripe.world.shapes import DEFAULT_API_VERSION, unix

_MINIMUM_CHARGE = {"gbp": 30, "eur": 50, "usd": 50}


class StripeWorld:
    """Stripe's side of a story; each method returns the webhook events it causes."""

    def __init__(
        self, api_version: str = DEFAULT_API_VERSION, account_id: str = "acct_national"
    ) -> None:
        self.api_version = api_version
        self.account_id = account_id
        self.ids = StripeIds(f"{account_id}|{api_version}")
        self._donors: dict[str, DonorState] = {}
        self._links: dict[tuple[str, ...], PaymentLink] = {}

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
        link = checkout.payment_link(
            self.ids, self._links, "subscription", campaign, ward, currency, amount_pence, story.at
        )
        customer = customers.customer(self.ids, donor, story.at)
        method = customers.payment_method(self.ids, donor, customer["id"], story.at)
        anchor = datetime.fromtimestamp(story.at, tz=UTC)
        sub = subscriptions.subscription(
            self.ids, customer, link, method["id"], amount_pence, currency, anchor, story.at
        )
        pledge = Pledge(customer, sub, link, method, amount_pence, currency, anchor)
        state.pledge = pledge
        story.emit("customer.created", customer)
        start = story.at
        invoice = invoices.draft_invoice(
            self.ids, pledge, "subscription_create", start, start, start
        )
        sub["latest_invoice"] = invoice["id"]
        story.emit("customer.subscription.created", sub)
        story.emit("invoice.created", invoice)
        invoices.finalize(story, self.account_id, pledge, invoice)
        invoices.attempt(story, state, pledge, succeeds=True)
        sub["status"] = "active"
        story.emit("customer.subscription.updated", sub, {"status": "incomplete"})
        session = checkout.session(
            self.ids, story.at, donor, link, amount_pence, currency, customer["id"]
        )
        session.update(subscription=sub["id"], invoice=invoice["id"])
        story.emit("checkout.session.completed", session, request=no_request())
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
        link = checkout.payment_link(
            self.ids, self._links, "payment", campaign, ward, currency, None, story.at
        )
        method = customers.payment_method(self.ids, donor, None, story.at)
        intent = payments.payment_intent(
            self.ids, amount_pence, currency, None, None, dict(link.metadata), story.at
        )
        story.emit("payment_intent.created", intent)
        charge = payments.charge(self.ids, story.at, intent, method, donor, succeeded=True)
        payments.succeed(intent, charge, method)
        story.emit("charge.succeeded", charge)
        story.emit("payment_intent.succeeded", intent)
        state.payments.append(Payment(charge, intent))
        session = checkout.session(self.ids, story.at, donor, link, amount_pence, currency, None)
        session["payment_intent"] = intent["id"]
        story.emit("checkout.session.completed", session, request=no_request())
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
            invoices.attempt(story, state, pledge, succeeds=True)
            sub["status"] = "active"
            story.emit("customer.subscription.updated", sub, {"status": "past_due"})
            return story.events
        previous = invoices.roll_period(story, self.account_id, pledge)
        invoices.attempt(story, state, pledge, succeeds=True)
        story.emit("customer.subscription.updated", sub, previous)
        return story.events

    def renewal_fails(self, at: datetime, donor_id: str) -> list[dict[str, Any]]:
        """The next monthly payment is declined (or a failed renewal's retry is declined again)."""
        state, pledge = self._live_pledge(donor_id, "fail a renewal of")
        story = self._story(at, automatic=True)
        sub = pledge.subscription
        if pledge.open_invoice is not None:
            invoices.attempt(story, state, pledge, succeeds=False)
            return story.events
        previous = invoices.roll_period(story, self.account_id, pledge)
        invoices.attempt(story, state, pledge, succeeds=False)
        sub["status"] = "past_due"
        story.emit("customer.subscription.updated", sub, {"status": "active", **previous})
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
        story.emit("customer.subscription.deleted", sub)
        return story.events

    def refund(
        self, at: datetime, donor_id: str, payment: int, amount_pence: int | None = None
    ) -> list[dict[str, Any]]:
        """Refund a payment, wholly (what remains of it) or partly."""
        paid = self._payment(donor_id, payment)
        charge = paid.charge
        remaining = charge["amount"] - charge["amount_refunded"]
        if paid.dispute is not None and paid.dispute["status"] in disputes.OPEN | {"lost"}:
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
        refund = refunds.refund(self.ids, paid, amount, story.at)
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        story.emit("refund.created", refund)
        story.emit("charge.refunded", charge)
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
        dispute = disputes.dispute(self.ids, paid, amount, story.at)
        paid.dispute = dispute
        charge["disputed"] = True
        story.emit("charge.dispute.created", dispute)
        story.emit("charge.dispute.funds_withdrawn", dispute)
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
        if dispute["status"] not in disputes.OPEN:
            raise ValueError(f"dispute {dispute['id']} is already closed ({dispute['status']})")
        story = self._story(at, automatic=True)
        dispute["status"] = outcome
        dispute["evidence_details"].update(
            has_evidence=True, submission_count=1, submission_method="manual"
        )
        dispute["evidence"]["uncategorized_text"] = "The donor authorised this gift."
        story.emit("charge.dispute.closed", dispute)
        if outcome == "won":
            reinstated = payments.balance_transaction(
                self.ids, dispute["amount"], dispute["currency"], 0, dispute["id"], story.at,
                f"Chargeback reversal for {dispute['charge']}", "dispute_reversal",
            )  # fmt: skip
            dispute["balance_transactions"].append(reinstated)
            story.emit("charge.dispute.funds_reinstated", dispute)
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
        unix(at)
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

    def _register(self, donor: Donor) -> DonorState:
        state = self._donors.get(donor.donor_id)
        if state is None:
            state = self._donors[donor.donor_id] = DonorState(donor)
        elif state.donor != donor:
            raise ValueError(f"donor {donor.donor_id} was first seen with another email or name")
        return state

    def _state(self, donor_id: str) -> DonorState:
        try:
            return self._donors[donor_id]
        except KeyError:
            raise ValueError(f"unknown donor {donor_id!r}: no pledge or gift yet") from None

    @staticmethod
    def _live(pledge: Pledge) -> bool:
        return pledge.subscription["status"] in ("active", "past_due")

    def _live_pledge(self, donor_id: str, action: str) -> tuple[DonorState, Pledge]:
        state = self._state(donor_id)
        if state.pledge is None or not self._live(state.pledge):
            raise ValueError(f"cannot {action} donor {donor_id}: no live subscription")
        return state, state.pledge

    def _payment(self, donor_id: str, payment: int) -> Payment:
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

    def _story(self, at: datetime, *, automatic: bool) -> Story:
        request = (
            no_request()
            if automatic
            else {"id": self.ids.new("req"), "idempotency_key": self.ids.uuid()}
        )
        return Story(self.ids, self.api_version, unix(at), request)
