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

from theater_sim.analysis.counter_time import CounterTime, counter_time
from theater_sim.analysis.pressure import WindowPressure, side_pressure
from theater_sim.engine.autoscaler import CapacityChange
from theater_sim.engine.simulation import BALKED, RENEGED, SERVED, SideRecords
from theater_sim.model.clock import clock_label

__all__ = ["HourRow", "PeriodRow", "QueueStats", "SideMetrics", "WaitStats", "line_at", "side_metrics"]

MINUTES_PER_HOUR = 60.0
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


@dataclass(frozen=True)
class QueueStats:
    """People waiting in line (not counting those at a counter)."""

    mean: float
    max: int


@dataclass(frozen=True)
class HourRow:
    """One hour of one side; ``hour`` 0 is the first hour after opening.

    ``mean_wait_minutes`` is over served customers who arrived in that hour (0
    when none did); ``served`` counts customers who left a counter in that
    hour; ``counters_on_duty`` is the hour's time-average; ``pressure`` the
    service minutes its arrivals asked for over the counter-minutes open.
    ``until_end`` marks a last row that also holds every later hour (an
    overtime longer than ``MAX_OVERTIME_ROWS`` hours).
    """

    hour: int
    clock: str
    arrived: int
    served: int
    mean_wait_minutes: float
    max_queue: int
    balked: int
    reneged: int
    counters_on_duty: float
    pressure: float
    overtime: bool
    until_end: bool = False


@dataclass(frozen=True)
class PeriodRow:
    """One period of a counter schedule: its customers' waits and walk-aways.

    Customers belong to the period in which they arrived.
    """

    from_minute: float
    clock: str
    counters: int
    arrived: int
    mean_wait_minutes: float
    p95_wait_minutes: float
    abandon_rate: float


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
    capacity_changes: tuple[CapacityChange, ...]
    hourly: tuple[HourRow, ...]
    periods: tuple[PeriodRow, ...] = ()
    window_pressure: tuple[float, ...] = ()
    window_arrived: tuple[int, ...] = ()

    @property
    def abandon_rate(self) -> float:
        """Share of arrivals who walked away (balked or reneged)."""
        return (self.balked + self.reneged) / self.arrived if self.arrived else 0.0


