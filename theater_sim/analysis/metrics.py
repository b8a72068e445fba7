"""From what happened to each customer to what a manager reads.

Given one side's records (arrival, service start, service time, how each
customer left the line, counters open over time), these pure functions compute
the waits, how long the line got, who walked away, how busy the counters were,
what the staffing cost, how much overtime closing took and the same by hour.
Everything is computed after the day from the records, so the simulation
itself carries no bookkeeping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from theater_sim.analysis.counter_time import counter_time
from theater_sim.analysis.failures import failed_mask, lost_mask, missed_start_mask
from theater_sim.analysis.hourly import HourRow, PeriodRow, hourly_rows, line_after_each_join, schedule_periods
from theater_sim.analysis.pressure import WindowPressure, side_pressure
from theater_sim.analysis.verdict import MIN_FAILED
from theater_sim.engine.autoscaler import CapacityChange
from theater_sim.engine.records import BALKED, RENEGED, SideRecords
from theater_sim.model.clock import MINUTES_PER_HOUR
from theater_sim.model.scenario import DEFAULT_LONG_WAIT_MINUTES

__all__ = ["QueueStats", "SideMetrics", "WaitStats", "side_metrics"]

#: Hourly rows after closing; a longer overtime is summed into the last row.
MAX_OVERTIME_ROWS = 48


@dataclass(frozen=True)
class WaitStats:
    """Minutes served customers stood in line before reaching a counter."""

    mean: float
    p50: float
    p95: float
    p99: float
    max: float
    #: The wait the verdict weighs: the p95, or where that is longer, the fifth-longest
    #: time in line of those who joined it, served or not (``weighed_wait``).
    weighed: float


@dataclass(frozen=True)
class QueueStats:
    """People waiting in line (not counting those at a counter)."""

    mean: float
    max: int


@dataclass(frozen=True)
class SideMetrics:
    """Everything reported about one side of one day."""

    counters: int
    arrived: int
    served: int
    balked: int
    reneged: int
    wait_minutes: WaitStats
    queue_length: QueueStats
    utilisation: float
    demand_ratio: float
    pressure: float
    busiest_window: WindowPressure
    overtime_minutes: float
    counter_hours: float
    service_minutes_demanded: float
    counter_minutes_available: float
    in_line_at_close: int
    in_service_at_close: int
    still_in_line: int
    missed_showtime_start: int
    failed: int
    lost: int
    capacity_changes: tuple[CapacityChange, ...]
    hourly: tuple[HourRow, ...]
    periods: tuple[PeriodRow, ...] = ()
    window_pressure: tuple[float, ...] = ()
    window_arrived: tuple[int, ...] = ()

    @property
    def abandon_rate(self) -> float:
        """Share of arrivals who walked away (balked or reneged)."""
        return (self.balked + self.reneged) / self.arrived if self.arrived else 0.0

    @property
    def failed_share(self) -> float:
        """Share of arrivals the side failed (``failed``)."""
        return self.failed / self.arrived if self.arrived else 0.0


def side_metrics(
    records: SideRecords,
    opens: str = "00:00",
    showing_starts_at_minute: tuple[float, ...] = (),
    window_minutes: float = 15.0,
    long_wait_minutes: float = DEFAULT_LONG_WAIT_MINUTES,
) -> SideMetrics:
    """Summarise one side's day.

    The working span runs from opening until the doors close or the last
    customer leaves, whichever is later. The time-average line is the total
    person-minutes spent in line (the area under the line-length curve)
    divided by the span. Utilisation divides busy counter-minutes by
    counter-minutes on duty. The demand ratio (pressure) divides the service
    minutes all arrivals asked for by the counter-minutes open while the
    doors were open; ``pressure`` is the pressure as customers met it, in
    windows of ``window_minutes`` (see ``pressure``). ``failed`` counts the
    customers the side failed (``failures``: walked away, waited longer than
    ``long_wait_minutes``, or missed their film's start), ``lost`` those of
    them who walked away or missed their film (not served late, but not served).
    """
    waits = records.wait_minutes
    departures = records.departure_at_minute
    last_departure = float(departures.max()) if len(departures) else 0.0
    span_minutes = max(records.open_minutes, last_departure)
    open_hours = math.ceil(records.open_minutes / MINUTES_PER_HOUR)
    hours = min(max(1, math.ceil(span_minutes / MINUTES_PER_HOUR)), open_hours + MAX_OVERTIME_ROWS)
    staffing = counter_time(records, span_minutes, hours)
    demanded = float(records.service_minutes.sum())
    busy = float(records.service_minutes[records.served_mask].sum())
    on_duty = float(staffing.on_duty_by_hour.sum())
    balked, reneged = records.count(BALKED), records.count(RENEGED)
    line_after_join = line_after_each_join(records)
    failed = failed_mask(records, long_wait_minutes, showing_starts_at_minute)
    lost = lost_mask(records, showing_starts_at_minute)
    met = side_pressure(
        records.arrival_at_minute,
        records.service_minutes,
        [(change.at_minute, change.counters) for change in records.capacity_changes],
        records.open_minutes,
        window_minutes,
    )
    return SideMetrics(
        counters=records.counters,
        arrived=records.arrived,
        served=records.served,
        balked=balked,
        reneged=reneged,
        wait_minutes=_wait_stats(waits, records.left_line_at_minute - records.arrival_at_minute),
        queue_length=QueueStats(
            mean=(
                float(np.nansum(records.left_line_at_minute - records.arrival_at_minute))
                - len(records.away_at_minute) * records.away_minutes  # turned away: out of the line meanwhile
            )
            / span_minutes,
            max=int(line_after_join[1].max(initial=0)),
        ),
        utilisation=busy / on_duty if on_duty else 0.0,
        demand_ratio=demanded / staffing.open_while_doors_open,
        pressure=met.pressure,
        busiest_window=met.busiest,
        overtime_minutes=max(0.0, last_departure - records.open_minutes),
        counter_hours=on_duty / MINUTES_PER_HOUR,
        service_minutes_demanded=demanded,
        counter_minutes_available=staffing.open_while_doors_open,
        in_line_at_close=records.in_line_at_close,
        in_service_at_close=records.in_service_at_close,
        still_in_line=records.arrived - records.served - balked - reneged,
        missed_showtime_start=int(missed_start_mask(records, showing_starts_at_minute).sum()),
        failed=int(failed.sum()),
        lost=int(lost.sum()),
        # An autoscaler still closes idle counters after the last customer left; the
        # side's day (and its counter-hours) ended then, so those moves are not kept.
        capacity_changes=tuple(change for change in records.capacity_changes if change.at_minute <= span_minutes),
        hourly=hourly_rows(records, staffing, line_after_join, failed, span_minutes, hours, opens, lost),
        periods=schedule_periods(records, opens, failed),
        window_pressure=met.window_pressure,
        window_arrived=met.window_arrived,
    )


def _wait_stats(waits: np.ndarray, in_line_minutes: np.ndarray) -> WaitStats:
    """The served customers' ``waits``, and the verdict's weighed wait, which
    also reads ``in_line_minutes``: each customer's time in line (NaN: never joined)."""
    if len(waits) == 0:
        return WaitStats(mean=0.0, p50=0.0, p95=0.0, p99=0.0, max=0.0, weighed=0.0)
    p50, p95, p99 = np.quantile(waits, [0.5, 0.95, 0.99])
    return WaitStats(
        mean=float(waits.mean()),
        p50=float(p50),
        p95=float(p95),
        p99=float(p99),
        max=float(waits.max()),
        weighed=weighed_wait(float(p95), in_line_minutes),
    )


def weighed_wait(p95: float, in_line_minutes: np.ndarray) -> float:
    """The wait the verdict weighs: the served customers' ``p95``, but no longer
    than ``MIN_FAILED`` (five) customers stood in line, served or not
    (``in_line_minutes``: each one's time in line; NaN for those who never
    joined it). The p95 of a quiet side's 37 buyers is its second-longest
    wait, two buyers who each found one other being served: their luck, not
    the side's demand (a trial's quiet day was named for it, at a pressure of
    0.06 and a longest line of one). A side's waits name it only as far as five
    of its customers waited, as its failures do only when five were failed.
    Those who gave up count as long as they stood (a review: a side of 5
    served and 27 walking away after an hour weighed 0 if only the served
    counted). With 81 served or more the p95 is never longer (its
    interpolated rank, 0.95 (n - 1), is at most the fifth-longest's, n - 5)."""
    stood = in_line_minutes[~np.isnan(in_line_minutes)]
    if len(stood) < MIN_FAILED:
        return 0.0
    fifth_longest = float(np.partition(stood, len(stood) - MIN_FAILED)[len(stood) - MIN_FAILED])
    return min(p95, fifth_longest)
