"""One whole day, from scenario to verdict.

This is the domain's front door: hand it a scenario and it simulates the day,
measures both sides and says which side needs more counters. It reads no files
and prints nothing; ``report`` turns the result into tables or JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

from theater_sim.metrics import SideMetrics, side_metrics
from theater_sim.scenario import Scenario, SideName
from theater_sim.simulation import DayRecords, simulate_day
from theater_sim.verdict import Verdict, decide

__all__ = ["DayResult", "run_day"]


@dataclass(frozen=True)
class DayResult:
    """The measured day: both sides' metrics and the verdict."""

    scenario: Scenario
    verdict: Verdict
    selling: SideMetrics
    collecting: SideMetrics

    def side(self, side_name: SideName) -> SideMetrics:
        metrics: SideMetrics = getattr(self, side_name)
        return metrics


def run_day(scenario: Scenario) -> DayResult:
    """Simulate ``scenario`` from its seed and summarise it."""
    return summarise_day(scenario, simulate_day(scenario))


def summarise_day(scenario: Scenario, records: DayRecords) -> DayResult:
    """Metrics and verdict for records already simulated from ``scenario``."""
    selling = side_metrics(records.selling)
    collecting = side_metrics(records.collecting)
    verdict = decide(selling.demand_ratio, collecting.demand_ratio, scenario.verdict.tolerance)
    return DayResult(scenario=scenario, verdict=verdict, selling=selling, collecting=collecting)
