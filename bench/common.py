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


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank value below which `share` of `values` lie (0.0 for none)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


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


def write_section(heading: str, lines: list[str]) -> None:
    """Writes one benchmark's section of bench/RESULTS.md, replacing its last one and leaving
    the other sections as they are; the first line says when and on which commit."""
    import subprocess
    from datetime import UTC, datetime

    results = Path(__file__).parent / "RESULTS.md"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    stamp = f"Recorded {datetime.now(UTC):%Y-%m-%dT%H:%MZ} on the 2-core VM, commit {commit}."
    section = "\n".join([heading, "", stamp, "", *lines, ""])
    text = results.read_text()
    if heading in text:
        start = text.index(heading)
        following = text.find("\n## ", start + len(heading))
        text = text[:start] + section + (text[following:] if following >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    results.write_text(text)
