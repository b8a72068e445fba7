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
from theater_sim.analysis.metrics import SideMetrics, side_metrics
from theater_sim.analysis.verdict import Rule, SideEvidence, Verdict, hourly_verdicts, judge
from theater_sim.engine.day_plan import simulate_day
from theater_sim.engine.theater import DayRecords
from theater_sim.model.scenario import Scenario, SideName

__all__ = ["DayResult", "late_share", "run_day", "summarise_day"]


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

    def side(self, side_name: SideName) -> SideMetrics:
        metrics: SideMetrics = getattr(self, side_name)
        return metrics


def _evidence(metrics: SideMetrics) -> SideEvidence:
    return SideEvidence(
        metrics.pressure, metrics.wait_minutes.p95, late_share(metrics.missed_showtime_start, metrics.arrived)
    )


def late_share(missed: float, arrived: float) -> float:
    """The share of holders who missed their film's start (0 with no holders)."""
    return missed / arrived if arrived else 0.0


def run_day(scenario: Scenario, on_progress: Callable[[float], None] | None = None) -> DayResult:
    """Simulate ``scenario`` from its seed and summarise it (``on_progress``: see ``simulate_day``)."""
    return summarise_day(scenario, simulate_day(scenario, on_progress))


def summarise_day(scenario: Scenario, records: DayRecords) -> DayResult:
    """Metrics, ledger and verdicts for records already simulated from ``scenario``."""
    plan = scenario.showings()
    window = scenario.verdict.window_minutes
    selling = side_metrics(records.selling, scenario.opens, window_minutes=window)
    collecting = side_metrics(records.collecting, scenario.opens, plan.starts_at_minute, window)
    tolerance, calm_below = scenario.verdict.tolerance, scenario.verdict.calm_below
    open_hours = min(len(selling.hourly), len(collecting.hourly), math.ceil(scenario.open_minutes / 60))
    return DayResult(
        scenario=scenario,
        verdict=judge(_evidence(selling), _evidence(collecting), Rule.of(scenario.verdict)),
        selling=selling,
        collecting=collecting,
        hourly_verdicts=tuple(
            hourly_verdicts(
                [row.pressure for row in selling.hourly[:open_hours]],
                [row.pressure for row in collecting.hourly[:open_hours]],
                tolerance,
                calm_below,
                mean_waits=(
                    [row.mean_wait_minutes for row in selling.hourly[:open_hours]],
                    [row.mean_wait_minutes for row in collecting.hourly[:open_hours]],
                ),
            )
        ),
        showings=showing_metrics(records.collecting, plan, records.tickets) if plan.films else (),
        tickets=None if records.tickets is None else ticket_summary(records.tickets, records.selling),
    )
