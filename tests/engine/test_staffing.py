"""Counter schedules and autoscaling: exact logs and the rules they must keep."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from theater_sim.analysis.metrics import side_metrics
from theater_sim.engine.records import SideRecords
from theater_sim.engine.simulation import simulate_side
from theater_sim.model.counter_settings import Autoscale


def _busy_before_each_start(records: SideRecords) -> tuple[np.ndarray, np.ndarray]:
    """Counters busy just before each service start, and counters open at that moment."""
    served = records.served_mask
    starts = records.service_start_at_minute[served]
    departures = starts + records.service_minutes[served]
    busy = np.array(
        [
            int(((starts < s) & (departures > s)).sum()) + int(((starts == s) & (np.arange(len(starts)) < i)).sum())
            for i, s in enumerate(starts)
        ]
    )
    change_at = np.array([c.at_minute for c in records.capacity_changes])
    change_to = np.array([c.counters for c in records.capacity_changes])
    opened = change_to[np.searchsorted(change_at, starts, side="right") - 1]
    return busy, opened


def test_schedule_exact_log() -> None:
    """One counter until minute 10, then two: the queue of five at minute 0 (3 minutes each)
    is served 0, 3, 6, 9 on counter one; at 10 the second counter takes the last."""
    records = simulate_side(1, 60.0, np.zeros(5), np.full(5, 3.0), schedule=[(0.0, 1), (10.0, 2)])
    np.testing.assert_array_equal(records.service_start_at_minute, [0.0, 3.0, 6.0, 9.0, 10.0])


def test_closing_counter_finishes_its_customer() -> None:
    """Two counters until minute 1, then one: both customers in service at minute 1 are finished;
    the third waits until both have left (no new start while busy >= open)."""
    records = simulate_side(2, 60.0, np.zeros(3), np.array([4.0, 5.0, 1.0]), schedule=[(0.0, 2), (1.0, 1)])
    np.testing.assert_array_equal(records.service_start_at_minute, [0.0, 0.0, 5.0])
    metrics = side_metrics(records)
    # On duty: both counters until minute 4 (one is closing but busy), then one to minute 60.
    assert metrics.counter_hours * 60 == 2 * 4.0 + 1 * 56.0


@given(
    st.lists(st.floats(0, 100), min_size=1, max_size=60),
    st.lists(st.tuples(st.floats(1, 100), st.integers(1, 4)), max_size=5),
    st.sampled_from([0.5, 2.0, 7.0]),
)
@settings(max_examples=150, deadline=None)
def test_schedule_never_starts_a_customer_beyond_open_counters(
    moments: list[float], steps: list[tuple[float, int]], service: float
) -> None:
    """Whatever the schedule, a service starts only when fewer counters are busy
    than are open; utilisation never exceeds the counters on duty."""
    schedule = [(0.0, 2), *sorted({round(at, 3): count for at, count in steps}.items())]
    arrivals = np.sort(np.array(moments))
    records = simulate_side(2, 100.0, arrivals, np.full(len(arrivals), service), schedule=schedule)
    busy, opened = _busy_before_each_start(records)
    assert (busy < opened).all()
    metrics = side_metrics(records)
    assert metrics.utilisation <= 1.0 + 1e-9
    for row in metrics.hourly:
        assert row.counters_on_duty >= 1.0 - 1e-9


SCALE = Autoscale.model_validate(
    {
        "min": 1,
        "max": 3,
        "open_when_line_over": 5,
        "for_minutes": 3.0,
        "opening_delay_minutes": 2.0,
        "close_when_idle_minutes": 4.0,
    }
)


def test_autoscale_opens_after_its_delay_exact() -> None:
    """30 people at minute 10 (line 29 > 5): the policy decides at 13 (3 minutes
    later), the counter opens at 15 (2 minutes' delay); the line is still long at
    16, so a third counter opens at 18; never a fourth (max 3)."""
    arrivals = np.concatenate([[0.0], np.full(30, 10.0)])
    records = simulate_side(1, 60.0, arrivals, np.full(31, 1.0), autoscale=SCALE)
    opened = [(c.at_minute, c.counters) for c in records.capacity_changes if "long" in c.reason]
    assert opened == [(15.0, 2), (18.0, 3)]
    assert max(c.counters for c in records.capacity_changes) == 3


def test_autoscale_closes_idle_counters_down_to_min() -> None:
    arrivals = np.concatenate([[0.0], np.full(30, 10.0)])
    records = simulate_side(1, 60.0, arrivals, np.full(31, 1.0), autoscale=SCALE)
    closes = [c for c in records.capacity_changes if "idle" in c.reason]
    assert closes, "idle counters were never closed"
    assert records.capacity_changes[-1].counters == 1
    assert min(c.counters for c in records.capacity_changes) >= 1


def test_counter_changes_after_the_last_customer_left_are_not_reported() -> None:
    """A rush just before closing opens counters; the autoscaler then closes the
    idle ones one by one, past closing, when nobody is left (a trial saw closes at
    22:12 to 23:12 after a 22:00 close with 0.6 minutes of overtime). The side's
    day, and its counter-hours, end with its last customer: so do its changes."""
    arrivals = np.concatenate([np.linspace(0.0, 55.0, 12), np.full(30, 55.0)])
    records = simulate_side(1, 60.0, arrivals, np.full(len(arrivals), 1.0), autoscale=SCALE)
    assert max(c.at_minute for c in records.capacity_changes) > 70  # the engine's own log runs on
    metrics = side_metrics(records)
    span = max(60.0, float(records.departure_at_minute.max()))
    assert metrics.capacity_changes
    assert all(change.at_minute <= span for change in metrics.capacity_changes)


@given(st.lists(st.floats(0, 200), max_size=120), st.sampled_from([0.3, 1.0, 4.0]))
@settings(max_examples=100, deadline=None)
def test_autoscale_stays_within_bounds_and_ends(moments: list[float], service: float) -> None:
    """Counters stay within min..max, every opening comes at least for + delay
    minutes after the day began, and the day ends (no timer ticks forever)."""
    arrivals = np.sort(np.array(moments))
    records = simulate_side(1, 200.0, arrivals, np.full(len(arrivals), service), autoscale=SCALE)
    counts = [c.counters for c in records.capacity_changes]
    assert 1 <= min(counts) <= max(counts) <= 3
    for change in records.capacity_changes:
        if "long" in change.reason:
            assert change.at_minute >= SCALE.for_minutes + SCALE.opening_delay_minutes
    busy, opened = _busy_before_each_start(records)
    assert (busy < opened).all()
