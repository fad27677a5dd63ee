"""The local Stripe API stand-in: the HTTP server and the endpoints it answers."""
