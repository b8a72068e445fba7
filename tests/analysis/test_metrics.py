"""Metrics from records: hand-checked small days and laws that must hold."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theater_sim.analysis.metrics import side_metrics
from theater_sim.engine.simulation import simulate_side


def test_side_metrics_hand_checked_day() -> None:
    """Arrivals 0, 1, 2; 2 minutes each; one counter; doors open an hour.

    Starts 0, 2, 4; waits 0, 1, 2; the line holds one person after minutes 1
    and 2; 3 person-minutes of waiting over 60 minutes; 6 busy minutes.
    """
    metrics = side_metrics(simulate_side(1, 60.0, np.array([0.0, 1.0, 2.0]), np.array([2.0, 2.0, 2.0])))
    assert (metrics.arrived, metrics.served, metrics.still_in_line) == (3, 3, 0)
    assert metrics.wait_minutes.mean == pytest.approx(1.0)
    assert metrics.wait_minutes.p50 == pytest.approx(1.0)
    assert metrics.wait_minutes.max == pytest.approx(2.0)
    assert metrics.queue_length.mean == pytest.approx(3.0 / 60.0)
    assert metrics.queue_length.max == 1
    assert metrics.utilisation == pytest.approx(6.0 / 60.0)
    assert metrics.demand_ratio == pytest.approx(6.0 / 60.0)
    assert metrics.overtime_minutes == 0.0
    assert len(metrics.hourly) == 1
    row = metrics.hourly[0]
    assert (row.hour, row.arrived, row.served, row.max_queue, row.overtime) == (0, 3, 3, 1, False)
    assert row.mean_wait_minutes == pytest.approx(1.0)


def test_side_metrics_overtime_and_hourly_carry_over() -> None:
    """Doors open 60 minutes; 40 customers at minute 59, 3 minutes each, 2 counters.

    The last pair starts at 59 + 19*3 = 116 and leaves at 119: 59 minutes of
    overtime; hour 1 is overtime and begins with 40 - 2*1 - 2 ... people in line.
    """
    arrivals = np.full(40, 59.0)
    metrics = side_metrics(simulate_side(2, 60.0, arrivals, np.full(40, 3.0)))
    assert metrics.overtime_minutes == pytest.approx(59.0)
    assert [row.overtime for row in metrics.hourly] == [False, True]
    assert metrics.hourly[0].max_queue == 38
    assert metrics.hourly[0].served == 0
    assert metrics.hourly[1].served == 40
    # At minute 60 two are at counters (since 59), 38 still wait.
    assert metrics.hourly[1].max_queue == 38
    assert metrics.hourly[1].arrived == 0
    assert metrics.demand_ratio == pytest.approx(120.0 / 120.0)
    assert metrics.utilisation == pytest.approx(120.0 / (2 * 119.0))


def test_side_metrics_empty_side() -> None:
    metrics = side_metrics(simulate_side(2, 60.0, np.array([]), np.array([])))
    assert metrics.arrived == 0
    assert metrics.wait_minutes.max == 0.0
    assert metrics.queue_length.max == 0
    assert metrics.utilisation == 0.0
    assert len(metrics.hourly) == 1


@given(
    st.integers(1, 4),
    st.lists(st.floats(0, 180, allow_nan=False), max_size=80),
    st.floats(0.1, 10),
)
@settings(max_examples=150, deadline=None)
def test_side_metrics_laws(counters: int, moments: list[float], service: float) -> None:
    """Hourly arrivals and departures add up to the day's; the max line is the
    max of the hourly max lines; utilisation never exceeds 1; the time-average
    line equals total waiting over the span (Little's law on the area)."""
    arrivals = np.sort(np.array(moments, dtype=float))
    metrics = side_metrics(simulate_side(counters, 180.0, arrivals, np.full(len(arrivals), service)))
    assert sum(row.arrived for row in metrics.hourly) == metrics.arrived
    assert sum(row.served for row in metrics.hourly) == metrics.served
    assert max(row.max_queue for row in metrics.hourly) == metrics.queue_length.max
    assert 0.0 <= metrics.utilisation <= 1.0 + 1e-12
    span = 180.0 + metrics.overtime_minutes
    assert metrics.queue_length.mean * span == pytest.approx(metrics.wait_minutes.mean * metrics.served, abs=1e-9)
    assert metrics.wait_minutes.p50 <= metrics.wait_minutes.p95 <= metrics.wait_minutes.p99 <= metrics.wait_minutes.max


def test_long_overtime_is_summed_into_a_last_row() -> None:
    """2,000 customers of 1,440 minutes on one counter: 2,000 days of overtime, but
    the hourly table stops at 48 overtime rows, the last holding the rest."""
    metrics = side_metrics(simulate_side(1, 60.0, np.linspace(0, 59, 2000), np.full(2000, 1440.0)))
    assert len(metrics.hourly) == 1 + 48
    assert metrics.hourly[-1].until_end
    assert not any(row.until_end for row in metrics.hourly[:-1])
    assert sum(row.served for row in metrics.hourly) == 2000
    assert metrics.hourly[-1].counters_on_duty == pytest.approx(1.0)


def test_a_closed_hour_s_work_waits_for_the_hour_that_reopens() -> None:
    """One counter, closed 60-120 (lunch) of a three-hour day. Customers at
    10 and 70, 75 ask 5 min each; the closed hour's two wait for the
    reopening and are served from minute 120, so the hour that reopens meets
    their 10 min with its own customer's 5 over its 60 counter-minutes: 0.25
    for both hours (the closed hour read 0, beside a line of two). Hour 0
    keeps its own 5 / 60. The side's ten-minute wait is the closure's."""
    records = simulate_side(
        1,
        180.0,
        np.array([10.0, 70.0, 75.0, 130.0]),
        np.array([5.0, 5.0, 5.0, 5.0]),
        schedule=[(0.0, 1), (60.0, 0), (120.0, 1)],
    )
    metrics = side_metrics(records, window_minutes=60.0)
    assert [row.pressure for row in metrics.hourly] == pytest.approx([5 / 60, 15 / 60, 15 / 60])
    assert [row.counters_on_duty for row in metrics.hourly] == pytest.approx([1.0, 0.0, 1.0])
    assert list(np.asarray(records.service_start_at_minute)) == [10.0, 120.0, 125.0, 130.0]
    assert metrics.pressure == pytest.approx((0 + 2 * 15 / 60) / 4)
