"""Helpers the benchmarks share: an AWS call counter and a campaign with money owed."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable
from pathlib import Path
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


def bar_chart(
    name: str,
    title: str,
    bars: dict[str, float],
    unit: str,
    target: tuple[float, str] | None = None,
) -> Path:
    """A horizontal bar chart saved as bench/<name>.png, with an optional target line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 0.45 * len(bars) + 1.4))
    labels = list(bars)
    axes.barh(labels, [bars[label] for label in labels], color="tab:blue")
    axes.invert_yaxis()
    for y, label in enumerate(labels):
        axes.annotate(f" {bars[label]:g}", (bars[label], y), va="center", fontsize=8)
    if target is not None:
        value, what = target
        axes.axvline(value, color="tab:red", linestyle="--", label=what)
        axes.legend(loc="upper right", fontsize=8)
    axes.set(title=title, xlabel=unit)
    figure.tight_layout()
    out = Path(__file__).parent / f"{name}.png"
    figure.savefig(out, dpi=110)
    plt.close(figure)
    return out
