"""One unit of work: one day of a scenario with given staffing and replication.

Sweeps, searches and replications are all made of tasks. A task carries only
numbers, and its result is plain data (``summary.day_data``), so tasks travel
to worker processes or a Dask cluster and their results to a store, and the
same task always gives the same result, wherever it runs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from theater_sim.analysis.contract import DAY_DATA_FORMAT
from theater_sim.model.scenario import SIDE_NAMES, Scenario, SideName
from theater_sim.planning.store import STORE_ABOUT

if TYPE_CHECKING:
    from theater_sim.analysis.contract import DayData
    from theater_sim.engine.choice import Engine

__all__ = [
    "Staffing",
    "Task",
    "as_run",
    "as_run_task",
    "execution_order",
    "plain_staffing",
    "run_task",
    "scenario_fingerprint",
    "store_about",
]

#: None: the scenario's own staffing; a number: that many counters all day;
#: a tuple: new counts for the periods of the side's schedule.
Staffing = int | tuple[int, ...] | None


@dataclass(frozen=True, order=True)
class Task:
    """One day: each side's staffing, the replication number and the
    projection's clerks (None: the scenario's)."""

    sellers: Staffing
    collectors: Staffing
    replication: int
    projectors: int | None = None

    @cached_property
    def key(self) -> str:
        """A stable text key (the store's); the projectors only when set, so
        stores written before they could be set keep their keys."""
        parts = [plain_staffing(self.sellers), plain_staffing(self.collectors), self.replication]
        return json.dumps(parts if self.projectors is None else [*parts, self.projectors])

    def scenario_for(self, scenario: Scenario) -> Scenario:
        """The scenario this task runs: staffing applied, replication seed set."""
        from theater_sim.planning.replication import replication_seed  # NumPy: where days run

        return scenario.overridden(
            sellers=self.sellers,
            collectors=self.collectors,
            seed=replication_seed(scenario.seed, self.replication),
            projectors=self.projectors,
        )


def as_run(staffing: Staffing, scenario: Scenario, side: SideName) -> Staffing:
    """A side not swept (None) as the scenario runs it, when that is one fixed count."""
    settings = scenario.side(side)
    if staffing is None and isinstance(settings.counters, int) and settings.autoscale is None:
        return settings.counters
    return staffing


def as_run_task(task: Task, scenario: Scenario) -> Task:
    """``task`` under one name for its day: a side it leaves as the scenario has
    it (None) written as the scenario's fixed count, where it has one, and
    projection clerks set to the scenario's own count left unset (None). The
    same day either way, so ``run --store`` finds the days a sweep stored at
    those counts, and the other way round (they were kept twice, under two keys)."""
    sellers, collectors = as_run(task.sellers, scenario, "selling"), as_run(task.collectors, scenario, "collecting")
    own_clerks = None if scenario.projection is None else scenario.projection.clerks
    projectors = None if task.projectors == own_clerks else task.projectors
    if (sellers, collectors, projectors) == (task.sellers, task.collectors, task.projectors):
        return task
    return Task(sellers, collectors, task.replication, projectors)


def plain_staffing(staffing: Staffing) -> Any:
    """A staffing as JSON has it: schedule counts as a list."""
    return list(staffing) if isinstance(staffing, tuple) else staffing


def run_task(scenario: Scenario, task: Task, engine: Engine = "auto") -> DayData:
    """Simulate the task's day; its data, already in JSON's shapes (as stored).

    Every engine gives the same day, so the result (and its store key) does
    not depend on ``engine`` (``task_days.run_task_day``).
    """
    # Here, not above: the engines (and NumPy, SimPy) are imported where days
    # run, never by a coordinating process whose days all run on its workers.
    from theater_sim.planning.task_days import run_task_day

    return run_task_day(scenario, task, engine)


def execution_order(task: Task) -> tuple[object, ...]:
    """Tasks sorted by this run each replication's staffings one after the other."""
    return (task.projectors or 0, task.replication, task.key)


def store_about(scenario: Scenario, version: str) -> dict[str, str | int]:
    """In words, what ``scenario_fingerprint`` is made of: ``STORE_ABOUT``'s keys, the one list of them."""
    words: dict[str, str | int] = {
        "scenario": scenario.name,
        "seed": scenario.seed,
        "version": version,
        "format": DAY_DATA_FORMAT,
    }
    return {key: words[key] for key in STORE_ABOUT}


def scenario_fingerprint(scenario: Scenario, version: str) -> str:
    """A hash of everything that determines a task's result: the scenario
    (with any trace data), the version of theater-sim and the edition of the
    day's data (``DAY_DATA_FORMAT``: a store of days without a key that a
    report now reads failed with a KeyError, a review found)."""
    content = scenario.model_dump(mode="json", by_alias=True)
    for side_name in SIDE_NAMES:
        arrivals = scenario.side(side_name).arrivals
        if arrivals is not None and arrivals.trace_at_minute is not None:
            content[side_name]["arrivals"]["trace_at_minute"] = list(arrivals.trace_at_minute)
    text = json.dumps({"version": version, "format": DAY_DATA_FORMAT, "scenario": content}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]
