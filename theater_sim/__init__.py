"""theater-sim: a CQRS movie theater, simulated.

Buyers queue at selling counters (the command side, writes); ticket holders
queue at collecting counters (the query side, reads). Each side is scaled on
its own, and the day's verdict says which one is under pressure.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from theater_sim.model.errors import RunError, ScenarioError

#: Public name -> the module it lives in. Imported on first use, so
#: ``import theater_sim`` (and the command line's start) stays light.
_PUBLIC = {
    "Scenario": "theater_sim.model.scenario",
    "load_scenario": "theater_sim.input.loading",
    "parse_scenario": "theater_sim.input.loading",
    "DayRecords": "theater_sim.engine.theater",
    "simulate_day": "theater_sim.engine.day_plan",
    "compile_day": "theater_sim.engine.day_plan",
    "DayResult": "theater_sim.analysis.measured_day",
    "run_day": "theater_sim.analysis.measured_day",
    "summarise_day": "theater_sim.analysis.measured_day",
    "Verdict": "theater_sim.analysis.verdict",
    "DayData": "theater_sim.analysis.contract",
    "day_data": "theater_sim.analysis.day_data",
    "customer_columns": "theater_sim.analysis.customers",
    "customer_frame": "theater_sim.analysis.customers",
    "Runner": "theater_sim.planning.execution",
    "MeasuredDays": "theater_sim.planning.measured_days",
    "measure_days": "theater_sim.planning.measured_days",
    "SweepCell": "theater_sim.planning.sweep",
    "run_sweep": "theater_sim.planning.sweep",
    "SideAnswer": "theater_sim.planning.least_staffing",
    "Targets": "theater_sim.planning.least_staffing",
    "search_staffing": "theater_sim.planning.least_staffing",
}

__all__ = [
    "DayData",
    "DayRecords",
    "DayResult",
    "MeasuredDays",
    "RunError",
    "Runner",
    "Scenario",
    "ScenarioError",
    "SideAnswer",
    "SweepCell",
    "Targets",
    "Verdict",
    "__version__",
    "compile_day",
    "customer_columns",
    "customer_frame",
    "day_data",
    "load_scenario",
    "measure_days",
    "parse_scenario",
    "run_day",
    "run_sweep",
    "search_staffing",
    "simulate_day",
    "summarise_day",
]


def _installed_version() -> str:
    # importlib.metadata costs ~40 ms to import: only when the version is asked for.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("theater-sim")
    except PackageNotFoundError:  # running from a source tree
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()["__version__"] = _installed_version()
        return globals()["__version__"]
    if name in _PUBLIC:
        value = getattr(import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'theater_sim' has no attribute {name!r}")


if TYPE_CHECKING:  # what the lazy names are, for type checkers and editors
    from theater_sim.analysis.contract import DayData as DayData
    from theater_sim.analysis.customers import customer_columns as customer_columns
    from theater_sim.analysis.customers import customer_frame as customer_frame
    from theater_sim.analysis.day_data import day_data as day_data
    from theater_sim.analysis.measured_day import DayResult as DayResult
    from theater_sim.analysis.measured_day import run_day as run_day
    from theater_sim.analysis.measured_day import summarise_day as summarise_day
    from theater_sim.analysis.verdict import Verdict as Verdict
    from theater_sim.engine.day_plan import compile_day as compile_day
    from theater_sim.engine.day_plan import simulate_day as simulate_day
    from theater_sim.engine.theater import DayRecords as DayRecords
    from theater_sim.input.loading import load_scenario as load_scenario
    from theater_sim.input.loading import parse_scenario as parse_scenario
    from theater_sim.model.scenario import Scenario as Scenario
    from theater_sim.planning.execution import Runner as Runner
    from theater_sim.planning.least_staffing import SideAnswer as SideAnswer
    from theater_sim.planning.least_staffing import Targets as Targets
    from theater_sim.planning.least_staffing import search_staffing as search_staffing
    from theater_sim.planning.measured_days import MeasuredDays as MeasuredDays
    from theater_sim.planning.measured_days import measure_days as measure_days
    from theater_sim.planning.sweep import SweepCell as SweepCell
    from theater_sim.planning.sweep import run_sweep as run_sweep
