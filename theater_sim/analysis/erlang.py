"""Queueing theory for a steady Poisson stream served by c exponential counters.

Where a side is (close to) an M/M/c queue, Erlang's formulas say how many
counters a target needs with no simulation at all, and the staffing search
shows that answer beside the simulated one. Written by hand: the formulas
are short, and no well-kept library carries them.
"""

from __future__ import annotations

import math

__all__ = ["erlang_c", "least_counters_for_wait", "mean_wait_minutes", "wait_exceeds_probability"]


def erlang_c(counters: int, offered_erlangs: float) -> float:
    """Probability that a customer has to wait (Erlang C), for load a < c.

    Computed through the Erlang B recursion, which stays stable for
    thousands of counters where factorials would overflow.
    """
    if offered_erlangs >= counters:
        return 1.0
    blocking = 1.0
    for k in range(1, counters + 1):
        blocking = offered_erlangs * blocking / (k + offered_erlangs * blocking)
    rho = offered_erlangs / counters
    return blocking / (1 - rho + rho * blocking)


def mean_wait_minutes(counters: int, arrivals_per_minute: float, service_mean_minutes: float) -> float:
    """Mean wait in line, C(c, a) / (c mu - lambda); infinite when unstable."""
    mu = 1.0 / service_mean_minutes
    if arrivals_per_minute >= counters * mu:
        return math.inf
    return erlang_c(counters, arrivals_per_minute / mu) / (counters * mu - arrivals_per_minute)


def wait_exceeds_probability(
    counters: int, arrivals_per_minute: float, service_mean_minutes: float, wait_minutes: float
) -> float:
    """P(wait > t) = C(c, a) exp(-(c mu - lambda) t)."""
    mu = 1.0 / service_mean_minutes
    if arrivals_per_minute >= counters * mu:
        return 1.0
    chance = erlang_c(counters, arrivals_per_minute / mu)
    return chance * math.exp(-(counters * mu - arrivals_per_minute) * wait_minutes)


def least_counters_for_wait(
    arrivals_per_minute: float, service_mean_minutes: float, quantile: float, wait_minutes: float, limit: int
) -> int | None:
    """Fewest counters whose ``quantile`` wait is at most ``wait_minutes`` (None if above ``limit``)."""
    start = max(1, math.floor(arrivals_per_minute * service_mean_minutes) + 1)
    for counters in range(start, limit + 1):
        if wait_exceeds_probability(counters, arrivals_per_minute, service_mean_minutes, wait_minutes) <= 1 - quantile:
            return counters
    return None
