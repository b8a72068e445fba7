"""The customers a side failed: the harm a manager counts before anything else.

A customer was failed when they left without being served (walked away on
arrival, gave up in line, or never reached a counter), waited longer than
``long_wait_minutes`` before reaching one, or (a holder) was in line when
their film began (a holder who only arrived after it began was late before
reaching the collectors: no counter could have helped). Each customer counts once, however many of these
happened to them. The share of a side's customers it failed is the first
thing the verdict weighs (``verdict.judge``).
"""

from __future__ import annotations

import math

import numpy as np

from theater_sim.engine.records import BALKED, SERVED, SideRecords, film_starts

__all__ = ["failed_by", "failed_mask", "in_line_as_it_began", "lost_by", "lost_mask", "missed_start_mask"]


def failed_mask(
    records: SideRecords, long_wait_minutes: float, showing_starts_at_minute: tuple[float, ...] = ()
) -> np.ndarray:
    """Which of the side's customers (in arrival order) it failed, over the whole day."""
    return failed_by(
        math.inf,
        records.arrival_at_minute,
        records.left_line_at_minute,
        records.outcome,
        long_wait_minutes,
        records.showing,
        showing_starts_at_minute,
    )


def failed_by(
    minute: float,
    arrival_at_minute: np.ndarray,
    left_line_at_minute: np.ndarray,
    outcome: np.ndarray,
    long_wait_minutes: float,
    showing: np.ndarray | None = None,
    showing_starts_at_minute: tuple[float, ...] = (),
) -> np.ndarray:
    """Which customers were failed by ``minute`` (``math.inf``: the whole day), as
    far as the day has shown it: walked away, waited past ``long_wait_minutes``
    (served, or still in line at ``minute``), or still in line when their film
    began. Customers who have not come yet (NaN arrival) are not failed."""
    # Still in line (no moment of leaving it yet): waiting until ``minute``.
    in_line_until = np.where(np.isnan(left_line_at_minute), minute, left_line_at_minute)
    lost = lost_by(minute, arrival_at_minute, left_line_at_minute, outcome, showing, showing_starts_at_minute)
    failed: np.ndarray = lost | (in_line_until - arrival_at_minute > long_wait_minutes)
    return failed


def lost_mask(records: SideRecords, showing_starts_at_minute: tuple[float, ...] = ()) -> np.ndarray:
    """Which of the side's customers it *lost*: walked away, or missed their film."""
    return lost_by(
        math.inf,
        records.arrival_at_minute,
        records.left_line_at_minute,
        records.outcome,
        records.showing,
        showing_starts_at_minute,
    )


def lost_by(
    minute: float,
    arrival_at_minute: np.ndarray,
    left_line_at_minute: np.ndarray,
    outcome: np.ndarray,
    showing: np.ndarray | None = None,
    showing_starts_at_minute: tuple[float, ...] = (),
) -> np.ndarray:
    """The failed customers who did not get what they came for, by ``minute``:
    walked away, or were in line when their film began. (The others waited past
    ``long_wait_minutes`` and were served: late, but served; the verdict counts
    each of those as half a failure.)"""
    lost: np.ndarray = outcome != SERVED
    if showing is not None and showing_starts_at_minute:
        # Still in line at ``minute`` (no time yet): leaves after any start that has begun.
        leaves = np.where(np.isnan(left_line_at_minute), np.inf, left_line_at_minute)
        begun = film_starts(showing_starts_at_minute, showing)
        in_line_then = in_line_as_it_began(arrival_at_minute, leaves, begun)
        lost = lost | ((showing >= 0) & (outcome != BALKED) & (begun <= minute) & in_line_then)
    return lost


def missed_start_mask(records: SideRecords, showing_starts_at_minute: tuple[float, ...]) -> np.ndarray:
    """Holders in line (not yet at a counter) when their showing began, those who
    arrived as it began too; not those who only arrived after it began."""
    missed = np.zeros(records.arrived, dtype=bool)
    if not showing_starts_at_minute:
        return missed
    has_showing = (records.showing >= 0) & (records.outcome != BALKED)
    starts = np.asarray(showing_starts_at_minute)[records.showing[has_showing]]
    arrived = records.arrival_at_minute[has_showing]
    missed[has_showing] = in_line_as_it_began(arrived, records.left_line_at_minute[has_showing], starts)
    return missed


def in_line_as_it_began(arrived: np.ndarray, left_line: np.ndarray, begun: np.ndarray) -> np.ndarray:
    """Holders in line when their film began: came by then and left the line
    after. Arriving as it begins counts (holders due before the doors open
    arrive as they open: all 200 of a film at the opening waited up to 100 min,
    and none had "missed" it, a trial); reaching a counter at once does not."""
    return (arrived <= begun) & (left_line > begun)
