"""The live page's limits, in one place: the page and its function read them, the CDK app
(infra/constructs/live_page.py) sets the API's throttle and the function's concurrency from
them, and the local endpoint applies the same throttle (local/lambdas/webhook_server.py).

Budget: a payment recorded is on the screen within POLL_SECONDS + FRESH_SECONDS (+ the
request itself), under the 5 s the room is promised.
"""

from __future__ import annotations

POLL_SECONDS = 1.5  # how often an open page asks for its night's figures
FRESH_SECONDS = 1.0  # how long the function keeps a night's figures (and `max-age`)
PAGE_MAX_AGE_SECONDS = 60  # the HTML: its figures are refreshed by the script at once
NOT_FOUND_MAX_AGE_SECONDS = 10
# The live API's stage throttle (API Gateway answers 429 beyond it): a room's projector and
# some fifty phones polling every 1.5 s stay well inside it.
RATE_LIMIT_PER_SECOND = 50
BURST_LIMIT = 100
RESERVED_CONCURRENCY = 3  # the function's: what a flood can cost, and read of the table
