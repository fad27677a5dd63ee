"""Money in suspense (FORMAT.md rule 4): a payment no campaign could be given. Each such
payment has a suspense item saying what a person must do to reach the money, listed in every
national summary until someone resolves it (`resolved_at`): `wardfund suspense assign` gives it
to its campaign, `wardfund suspense refund` sends it back to the donor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wardfund.domain import display
from wardfund.domain.postings import Payment, PaymentKind, SuspenseReason

CAMPAIGN_KEY = "campaign"  # the metadata key the Payment Links carry (adapters/stripe_events.py)


def shown_amount(amount: int, currency: str) -> str:
    """`1000, "gbp"` → `£10.00`; any other currency by its code: `1000, "eur"` → `10.00 EUR`."""
    if currency.lower() == "gbp":
        return display.pounds(amount)
    whole, part = divmod(abs(amount), 100)
    sign = "\u2212" if amount < 0 else ""
    return f"{sign}{whole:,}.{part:02d} {currency.upper()}"


@dataclass(frozen=True)
class SuspenseItem:
    """`taken_back`: refunded or disputed of it since (from the payment's holding), so `held`
    is what suspense still holds of it. Open until `resolved_at` is set."""

    payment_id: str
    reason: SuspenseReason
    amount: int
    currency: str
    paid_at: datetime
    kind: PaymentKind
    campaign_named: str | None = None
    ward: str | None = None
    subscription_id: str | None = None
    taken_back: int = 0
    resolved_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.resolved_at is None

    @property
    def held(self) -> int:
        return max(0, self.amount - self.taken_back)

    @property
    def shown_held(self) -> str:
        return shown_amount(self.held, self.currency)

    @property
    def why(self) -> str:
        return WHY[self.reason]

    @property
    def needed(self) -> str:
        return what_is_needed(self)


WHY = {
    SuspenseReason.NO_CAMPAIGN: "the payment names no campaign",
    SuspenseReason.UNKNOWN_CAMPAIGN: "the payment names a campaign that is not in the agreement",
    SuspenseReason.FOREIGN_CURRENCY: "the payment is not in pounds",
}


def suspense_item(payment: Payment, reason: SuspenseReason) -> SuspenseItem:
    return SuspenseItem(
        payment_id=payment.payment_id,
        reason=reason,
        amount=payment.gross,
        currency=payment.currency,
        paid_at=payment.paid_at,
        kind=payment.kind,
        campaign_named=payment.campaign_id,
        ward=payment.ward,
        subscription_id=payment.subscription_id,
    )


def _where_metadata(item: SuspenseItem) -> str:
    if item.kind is PaymentKind.ONE_OFF:
        return "the Payment Link's metadata"
    subscription = f" {item.subscription_id}" if item.subscription_id else ""
    return (
        f"the subscription{subscription}'s metadata (from the Payment Link's "
        "subscription_data.metadata)"
    )


def what_is_needed(item: SuspenseItem) -> str:
    """What a person must find out or change so the money can reach a campaign (or go back)."""
    where = _where_metadata(item)
    payment = item.payment_id
    then = (
        f"then give this payment to its campaign (wardfund suspense assign {payment} CAMPAIGN "
        f"--by NAME), or refund it (wardfund suspense refund {payment} --by NAME)."
    )
    if item.reason is SuspenseReason.FOREIGN_CURRENCY:
        return (
            f"The payment is in {item.currency.upper()}, and the agreement shares pounds only. "
            f"Refund it (wardfund suspense refund {payment} --by NAME), or convert it and "
            "attribute it by hand; and check that the Payment Link charges in GBP so later "
            "gifts do."
        )
    if item.reason is SuspenseReason.NO_CAMPAIGN:
        return (
            f"No '{CAMPAIGN_KEY}' in {where}. Add '{CAMPAIGN_KEY}' (and 'ward') there so "
            f"later payments count; {then}"
        )
    return (
        f"'{CAMPAIGN_KEY}' in {where} is '{item.campaign_named}', which is not a campaign in "
        f"the agreement. Add the campaign (wardfund campaign add {item.campaign_named} ...) "
        f"if it should be, or correct the metadata to the campaign's id; {then}"
    )
