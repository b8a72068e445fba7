"""Confidence intervals over replications: Student-t intervals and bounds on a
metric's mean, and how a report shows them.

Plain Python (``math``, ``statistics``), so that what combines many days'
numbers, as a sweep's coordinating process does, needs neither NumPy nor the
engines (``replication`` combines whole days).
"""

from __future__ import annotations

import functools
import math
import re
import statistics
from collections.abc import Callable
from functools import lru_cache

from theater_sim.analysis.contract import Interval
from theater_sim.planning.t_quantiles import T_975

__all__ = [
    "CONFIDENCE",
    "against_target",
    "confidence_interval",
    "interval_shown",
    "t_quantile",
    "upper_bound",
]

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
    show: str | Callable[[float], str],
    separator: str = " ± ",
    show_mean: Callable[[float], str] | None = None,
    target: float | None = None,
) -> str:
    """``4.74 ± 0.45``: a mean and its half-width, or, where the interval was cut at
    what the metric can be (no share below 0), its ends: ``2.2% [0.0% to 4.6%]``
    (``2.2%±2.4%`` read as reaching below zero; JSON had the cut ends already).
    One day (no half-width, or 0): the mean alone. ``show_mean``: how the mean
    is shown, when not as the rest.

    ``show``: a format spec (``",.1%"``) or a function. With a spec, cut ends
    that read alike at its decimals get up to ``MORE_DECIMALS`` more, the mean
    too: ``0.01% [0.00% to 0.02%]``, where "0.0% [0.0% to 0.0%]" said nothing
    (a trial); and with a ``target``, the mean has as many more as keep it on
    its side of the target (``against_target``).
    """
    mean, half = interval["mean"], interval["half_width"]
    low, high = interval["low"], interval["high"]
    cut = half is not None and half > 0 and (low > mean - half or high < mean + half)
    if isinstance(show, str):
        spec = _apart(show, low, high) if cut else show
        shown: Callable[[float], str] = functools.partial(_formatted, spec=spec)
        show_mean = show_mean or functools.partial(against_target, spec=spec, target=target)
    else:
        shown = show
    text = (show_mean or shown)(mean)
    if not half:
        return text
    if cut:
        return f"{text} [{shown(low)} to {shown(high)}]"
    return f"{text}{separator}{shown(half)}"


def _formatted(value: float, spec: str) -> str:
    return format(value, spec)


def against_target(value: float, spec: str, target: float | None) -> str:
    """``value`` as ``spec`` shows it (``",.2f"``, ``",.1%"``), or with as many more
    decimals as keep it on its side of ``target``: a p95 of 5.0003 against a
    target of 5 shows as 5.0003, not a 5.00 that seems to meet it (the staff
    table and its notes both show means so)."""
    if target is None or _DECIMALS.search(spec) is None:
        return format(value, spec)
    scale = 100 if spec.endswith("%") else 1
    for more in range(12):
        shown = format(value, _finer(spec, more))
        number = float(shown.rstrip("%").replace(",", "")) / scale
        if (number <= target) == (value <= target):
            return shown
    return repr(value)


#: How many decimals ``interval_shown`` may add to tell an interval's ends apart.
MORE_DECIMALS = 3
_DECIMALS = re.compile(r"\.(\d+)")


def _apart(spec: str, low: float, high: float) -> str:
    """``spec``, or it with the fewest more decimals (up to ``MORE_DECIMALS``)
    that show ``low`` and ``high`` apart; ``spec`` if none does."""
    if low == high or _DECIMALS.search(spec) is None or format(low, spec) != format(high, spec):
        return spec
    for more in range(1, MORE_DECIMALS + 1):
        finer = _finer(spec, more)
        if format(low, finer) != format(high, finer):
            return finer
    return spec


def _finer(spec: str, more: int) -> str:
    """``spec`` (with a precision) showing ``more`` decimals: ``_finer(",.1%", 2) == ",.3%"``."""
    return _DECIMALS.sub(lambda decimals: f".{int(decimals[1]) + more}", spec, count=1)


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
