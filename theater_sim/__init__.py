"""theater-sim: a CQRS movie theater, simulated.

Buyers queue at selling counters (the command side, writes); ticket holders
queue at collecting counters (the query side, reads). Each side is scaled on
its own, and the day's verdict says which one is under pressure.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from theater_sim.analysis.measured_day import DayResult, run_day
from theater_sim.analysis.verdict import Verdict
from theater_sim.input.loading import load_scenario, parse_scenario
from theater_sim.model.errors import ScenarioError
from theater_sim.model.scenario import Scenario

try:
    __version__ = version("theater-sim")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "DayResult",
    "Scenario",
    "ScenarioError",
    "Verdict",
    "__version__",
    "load_scenario",
    "parse_scenario",
    "run_day",
]
