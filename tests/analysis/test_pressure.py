"""Pressure as customers meet it: short windows weighted by their arrivals."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from theater_sim.analysis.metrics import side_metrics
from theater_sim.analysis.pressure import reopening_minute, side_pressure, window_edges, window_groups
from theater_sim.engine.day_plan import simulate_day
from theater_sim.engine.simulation import simulate_side
from theater_sim.model.scenario import Scenario

T_99_DF39 = 2.707913


def test_windows_cover_the_day_and_the_last_may_be_short() -> None:
    assert window_edges(60.0, 15.0) == [0.0, 15.0, 30.0, 45.0, 60.0]
    assert window_edges(50.0, 15.0) == [0.0, 15.0, 30.0, 45.0, 50.0]
    assert window_edges(10.0, 15.0) == [0.0, 10.0]


def test_pressure_by_hand_is_the_others_work_each_customer_met() -> None:
    """Window 0 (0-15): 3 customers asking 2 min each of 15 counter-minutes -> 0.4;
    window 1 (15-30): 1 customer asking 3 min -> 0.2; window 2: nobody.
    Each customer meets the others of their window: in window 0, 4 of its 6
    minutes, 0.267, three times; in window 1 nobody else, 0. Over the four
    customers: (2 x 0.4 + 0 x 0.2) / 4 = 0.2 (day average: 9 / 45 = 0.2)."""
    met = side_pressure(np.array([1.0, 2.0, 3.0, 20.0]), np.array([2.0, 2.0, 2.0, 3.0]), [(0.0, 1)], 45.0, 15.0)
    assert met.window_pressure == pytest.approx((0.4, 0.2, 0.0))
    assert met.window_arrived == (3, 1, 0)
    assert met.pressure == pytest.approx(0.2)
    assert (met.busiest.from_minute, met.busiest.to_minute, met.busiest.arrived) == (0.0, 15.0, 3)


def test_counter_minutes_follow_the_schedule_inside_a_window() -> None:
    """Two counters from minute 5: window 0 has 1 x 5 + 2 x 10 = 25 counter-minutes;
    each of its two customers meets the other's 5 minutes."""
    met = side_pressure(np.array([1.0, 2.0]), np.array([5.0, 5.0]), [(0.0, 1), (5.0, 2)], 15.0, 15.0)
    assert met.pressure == pytest.approx(5.0 / 25.0)


def test_an_arrival_at_closing_belongs_to_the_last_window() -> None:
    met = side_pressure(np.array([0.0, 30.0]), np.array([1.0, 1.0]), [(0.0, 1)], 30.0, 15.0)
    assert met.window_arrived == (1, 1)


def test_pressure_so_far_counts_counter_minutes_only_until_now() -> None:
    met = side_pressure(np.array([1.0, 2.0]), np.array([3.0, 3.0]), [(0.0, 1)], 60.0, 15.0, until_minute=6.0)
    assert met.pressure == pytest.approx(3.0 / 6.0)


def test_side_metrics_carry_the_pressure_beside_the_day_average() -> None:
    records = simulate_side(1, 60.0, np.array([0.0, 1.0, 2.0]), np.array([2.0, 2.0, 2.0]))
    metrics = side_metrics(records, window_minutes=15.0)
    assert metrics.demand_ratio == pytest.approx(6.0 / 60.0)
    assert metrics.pressure == pytest.approx(4.0 / 15.0)  # each met the other two's 4 minutes
    assert metrics.busiest_window.pressure == pytest.approx(0.4)


def test_same_customers_give_the_same_pressure_to_the_last_bit() -> None:
    rng = np.random.default_rng(3)
    arrivals = np.sort(rng.uniform(0, 600, 5000))
    service = rng.exponential(0.5, 5000)
    first = side_pressure(arrivals, service, [(0.0, 3)], 600.0, 15.0).pressure
    again = side_pressure(arrivals.copy(), service.copy(), [(0.0, 3)], 600.0, 15.0).pressure
    assert first == again


@pytest.mark.slow
@pytest.mark.parametrize(("rate_per_hour", "mean_service", "counters"), [(120.0, 1.5, 4), (6.0, 3.0, 1)])
def test_steady_poisson_pressure_is_the_load_whatever_the_crowd(
    rate_per_hour: float, mean_service: float, counters: int
) -> None:
    """Theory: each customer meets the work the others of their window asked for.
    Given N arrivals in the day, a window's count n is binomial (1/K of them, K
    windows), so E[sum_w n_w (n_w - 1)] = N (N - 1) / K, and with i.i.d. services
    of mean s the pressure sum_w (n_w - 1) S_w / (N c w) has mean s (N - 1) / (K c w).
    With N Poisson of mean mu, E[(N - 1) 1{N >= 1}] = mu - 1 + exp(-mu), so
    E[pressure] = rho (1 - (1 - exp(-mu)) / mu), rho = lambda s / (c w): the load,
    whether a window holds 30 customers or 1.5 (the old measure, counting one's
    own work too, tended to rho (1 + 1/lambda): 1.67 rho at 1.5 a window, which
    made the side with fewer customers read busier). Checked over the seeds with
    a 99% Student-t interval."""
    window, hours = 15.0, 16
    lam = rate_per_hour / 60.0 * window
    rho = lam * mean_service / (counters * window)
    mu = rate_per_hour * hours
    expected = 1 - (1 - math.exp(-mu)) / mu
    base = {
        "name": "steady",
        "hours": hours,
        "verdict": {"window_minutes": window},
        "selling": {
            "counters": counters,
            "arrivals": {"rate_per_hour": rate_per_hour},
            "service_minutes": {"distribution": "exponential", "mean": mean_service},
        },
        "collecting": {
            "counters": 1,
            "arrivals": {"total": 10},
            "service_minutes": {"distribution": "fixed", "value": 0.1},
        },
    }
    ratios = []
    for seed in range(40):
        scenario = Scenario.model_validate({**base, "seed": seed})
        metrics = side_metrics(simulate_day(scenario).selling, window_minutes=window)
        ratios.append(metrics.pressure / rho)
    mean = statistics.fmean(ratios)
    half = T_99_DF39 * statistics.stdev(ratios) / math.sqrt(len(ratios))
    assert mean - half <= expected <= mean + half, (mean, half, expected)
    assert not mean - half <= 1 + 1 / lam <= mean + half or lam > 20  # the old bias is out of the interval


