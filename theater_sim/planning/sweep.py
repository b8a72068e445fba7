"""Sweeping counter counts: every staffing on the same customers.

A grid of (sellers, collectors) points, each run for the same replications:
the same seeds, so the same customers arrive at every point (common random
numbers) and differences between points are the staffing's, not luck's.

Sides that are not linked share nothing but the clock, so a side's results
depend only on its own counters: the grid then needs only as many days as
its longer axis (each day pairs one seller count with one collector count),
not one per cell. Linked days run every cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from theater_sim.analysis.contract import DayData, Interval, side_data
from theater_sim.analysis.metric_names import SIDE_METRICS, metric_bounds
from theater_sim.analysis.verdict import (
    Rule,
    SideEvidence,
    Verdict,
    both_fail_many,
    judge,
    named_not_for_pressure,
    side_evidence,
)
from theater_sim.model.errors import ScenarioError
from theater_sim.model.scenario import SIDE_NAMES, Scenario
from theater_sim.planning.execution import Runner
from theater_sim.planning.intervals import confidence_interval
from theater_sim.planning.tasks import Staffing, Task

__all__ = [
    "MAX_GRID_CELLS",
    "MAX_TASKS",
    "SURE_SHARE",
    "SideDigest",
    "SweepCell",
    "run_sweep",
    "sweep_digest",
    "sweep_tasks",
]

MAX_GRID_CELLS = 10_000
MAX_TASKS = 100_000


@dataclass(frozen=True)
class SweepCell:
    """One grid point: its verdict (of the mean pressures) and each side's metrics.

    ``sides[side][metric]``: the metric's mean and interval over the replications.
    """

    sellers: Staffing
    collectors: Staffing
    verdict: str
    verdict_agreement: int
    sides: dict[str, dict[str, Interval]]
    named_for_waits: str | None = None  # the verdict names this side for its failed customers or waits, not pressure
    #: ``verdict.both_fail_many`` of the means: both need more counters, whatever the verdict
    #: (a Balanced cell of 27% and 34% failed read as fine, a trial).
    both_short: bool = False

    @property
    def marks(self) -> str:
        """``*`` when the verdict names its side for its failed customers or
        waits, not its pressure; ``!`` when both sides are short: as the
        table, the figure and the CSV show them."""
        return ("*" if self.named_for_waits else "") + ("!" if self.both_short else "")

    def unsure(self, replications: int) -> bool:
        """Whether fewer than ``SURE_SHARE`` of the days gave the cell's verdict
        (that of the means): within the days' luck."""
        return replications > 1 and self.verdict_agreement < SURE_SHARE * replications


#: A replicated cell's verdict that fewer of its days gave is marked with their count.
SURE_SHARE = 0.8


def sweep_tasks(
    scenario: Scenario,
    sellers: tuple[Staffing, ...],
    collectors: tuple[Staffing, ...],
    replications: int,
    projectors: int | None = None,
) -> list[Task]:
    """The days a sweep needs (see the module docstring for why so few), with
    ``projectors`` projection clerks (None: the scenario's)."""
    cells = len(sellers) * len(collectors)
    if cells > MAX_GRID_CELLS:
        raise ScenarioError(f"the grid has {cells:,} points, above the limit of {MAX_GRID_CELLS:,}")
    if scenario.linked is None:
        points = [
            (sellers[i % len(sellers)], collectors[i % len(collectors)])
            for i in range(max(len(sellers), len(collectors)))
        ]
    else:
        points = [(s, c) for s in sellers for c in collectors]
    if len(points) * replications > MAX_TASKS:
        raise ScenarioError(
            f"the sweep needs {len(points) * replications:,} simulated days, above the limit of {MAX_TASKS:,};"
            " use fewer points or replications"
        )
    return [Task(s, c, r, projectors) for s, c in points for r in range(replications)]


class SideDigest(NamedTuple):
    """What a sweep keeps of one side of a day: its ``SIDE_METRICS`` values,
    in that order, and what the verdict weighs."""

    metrics: tuple[float, ...]
    evidence: SideEvidence


