"""The simulated line agrees with queueing theory where theory applies.

Each test runs R independent days (seeds 1..R) of a stationary side, takes
each day's mean wait as one observation, and checks that the theoretical
mean wait lies inside the 99% Student-t confidence interval of those R
observations. A day starts empty, which biases waits down by roughly
(relaxation time / day length), about 2% here, well inside the interval's
half-width (about 10%), while a wrong service time, capacity or arrival rate
moves the mean wait by far more.
"""

from __future__ import annotations

import math
import statistics

import pytest
from helpers import scenario_dict

from theater_sim.analysis.measured_day import run_day
from theater_sim.model.scenario import Scenario

REPLICATIONS = 40
# Student t, 0.995 quantile, 39 degrees of freedom (two-sided 99% interval).
T_99_DF39 = 2.7079


def erlang_c_mean_wait(counters: int, arrivals_per_minute: float, service_mean_minutes: float) -> float:
    """Mean wait in line of an M/M/c queue: C(c, a) / (c*mu - lambda), a = lambda/mu."""
    mu = 1.0 / service_mean_minutes
    offered = arrivals_per_minute / mu
    assert offered < counters, "unstable queue"
    top = offered**counters / math.factorial(counters) * counters / (counters - offered)
    bottom = sum(offered**k / math.factorial(k) for k in range(counters)) + top
    return (top / bottom) / (counters * mu - arrivals_per_minute)


def pollaczek_khinchine_mean_wait(arrivals_per_minute: float, mean: float, variance: float) -> float:
    """Mean wait in line of an M/G/1 queue: lambda * E[S^2] / (2 (1 - rho))."""
    rho = arrivals_per_minute * mean
    return arrivals_per_minute * (variance + mean**2) / (2 * (1 - rho))


def _daily_mean_waits(service: dict[str, object], counters: int, rate_per_hour: float) -> list[float]:
    base = scenario_dict(
        hours=16,
        **{
            "selling.counters": counters,
            "selling.arrivals": {"rate_per_hour": rate_per_hour},
            "selling.service_minutes": service,
        },
    )
    scenario = Scenario.model_validate(base)
    return [run_day(scenario.overridden(seed=seed)).selling.wait_minutes.mean for seed in range(1, REPLICATIONS + 1)]


def _assert_inside_interval(observations: list[float], theory: float) -> None:
    mean = statistics.fmean(observations)
    half_width = T_99_DF39 * statistics.stdev(observations) / math.sqrt(len(observations))
    assert mean - half_width <= theory <= mean + half_width, (
        f"theory {theory:.4f} outside 99% CI {mean:.4f} +/- {half_width:.4f}"
    )


@pytest.mark.parametrize("counters", [1, 2, 4])
def test_mmc_mean_wait_matches_erlang_c(counters: int) -> None:
    """M/M/c with load 0.6 a counter: simulated mean wait vs Erlang C."""
    service_mean = 1.0
    rate_per_minute = 0.6 * counters / service_mean
    observations = _daily_mean_waits(
        {"distribution": "exponential", "mean": service_mean}, counters, rate_per_minute * 60
    )
    _assert_inside_interval(observations, erlang_c_mean_wait(counters, rate_per_minute, service_mean))


@pytest.mark.parametrize(
    ("service", "mean", "variance"),
    [
        ({"distribution": "fixed", "value": 1.0}, 1.0, 0.0),
        ({"distribution": "uniform", "low": 0.5, "high": 1.5}, 1.0, 1.0 / 12),
        ({"distribution": "lognormal", "mean": 1.0, "sd": 1.5}, 1.0, 2.25),
        ({"distribution": "gamma", "mean": 1.0, "sd": 0.5}, 1.0, 0.25),
    ],
    ids=["fixed", "uniform", "lognormal", "gamma"],
)
def test_mg1_mean_wait_matches_pollaczek_khinchine(service: dict[str, object], mean: float, variance: float) -> None:
    """M/G/1 at load 0.6: simulated mean wait vs the Pollaczek-Khinchine formula,
    which checks each distribution's second moment as well as its mean."""
    rate_per_minute = 0.6 / mean
    observations = _daily_mean_waits(service, 1, rate_per_minute * 60)
    _assert_inside_interval(observations, pollaczek_khinchine_mean_wait(rate_per_minute, mean, variance))


def test_erlang_c_formula_reference_values() -> None:
    """The helper itself: M/M/1 gives rho/(mu - lambda); a known M/M/2 value."""
    assert erlang_c_mean_wait(1, 0.6, 1.0) == pytest.approx(0.6 / 0.4)
    # M/M/2, lambda=1, mu=1: C = 1/3, Wq = C / (2 - 1) = 1/3.
    assert erlang_c_mean_wait(2, 1.0, 1.0) == pytest.approx(1 / 3)
