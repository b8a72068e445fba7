"""Running a task's day: the engines, and what a process keeps between its tasks.

``tasks.run_task`` comes here when a day is to run, so a process that only
sends tasks to workers (a sweep's coordinator) never imports the engines.
"""

from __future__ import annotations

from theater_sim.analysis.contract import DayData
from theater_sim.analysis.day_data import day_data
from theater_sim.analysis.measured_day import summarise_day
from theater_sim.engine.choice import Engine
from theater_sim.engine.day_plan import compile_day, play, restaffed
from theater_sim.engine.kept import Kept
from theater_sim.engine.plans import DayPlan
from theater_sim.model.errors import ScenarioError
from theater_sim.model.scenario import Scenario
from theater_sim.planning.replication import replication_seed
from theater_sim.planning.tasks import Task

__all__ = ["run_task_day"]


def run_task_day(scenario: Scenario, task: Task, engine: Engine = "auto") -> DayData:
    """Simulate the task's day; its data, already in JSON's shapes (as stored).

    Every engine gives the same day, so the result (and its store key) does
    not depend on ``engine``. Tasks of one replication at other staffings
    share its customers, drawn once (``_Draws``): run them one after another
    (``execution_order``).
    """
    seeded, plan = _DRAWS.day(scenario, task)
    try:
        records = play(plan, engine)
    except ScenarioError as error:  # a day the scenario cannot finish (holders turned away without end)
        raise type(error)(f"{error} (on {_described(task)})") from None
    return day_data(summarise_day(seeded, records))


def _described(task: Task) -> str:
    """``the day of replication 3 at 2 sellers, 1 projector clerk``: the staffings
    the task sets, a side left as the scenario has it named by its fixed count
    (the runner names tasks so, ``tasks.as_run_task``)."""
    given = [
        f"{count:,} {noun}{'' if count == 1 else 's'}" if isinstance(count, int) else f"{list(count)} {noun}s"
        for count, noun in (
            (task.sellers, "seller"),
            (task.collectors, "collector"),
            (task.projectors, "projector clerk"),
        )
        if count is not None
    ]
    staffed = f" at {', '.join(given)}" if given else ""
    return f"the day of replication {task.replication}{staffed}"


class _Draws:
    """What the process that runs a scenario's tasks keeps between them.

    Drawing a day's customers is a tenth of a small day's time and the same
    at every staffing, and a sweep or a search runs many staffings of each
    replication: each replication's compiled day is kept (``engine.kept``:
    a search's hundred replications of a small day; not a day of more than
    half a million customers, which is drawn again) and restaffed for each task. Validating a staffed scenario is
    another tenth, and there are far fewer staffings than days: each
    staffing's counters are kept. A day's measures read nothing of its
    staffing from the scenario (the counters come from the records), so the
    day is measured with the replication's scenario.
    """

    def __init__(self) -> None:
        # Keyed by the scenario object too, and checked against it: a Dask
        # worker may run tasks of two scenarios at once, in threads.
        self.drawn: Kept[tuple[Scenario, Scenario, DayPlan]] = Kept()
        self.staffed: Kept[tuple[Scenario, Scenario]] = Kept(budget=1024)  # counted one a staffing

    def day(self, scenario: Scenario, task: Task) -> tuple[Scenario, DayPlan]:
        """The task's scenario at its seed (its staffing aside) and its day."""
        staffing_key = (id(scenario), task.sellers, task.collectors)
        kept_staffing = self.staffed.get(staffing_key)
        if kept_staffing is None or kept_staffing[0] is not scenario:
            staffed = scenario.overridden(sellers=task.sellers, collectors=task.collectors)
            self.staffed.put(staffing_key, (scenario, staffed), 1)
        else:
            staffed = kept_staffing[1]
        key = (id(scenario), task.replication, task.projectors)
        drawn = self.drawn.get(key)
        if drawn is None or drawn[0] is not scenario:
            seed = replication_seed(scenario.seed, task.replication)
            seeded = scenario.overridden(seed=seed, projectors=task.projectors)
            drawn = (scenario, seeded, compile_day(seeded))
            self.drawn.put(key, drawn, _customers(drawn[2]))
        return drawn[1], restaffed(drawn[2], staffed)


def _customers(plan: DayPlan) -> int:
    """How many customers ``plan`` holds (its size in memory, give or take)."""
    if plan.linked is not None:
        return len(plan.linked.buyers.online)
    return len(plan.selling.service_minutes) + len(plan.collecting.service_minutes)


_DRAWS = _Draws()
