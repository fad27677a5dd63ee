"""How Lambda's event source mappings hand records to the functions.

One place for the numbers, read both by the deployed mappings (`infra/`) and by the local
workers that stand in for them, so a batch or a retry locally is what it is on AWS.
"""

from __future__ import annotations

EVENTS_QUEUE_BATCH_SIZE = 10
"""Stripe events per invocation of the process function (SQS allows up to 10 without a
batching window longer than we want)."""

TABLE_STREAM_BATCH_SIZE = 25
"""Outbox records per invocation of the notifications function: each may send an email, so
a batch stays well inside the function's timeout even when SES is slow."""

TABLE_STREAM_RETRY_ATTEMPTS = 5
"""Retries of a failing stream batch before a note of it goes to the on-failure queue."""

EVENTS_QUEUE_MAX_CONCURRENCY = 5
"""The most process functions the events queue's mapping runs at once. Each batch's postings
race on their campaigns' balance items; five batches of ten keep up with any ward campaign's
traffic (the webhook's 50 requests a second) while bounding how many writers can collide."""

RECEIVE_RESERVED_CONCURRENCY = 20
"""Concurrency reserved for the webhook receiver: always there for Stripe, and a ceiling, so a
flood of webhooks cannot take the account's concurrency from the payout run or the processor.
A request beyond it is throttled (5xx) and Stripe sends the event again later."""

PAYOUT_TASKS_BATCH_SIZE = 1
"""Payout tasks per invocation of the pay function: one campaign each, so one slow transfer
holds up no other campaign and every invocation is short (a transfer, a few writes)."""

PAYOUT_TASKS_MAX_CONCURRENCY = 5
"""Default for how many campaigns are paid at once (the mapping's maximum concurrency, and
the pay function's reserved concurrency; context `payout_concurrency`). Stripe allows 100
requests a second in live mode and 25 a second on one endpoint (docs.stripe.com/rate-limits);
a transfer takes about half a second, so five workers make about ten transfers a second and
leave room for the rest of the account's traffic even at 200 ms a transfer. A 429 is waited
out and tried again (adapters/stripe_gateway.py)."""

PAYOUT_TASK_ATTEMPTS = 3
"""Attempts at a campaign's task whose transfer failed (Stripe down, a race on the ledger)
before its payout is held for the daily retry; each repeat waits PAYOUT_TASK_RETRY_SECONDS
times the attempt."""

PAYOUT_TASK_RETRY_SECONDS = 30

PAYOUT_TASKS_MAX_RECEIVES = 5
"""Deliveries of a payout task before it goes to the dead-letter queue: more than the
attempts above, so only a task whose function keeps crashing ends there (and the run's
deadline alarm then fires)."""