def side_metrics(
    records: SideRecords,
    opens: str = "00:00",
    showing_starts_at_minute: tuple[float, ...] = (),
    window_minutes: float = 15.0,
) -> SideMetrics:
    """Summarise one side's day.

    The working span runs from opening until the doors close or the last
    customer leaves, whichever is later. The time-average line is the total
    person-minutes spent in line (the area under the line-length curve)
    divided by the span. Utilisation divides busy counter-minutes by
    counter-minutes on duty. The demand ratio (pressure) divides the service
    minutes all arrivals asked for by the counter-minutes open while the
    doors were open; ``pressure`` is the pressure as customers met it, in
    windows of ``window_minutes`` (see ``pressure``).
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
    line_after_join = _line_after_each_join(records)
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
        wait_minutes=_wait_stats(waits),
        queue_length=QueueStats(
            mean=float(np.nansum(records.left_line_at_minute - records.arrival_at_minute)) / span_minutes,
            max=int(line_after_join.max(initial=0)),
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
        missed_showtime_start=_missed_starts(records, showing_starts_at_minute),
        capacity_changes=records.capacity_changes,
        hourly=_hourly_rows(records, staffing, line_after_join, span_minutes, hours, opens),
        periods=_schedule_periods(records, opens),
        window_pressure=met.window_pressure,
        window_arrived=met.window_arrived,
    )


def _wait_stats(waits: np.ndarray) -> WaitStats:
    if len(waits) == 0:
        return WaitStats(mean=0.0, p50=0.0, p95=0.0, p99=0.0, max=0.0)
    p50, p95, p99 = np.quantile(waits, [0.5, 0.95, 0.99])
    return WaitStats(mean=float(waits.mean()), p50=float(p50), p95=float(p95), p99=float(p99), max=float(waits.max()))


def _line_after_each_join(records: SideRecords) -> np.ndarray:
    """People in line just after each customer joins it: joined so far minus left so far.

    The line only grows when someone joins, so its maximum over any stretch
    of time is at one of those moments (or at the stretch's start).
    """
    joined, left = _joined_and_left(records)
    line: np.ndarray = np.searchsorted(left, joined, side="right")
    np.subtract(np.arange(1, len(joined) + 1), line, out=line)
    return line


def _joined_and_left(records: SideRecords) -> tuple[np.ndarray, np.ndarray]:
    """Arrival moments of those who joined the line, and the sorted moments people left it."""
    if records.count(BALKED) == 0:
        joined, left = records.arrival_at_minute, records.left_line_at_minute
    else:
        joined_mask = records.outcome != BALKED
        joined, left = records.arrival_at_minute[joined_mask], records.left_line_at_minute[joined_mask]
    return joined, np.sort(left)


def line_at(records: SideRecords, moments: np.ndarray) -> np.ndarray:
    """People in line at each of the given moments."""
    joined, left = _joined_and_left(records)
    line: np.ndarray = np.searchsorted(joined, moments, side="right") - np.searchsorted(left, moments, side="right")
    return line


def _missed_starts(records: SideRecords, showing_starts_at_minute: tuple[float, ...]) -> int:
    """Holders still in line (or not yet at a counter) when their showing began."""
    if not showing_starts_at_minute:
        return 0
    has_showing = (records.showing >= 0) & (records.outcome != BALKED)
    starts = np.asarray(showing_starts_at_minute)[records.showing[has_showing]]
    return int((records.left_line_at_minute[has_showing] > starts).sum())


def _hourly_rows(
    records: SideRecords,
    staffing: CounterTime,
    line_after_join: np.ndarray,
    span_minutes: float,
    hours: int,
    opens: str,
) -> tuple[HourRow, ...]:
    arrival_hour = (records.arrival_at_minute // MINUTES_PER_HOUR).astype(np.int32)
    served = records.served_mask
    departure_hour = np.minimum(records.departure_at_minute // MINUTES_PER_HOUR, hours - 1).astype(np.int32)
    arrived = np.bincount(arrival_hour, minlength=hours)
    left_counter = np.bincount(departure_hour, minlength=hours)
    waited = np.bincount(arrival_hour[served], weights=records.wait_minutes, minlength=hours)
    waited_count = np.bincount(arrival_hour[served], minlength=hours)
    demanded = np.bincount(arrival_hour, weights=records.service_minutes, minlength=hours)
    balked = np.bincount(arrival_hour[records.outcome == BALKED], minlength=hours)
    reneged = np.bincount(arrival_hour[records.outcome == RENEGED], minlength=hours)
    max_queue = line_at(records, np.arange(hours) * MINUTES_PER_HOUR).astype(np.int64)
    joined_hour = arrival_hour[records.outcome != BALKED]
    np.maximum.at(max_queue, joined_hour, line_after_join)
    open_hours = math.ceil(records.open_minutes / MINUTES_PER_HOUR)
    # The last row may be cut short, or hold all the rest of a long overtime.
    hour_minutes = np.minimum(MINUTES_PER_HOUR, span_minutes - np.arange(hours) * MINUTES_PER_HOUR)
    hour_minutes[-1] = span_minutes - (hours - 1) * MINUTES_PER_HOUR
    until_end = bool(hour_minutes[-1] > MINUTES_PER_HOUR)
    return tuple(
        HourRow(
            hour=hour,
            clock=clock_label(hour * MINUTES_PER_HOUR, opens),
            arrived=int(arrived[hour]),
            served=int(left_counter[hour]),
            mean_wait_minutes=float(waited[hour] / waited_count[hour]) if waited_count[hour] else 0.0,
            max_queue=int(max_queue[hour]),
            balked=int(balked[hour]),
            reneged=int(reneged[hour]),
            counters_on_duty=float(staffing.on_duty_by_hour[hour] / hour_minutes[hour])
            if hour_minutes[hour] > 0
            else 0.0,
            pressure=float(demanded[hour] / staffing.open_by_hour[hour]) if staffing.open_by_hour[hour] else 0.0,
            overtime=hour >= open_hours,
            until_end=until_end and hour == hours - 1,
        )
        for hour in range(hours)
    )


def _schedule_periods(records: SideRecords, opens: str) -> tuple[PeriodRow, ...]:
    """Per-period waits for a side that follows a counter schedule (else empty)."""
    steps = [c for c in records.capacity_changes if c.reason in {"opening", "schedule"}]
    if len(steps) < 2:
        return ()
    bounds = [c.at_minute for c in steps] + [np.inf]
    rows = []
    for step, start, end in zip(steps, bounds, bounds[1:], strict=False):
        inside = (records.arrival_at_minute >= start) & (records.arrival_at_minute < end)
        served = inside & records.served_mask
        waits = records.service_start_at_minute[served] - records.arrival_at_minute[served]
        arrived = int(inside.sum())
        gone = int((inside & (records.outcome != SERVED)).sum())
        rows.append(
            PeriodRow(
                from_minute=start,
                clock=clock_label(start, opens),
                counters=step.counters,
                arrived=arrived,
                mean_wait_minutes=float(waits.mean()) if len(waits) else 0.0,
                p95_wait_minutes=float(np.quantile(waits, 0.95)) if len(waits) else 0.0,
                abandon_rate=gone / arrived if arrived else 0.0,
            )
        )
    return tuple(rows)
