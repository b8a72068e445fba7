"""Which engine runs a day: the names a user gives (``--engine``), what the
exact engine cannot follow, and what a report says ran.

Apart from the engines themselves, so that a command deciding or reporting
which engine runs imports neither (nor NumPy, nor SimPy): a sweep's
coordinating process, whose days all run on its workers, never needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from theater_sim.model.scenario import Scenario

__all__ = ["ENGINES", "Engine", "engine_problem", "engines_used"]

#: ``simpy``: the SimPy environment, the model of record. ``exact``: the exact
#: engine (an error on a rule it cannot follow). ``auto``: exact for each side
#: it can follow, SimPy for the rest (a linked day, whose sides are one day,
#: runs whole in SimPy when either side is autoscaled).
Engine = Literal["simpy", "exact", "auto"]
ENGINES: tuple[Engine, ...] = ("simpy", "exact", "auto")


def engine_problem(scenario: Scenario) -> str | None:
    """What in ``scenario`` the exact engine cannot follow, or None (it follows the whole day)."""
    scaled = _autoscaled(scenario)
    return f"{scaled[0]}'s autoscaling (it reacts to the line as the day runs)" if scaled else None


def _autoscaled(scenario: Scenario) -> list[str]:
    """The sides the exact engine leaves to SimPy in an unlinked day."""
    return [name for name in ("selling", "collecting") if scenario.side(name).autoscale is not None]


def engines_used(scenario: Scenario, engine: Engine) -> tuple[str, str]:
    """Which engine ``engine`` runs ``scenario``'s days on (the scenario as staffed
    for the run: staffing options replace autoscaling): a name for JSON
    (``simpy``, ``exact``, or ``exact+simpy``) and words for a report's footer
    (no parentheses: footers put them in some)."""
    if engine == "simpy":
        return "simpy", "SimPy"
    scaled = _autoscaled(scenario)
    if not scaled:
        return "exact", "the exact engine, whose records are SimPy's to the bit"
    if scenario.linked is not None:
        return "simpy", "SimPy, as the exact engine does not follow autoscaling and a linked day's sides run as one"
    if len(scaled) == 2:
        return "simpy", "SimPy, as the exact engine does not follow autoscaling"
    return "exact+simpy", f"the exact engine, and SimPy for autoscaled {scaled[0]}"
