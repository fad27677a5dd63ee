"""One Logger and Metrics for every function (service name from the environment).

The Tracer lives in `wardfund.tracing`: it imports the X-Ray SDK (~0.2 s), which the
webhook receiver does without to keep its cold start short; Lambda's active tracing
still records its invocations.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

logger = Logger(service="wardfund")
metrics = Metrics(namespace="Wardfund", service="wardfund")

# Metrics that CloudWatch alarms watch (infra/constructs/monitoring.py imports these names).
WEBHOOK_API_VERSION_REFUSED = "WebhookApiVersionRefused"  # receive: event in another version
EVENT_RECORD_FAILED = "EventRecordFailed"  # process: a Stripe event record failed (not waits)
NOTIFICATION_RECORD_FAILED = "NotificationRecordFailed"  # send: a stream record failed
COUNTED_EVENT_IGNORED = "CountedEventIgnored"  # process, reconcile: counted type not counted
EVENT_SET_ASIDE = "EventSetAside"  # process: unreadable, moved to the dead-letter queue at once
