"""One Logger, Metrics and Tracer for every function (service name from the environment)."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger(service="wardfund")
metrics = Metrics(namespace="Wardfund", service="wardfund")
tracer = Tracer(service="wardfund")
