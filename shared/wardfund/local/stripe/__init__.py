"""The local Stripe: the story world that makes webhook events, and the HTTP API stand-in."""
