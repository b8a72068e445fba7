"""One side's day hour by hour and schedule period by period, and its line over time.

The line's length is never stored while the day runs: it is the number of
people who joined it minus those who left it, so it can be read afterwards
at any moment (``line_at``) or just after each join (the only moments it
grows). The hourly rows and the per-period rows are built from that and the
records alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from theater_sim.analysis.counter_time import CounterTime
from theater_sim.analysis.pressure import counter_minutes, reopening_minute
from theater_sim.engine.records import BALKED, RENEGED, SERVED, SideRecords
from theater_sim.model.clock import MINUTES_PER_HOUR, clock_label

__all__ = ["HourRow", "PeriodRow", "hourly_rows", "line_after_each_join", "line_at", "schedule_periods"]


@dataclass(frozen=True)
class HourRow:
    """One hour of one side; ``hour`` 0 is the first hour after opening.

    ``mean_wait_minutes`` is over served customers who arrived in that hour (0
    when none did); ``served`` counts customers who left a counter in that
    hour; ``counters_on_duty`` is the hour's time-average; ``pressure`` the
    service minutes its arrivals asked for over the counter-minutes open.
    ``failed`` counts the hour's arrivals the side failed (``failures``).
    ``in_line`` counts the customers in line at some moment of that hour
    (arrived before it ended, left the line after it began: reached a
    counter, gave up, or balked on arriving), whenever they came;
    ``in_line_failed`` those of them the side failed (``in_line_lost`` of
    them walked away or missed their film), ``in_line_served``
    those who reached a counter and ``in_line_mean_wait_minutes`` their mean
    wait (0 when none did). They are the customers the hour's verdict weighs:
    a rush at 10:52 belongs to 10:00 and to every hour its line stands in.
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
    failed: int
    counters_on_duty: float
    pressure: float
    overtime: bool
    until_end: bool = False
    in_line: int = 0
    in_line_failed: int = 0
    in_line_lost: int = 0
    in_line_served: int = 0
    in_line_mean_wait_minutes: float = 0.0


@dataclass(frozen=True)
class PeriodRow:
    """One period of a counter schedule: its customers' waits, walk-aways and
    the share of them the side failed (``failures``).

    Customers belong to the period in which they arrived.
    """

    from_minute: float
    clock: str
    counters: int
    arrived: int
    mean_wait_minutes: float
    p95_wait_minutes: float
    abandon_rate: float
    failed_share: float = 0.0


def line_after_each_join(records: SideRecords) -> tuple[np.ndarray, np.ndarray]:
    """The moments someone joined the line (sorted) and the people in line just
    after each: joined so far minus left so far.

    The line only grows when someone joins, so its maximum over any stretch
    of time is at one of those moments (or at the stretch's start).
    """
    joined, left = _joined_and_left(records)
    line: np.ndarray = np.searchsorted(left, joined, side="right")
    np.subtract(np.arange(1, len(joined) + 1), line, out=line)
    return joined, line


def _joined_and_left(records: SideRecords) -> tuple[np.ndarray, np.ndarray]:
    """The sorted moments people joined the line and left it. A customer turned
    away to come back leaves it then and joins it again on coming back."""
    if records.count(BALKED) == 0:
        joined, left = records.arrival_at_minute, records.left_line_at_minute
    else:
        joined_mask = records.outcome != BALKED
        joined, left = records.arrival_at_minute[joined_mask], records.left_line_at_minute[joined_mask]
    away = records.away_at_minute
    if len(away):
        joined = np.sort(np.concatenate([joined, away + records.away_minutes]), kind="stable")
        left = np.concatenate([left, away])
    return joined, np.sort(left)


def line_at(records: SideRecords, moments: np.ndarray) -> np.ndarray:
    """People in line at each of the given moments."""
    joined, left = _joined_and_left(records)
    line: np.ndarray = np.searchsorted(joined, moments, side="right") - np.searchsorted(left, moments, side="right")
    return line


