"""Confidence intervals over replications: Student-t intervals and bounds on a
metric's mean, and how a report shows them.

Plain Python (``math``, ``statistics``), so that what combines many days'
numbers, as a sweep's coordinating process does, needs neither NumPy nor the
engines (``replication`` combines whole days).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from functools import lru_cache

from theater_sim.analysis.contract import Interval
from theater_sim.planning.t_quantiles import T_975

__all__ = ["CONFIDENCE", "confidence_interval", "interval_shown", "t_quantile", "upper_bound"]

CONFIDENCE = 0.95


@lru_cache(maxsize=256)
def t_quantile(probability: float, degrees_of_freedom: int) -> float:
    """Student t quantile: scipy's, from ``t_quantiles`` for the 95% intervals
    of up to 1,000 replications, else from scipy itself (imported here, as
    its import is slow, so runs that need no other quantile never load it)."""
    if probability == 0.975 and 1 <= degrees_of_freedom <= len(T_975):
        return T_975[degrees_of_freedom - 1]
    from scipy.special import stdtrit

    return float(stdtrit(degrees_of_freedom, probability))


def confidence_interval(values: list[float], lowest: float = 0.0, highest: float = math.inf) -> Interval:
    """Mean and 95% Student-t interval of independent observations.

    The interval's ends are kept within what the metric can be (``lowest``,
    ``highest``: every metric here is at least 0, shares at most 1); the
    half-width is the t interval's. One observation gives no interval: its
    ends are the value itself and the half-width is None.
    """
    mean = statistics.fmean(values)
    if len(values) < 2:
        return {"mean": mean, "low": mean, "high": mean, "half_width": None}
    # Sample sd in floats: statistics.stdev's exact fractions cost a sweep dearly
    # (a list, not a generator: a fifth faster, the same sum).
    sd = math.sqrt(math.fsum([(value - mean) ** 2 for value in values]) / (len(values) - 1))
    half = t_quantile(0.5 + CONFIDENCE / 2, len(values) - 1) * sd / math.sqrt(len(values))
    return {"mean": mean, "low": max(lowest, mean - half), "high": min(highest, mean + half), "half_width": half}


def interval_shown(
    interval: Interval,
    show: Callable[[float], str],
    separator: str = " ± ",
    show_mean: Callable[[float], str] | None = None,
) -> str:
    """``4.74 ± 0.45``: a mean and its half-width, or, where the interval was cut at
    what the metric can be (no share below 0), its ends: ``2.2% [0.0% to 4.6%]``
    (``2.2%±2.4%`` read as reaching below zero; JSON had the cut ends already).
    One day (no half-width, or 0): the mean alone. ``show_mean``: how the mean
    is shown, when not as the rest."""
    mean, half = interval["mean"], interval["half_width"]
    text = (show_mean or show)(mean)
    if not half:
        return text
    if interval["low"] > mean - half or interval["high"] < mean + half:
        return f"{text} [{show(interval['low'])} to {show(interval['high'])}]"
    return f"{text}{separator}{show(half)}"


def upper_bound(values: list[float], confidence: float) -> float:
    """The upper end of a one-sided Student-t interval for the mean: with
    ``confidence`` (0.9: 90%) the true mean lies at or below it.

    Raises:
        ValueError: fewer than two observations (one day gives no interval).
    """
    if len(values) < 2:
        raise ValueError("an upper bound needs at least two observations")
    mean = statistics.fmean(values)
    sd = math.sqrt(math.fsum((value - mean) ** 2 for value in values) / (len(values) - 1))
    return mean + t_quantile(confidence, len(values) - 1) * sd / math.sqrt(len(values))