def sweep_digest(day: DayData) -> tuple[SideDigest, SideDigest]:
    """A day as a sweep keeps it (selling, collecting): computed where the day
    ran, so a worker sends these numbers back, not the day."""
    from theater_sim.analysis.day_data import evidence, metric_values  # where days run (the engines come with it)

    selling, collecting = (side_data(day["sides"], side) for side in SIDE_NAMES)
    return (
        SideDigest(metric_values(selling), evidence(selling)),
        SideDigest(metric_values(collecting), evidence(collecting)),
    )


def run_sweep(
    scenario: Scenario,
    sellers: tuple[Staffing, ...],
    collectors: tuple[Staffing, ...],
    replications: int,
    runner: Runner,
    projectors: int | None = None,
) -> list[SweepCell]:
    """Every grid point's cell, sellers-major (with ``projectors`` projection clerks, or the scenario's)."""
    tasks = sweep_tasks(scenario, sellers, collectors, replications, projectors)
    results = runner.run_digested(scenario, tasks, sweep_digest)
    by_side = _side_results(results, scenario.linked is not None)
    rule = Rule.of(scenario.verdict)
    cells = []
    for s in sellers:
        for c in collectors:
            days = [(by_side[("selling", s, c, r)], by_side[("collecting", s, c, r)]) for r in range(replications)]
            cells.append(_cell(s, c, days, rule))
    return cells


class _SideLookup(dict[tuple[str, Staffing, Staffing, int], SideDigest]):
    """Side data by (side, sellers, collectors, replication); unlinked sides ignore the other count."""

    def __init__(self, linked: bool) -> None:
        super().__init__()
        self.linked = linked

    def __missing__(self, key: tuple[str, Staffing, Staffing, int]) -> SideDigest:
        side, s, c, r = key
        if self.linked:
            raise KeyError(key)
        own = s if side == "selling" else c
        return self[(side, own, None, r)] if side == "selling" else self[(side, None, own, r)]


def _side_results(results: dict[Task, tuple[SideDigest, SideDigest]], linked: bool) -> _SideLookup:
    lookup = _SideLookup(linked)
    for task, digests in results.items():
        for side, digest in zip(SIDE_NAMES, digests, strict=True):
            lookup[(side, task.sellers, task.collectors, task.replication)] = digest
            if not linked:
                key = (
                    (side, task.sellers, None, task.replication)
                    if side == "selling"
                    else (side, None, task.collectors, task.replication)
                )
                lookup[key] = digest
    return lookup


def _mean_evidence(metrics: dict[str, Interval]) -> SideEvidence:
    """The verdict's evidence from a cell's mean metrics."""
    mean = {name: metric["mean"] for name, metric in metrics.items()}
    return side_evidence(
        mean["pressure"], mean["weighed_wait"], mean["failed"], mean["arrived"], mean["lost"], mean["p95_wait"]
    )


def _cell(s: Staffing, c: Staffing, days: list[tuple[SideDigest, SideDigest]], rule: Rule) -> SweepCell:
    """A grid point from its days' digests (selling, collecting)."""
    sides: dict[str, dict[str, Interval]] = {
        side: {
            metric: confidence_interval([day[index].metrics[position] for day in days], *metric_bounds(metric))
            for position, metric in enumerate(SIDE_METRICS)
        }
        for index, side in enumerate(SIDE_NAMES)
    }
    means = {side: _mean_evidence(sides[side]) for side in SIDE_NAMES}
    verdict = judge(means["selling"], means["collecting"], rule)
    agreement = sum(judge(selling.evidence, collecting.evidence, rule) is verdict for selling, collecting in days)
    for_waits = (
        None
        if named_not_for_pressure(means["selling"], means["collecting"], rule) is None
        else SIDE_NAMES[0 if verdict is Verdict.SELLING else 1]
    )
    both_short = both_fail_many(means["selling"], means["collecting"], rule.failed_share)
    return SweepCell(s, c, verdict.value, agreement, sides, for_waits, both_short)
