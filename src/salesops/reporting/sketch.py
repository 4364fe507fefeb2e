"""Durations kept as mergeable histograms with a bounded relative error, so medians and percentiles over any
period and slice come from per-day rollups instead of the raw rows.

Buckets grow geometrically (each GAMMA times the previous, the mapping DDSketch uses): a duration d seconds falls
in bucket ceil(log_GAMMA(d)), and the bucket's estimate is within ALPHA (1 %) of every value in it. A histogram is
a dict {bucket: count}; merging is adding counts; stored as JSON with string keys.
"""

import math
from collections.abc import Iterable

ALPHA = 0.01
GAMMA = (1 + ALPHA) / (1 - ALPHA)
LOG_GAMMA = math.log(GAMMA)


def bucket(seconds: float) -> int:
    """Durations under a second share bucket 0."""
    if seconds <= 1:
        return 0
    return math.ceil(math.log(seconds) / LOG_GAMMA)


def estimate(index: int) -> float:
    """The value a bucket stands for: within ALPHA of anything in it."""
    if index <= 0:
        return 0.0
    return 2 * GAMMA**index / (GAMMA + 1)


def add(histogram: dict[str, int], seconds: float, count: int = 1) -> None:
    key = str(bucket(seconds))
    histogram[key] = histogram.get(key, 0) + count


def merge(histograms: Iterable[dict[str, int]]) -> dict[int, int]:
    """Add up stored histograms (keys are the buckets' numbers as strings, as JSON keeps them); the result is
    keyed by bucket number. Keys are converted once per bucket, not once per histogram: a year's view merges a
    thousand histograms of a hundred buckets."""
    merged: dict[str, int] = {}
    get = merged.get
    for histogram in histograms:
        for key, count in histogram.items():
            merged[key] = get(key, 0) + count
    return {int(key): count for key, count in merged.items()}


def quantile(histogram: dict[int, int], q: float) -> float | None:
    """The nearest-rank q-quantile (the smallest value with at least q of the values at or below it), in seconds;
    None for an empty histogram."""
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for index in sorted(histogram):
        seen += histogram[index]
        if seen >= rank:
            return estimate(index)
    return estimate(max(histogram))
