"""The SimPy day: exact small days, an independent FIFO oracle, and properties."""

from __future__ import annotations

import heapq

import numpy as np
import pytest
from helpers import scenario_dict
from hypothesis import given, settings
from hypothesis import strategies as st

from theater_sim.engine.day_plan import simulate_day
from theater_sim.engine.records import BALKED, SERVED
from theater_sim.engine.simulation import simulate_side
from theater_sim.model.scenario import Scenario


def _fifo_oracle(counters: int, arrivals: np.ndarray, services: np.ndarray) -> np.ndarray:
    """Service starts of a FIFO c-server line, by the textbook recursion.

    Written independently of SimPy: the next customer in line takes the
    counter that frees up first, no earlier than their own arrival.
    """
    free_at = [0.0] * counters
    starts = []
    for arrival, service in zip(arrivals.tolist(), services.tolist(), strict=True):
        earliest = heapq.heappop(free_at)
        start = max(arrival, earliest)
        starts.append(start)
        heapq.heappush(free_at, start + service)
    return np.array(starts)


def test_simulate_side_one_counter_exact_log() -> None:
    """Three customers a minute apart, 2 minutes each, one counter: starts 0, 2, 4."""
    records = simulate_side(1, 60.0, np.array([0.0, 1.0, 2.0]), np.array([2.0, 2.0, 2.0]))
    np.testing.assert_array_equal(records.service_start_at_minute, [0.0, 2.0, 4.0])
    np.testing.assert_array_equal(records.wait_minutes, [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(records.departure_at_minute, [2.0, 4.0, 6.0])


def test_simulate_side_two_counters_exact_log() -> None:
    """Two counters: the third customer takes whichever counter frees first."""
    records = simulate_side(2, 60.0, np.array([0.0, 0.5, 1.0, 1.5]), np.array([3.0, 1.0, 1.0, 1.0]))
    # counter A: 0 -> 3; counter B: 0.5 -> 1.5, then customer 3 at 1.5 -> 2.5; customer 4 at 2.5.
    np.testing.assert_array_equal(records.service_start_at_minute, [0.0, 0.5, 1.5, 2.5])


def test_simulate_side_snapshot_at_closing() -> None:
    """Doors shut at minute 3: one customer at the counter, one still in line, all served later."""
    records = simulate_side(1, 3.0, np.array([0.0, 1.0, 2.0]), np.array([2.0, 2.0, 2.0]))
    assert (records.in_service_at_close, records.in_line_at_close) == (1, 1)
    assert records.served == records.arrived == 3
    assert records.departure_at_minute.max() == 6.0


def test_simulate_side_no_customers() -> None:
    records = simulate_side(3, 60.0, np.array([]), np.array([]))
    assert records.arrived == records.served == 0


@st.composite
def small_days(draw: st.DrawFn) -> tuple[int, np.ndarray, np.ndarray]:
    counters = draw(st.integers(1, 5))
    n = draw(st.integers(0, 60))
    moments = st.floats(0, 100, allow_nan=False, allow_infinity=False)
    arrivals = np.sort(np.array(draw(st.lists(moments, min_size=n, max_size=n)), dtype=float))
    # Tied arrival moments and whole-number services make simultaneous events common.
    services = np.array(
        draw(st.lists(st.sampled_from([0.5, 1.0, 2.0, 3.25, 7.0]), min_size=n, max_size=n)), dtype=float
    )
    return counters, arrivals, services


@given(small_days())
@settings(max_examples=300, deadline=None)
def test_simulate_side_matches_fifo_oracle(day: tuple[int, np.ndarray, np.ndarray]) -> None:
    """Every service start equals the textbook FIFO c-server recursion's, to the bit."""
    counters, arrivals, services = day
    records = simulate_side(counters, 100.0, arrivals, services)
    # SimPy's clock is the running sum of gaps; the oracle gets the same moments.
    np.testing.assert_array_equal(
        records.service_start_at_minute, _fifo_oracle(counters, records.arrival_at_minute, services)
    )


@given(small_days())
@settings(max_examples=200, deadline=None)
def test_simulate_side_properties(day: tuple[int, np.ndarray, np.ndarray]) -> None:
    """Waits >= 0; FIFO; never more busy counters than counters; nobody waits while one is idle;
    everyone who arrived is served, and at closing arrived = served + at a counter + in line."""
    counters, arrivals, services = day
    records = simulate_side(counters, 50.0, arrivals, services)
    starts, departures = records.service_start_at_minute, records.departure_at_minute
    assert (records.wait_minutes >= 0).all()
    assert (np.diff(starts) >= 0).all()
    for moment in np.concatenate([starts, records.arrival_at_minute]):
        busy = int(((starts <= moment) & (departures > moment)).sum())
        assert busy <= counters
    for arrival, start in zip(records.arrival_at_minute, starts, strict=True):
        if start > arrival:
            busy_on_arrival = int(((starts <= arrival) & (departures > arrival)).sum())
            assert busy_on_arrival == counters
    assert records.served == records.arrived
    served_by_close = int((departures <= 50.0).sum())
    arrived_by_close = int((records.arrival_at_minute <= 50.0).sum())
    assert served_by_close + records.in_service_at_close + records.in_line_at_close == arrived_by_close


def test_simulate_day_is_deterministic() -> None:
    scenario = Scenario.model_validate(scenario_dict())
    first, second = simulate_day(scenario), simulate_day(scenario)
    for side in ("selling", "collecting"):
        np.testing.assert_array_equal(
            first.side(side).service_start_at_minute, second.side(side).service_start_at_minute
        )


def test_simulate_day_seed_changes_customers() -> None:
    first = simulate_day(Scenario.model_validate(scenario_dict(seed=1)))
    second = simulate_day(Scenario.model_validate(scenario_dict(seed=2)))
    assert not np.array_equal(first.selling.arrival_at_minute, second.selling.arrival_at_minute)


@pytest.mark.parametrize(("sellers", "collectors"), [(1, 1), (4, 1), (1, 3), (7, 9)])
def test_simulate_day_common_random_numbers(sellers: int, collectors: int) -> None:
    """Scaling either side changes neither side's customers (arrivals and service times)."""
    base = simulate_day(Scenario.model_validate(scenario_dict()))
    scaled = simulate_day(Scenario.model_validate(scenario_dict()).overridden(sellers=sellers, collectors=collectors))
    for side in ("selling", "collecting"):
        np.testing.assert_array_equal(base.side(side).arrival_at_minute, scaled.side(side).arrival_at_minute)
        np.testing.assert_array_equal(base.side(side).service_minutes, scaled.side(side).service_minutes)
    if collectors == 1:
        np.testing.assert_array_equal(
            base.collecting.service_start_at_minute, scaled.collecting.service_start_at_minute
        )


@given(st.integers(0, 2**63 - 1))
@settings(max_examples=25, deadline=None)
def test_simulate_day_total_arrivals_exact_and_inside_day(seed: int) -> None:
    records = simulate_day(Scenario.model_validate(scenario_dict(seed=seed)))
    assert records.selling.arrived == 100
    for side in ("selling", "collecting"):
        arrivals = records.side(side).arrival_at_minute
        assert (arrivals >= 0).all()
        assert (arrivals <= 120.0).all()
        assert (np.diff(arrivals) >= 0).all()


def test_simultaneous_departure_and_arrival_run_in_scheduling_order() -> None:
    """README's fine print: same-minute events run in the order they were scheduled.

    One counter, loss system (balk_at_line 0), a customer at the counter from
    minute 0 to 2. An arrival at minute 2 scheduled after that departure (its
    predecessor arrived at minute 1) finds the counter free; one scheduled
    before it (its predecessor is the customer of minute 0) finds it busy."""
    later = simulate_side(1, 10.0, np.array([0.0, 1.0, 2.0]), np.array([2.0, 0.5, 1.0]), balk_at_line=0)
    assert later.outcome.tolist() == [SERVED, BALKED, SERVED]
    assert later.service_start_at_minute[2] == 2.0
    earlier = simulate_side(1, 10.0, np.array([0.0, 2.0]), np.array([2.0, 1.0]), balk_at_line=0)
    assert earlier.outcome.tolist() == [SERVED, BALKED]


def test_patience_running_out_as_the_counter_frees_loses() -> None:
    """A holder whose patience ends at the minute their counter frees is served."""
    records = simulate_side(
        1, 10.0, np.array([0.0, 0.5]), np.array([2.0, 1.0]), patience_minutes=np.array([100.0, 1.5])
    )
    assert records.outcome.tolist() == [SERVED, SERVED]
    assert records.service_start_at_minute[1] == 2.0


def test_a_closing_counter_is_the_first_to_come_free() -> None:
    """README's fine print: lowering the count closes whichever counters free up first;
    no one is interrupted and the next customer takes the lowest-numbered free counter."""
    records = simulate_side(
        3,
        20.0,
        np.array([0.0, 0.0, 0.0, 1.0, 1.0]),
        np.array([5.0, 3.0, 4.0, 2.0, 2.0]),
        schedule=[(0.0, 3), (0.5, 1)],
    )
    # Counters 1-3 serve until 5, 3 and 4. With one counter left, counter 2 (free at 3)
    # and counter 3 (free at 4) close; counter 1 stays, so the line waits for minute 5.
    assert records.counter.tolist()[:3] == [1, 2, 3]
    assert records.service_start_at_minute[3:].tolist() == [5.0, 7.0]
    assert records.counter.tolist()[3:] == [1, 1]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_garbage_collector_is_paused_during_a_run_and_restored(enabled: bool) -> None:
    """The day runs with the cyclic collector off (it rescanned overloaded lines
    over and over); whatever its state before, it is the same after."""
    import gc

    import simpy

    from theater_sim.engine.simulation import run_environment

    seen: list[bool] = []
    env = simpy.Environment()
    env.timeout(1.0).callbacks.append(lambda _event: seen.append(gc.isenabled()))
    (gc.enable if enabled else gc.disable)()
    try:
        run_environment(env)
        assert seen == [False]
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