def test_a_closed_window_counts_with_the_first_window_after_it_that_has_counters() -> None:
    """One counter, closed from minute 15 to 30 (a lunch closure). Window 1's
    two customers ask 3 min each with no counter open: their work waits for
    the reopening, so windows 1 and 2 count as one window of 15 counter-minutes
    whose three customers (window 2's asks 3 min) ask 9 min: 0.6 each, and
    each meets the others' 6 min, 0.4. Window 0: one customer, meeting nobody.
    Over the four: (0 x 0.2 + 2 x 0.6) / 4 = 0.3. Read as three windows, the
    closed one met 0 and the side looked calm (0.0 + 0 + 0) / 4."""
    steps = [(0.0, 1), (15.0, 0), (30.0, 1)]
    met = side_pressure(np.array([1.0, 16.0, 20.0, 31.0]), np.array([3.0, 3.0, 3.0, 3.0]), steps, 45.0, 15.0)
    assert met.window_pressure == pytest.approx((0.2, 0.6, 0.6))
    assert met.window_arrived == (1, 2, 1)
    assert met.pressure == pytest.approx(0.3)
    assert (met.busiest.from_minute, met.busiest.to_minute, met.busiest.arrived) == (15.0, 45.0, 3)
    assert met.busiest.pressure == pytest.approx(0.6)


def test_a_side_closed_now_in_a_day_being_played_counts_with_the_window_before() -> None:
    """Live, at minute 25, closed since minute 15 with no reopening known yet:
    the closure's customers meet the counters of the window before (15
    counter-minutes for 3 + 3 + 3 min), not a pressure of 0 (nor infinity)."""
    steps = [(0.0, 1), (15.0, 0)]
    met = side_pressure(np.array([1.0, 16.0, 20.0]), np.array([3.0, 3.0, 3.0]), steps, 45.0, 15.0, until_minute=25.0)
    assert met.window_pressure == pytest.approx((0.6, 0.6, 0.6))
    assert met.pressure == pytest.approx(2 * 0.6 / 3)


def test_a_side_that_never_closes_keeps_each_window_on_its_own() -> None:
    assert window_groups([(0.0, 1), (20.0, 3)], window_edges(60.0, 15.0)) == [(0, 0), (1, 1), (2, 2), (3, 3)]
    assert window_groups([(0.0, 0), (35.0, 2)], window_edges(60.0, 15.0)) == [(0, 2), (3, 3)]


def test_a_side_that_reopens_just_before_closing_meets_a_window_of_counters_from_the_reopening() -> None:
    """Closed from minute 15, reopened at 44 of a 45-minute day: the closure's
    work (3 + 3 + 3 min) is served by the one counter from minute 44 on, past
    closing. Counted over a window's length from the reopening (15
    counter-minutes), it is 0.6 as for a reopening at 30; over the reopening
    window's own single minute it read 9 (a trial's 36 for two hours' work)."""
    steps = [(0.0, 1), (15.0, 0), (44.0, 1)]
    met = side_pressure(np.array([1.0, 16.0, 20.0, 31.0]), np.array([3.0, 3.0, 3.0, 3.0]), steps, 45.0, 15.0)
    assert met.window_pressure == pytest.approx((0.2, 0.6, 0.6))
    assert reopening_minute(steps, 30.0) == 44.0
    assert reopening_minute([(0.0, 0)], 0.0) == math.inf


def test_a_day_being_played_in_a_closure_meets_the_counters_its_schedule_reopens_with() -> None:
    """Live at minute 10, closed since the opening, one counter planned from 20:
    the closure's customers (3 + 3 min) meet a window of that counter from the
    reopening, 15 counter-minutes (0.4, each meeting the other's 3 min: 0.2),
    not a pressure of 0 beside a growing line (a trial)."""
    steps = [(0.0, 0), (20.0, 1)]
    met = side_pressure(np.array([1.0, 6.0]), np.array([3.0, 3.0]), steps, 45.0, 15.0, until_minute=10.0)
    assert met.window_pressure[:2] == pytest.approx((0.4, 0.4))
    assert met.pressure == pytest.approx(0.2)
