"""Many days of the same scenario, and what they say together.

One day is one draw of luck. ``replication_seed`` gives each replication its
own seed, derived only from the scenario's seed and the replication's number
(replication 0 is the scenario's own day), so results never depend on which
worker ran what. ``combine_days`` averages the days' plain data and puts a
95% Student-t confidence interval on every per-side metric; the verdict is
recomputed from the mean pressures, with how many days agreed with it.
"""

from __future__ import annotations

import math
import statistics
from typing import TYPE_CHECKING, Any, cast

from theater_sim.analysis.contract import DayData, HourRow, Interval, LagTheoryData, SideData, WindowData, side_data
from theater_sim.analysis.day_data import (
    SIDE_METRICS,
    both_short_spans,
    hourly_day_verdicts,
    judge_day,
    metric_bounds,
    metric_value,
    named_for_failures,
    named_for_waits,
    pressure_hours,
    projection_data,
    window_data,
)
from theater_sim.analysis.plain import plain
from theater_sim.analysis.pressure import busiest_of_groups, window_edges, window_groups
from theater_sim.analysis.projection import lag_theory_at
from theater_sim.model.scenario import MAX_SEED, SIDE_NAMES
from theater_sim.planning.intervals import confidence_interval

if TYPE_CHECKING:
    from theater_sim.model.projection import Projection
    from theater_sim.model.sides import SideName

__all__ = ["combine_days", "replication_seed"]


def replication_seed(seed: int, replication: int) -> int:
    """The seed of replication ``replication`` (0 is ``seed`` itself)."""
    if replication == 0:
        return seed
    import numpy as np  # here, not above: a sweep's coordinator never needs NumPy

    state = np.random.SeedSequence(seed, spawn_key=(0x7E5, replication)).generate_state(2, np.uint64)
    return int(state[0]) & MAX_SEED


def combine_days(days: list[DayData], seeds: list[int], projection: Projection | None = None) -> DayData:
    """The mean day of several replications, with intervals and verdict agreement.

    Numbers become means over the days (lists are aligned by position and
    averaged over the days that have that entry); counter changes are the
    first day's, since times of autoscaling moves cannot be averaged.
    ``projection``: the projector the days ran with, whose lag theory is then
    taken at the mean rates (a lag is no mean: one day's busiest hour beyond
    the clerks left none at all).
    """
    first = days[0]
    # Averaged key by key, so the mean day has the contract's shape (the
    # walk itself cannot be typed: it is the same for every key).
    longest = {name: max((side_data(day["sides"], name)["hourly"] for day in days), key=len) for name in SIDE_NAMES}
    padded = [_padded(day, longest) for day in days]
    combined: DayData = _mean_tree(padded)
    combined["seed"] = first["seed"]
    if combined["projection"] is not None:  # the mean day's clock and rule, not the first day's
        combined["projection"] = projection_data(combined["projection"], first["opens"])
        theory = combined["projection"]["theory"]
        if theory is not None and projection is not None:
            at_means = lag_theory_at(projection, theory["sales_per_hour"], theory["busiest_hour_sales_per_hour"])
            combined["projection"]["theory"] = None if at_means is None else cast(LagTheoryData, plain(at_means))
    for name in SIDE_NAMES:
        side = side_data(combined["sides"], name)
        side["capacity_changes"] = side_data(first["sides"], name)["capacity_changes"]
        _pool_line_waits(side, [side_data(day["sides"], name) for day in padded])
        side["busiest_window"] = _busiest(side, first)
    verdict = judge_day(combined)
    combined["verdict"] = verdict.value
    combined["named_for_waits"] = named_for_waits(combined)
    combined["named_for_failures"] = named_for_failures(combined)
    hourly = _agreed_hours([v.value for v in hourly_day_verdicts(combined)], days)
    combined["hourly_verdicts"] = [
        {"hour": row["hour"], "clock": row["clock"], "verdict": v}
        for row, v in zip(combined["hourly_verdicts"], hourly, strict=False)
    ]
    combined["pressure_hours"] = pressure_hours(hourly, first["opens"])
    combined["pressure_hours"]["both"] = both_short_spans(combined)
    combined["replications"] = len(days)
    combined["seeds"] = seeds
    combined["verdict_agreement"] = sum(day["verdict"] == verdict.value for day in days)
    combined["intervals"] = {
        name: {
            short: confidence_interval(
                [metric_value(side_data(day["sides"], name), path) for day in days], *metric_bounds(short)
            )
            for short, path in SIDE_METRICS.items()
        }
        for name in SIDE_NAMES
    }
    if combined["projection"] is not None:
        combined["intervals"]["projection"] = _projection_intervals(days)
    return combined


