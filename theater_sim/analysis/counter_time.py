"""Counters open and counters on duty, over time.

Counters *open* follow the schedule or the autoscaler: a step function. A
counter that closes still finishes its customer, so counters *on duty* at a
moment are the larger of those open and those busy. Both are integrated here
over the day and hour by hour: counter-minutes open give each side's pressure,
counter-minutes on duty its staffing cost and utilisation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theater_sim.engine.records import SideRecords
from theater_sim.model.clock import MINUTES_PER_HOUR

__all__ = ["CounterTime", "counter_time"]


@dataclass(frozen=True)
class CounterTime:
    """Counter-minutes per hour of the working span (hour 0 first).

    Attributes:
        open_by_hour: Counter-minutes open in each hour.
        on_duty_by_hour: Counter-minutes on duty (open or finishing a customer).
        open_while_doors_open: Counter-minutes open before closing time.
    """

    open_by_hour: np.ndarray
    on_duty_by_hour: np.ndarray
    open_while_doors_open: float


def counter_time(records: SideRecords, span_minutes: float, hours: int) -> CounterTime:
    """Integrate counters open and on duty over ``[0, span_minutes]``."""
    change_at = np.array([c.at_minute for c in records.capacity_changes])
    change_to = np.array([c.counters for c in records.capacity_changes])
    # Busy counters can only outnumber open ones after a closing; without one
    # the (large) per-customer part of the sweep is not needed.
    closes = bool((np.diff(change_to) < 0).any())
    served = records.served_mask
    starts = np.sort(records.service_start_at_minute[served]) if closes else np.empty(0)
    departures = np.sort(records.departure_at_minute) if closes else np.empty(0)
    fixed_cuts = [
        change_at,
        np.arange(hours + 1) * MINUTES_PER_HOUR,
        [0.0, span_minutes, records.open_minutes],
    ]
    cuts = np.concatenate([*fixed_cuts, starts, departures])
    cuts = np.unique(cuts[(cuts >= 0) & (cuts <= span_minutes)])
    left, widths = cuts[:-1], np.diff(cuts)
    # The last change at or before a moment rules it (several at one moment: the last).
    opened = change_to[np.searchsorted(change_at, left, side="right") - 1]
    on_duty = opened
    if closes:
        busy = np.searchsorted(starts, left, side="right") - np.searchsorted(departures, left, side="right")
        on_duty = np.maximum(opened, busy)
    hour = np.minimum((left // MINUTES_PER_HOUR).astype(np.int64), hours - 1)
    doors_open = left < records.open_minutes
    return CounterTime(
        open_by_hour=np.bincount(hour, weights=opened * widths, minlength=hours),
        on_duty_by_hour=np.bincount(hour, weights=on_duty * widths, minlength=hours),
        open_while_doors_open=float((opened * widths)[doors_open].sum()),
    )
