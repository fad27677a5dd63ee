"""Donors' stories as the webhook events Stripe would send, one module per object family."""

from wardfund.local.stripe.world.donors import Donor
from wardfund.local.stripe.world.ids import StripeIds
from wardfund.local.stripe.world.shapes import DEFAULT_API_VERSION
from wardfund.local.stripe.world.stories import StripeWorld

__all__ = ["DEFAULT_API_VERSION", "Donor", "StripeIds", "StripeWorld"]
