"""Balking and reneging: exact small days, conservation, and Erlang A."""

from __future__ import annotations

import math
import statistics

import numpy as np
from helpers import scenario_dict
from hypothesis import given, settings
from hypothesis import strategies as st

from theater_sim.analysis.measured_day import run_day
from theater_sim.engine.records import BALKED, RENEGED, SERVED
from theater_sim.engine.simulation import simulate_side
from theater_sim.model.scenario import Scenario

T_99_DF39 = 2.7079  # Student t, 0.995 quantile, 39 degrees of freedom


def test_balking_exact_log() -> None:
    """One counter, four people at minute 0, balk at a line of 2: the first is
    served, two wait, the fourth finds two waiting and walks away."""
    records = simulate_side(1, 60.0, np.zeros(4), np.ones(4), balk_at_line=2)
    assert records.outcome.tolist() == [SERVED, SERVED, SERVED, BALKED]
    assert np.isnan(records.left_line_at_minute[3])
    np.testing.assert_array_equal(records.service_start_at_minute[:3], [0.0, 1.0, 2.0])


def test_reneging_exact_log() -> None:
    """One counter busy for 5 minutes; the second customer's patience (2) runs
    out at minute 3; the third (patience 10) is served at minute 5."""
    records = simulate_side(
        1, 60.0, np.array([0.0, 1.0, 2.0]), np.array([5.0, 1.0, 1.0]), patience_minutes=np.array([9.0, 2.0, 10.0])
    )
    assert records.outcome.tolist() == [SERVED, RENEGED, SERVED]
    assert records.left_line_at_minute[1] == 3.0
    assert records.service_start_at_minute[2] == 5.0
    assert np.isnan(records.service_start_at_minute[1])


def test_gone_customers_are_skipped_not_served() -> None:
    """A customer who gave up never reaches a counter, even when at the head of the line."""
    records = simulate_side(
        1, 60.0, np.array([0.0, 0.5, 0.6]), np.array([4.0, 1.0, 1.0]), patience_minutes=np.array([1.0, 1.0, 9.0])
    )
    assert records.outcome.tolist() == [SERVED, RENEGED, SERVED]
    assert records.service_start_at_minute[2] == 4.0


@st.composite
def impatient_days(draw: st.DrawFn) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, int | None]:
    counters = draw(st.integers(1, 4))
    n = draw(st.integers(0, 50))
    arrivals = np.sort(np.array(draw(st.lists(st.floats(0, 60), min_size=n, max_size=n)), dtype=float))
    services = np.array(draw(st.lists(st.sampled_from([0.5, 1.0, 3.0, 8.0]), min_size=n, max_size=n)))
    patience = np.array(draw(st.lists(st.sampled_from([0.25, 1.0, 2.0, 30.0]), min_size=n, max_size=n)))
    balk = draw(st.one_of(st.none(), st.integers(0, 6)))
    return counters, arrivals, services, patience, balk


@given(impatient_days())
@settings(max_examples=200, deadline=None)
def test_conservation_with_abandonment(day: tuple[int, np.ndarray, np.ndarray, np.ndarray, int | None]) -> None:
    """arrived = served + balked + reneged (+ still in line, which is 0 at the end);
    nobody waits past their patience; FIFO among those served; waits >= 0."""
    counters, arrivals, services, patience, balk = day
    records = simulate_side(counters, 60.0, arrivals, services, patience_minutes=patience, balk_at_line=balk)
    outcome = records.outcome
    assert records.arrived == records.count(SERVED) + records.count(BALKED) + records.count(RENEGED)
    served = outcome == SERVED
    waits = records.service_start_at_minute[served] - records.arrival_at_minute[served]
    assert (waits >= 0).all()
    assert (waits <= patience[served] + 1e-12).all()
    reneged = outcome == RENEGED
    np.testing.assert_allclose(
        records.left_line_at_minute[reneged], records.arrival_at_minute[reneged] + patience[reneged]
    )
    assert (np.diff(records.service_start_at_minute[served]) >= 0).all()
    if balk is not None:
        assert (outcome[: min(counters, records.arrived)] != BALKED).all() or balk == 0


