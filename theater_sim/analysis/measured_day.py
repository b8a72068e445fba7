"""One whole day, from scenario to verdict.

This is the domain's front door: hand it a scenario and it simulates the day,
measures both sides, keeps the box office's ledger, and says which side needs
more counters, for the whole day and hour by hour. It reads no files and
prints nothing; ``report`` turns the result into tables or JSON.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from theater_sim.analysis.box_office import ShowingMetrics, TicketSummary, showing_metrics, ticket_summary
from theater_sim.analysis.failures import failed_mask
from theater_sim.analysis.hourly import HourRow
from theater_sim.analysis.metrics import SideMetrics, side_metrics
from theater_sim.analysis.projection import ProjectionMetrics, projection_metrics
from theater_sim.analysis.verdict import Rule, SideEvidence, Verdict, hourly_verdicts, judge, side_evidence
from theater_sim.engine.choice import Engine
from theater_sim.engine.day_plan import simulate_day
from theater_sim.engine.kept import Kept
from theater_sim.engine.records import SideRecords
from theater_sim.engine.theater import DayRecords
from theater_sim.model.scenario import Scenario, SideName

__all__ = ["DayResult", "run_day", "summarise_day"]


@dataclass(frozen=True)
class DayResult:
    """The measured day: both sides' metrics, the ledger and the verdicts.

    ``hourly_verdicts`` covers the hours the doors were open.
    """

    scenario: Scenario
    verdict: Verdict
    selling: SideMetrics
    collecting: SideMetrics
    hourly_verdicts: tuple[Verdict, ...]
    showings: tuple[ShowingMetrics, ...]
    tickets: TicketSummary | None
    projection: ProjectionMetrics | None = None

    def side(self, side_name: SideName) -> SideMetrics:
        metrics: SideMetrics = getattr(self, side_name)
        return metrics


def _evidence(metrics: SideMetrics) -> SideEvidence:
    waits = metrics.wait_minutes
    return side_evidence(metrics.pressure, waits.weighed, metrics.failed, metrics.arrived, metrics.lost, waits.p95)


def _hours_evidence(rows: tuple[HourRow, ...]) -> list[SideEvidence]:
    return [
        side_evidence(row.pressure, row.in_line_mean_wait_minutes, row.in_line_failed, row.in_line, row.in_line_lost)
        for row in rows
    ]


def run_day(
    scenario: Scenario, on_progress: Callable[[float], None] | None = None, engine: Engine = "simpy"
) -> DayResult:
    """Simulate ``scenario`` from its seed and summarise it (``on_progress``, ``engine``: see ``simulate_day``)."""
    return summarise_day(scenario, simulate_day(scenario, on_progress, engine))


def summarise_day(scenario: Scenario, records: DayRecords) -> DayResult:
    """Metrics, ledger and verdicts for records already simulated from ``scenario``."""
    plan = scenario.showings()
    window, long_wait = scenario.verdict.window_minutes, scenario.verdict.long_wait_minutes
    selling = _measured(records.selling, scenario.opens, (), window, long_wait)
    collecting = _measured(records.collecting, scenario.opens, tuple(plan.starts_at_minute), window, long_wait)
    rule = Rule.of(scenario.verdict)
    open_hours = min(len(selling.hourly), len(collecting.hourly), math.ceil(scenario.open_minutes / 60))
    return DayResult(
        scenario=scenario,
        verdict=judge(_evidence(selling), _evidence(collecting), rule),
        selling=selling,
        collecting=collecting,
        hourly_verdicts=tuple(
            hourly_verdicts(
                _hours_evidence(selling.hourly[:open_hours]), _hours_evidence(collecting.hourly[:open_hours]), rule
            )
        ),
        showings=showing_metrics(records.collecting, plan, records.tickets) if plan.films else (),
        tickets=None if records.tickets is None else ticket_summary(records.tickets, records.selling),
        projection=_projection(scenario, records),
    )


_KEPT_MEASURES: Kept[tuple[SideRecords, SideMetrics]] = Kept()


def _measured(
    records: SideRecords, opens: str, showing_starts: tuple[float, ...], window: float, long_wait: float
) -> SideMetrics:
    """``side_metrics`` of ``records``, kept for records an engine shares between
    days (read-only): the exact engine hands every day of one selling staffing
    the same command-side records (its collectors never reach back to the
    sales), so a sweep or a search measures them once per selling staffing."""
    if records.service_start_at_minute.flags.writeable:  # this day's own records
        return side_metrics(records, opens, showing_starts, window, long_wait)
    # An entry holds its records, so their id stays theirs while it is kept.
    key = (id(records), opens, showing_starts, window, long_wait)
    kept = _KEPT_MEASURES.get(key)
    if kept is not None and kept[0] is records:
        return kept[1]
    metrics = side_metrics(records, opens, showing_starts, window, long_wait)
    _KEPT_MEASURES.put(key, (records, metrics), records.arrived)
    return metrics


def _projection(scenario: Scenario, records: DayRecords) -> ProjectionMetrics | None:
    tickets = records.tickets
    if scenario.projection is None or tickets is None or tickets.sold_at is None:
        return None
    plan = scenario.showings()
    failed = failed_mask(records.collecting, scenario.verdict.long_wait_minutes, tuple(plan.starts_at_minute))
    walk = scenario.linked.walk_minutes if scenario.linked is not None else 0.0
    return projection_metrics(
        tickets, scenario.projection, plan.starts_at_minute, scenario.open_minutes, failed, walk_minutes=walk
    )
