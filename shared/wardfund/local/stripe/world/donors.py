"""Donors, and what the world remembers of each: their payments and their live pledge."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from wardfund.local.stripe.world.shapes import JSON

if TYPE_CHECKING:
    from wardfund.local.stripe.world.checkout import PaymentLink


@dataclass(frozen=True)
class Donor:
    donor_id: str
    email: str
    name: str


@dataclass
class Payment:
    charge: JSON
    intent: JSON
    dispute: JSON | None = None


@dataclass
class Pledge:
    customer: JSON
    subscription: JSON
    link: PaymentLink
    payment_method: JSON
    amount: int
    currency: str
    anchor: datetime
    cycle: int = 0
    open_invoice: JSON | None = None
    open_intent: JSON | None = None
    open_invoice_payment: JSON | None = None


@dataclass
class DonorState:
    donor: Donor
    payments: list[Payment] = field(default_factory=list)
    pledge: Pledge | None = None
