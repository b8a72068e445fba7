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
from typing import Any

from theater_sim.analysis.contract import DayData
from theater_sim.analysis.day_data import day_data
from theater_sim.analysis.measured_day import summarise_day
from theater_sim.engine.day_plan import Engine, compile_day, play, restaffed
from theater_sim.engine.plans import DayPlan
from theater_sim.model.scenario import SIDE_NAMES, Scenario
from theater_sim.planning.replication import replication_seed

__all__ = ["Staffing", "Task", "execution_order", "plain_staffing", "run_task", "scenario_fingerprint"]

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

    @property
    def key(self) -> str:
        """A stable text key (the store's); the projectors only when set, so
        stores written before they could be set keep their keys."""
        parts = [plain_staffing(self.sellers), plain_staffing(self.collectors), self.replication]
        return json.dumps(parts if self.projectors is None else [*parts, self.projectors])

    def scenario_for(self, scenario: Scenario) -> Scenario:
        """The scenario this task runs: staffing applied, replication seed set."""
        return scenario.overridden(
            sellers=self.sellers,
            collectors=self.collectors,
            seed=replication_seed(scenario.seed, self.replication),
            projectors=self.projectors,
        )


def plain_staffing(staffing: Staffing) -> Any:
    """A staffing as JSON has it: schedule counts as a list."""
    return list(staffing) if isinstance(staffing, tuple) else staffing


def run_task(scenario: Scenario, task: Task, engine: Engine = "auto") -> DayData:
    """Simulate the task's day; its data, already in JSON's shapes (as stored).

    Every engine gives the same day, so the result (and its store key) does
    not depend on ``engine``. Tasks of one replication at other staffings
    share its customers, drawn once (``_Draws``): run them one after another
    (``execution_order``).
    """
    staffed = task.scenario_for(scenario)
    plan = _DRAWS.plan(scenario, task, staffed)
    return day_data(summarise_day(staffed, play(plan, engine)))


def execution_order(task: Task) -> tuple[object, ...]:
    """Tasks sorted by this run each replication's staffings one after the other."""
    return (task.projectors or 0, task.replication, task.key)


class _Draws:
    """The last replication's compiled day, kept by the process that runs tasks.

    Drawing a day's customers is a tenth of a small day's time and the same
    at every staffing; a sweep or a search runs many staffings of each
    replication. One day is kept (a day of ten million customers is large).
    """

    def __init__(self) -> None:
        self.key: tuple[int, int, int | None] | None = None
        self.scenario: Scenario | None = None
        self.drawn: DayPlan | None = None

    def plan(self, scenario: Scenario, task: Task, staffed: Scenario) -> DayPlan:
        """The task's day, from ``staffed`` (``task.scenario_for(scenario)``)."""
        key = (id(scenario), task.replication, task.projectors)
        if self.drawn is None or self.key != key or self.scenario is not scenario:
            self.drawn = compile_day(staffed)
            self.key, self.scenario = key, scenario
            return self.drawn
        return restaffed(self.drawn, staffed)


_DRAWS = _Draws()


def scenario_fingerprint(scenario: Scenario, version: str) -> str:
    """A hash of everything that determines a task's result: the scenario
    (with any trace data) and the version of theater-sim."""
    content = scenario.model_dump(mode="json", by_alias=True)
    for side_name in SIDE_NAMES:
        arrivals = scenario.side(side_name).arrivals
        if arrivals is not None and arrivals.trace_at_minute is not None:
            content[side_name]["arrivals"]["trace_at_minute"] = list(arrivals.trace_at_minute)
    text = json.dumps({"version": version, "scenario": content}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]