def erlang_a_abandon_probability(
    counters: int, arrival_rate: float, service_rate: float, patience_rate: float
) -> float:
    """P(abandon) of M/M/c+M from its birth-death chain (Palm's Erlang A model).

    States n = 0, 1, ...: births at lambda, deaths at min(n, c) mu + max(n - c, 0) theta.
    Abandonment rate = theta E[(N - c)+], so P(abandon) = theta E[(N - c)+] / lambda.
    The chain is truncated where its weights have fallen below 1e-300 relative.
    """
    weights = [1.0]
    n = 0
    while weights[-1] > 1e-300 * max(weights) and n < 100_000:
        n += 1
        death = min(n, counters) * service_rate + max(n - counters, 0) * patience_rate
        weights.append(weights[-1] * arrival_rate / death)
    total = math.fsum(weights)
    queue = math.fsum(max(k - counters, 0) * w for k, w in enumerate(weights)) / total
    return patience_rate * queue / arrival_rate


def test_erlang_a_reference_value() -> None:
    """With patience as fast as service and one counter, M/M/1+M equals M/M/inf-like
    chain with death rate n mu: P(abandon) = 1 - (1 - e^-a)/a for a = lambda/mu."""
    a = 1.5
    expected = 1 - (1 - math.exp(-a)) / a
    assert math.isclose(erlang_a_abandon_probability(1, a, 1.0, 1.0), expected, rel_tol=1e-9)


def test_reneging_matches_erlang_a() -> None:
    """M/M/2+M with lambda = 2.4/min, mu = 1/min, patience mean 2 min (load 1.2,
    so abandonment matters): each day's share of arrivals who reneged is one
    observation; over 40 days Erlang A's P(abandon) lies in the 99% Student-t
    interval. A start-empty day biases the share down by about
    (relaxation time ~ a few minutes) / (960 minutes), far below the interval."""
    data = scenario_dict(
        hours=16,
        **{
            "selling.counters": 2,
            "selling.arrivals": {"rate_per_hour": 144.0},
            "selling.service_minutes": {"distribution": "exponential", "mean": 1.0},
            "selling.patience_minutes": {"distribution": "exponential", "mean": 2.0},
        },
    )
    scenario = Scenario.model_validate(data)
    shares = []
    for seed in range(1, 41):
        selling = run_day(scenario.overridden(seed=seed)).selling
        shares.append(selling.reneged / selling.arrived)
    theory = erlang_a_abandon_probability(2, 2.4, 1.0, 0.5)
    mean = statistics.fmean(shares)
    half_width = T_99_DF39 * statistics.stdev(shares) / math.sqrt(len(shares))
    assert mean - half_width <= theory <= mean + half_width, (theory, mean, half_width)


def test_balk_at_zero_joins_only_a_free_counter() -> None:
    """balk_at_line 0: a customer who finds a counter free is served; one who finds
    every counter busy leaves at once (a loss system)."""
    records = simulate_side(2, 60.0, np.array([0.0, 0.0, 0.0, 5.0]), np.full(4, 2.0), balk_at_line=0)
    assert records.outcome.tolist() == [SERVED, SERVED, BALKED, SERVED]


def erlang_b(counters: int, offered_erlangs: float) -> float:
    """Blocking probability of M/M/c/c, by the recursion B(k) = a B(k-1) / (k + a B(k-1))."""
    blocking = 1.0
    for k in range(1, counters + 1):
        blocking = offered_erlangs * blocking / (k + offered_erlangs * blocking)
    return blocking


def test_balking_at_zero_matches_erlang_b() -> None:
    """M/M/3/3 (balk_at_line 0) at 2.5 erlangs: the daily share of arrivals who
    balk estimates Erlang B's blocking probability; over 40 days it lies in the
    99% Student-t interval (start-empty bias is a few minutes of 960)."""
    data = scenario_dict(
        hours=16,
        **{
            "selling.counters": 3,
            "selling.arrivals": {"rate_per_hour": 150.0},
            "selling.service_minutes": {"distribution": "exponential", "mean": 1.0},
            "selling.balk_at_line": 0,
        },
    )
    scenario = Scenario.model_validate(data)
    shares = []
    for seed in range(1, 41):
        selling = run_day(scenario.overridden(seed=seed)).selling
        shares.append(selling.balked / selling.arrived)
    theory = erlang_b(3, 2.5)
    mean = statistics.fmean(shares)
    half_width = T_99_DF39 * statistics.stdev(shares) / math.sqrt(len(shares))
    assert mean - half_width <= theory <= mean + half_width, (theory, mean, half_width)
