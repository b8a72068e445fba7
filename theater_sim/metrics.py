"""From what happened to each customer to what a manager reads.

Given one side's records (arrival, service start and service time of every
customer), these pure functions compute the waits, how long the line got, how
busy the counters were, how much overtime closing cost and the same by hour.
Everything is computed after the day from the records, so the simulation
itself carries no bookkeeping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from theater_sim.simulation import SideRecords

__all__ = ["HourRow", "QueueStats", "SideMetrics", "WaitStats", "side_metrics"]

MINUTES_PER_HOUR = 60.0


@dataclass(frozen=True)
class WaitStats:
    """Minutes customers stood in line before reaching a counter."""

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

    ``mean_wait_minutes`` is over customers who arrived in that hour (0 when
    none did); ``served`` counts customers who left a counter in that hour.
    """

    hour: int
    arrived: int
    served: int
    mean_wait_minutes: float
    max_queue: int
    overtime: bool


@dataclass(frozen=True)
class SideMetrics:
    """Everything reported about one side of one day."""

    counters: int
    arrived: int
    served: int
    wait_minutes: WaitStats
    queue_length: QueueStats
    utilisation: float
    demand_ratio: float
    overtime_minutes: float
    service_minutes_demanded: float
    counter_minutes_available: float
    in_line_at_close: int
    in_service_at_close: int
    still_in_line: int
    hourly: tuple[HourRow, ...]


def side_metrics(records: SideRecords) -> SideMetrics:
    """Summarise one side's day.

    The time-average line length is the total waiting (person-minutes, by
    Little's law the area under the line-length curve) divided by the side's
    working span: from opening until the doors close or the last customer
    leaves, whichever is later. Utilisation divides busy counter-minutes by
    counters times that span. The demand ratio divides the service minutes all
    arrivals asked for by the counter-minutes available while the doors were open.
    """
    waits = records.wait_minutes
    departures = records.departure_at_minute
    last_departure = float(departures.max()) if len(departures) else 0.0
    span_minutes = max(records.open_minutes, last_departure)
    demanded = float(records.service_minutes.sum())
    busy = float(records.service_minutes[: records.served].sum())
    available = records.counters * records.open_minutes
    return SideMetrics(
        counters=records.counters,
        arrived=records.arrived,
        served=records.served,
        wait_minutes=_wait_stats(waits),
        queue_length=QueueStats(
            mean=float(waits.sum()) / span_minutes,
            max=int(_line_after_each_arrival(records).max(initial=0)),
        ),
        utilisation=busy / (records.counters * span_minutes),
        demand_ratio=demanded / available,
        overtime_minutes=max(0.0, last_departure - records.open_minutes),
        service_minutes_demanded=demanded,
        counter_minutes_available=available,
        in_line_at_close=records.in_line_at_close,
        in_service_at_close=records.in_service_at_close,
        still_in_line=records.arrived - records.served,
        hourly=_hourly_rows(records, span_minutes),
    )


def _wait_stats(waits: np.ndarray) -> WaitStats:
    if len(waits) == 0:
        return WaitStats(mean=0.0, p50=0.0, p95=0.0, p99=0.0, max=0.0)
    p50, p95, p99 = np.quantile(waits, [0.5, 0.95, 0.99])
    return WaitStats(
        mean=float(waits.mean()), p50=float(p50), p95=float(p95), p99=float(p99), max=float(waits.max())
    )


def _line_after_each_arrival(records: SideRecords) -> np.ndarray:
    """People in line just after each arrival: arrived so far minus started so far.

    The line only grows at arrivals, so its maximum over any stretch of time
    is at one of them (or at the stretch's start).
    """
    arrived_so_far = np.arange(1, records.arrived + 1)
    started_so_far = np.searchsorted(records.service_start_at_minute, records.arrival_at_minute, side="right")
    line: np.ndarray = arrived_so_far - started_so_far
    return line


def _hourly_rows(records: SideRecords, span_minutes: float) -> tuple[HourRow, ...]:
    hours = max(1, math.ceil(span_minutes / MINUTES_PER_HOUR))
    arrival_hour = (records.arrival_at_minute // MINUTES_PER_HOUR).astype(np.int64)
    departure_hour = np.minimum(records.departure_at_minute // MINUTES_PER_HOUR, hours - 1).astype(np.int64)
    arrived = np.bincount(arrival_hour, minlength=hours)
    served = np.bincount(departure_hour, minlength=hours)
    waited = np.bincount(arrival_hour[: records.served], weights=records.wait_minutes, minlength=hours)
    waited_count = np.bincount(arrival_hour[: records.served], minlength=hours)
    max_queue = _line_at_hour_starts(records, hours)
    np.maximum.at(max_queue, arrival_hour, _line_after_each_arrival(records))
    open_hours = math.ceil(records.open_minutes / MINUTES_PER_HOUR)
    return tuple(
        HourRow(
            hour=hour,
            arrived=int(arrived[hour]),
            served=int(served[hour]),
            mean_wait_minutes=float(waited[hour] / waited_count[hour]) if waited_count[hour] else 0.0,
            max_queue=int(max_queue[hour]),
            overtime=hour >= open_hours,
        )
        for hour in range(hours)
    )


def _line_at_hour_starts(records: SideRecords, hours: int) -> np.ndarray:
    """People already in line as each hour begins (carried over from before)."""
    starts_at_minute = np.arange(hours) * MINUTES_PER_HOUR
    arrived = np.searchsorted(records.arrival_at_minute, starts_at_minute, side="right")
    started = np.searchsorted(records.service_start_at_minute, starts_at_minute, side="right")
    line: np.ndarray = (arrived - started).astype(np.int64)
    return line