#: The projection's numbers that get an interval over replications, and where each lies.
PROJECTION_INTERVALS = {
    "lag_mean": ("lag_minutes", "mean"),
    "lag_p95": ("lag_minutes", "p95"),
    "max_backlog": ("max_backlog",),
    "stale_reads": ("stale_reads",),
    "stale_share": ("stale_share",),
    "missed_start_after_stale": ("missed_start_after_stale",),
    "failed_after_stale": ("failed_after_stale",),
}


def _projection_intervals(days: list[DayData]) -> dict[str, Interval]:
    """95% intervals of the projection's numbers over the days (``PROJECTION_INTERVALS``)."""
    intervals = {}
    for name, path in PROJECTION_INTERVALS.items():
        values = []
        for day in days:
            node: Any = day["projection"]
            for key in path:
                node = node[key]
            values.append(float(node))
        intervals[name] = confidence_interval(values, 0.0, 1.0 if name == "stale_share" else math.inf)
    return intervals


def _agreed_hours(hourly: list[str], days: list[DayData]) -> list[str]:
    """The means' verdict for each hour, kept where at least three quarters of
    the days gave it that hour too (else Balanced): an hour's mean can be one
    bad day's, and an hour's point says when a side is under pressure, not when
    it once was. (Two identical sides over 10 days: no hour named on seeds 0-9;
    at half the days, 0-4 hours of 16 were.)"""
    agreed = []
    for hour, verdict in enumerate(hourly):
        same = sum(
            hour < len(day["hourly_verdicts"]) and day["hourly_verdicts"][hour]["verdict"] == verdict for day in days
        )
        agreed.append(verdict if verdict == "Balanced" or 4 * same >= 3 * len(days) else "Balanced")
    return agreed


def _pool_line_waits(side: SideData, days: list[SideData]) -> None:
    """Each hour's mean wait of those in line: the mean over the days that had
    someone in line reach a counter that hour. A day whose line was gone by
    then, or that never reached the hour, has no such wait, not a wait of 0
    (averaged in as 0, a premiere night's 02:00 row read 590 min where every
    day's holders in line then had waited about 1,500)."""
    for hour, row in enumerate(side["hourly"]):
        waits = [
            day["hourly"][hour]["in_line_mean_wait_minutes"] for day in days if day["hourly"][hour]["in_line_served"]
        ]
        row["in_line_mean_wait_minutes"] = statistics.fmean(waits) if waits else 0.0


def _busiest(side: SideData, first: DayData) -> WindowData:
    """The busiest window of the mean day: the highest mean window pressure
    (windows of a closed side counting with the window they join, as on each day)."""
    pressures, arrived = side["window_pressure"], side["window_arrived"]
    edges = window_edges(first["hours"] * 60.0, first["window_minutes"])
    steps = [(change["at_minute"], change["counters"]) for change in side["capacity_changes"]]
    busiest = busiest_of_groups(pressures, arrived, edges, window_groups(steps, edges))
    return window_data(plain(busiest), first["opens"])


def _padded(day: DayData, longest: dict[SideName, list[HourRow]]) -> dict[str, Any]:
    """The day with its hourly rows extended to the ``longest`` day's (each
    side's), by quiet hours. (Found once for all the days: looked for again for
    each day, it made 1,000 replications take 2 s here.)

    A day that ended earlier had, in those later hours, nobody arriving, nobody
    waiting and no counter on duty: zeros, not missing values.
    """
    padded: dict[str, Any] = {**day, "sides": dict(day["sides"])}
    for name in SIDE_NAMES:
        rows = side_data(day["sides"], name)["hourly"]
        quiet = [
            {
                key: (0 if isinstance(value, int | float) and not isinstance(value, bool) and key != "hour" else value)
                for key, value in row.items()
            }
            | {"until_end": False}
            for row in longest[name][len(rows) :]
        ]
        padded["sides"][name] = {**side_data(day["sides"], name), "hourly": [*rows, *quiet]}
    return padded


def _mean_tree(nodes: list[Any]) -> Any:
    """Average structurally alike data: dicts by key, lists by position, numbers by
    mean. Values every day shares (an hour's number, a showing's seats, the
    counters) are kept as they are, integers included."""
    first = nodes[0]
    if not isinstance(first, dict | list) and all(node == first and type(node) is type(first) for node in nodes):
        return first
    if isinstance(first, dict):
        return {key: _mean_tree([node[key] for node in nodes if key in node]) for key in first}
    if isinstance(first, list):
        length = max(len(node) for node in nodes)
        return [_mean_tree([node[i] for node in nodes if i < len(node)]) for i in range(length)]
    if any(node is None for node in nodes):  # e.g. no steady state on some day: none for the mean either
        return None
    if isinstance(first, bool | str):
        return first if not isinstance(first, bool) else any(nodes)
    return statistics.fmean(nodes)
