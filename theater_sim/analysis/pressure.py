"""Pressure as the customers meet it: short windows, weighted by who came.

A day-average pressure (all the service minutes asked / all the
counter-minutes open) hides a rush: 1,000 buyers in one half hour look calm
when spread over sixteen hours, yet every one of them met a swamped counter.
So the day is cut into short windows (``window_minutes``, 15 by default).
Each window's pressure is the service minutes its arrivals asked for over the
counter-minutes open in it, and the side's pressure is the average of those
window pressures over the side's customers: each window counts as often as
people arrived in it. On a day with steady demand every window has about the
same pressure, so this is the day-average; on a day with a rush the rush's
customers carry it, because they are the ones who met it.

A side closed for a while (a schedule period of no counters: shut for
lunch) has no counter-minutes in its closed windows; the work asked then
waits for the reopening. So closed windows count together with the first
window after them that has counters, as one window: the lunch's buyers and
those of the reopening quarter hour meet all their work over the
counter-minutes of a window's length from the reopening (past closing too:
the last count serves what is left). A closed window read 0 before, and a
side closed through its lunch rush read calm.

Sums are ``math.fsum``-exact, so the same customers always give the same
pressure to the last bit, whatever order they were added in.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "SidePressure",
    "WindowPressure",
    "busiest_of_groups",
    "busiest_window",
    "counter_minutes",
    "reopening_minute",
    "side_pressure",
    "window_edges",
    "window_groups",
]


@dataclass(frozen=True)
class WindowPressure:
    """One window of the open day: who arrived in it and the pressure they met."""

    from_minute: float
    to_minute: float
    arrived: float  # a count for one day; a mean over replicated days
    pressure: float


@dataclass(frozen=True)
class SidePressure:
    """A side's pressure as its customers met it, and the busiest window.

    Attributes:
        pressure: Window pressures averaged over the side's customers.
        busiest: The window with the highest pressure (the earliest on a tie).
        window_pressure: Every window's pressure, in order.
        window_arrived: Every window's arrivals, in order.
    """

    pressure: float
    busiest: WindowPressure
    window_pressure: tuple[float, ...]
    window_arrived: tuple[int, ...]


def window_edges(open_minutes: float, window_minutes: float) -> list[float]:
    """Window boundaries from the opening to closing; the last window may be shorter."""
    count = max(1, math.ceil(open_minutes / window_minutes - 1e-9))
    return [min(k * window_minutes, open_minutes) for k in range(count)] + [open_minutes]


def side_pressure(
    arrival_at_minute: np.ndarray,
    service_minutes: np.ndarray,
    counter_steps: Sequence[tuple[float, int]],
    open_minutes: float,
    window_minutes: float,
    until_minute: float | None = None,
) -> SidePressure:
    """The pressure a side's customers met.

    Args:
        arrival_at_minute: Sorted arrival moments (customers who came).
        service_minutes: Each customer's own service time (served or not).
        counter_steps: ``(from_minute, counters open)`` steps, sorted; the last
            step at a moment rules it.
        open_minutes: How long the doors are open.
        window_minutes: The window length.
        until_minute: Count counter-minutes only up to this moment (a day still
            being played; a closure it is in meets the counters ``counter_steps``
            plan for its reopening); None: the whole open day.
    """
    edges = window_edges(open_minutes, window_minutes)
    count = len(edges) - 1
    end = open_minutes if until_minute is None else min(until_minute, open_minutes)
    until = math.inf if until_minute is None else until_minute
    # Customers are in arrival order, so each window's customers are one slice.
    # An arrival at the closing moment itself belongs to the last window.
    bounds = np.searchsorted(arrival_at_minute, np.asarray(edges[1:-1]), side="left").tolist()
    starts, stops = [0, *bounds], [*bounds, len(arrival_at_minute)]
    service = service_minutes.tolist()
    arrived = [stop - start for start, stop in zip(starts, stops, strict=True)]
    times = [at_minute for at_minute, _ in counter_steps]
    pressures = [0.0] * count
    groups = window_groups(counter_steps, edges)
    for first, last in groups:
        asked = math.fsum(math.fsum(service[starts[k] : stops[k]]) for k in range(first, last + 1))
        if first < last and _counter_minutes(counter_steps, times, edges[last], edges[last + 1]) > 0:
            # Closed windows and the one that reopens: the counters of a window's length from the reopening
            # (past closing too, where the last count serves what is left) meet the work. The reopening
            # window's own minutes undercounted a reopening just before closing: two hours of work over a
            # minute of counters read 36 where the overtime served it.
            reopens = reopening_minute(counter_steps, edges[last])
            available = _counter_minutes(counter_steps, times, reopens, min(reopens + window_minutes, until))
            if not available:  # a day being played, closed now: the counters its schedule reopens with
                available = _counter_minutes(counter_steps, times, reopens, reopens + window_minutes)
        else:
            available = _counter_minutes(counter_steps, times, edges[first], min(edges[last + 1], end))
        pressures[first : last + 1] = [asked / available if available > 0 else 0.0] * (last + 1 - first)
    total = sum(arrived)
    # Each customer met the work the others of their window asked for, not their own: a window's n
    # customers meet (n - 1) times its pressure between them. Counting their own work too biased the
    # measure up by about 1 + 1/n, so the side with fewer customers a window read busier (a trial's tiny
    # theater: 0.61 against 0.45 where its counters were 40% and 31% busy).
    # A group of windows (a closure and the window that reopens) counts as one window.
    met = [(sum(arrived[first : last + 1]), pressures[first]) for first, last in groups]
    pressure = math.fsum((n - 1) * p for n, p in met if n) / total if total else 0.0
    return SidePressure(
        pressure=pressure,
        busiest=busiest_of_groups(pressures, arrived, edges, groups),
        window_pressure=tuple(pressures),
        window_arrived=tuple(arrived),
    )


def reopening_minute(counter_steps: Sequence[tuple[float, int]], after_minute: float) -> float:
    """The first moment from ``after_minute`` on when a counter is open (steps
    sorted; the last one rules on); inf if none ever is."""
    index = max(0, bisect_right([at for at, _ in counter_steps], after_minute) - 1)
    for at_minute, counters in counter_steps[index:]:
        if counters > 0:
            return max(at_minute, after_minute)
    return math.inf


def window_groups(counter_steps: Sequence[tuple[float, int]], edges: Sequence[float]) -> list[tuple[int, int]]:
    """The windows that count as one, as ``(first, last)`` window indexes: each
    window alone, but a window with no counter open in it (a closed side) joins
    the first window after it that has counters; closed windows up to closing
    (a day still being played, closed now) join the window before them."""
    times = [at_minute for at_minute, _ in counter_steps]
    groups: list[tuple[int, int]] = []
    first = 0
    for k in range(len(edges) - 1):
        if _counter_minutes(counter_steps, times, edges[k], edges[k + 1]) > 0:
            groups.append((first, k))
            first = k + 1
    if first < len(edges) - 1:
        groups[-1:] = [(groups[-1][0] if groups else first, len(edges) - 2)]
    return groups


def busiest_window(pressures: Sequence[float], arrived: Sequence[float], edges: Sequence[float]) -> WindowPressure:
    """The window with the highest pressure (the earliest of equals)."""
    k = max(range(len(pressures)), key=lambda i: (pressures[i], -i))
    return WindowPressure(from_minute=edges[k], to_minute=edges[k + 1], arrived=arrived[k], pressure=pressures[k])


def busiest_of_groups(
    pressures: Sequence[float], arrived: Sequence[float], edges: Sequence[float], groups: list[tuple[int, int]]
) -> WindowPressure:
    """``busiest_window`` over ``window_groups``' groups, each one window spanning
    its windows, with their arrivals (its windows share its pressure)."""
    return busiest_window(
        [pressures[first] for first, _ in groups],
        [sum(arrived[first : last + 1]) for first, last in groups],
        [edges[first] for first, _ in groups] + [edges[-1]],
    )


def counter_minutes(steps: Sequence[tuple[float, int]], start: float, end: float) -> float:
    """Counter-minutes open in ``[start, end)`` under sorted ``(from_minute, counters)`` steps."""
    return _counter_minutes(steps, [at for at, _ in steps], start, end)


def _counter_minutes(steps: Sequence[tuple[float, int]], times: list[float], start: float, end: float) -> float:
    """Counter-minutes open in ``[start, end)`` under a step function of counters open
    (``times``: the steps' moments)."""
    if end <= start:
        return 0.0
    index = max(0, bisect_right(times, start) - 1)
    parts = []
    while index < len(steps) and steps[index][0] < end:
        following = times[index + 1] if index + 1 < len(steps) else math.inf
        low, high = max(steps[index][0], start), min(following, end)
        if high > low:
            parts.append(steps[index][1] * (high - low))
        index += 1
    return math.fsum(parts)
