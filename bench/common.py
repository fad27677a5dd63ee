"""Helpers the benchmarks share: an AWS call counter and a campaign with money owed."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable
from typing import Any

import boto3

calls: Counter[str] = Counter()


def count_aws_calls() -> None:
    """Counts every botocore call made by clients created after this (the default session)."""
    boto3.setup_default_session()

    def hook(event_name: str, **_: Any) -> None:
        calls[".".join(event_name.split(".")[1:3])] += 1

    assert boto3.DEFAULT_SESSION is not None
    boto3.DEFAULT_SESSION.events.register("before-call.*.*", hook)


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))