def _in_line_by_hour(
    records: SideRecords, failed: np.ndarray, lost: np.ndarray, hours: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per hour, the customers in line at some moment of it: how many, how many
    failed, how many were lost, how many were served, and the sum of the served ones' waits. Each
    customer counts in every hour from their arrival's to the one they left
    the line in (a balked customer: their arrival's only)."""
    # Hour numbers as int32 and masks passed as they are: a day of ten million
    # customers keeps its transient arrays small (this runs once per side).
    left_at = np.where(np.isnan(records.left_line_at_minute), records.arrival_at_minute, records.left_line_at_minute)
    last = np.minimum(left_at // MINUTES_PER_HOUR, hours - 1).astype(np.int32)
    del left_at
    last += 1
    first = np.minimum(records.arrival_at_minute // MINUTES_PER_HOUR, hours - 1).astype(np.int32)

    def spread(first: np.ndarray, after_last: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        # +weight from the first hour, -weight after the last: a running sum spreads it over the span.
        change = np.bincount(first, weights=weights, minlength=hours + 1).astype(np.float64)
        change -= np.bincount(after_last, weights=weights, minlength=hours + 1)
        return np.cumsum(change)[:hours]

    served = records.served_mask
    return (
        spread(first, last),
        spread(first[failed], last[failed]),
        spread(first[lost], last[lost]),
        spread(first[served], last[served]),
        spread(first[served], last[served], records.wait_minutes),
    )


def hourly_rows(
    records: SideRecords,
    staffing: CounterTime,
    line_after_join: tuple[np.ndarray, np.ndarray],
    failed: np.ndarray,
    span_minutes: float,
    hours: int,
    opens: str,
    lost: np.ndarray | None = None,
) -> tuple[HourRow, ...]:
    # A holder may reach the counters after the side's last departure (a sale just
    # before closing, then the walk) and leave unserved: counted in the last row,
    # as a departure past the rows is.
    arrival_hour = np.minimum(records.arrival_at_minute // MINUTES_PER_HOUR, hours - 1).astype(np.int32)
    served = records.served_mask
    departure_hour = np.minimum(records.departure_at_minute // MINUTES_PER_HOUR, hours - 1).astype(np.int32)
    arrived = np.bincount(arrival_hour, minlength=hours)
    left_counter = np.bincount(departure_hour, minlength=hours)
    waited = np.bincount(arrival_hour[served], weights=records.wait_minutes, minlength=hours)
    waited_count = np.bincount(arrival_hour[served], minlength=hours)
    demanded = np.bincount(arrival_hour, weights=records.service_minutes, minlength=hours)
    balked = np.bincount(arrival_hour[records.outcome == BALKED], minlength=hours)
    reneged = np.bincount(arrival_hour[records.outcome == RENEGED], minlength=hours)
    failed_count = np.bincount(arrival_hour[failed], minlength=hours)
    lost = failed if lost is None else lost
    in_line, in_line_failed, in_line_lost, in_line_served, in_line_waited = _in_line_by_hour(
        records, failed, lost, hours
    )
    max_queue = line_at(records, np.arange(hours) * MINUTES_PER_HOUR).astype(np.int64)
    joined_at, line_after = line_after_join
    joined_hour = np.minimum(joined_at // MINUTES_PER_HOUR, hours - 1).astype(np.int32)
    np.maximum.at(max_queue, joined_hour, line_after)
    open_hours = math.ceil(records.open_minutes / MINUTES_PER_HOUR)
    # The last row may be cut short, or hold all the rest of a long overtime.
    hour_minutes = np.minimum(MINUTES_PER_HOUR, span_minutes - np.arange(hours) * MINUTES_PER_HOUR)
    hour_minutes[-1] = span_minutes - (hours - 1) * MINUTES_PER_HOUR
    until_end = bool(hour_minutes[-1] > MINUTES_PER_HOUR)
    # As Python numbers: the rows below read each one (a NumPy scalar read costs ten times
    # as much); the divisions are the same IEEE divisions either way.
    on_duty, minutes, open_by_hour = (
        staffing.on_duty_by_hour.tolist(),
        hour_minutes.tolist(),
        staffing.open_by_hour.tolist(),
    )
    waited_sum, waits, demand = waited.tolist(), waited_count.tolist(), demanded.tolist()
    steps = [(change.at_minute, change.counters) for change in records.capacity_changes]
    pressures = _hour_pressures(demand, open_by_hour, open_hours, steps)
    lined, lined_served, lined_waited = in_line.tolist(), in_line_served.tolist(), in_line_waited.tolist()
    return tuple(
        HourRow(
            hour=hour,
            clock=clock_label(hour * MINUTES_PER_HOUR, opens),
            arrived=arrivals,
            served=served_here,
            mean_wait_minutes=waited_sum[hour] / waits[hour] if waits[hour] else 0.0,
            max_queue=longest,
            balked=walked,
            reneged=gave_up,
            failed=failed_here,
            counters_on_duty=on_duty[hour] / minutes[hour] if minutes[hour] > 0 else 0.0,
            pressure=pressures[hour],
            overtime=hour >= open_hours,
            until_end=until_end and hour == hours - 1,
            in_line=int(lined[hour]),
            in_line_failed=int(lined_failed),
            in_line_lost=int(lined_lost),
            in_line_served=int(lined_served[hour]),
            in_line_mean_wait_minutes=lined_waited[hour] / lined_served[hour] if lined_served[hour] else 0.0,
        )
        for hour, arrivals, served_here, longest, walked, gave_up, failed_here, lined_failed, lined_lost in zip(
            range(hours),
            arrived.tolist(),
            left_counter.tolist(),
            max_queue.tolist(),
            balked.tolist(),
            reneged.tolist(),
            failed_count.tolist(),
            in_line_failed.tolist(),
            in_line_lost.tolist(),
            strict=True,
        )
    )


def _hour_pressures(
    demand: list[float], open_by_hour: list[float], open_hours: int, steps: list[tuple[float, int]]
) -> list[float]:
    """Each hour's service minutes asked over its counter-minutes open; an open hour
    with no counter (a closed side) counts with the hour that reopens, both over
    an hour's counter-minutes from the reopening (``pressure.side_pressure``
    counts windows so)."""
    pressures = [0.0] * len(demand)
    first = 0
    for hour in range(len(demand)):
        if hour < open_hours and not open_by_hour[hour] and hour + 1 < open_hours:
            continue  # closed: its work waits for the hour that reopens
        available = open_by_hour[hour]
        if hour > first and available:
            reopens = reopening_minute(steps, hour * MINUTES_PER_HOUR)
            available = counter_minutes(steps, reopens, reopens + MINUTES_PER_HOUR)
        asked = math.fsum(demand[first : hour + 1])
        pressures[first : hour + 1] = [asked / available if available else 0.0] * (hour + 1 - first)
        first = hour + 1
    return pressures


def schedule_periods(records: SideRecords, opens: str, failed: np.ndarray | None = None) -> tuple[PeriodRow, ...]:
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
                failed_share=int(failed[inside].sum()) / arrived if failed is not None and arrived else 0.0,
            )
        )
    return tuple(rows)
