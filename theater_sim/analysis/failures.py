"""The customers a side failed: the harm a manager counts before anything else.

A customer was failed when they left without being served (walked away on
arrival, gave up in line, or never reached a counter), waited longer than
``long_wait_minutes`` before reaching one, or (a holder) was still in line
when their film began. Each customer counts once, however many of these
happened to them. The share of a side's customers it failed is the first
thing the verdict weighs (``verdict.judge``).
"""

from __future__ import annotations

import numpy as np

from theater_sim.engine.records import BALKED, SERVED, SideRecords

__all__ = ["failed_mask", "missed_start_mask"]


def failed_mask(
    records: SideRecords, long_wait_minutes: float, showing_starts_at_minute: tuple[float, ...] = ()
) -> np.ndarray:
    """Which of the side's customers (in arrival order) it failed."""
    served = records.outcome == SERVED
    waited = records.service_start_at_minute - records.arrival_at_minute
    # NaN (never reached a counter) compares False, so the first term names them.
    reached_in_time: np.ndarray = served & ~np.isnan(waited) & ~(waited > long_wait_minutes)
    failed: np.ndarray = ~reached_in_time | missed_start_mask(records, showing_starts_at_minute)
    return failed


def missed_start_mask(records: SideRecords, showing_starts_at_minute: tuple[float, ...]) -> np.ndarray:
    """Holders still in line (or not yet at a counter) when their showing began."""
    missed = np.zeros(records.arrived, dtype=bool)
    if not showing_starts_at_minute:
        return missed
    has_showing = (records.showing >= 0) & (records.outcome != BALKED)
    starts = np.asarray(showing_starts_at_minute)[records.showing[has_showing]]
    missed[has_showing] = records.left_line_at_minute[has_showing] > starts
    return missed
