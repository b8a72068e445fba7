"""When customers walk up to a side's counters.

Either a known crowd (``total``: exactly that many people, each arriving at a
uniformly random moment of the open day) or a steady Poisson stream
(``rate_per_hour``: gaps between arrivals are exponential). Times are minutes
after the doors open, sorted, as a float64 array.
"""

from __future__ import annotations

import numpy as np

from theater_sim.scenario import Arrivals

__all__ = ["arrival_times_at_minute"]


def arrival_times_at_minute(arrivals: Arrivals, open_minutes: float, rng: np.random.Generator) -> np.ndarray:
    """Sorted arrival moments in ``[0, open_minutes)`` for one side.

    Args:
        arrivals: The side's arrival settings.
        open_minutes: How long the doors are open.
        rng: The side's arrival stream.
    """
    if arrivals.total is not None:
        times = rng.uniform(0.0, open_minutes, arrivals.total)
        times.sort()
        return times
    assert arrivals.rate_per_hour is not None
    return _poisson_times(arrivals.rate_per_hour / 60.0, open_minutes, rng)


def _poisson_times(rate_per_minute: float, open_minutes: float, rng: np.random.Generator) -> np.ndarray:
    # A Poisson process on [0, T]: the count is Poisson(rate*T) and, given the
    # count, the moments are sorted uniforms. Exact, vectorised and O(n).
    count = int(rng.poisson(rate_per_minute * open_minutes))
    times = rng.uniform(0.0, open_minutes, count)
    times.sort()
    return times
