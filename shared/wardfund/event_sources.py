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
