"""A scenario's wall-clock times turned into minutes after opening.

The scenario is written for people ("from 17:00, four counters"); the
simulation counts minutes from the opening. These functions translate, and
refuse what cannot happen (a period outside opening hours, periods out of
order) with a message naming the key path.
"""

from __future__ import annotations

from dataclasses import dataclass

from theater_sim.model.arrivals import ProfilePeriod
from theater_sim.model.clock import MINUTES_PER_DAY, clock_label, minutes_after_opening, parse_clock_minutes
from theater_sim.model.counter_settings import CounterPeriod
from theater_sim.model.showtimes import Showing

__all__ = ["ShowingPlan", "counter_schedule", "outside_hours", "profile_periods", "showing_plan", "trace_problem"]


@dataclass(frozen=True)
class ShowingPlan:
    """Showings in start order, with starts in minutes after opening."""

    films: tuple[str, ...]
    starts_at_minute: tuple[float, ...]
    seats: tuple[int, ...]
    clocks: tuple[str, ...]


def profile_periods(
    periods: list[ProfilePeriod], opens: str, open_minutes: float, where: str
) -> list[tuple[float, float, float]]:
    """``(start_minute, end_minute, rate_per_minute)`` for each profile period.

    Raises:
        ValueError: a period outside opening hours, empty, or overlapping the previous.
    """
    resolved, problems = [], []  # every period's problem is said, a line each
    previous_end = 0.0
    for index, period in enumerate(periods):
        start = minutes_after_opening(period.from_clock, opens)
        end = minutes_after_opening(period.to_clock, opens, is_end=True)
        problem = _profile_problem(period, start, end, previous_end, open_minutes, opens)
        if problem:
            problems.append(f"{where}[{index}]: {problem}")
            continue
        previous_end = end
        resolved.append((start, end, period.rate_per_hour / 60.0))
    if problems:
        raise ValueError("\n".join(problems))
    return resolved


def _profile_problem(
    period: ProfilePeriod, start: float, end: float, previous_end: float, open_minutes: float, opens: str
) -> str | None:
    if end > open_minutes or start >= open_minutes:
        return f"lies outside opening hours ({opens} to {clock_label(open_minutes, opens)})"
    if end <= start:
        return f"'to' ({period.to_clock}) must be after 'from' ({period.from_clock})"
    if start < previous_end:
        return (
            f"starts at {period.from_clock}, before the previous period ends"
            f" ({clock_label(previous_end, opens)}); periods must be in order and not overlap"
        )
    return None


def counter_schedule(
    periods: list[CounterPeriod], opens: str, open_minutes: float, where: str
) -> list[tuple[float, int]]:
    """``(from_minute, count)`` for a counter schedule; the first starts at the opening.

    Raises:
        ValueError: a first period not at the opening, unordered periods, one after closing,
            or a side closed (count 0) at closing time.
    """
    resolved: list[tuple[float, int]] = []
    problems = []  # every period's problem is said, a line each
    for index, period in enumerate(periods):
        start = minutes_after_opening(period.from_clock, opens)
        problem = _period_problem(period, index, start, resolved[-1][0] if resolved else None, open_minutes, opens)
        if problem:
            problems.append(f"{where}[{index}]: {problem}")
            continue
        resolved.append((start, period.count))
    if not problems and resolved[-1][1] == 0:
        closed_from = len(periods) - 1
        while closed_from > 0 and periods[closed_from - 1].count == 0:  # back-to-back closed periods: one spell
            closed_from -= 1
        problems.append(
            f"{where}[{len(periods) - 1}]: the side is closed from {periods[closed_from].from_clock} to closing"
            f" ({clock_label(open_minutes, opens)}), but everyone in line at closing is still served:"
            " the last period needs at least one counter"
        )
    if problems:
        raise ValueError("\n".join(problems))
    return resolved


def _period_problem(
    period: CounterPeriod, index: int, start: float, previous: float | None, open_minutes: float, opens: str
) -> str | None:
    if index == 0 and start != 0:
        return f"the first period must start when the doors open ({opens})"
    if start >= open_minutes:
        closes = clock_label(open_minutes, opens)
        if start == open_minutes:
            return f"{period.from_clock} is when the doors close; a period must start before"
        if parse_clock_minutes(opens) + start >= MINUTES_PER_DAY:  # read as the next day's
            return (
                f"{period.from_clock} is before the doors open ({opens}), or the next day's, after"
                f" closing ({closes}); periods run in order from the opening"
            )
        return f"{period.from_clock} is after closing ({closes})"
    if previous is not None and start <= previous:
        return f"{period.from_clock} must come after the previous period's start"
    return None


def showing_plan(showings: list[Showing], opens: str, open_minutes: float) -> ShowingPlan:
    """Showings sorted by start.

    Raises:
        ValueError: a showing that starts outside opening hours.
    """
    entries, problems = [], []  # every showing's problem is said, a line each
    for index, showing in enumerate(showings):
        start = minutes_after_opening(showing.starts, opens)
        if start > open_minutes:
            problems.append(
                f"showtimes[{index}]: {showing.film!r} starts at {showing.starts}, outside opening hours"
                f" ({opens} to {clock_label(open_minutes, opens)})"
            )
        entries.append((start, index, showing))
    if problems:
        raise ValueError("\n".join(problems))
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    return ShowingPlan(
        films=tuple(s.film for _, _, s in entries),
        starts_at_minute=tuple(start for start, _, _ in entries),
        seats=tuple(s.seats for _, _, s in entries),
        clocks=tuple(s.starts for _, _, s in entries),
    )


def outside_hours(
    row: str, minute: float, outside: int, open_minutes: float, opens: str, clock_times: bool = False
) -> str:
    """Why a trace's ``row`` at ``minute`` (the first of ``outside`` such rows) is
    outside opening hours; ``clock_times``: the trace gave clock times, not minutes."""
    more = f"; {outside:,} timestamps in all are outside opening hours" if outside > 1 else ""
    if minute < 0:
        return f"{row}: minute {minute:g} is before the doors open ({opens}){more}"
    closes = clock_label(open_minutes, opens)
    next_day = parse_clock_minutes(opens) + minute >= MINUTES_PER_DAY
    # A clock time before the doors open reads as the next day's: say so, for those who meant it before.
    before = (
        f"; a clock time before the doors open ({opens}) reads as the next day's: leave such rows out"
        if next_day and clock_times
        else ""
    )
    return (
        f"{row}: minute {minute:.10g} after opening ({clock_label(minute, opens)}"
        f"{' the next day' if next_day else ''}) is after closing ({closes}){before}{more}"
    )


def trace_problem(at_minute: tuple[float, ...], open_minutes: float, opens: str) -> str | None:
    """Why trace moments cannot be replayed, or None if they can. (A trace file's
    reader names the line of each problem; rows given here are counted from 1.)"""
    # A moment exactly at closing (24:00 for a day that ends at midnight) is
    # the last one the doors let in.
    outside = [index for index, m in enumerate(at_minute) if not 0 <= m <= open_minutes]
    if outside:
        first = outside[0]
        return outside_hours(f"data row {first + 1}", at_minute[first], len(outside), open_minutes, opens)
    for index in range(1, len(at_minute)):
        if at_minute[index] < at_minute[index - 1]:
            return f"data row {index + 1}: earlier than the row before; sort the trace by time"
    return None
