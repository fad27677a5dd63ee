"""One Logger and Metrics for every function (service name from the environment).

The Tracer lives in `wardfund.tracing`: it imports the X-Ray SDK (~0.2 s), which the
webhook receiver does without to keep its cold start short; Lambda's active tracing
still records its invocations.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

logger = Logger(service="wardfund")
metrics = Metrics(namespace="Wardfund", service="wardfund")
