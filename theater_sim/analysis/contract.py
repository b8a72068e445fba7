"""The ``run --json`` contract as types: what a summarised day is, key by key.

A summarised day travels as plain data: to worker processes and Dask
workers, into the results store, and out as ``--json``. These TypedDicts say
exactly which keys it has and what they hold, so planning and the views are
checked by mypy against the contract instead of reading ``dict[str, Any]``,
and ``tests/analysis/test_contract.py`` checks a real day against them key
for key. A day averaged over replications has the same shape (counts become
means) plus the ``NotRequired`` keys at the end.

Numbers that are counts for one day are typed ``float``: over replications
they are means.
"""

# No ``from __future__ import annotations`` here: TypedDict reads NotRequired
# from evaluated annotations (Python 3.11 misses it in postponed ones).
from typing import NotRequired, TypedDict

__all__ = [
    "DAY_DATA_FORMAT",
    "CapacityChangeData",
    "DayData",
    "HourRow",
    "HourVerdict",
    "Interval",
    "LagTheoryData",
    "PeriodRow",
    "PressureHours",
    "ProjectionData",
    "QueueLength",
    "ShowingData",
    "SideData",
    "SidesData",
    "TicketData",
    "WaitMinutes",
    "WindowData",
    "side_data",
]

#: The contract's edition: raise it whenever a day gains, loses or changes a key,
#: or a key's meaning changes. A results store is keyed on it (with the version),
#: so days stored under an older contract are never served as today's
#: (2: ``pressure_hours.both``; 3: a holder who joins the line as the film begins
#: and waits has missed its start; 4: ``wait_minutes.weighed``, the wait the
#: verdict weighs).
DAY_DATA_FORMAT = 4


class WaitMinutes(TypedDict):
    """Minutes served customers stood in line."""

    mean: float
    p50: float
    p95: float
    p99: float
    max: float
    weighed: float


class QueueLength(TypedDict):
    """People in line (not at a counter)."""

    mean: float
    max: float


class WindowData(TypedDict):
    """One verdict window: its minutes and clock span, its arrivals and the pressure they met."""

    from_minute: float
    to_minute: float
    arrived: float
    pressure: float
    clock: str


class CapacityChangeData(TypedDict):
    """A change in the number of counters open (opening, schedule, autoscaler)."""

    at_minute: float
    counters: int
    reason: str
    clock: str


class HourRow(TypedDict):
    """One hour of one side (see ``metrics.HourRow``)."""

    hour: int
    clock: str
    arrived: float
    served: float
    mean_wait_minutes: float
    max_queue: float
    balked: float
    reneged: float
    failed: float
    counters_on_duty: float
    pressure: float
    overtime: bool
    until_end: bool
    in_line: float
    in_line_failed: float
    in_line_lost: float
    in_line_served: float
    in_line_mean_wait_minutes: float


class PeriodRow(TypedDict):
    """One period of a counter schedule (see ``metrics.PeriodRow``)."""

    from_minute: float
    clock: str
    counters: int
    arrived: float
    mean_wait_minutes: float
    p95_wait_minutes: float
    abandon_rate: float
    failed_share: float


class SideData(TypedDict):
    """Everything reported about one side."""

    counters: int
    arrived: float
    served: float
    balked: float
    reneged: float
    wait_minutes: WaitMinutes
    queue_length: QueueLength
    utilisation: float
    demand_ratio: float
    pressure: float
    busiest_window: WindowData
    overtime_minutes: float
    counter_hours: float
    service_minutes_demanded: float
    counter_minutes_available: float
    in_line_at_close: float
    in_service_at_close: float
    still_in_line: float
    missed_showtime_start: float
    failed: float
    lost: float
    capacity_changes: list[CapacityChangeData]
    hourly: list[HourRow]
    periods: list[PeriodRow]
    window_pressure: list[float]
    window_arrived: list[float]
    abandon_rate: float
    failed_share: float
    stale_share: float
    service_minutes_distribution: str


class SidesData(TypedDict):
    """Both sides, by name."""

    selling: SideData
    collecting: SideData


class HourVerdict(TypedDict):
    """The verdict of one open hour."""

    hour: int
    clock: str
    verdict: str


class PressureHours(TypedDict):
    """Clock spans (``"11:00-13:00"``) when each side was the hourly pressure
    point, and (``both``) when neither was, as both failed many of those in line."""

    selling: list[str]
    collecting: list[str]
    both: list[str]


class ShowingData(TypedDict):
    """One showing's tickets (see ``box_office.ShowingMetrics``)."""

    film: str
    starts: str
    seats: int
    sold: float | None
    sold_online: float | None
    holders: float
    admitted: float
    missed_start: float
    arrived_after_start: float


class TicketData(TypedDict):
    """A linked day's sales (see ``box_office.TicketSummary``)."""

    buyers: float
    buyers_online: float
    tickets_sold: float
    tickets_sold_online: float
    turned_away: float


class LagTheoryData(TypedDict):
    """The M/M/c cross-check of the mean lag (see ``analysis.projection.LagTheory``)."""

    model: str
    sales_per_hour: float
    mean_lag_minutes: float | None
    busiest_hour_sales_per_hour: float
    busiest_hour_mean_lag_minutes: float | None


class ProjectionData(TypedDict):
    """Between the models (see ``analysis.projection.ProjectionMetrics``)."""

    projector: str
    policy: str
    clerks: int | None
    every_minutes: float | None
    delay_minutes: float
    walk_minutes: float
    sales: float
    lag_minutes: dict[str, float]
    utilisation: float | None
    max_backlog: float
    max_backlog_at_minute: float
    max_backlog_clock: str
    backlog_by_hour: list[float]
    holders: float
    stale_reads: float
    stale_holders: float
    stale_share: float
    stale_reads_by_hour: list[float]
    retries: float
    extra_counter_minutes: float
    missed_start_after_stale: float
    failed_after_stale: float
    kept_up: bool
    theory: LagTheoryData | None


class Interval(TypedDict):
    """A mean over replications and its 95% Student-t interval (no interval
    from one day: ``half_width`` None, the ends are the mean). ``upper``: the
    one-sided upper end a confident staffing search judged by."""

    mean: float
    low: float
    high: float
    half_width: float | None
    upper: NotRequired[float]


class DayData(TypedDict):
    """One day, or the means over replicated days (then with the last four keys)."""

    scenario: str
    seed: int
    hours: float
    verdict: str
    tolerance: float
    calm_below: float
    calm_wait_minutes: float
    failed_share: float
    long_wait_minutes: float
    window_minutes: float
    opens: str
    sides: SidesData
    hourly_verdicts: list[HourVerdict]
    pressure_hours: PressureHours
    showings: list[ShowingData]
    tickets: TicketData | None
    projection: ProjectionData | None
    named_for_waits: str | None
    named_for_failures: str | None
    replications: NotRequired[int]
    seeds: NotRequired[list[int]]
    verdict_agreement: NotRequired[int]
    intervals: NotRequired[dict[str, dict[str, Interval]]]


def side_data(sides: SidesData, name: str) -> SideData:
    """One side's data by name (``"selling"`` or ``"collecting"``)."""
    if name == "selling":
        return sides["selling"]
    if name == "collecting":
        return sides["collecting"]
    raise KeyError(name)
