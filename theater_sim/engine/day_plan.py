"""The compile step: a ``Scenario`` becomes a ``DayPlan``, and the plan is played.

Everything the SimPy day needs is settled here, before it starts: every
clock time resolved to minutes after opening, every customer drawn from the
side's named streams (``sampling``), the counter schedules as
``(from_minute, counters)`` steps, and for a linked day the buyers and the
showings' starts and seats. ``theater`` then plays a ``DayPlan`` and never
sees a ``Scenario``; ``simulate_day`` does both steps.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from theater_sim.engine.plans import Buyers, DayPlan, LinkedPlan
from theater_sim.engine.sampling import draw_buyers, side_plan
from theater_sim.engine.theater import DayRecords, run_plan
from theater_sim.model.scenario import Scenario

__all__ = ["compile_day", "simulate_day"]


def compile_day(scenario: Scenario) -> DayPlan:
    """Everything ``scenario``'s day needs, drawn from its seed."""
    if scenario.linked is None:
        return DayPlan(scenario.open_minutes, side_plan(scenario, "selling"), side_plan(scenario, "collecting"))
    buyers: Buyers = draw_buyers(scenario)
    at_counter = np.flatnonzero(~buyers.online)
    showings = scenario.showings()
    return DayPlan(
        open_minutes=scenario.open_minutes,
        selling=side_plan(
            scenario,
            "selling",
            arrival_at_minute=buyers.arrival_at_minute[at_counter],
            party_size=buyers.party_size[at_counter],
        ),
        collecting=side_plan(scenario, "collecting", size=len(buyers.online), party_size=buyers.party_size),
        linked=LinkedPlan(
            buyers=buyers,
            at_counter=at_counter,
            starts_at_minute=tuple(showings.starts_at_minute),
            seats=tuple(showings.seats),
        ),
    )


def simulate_day(scenario: Scenario, on_progress: Callable[[float], None] | None = None) -> DayRecords:
    """Run one day of ``scenario`` from its seed and return every customer's record.

    ``on_progress(minute)`` is told how far the simulated clock has got.
    """
    return run_plan(compile_day(scenario), on_progress)
