"""One planning call for ``run``: one day or many, here or on any runner.

The command line asks once and gets back everything it shows: the day's data
(or the means over replications, with intervals), the first replication's
data and, when asked for, its per-customer records for figures and exports.
The first replication runs in this process when its records are wanted, and
the runner is told it is done, so no day is ever simulated twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from theater_sim.analysis.contract import DayData
from theater_sim.analysis.day_data import day_data
from theater_sim.analysis.measured_day import summarise_day
from theater_sim.engine.choice import Engine
from theater_sim.engine.day_plan import simulate_day
from theater_sim.engine.theater import DayRecords
from theater_sim.model.scenario import Scenario

if TYPE_CHECKING:
    from theater_sim.planning.execution import Runner
    from theater_sim.planning.tasks import Staffing

__all__ = ["MeasuredDays", "measure_days"]


@dataclass(frozen=True)
class MeasuredDays:
    """What a ``run`` shows.

    Attributes:
        data: The day (the ``run --json`` contract), or the means over the
            replications with their intervals.
        first: The first replication's own data (the scenario's seed), when
            its records were kept (else None).
        records: The first replication's customers, when asked for (else None).
        scenario: The day as run: the scenario with the staffing applied.
    """

    data: DayData
    first: DayData | None
    records: DayRecords | None
    scenario: Scenario


def measure_days(
    scenario: Scenario,
    sellers: Staffing = None,
    collectors: Staffing = None,
    replications: int = 1,
    runner: Runner | None = None,
    keep_records: bool = False,
    on_minute: Callable[[float], None] | None = None,
    engine: Engine = "simpy",
    projectors: int | None = None,
) -> MeasuredDays:
    """Run ``scenario`` at a staffing, ``replications`` times.

    Args:
        scenario: The scenario as written (with its seed): stored days are
            keyed on it, so a store is shared by runs at other staffings.
        sellers, collectors: The staffing (None: the scenario's own).
        replications: Independent days (replication 0 has the scenario's seed).
        runner: Where the days run; None: one day in this process.
        keep_records: Keep the first replication's per-customer records.
        on_minute: Told the simulated minute as a day in this process runs (SimPy only).
        engine: The engine of the days run in this process (the runner has its own).
        projectors: The projection's clerks (None: the scenario's own), staffed
            like the counters, so the store is the one the scenario's sweeps use.
    """
    staffed = scenario.overridden(sellers=sellers, collectors=collectors, projectors=projectors)
    if runner is None and replications == 1:
        records = simulate_day(staffed, on_minute, engine)
        data = day_data(summarise_day(staffed, records))
        return MeasuredDays(data=data, first=data, records=records, scenario=staffed)
    # Here, not at the top: one day in this process needs no runner, and the
    # runner's imports (process pools, Dask's hooks, tasks and their
    # statistics) are a third of start-up.
    from theater_sim.planning.execution import Runner, replicated_day
    from theater_sim.planning.tasks import Task

    if runner is None:
        runner = Runner()
    kept: DayRecords | None = None
    known: dict[Task, DayData] = {}
    if keep_records:
        kept = simulate_day(staffed, engine=engine)
        # The very data a worker would have sent back for this task.
        known[Task(sellers, collectors, 0, projectors)] = day_data(summarise_day(staffed, kept))
    data = replicated_day(runner, scenario, replications, sellers, collectors, known, projectors)
    first = next(iter(known.values()), None)
    return MeasuredDays(data=data, first=first, records=kept, scenario=staffed)
