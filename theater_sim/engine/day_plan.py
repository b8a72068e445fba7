"""The compile step: a ``Scenario`` becomes a ``DayPlan``, and the plan is played.

Everything the SimPy day needs is settled here, before it starts: every
clock time resolved to minutes after opening, every customer drawn from the
side's named streams (``sampling``), the counter schedules as
``(from_minute, counters)`` steps, and for a linked day the buyers and the
showings' starts and seats. ``theater`` then plays a ``DayPlan`` and never
sees a ``Scenario``; ``simulate_day`` does both steps, in SimPy (the model of
record) or, for the sides it can follow, the exact engine (``exact``: the
same records, without SimPy's overhead).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from theater_sim.engine.choice import Engine
from theater_sim.engine.plans import Buyers, DayPlan, LinkedPlan, ProjectionPlan, SidePlan
from theater_sim.engine.randomness import stream
from theater_sim.engine.records import SideRecords
from theater_sim.engine.sampling import draw_buyers, side_plan
from theater_sim.engine.theater import DayRecords, run_plan
from theater_sim.model.scenario import Scenario

__all__ = ["compile_day", "play", "restaffed", "simulate_day"]


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
            projection=_projection_plan(scenario, len(buyers.online)),
            walk_minutes=scenario.linked.walk_minutes,
        ),
    )


def restaffed(plan: DayPlan, staffed: Scenario) -> DayPlan:
    """``plan`` with ``staffed``'s counters: what ``compile_day(staffed)`` gives
    when ``plan`` was compiled from the same day at another staffing (staffing
    changes the counters, never who the customers are), without drawing again."""
    sides = {
        name: replace(
            getattr(plan, name),
            schedule=staffed.counter_schedule(name),
            autoscale=staffed.side(name).autoscale,
        )
        for name in ("selling", "collecting")
    }
    return replace(plan, **sides)


def _projection_plan(scenario: Scenario, buyers: int) -> ProjectionPlan | None:
    """The projector of ``scenario``, its clerks' work drawn from the projection's own stream."""
    projection = scenario.projection
    if projection is None:
        return None
    work = None
    if projection.minutes_per_sale is not None:
        work = projection.minutes_per_sale.sample(stream(scenario.seed, "selling", "projection"), buyers)
    return ProjectionPlan(
        every_minutes=projection.every_minutes,
        clerks=projection.clerks,
        work_minutes=work,
        delay_minutes=projection.delay_minutes,
        retry=projection.stale_reads == "retry",
        retry_minutes=projection.retry_minutes,
        ledger_check_minutes=projection.ledger_check_minutes,
    )


def simulate_day(
    scenario: Scenario, on_progress: Callable[[float], None] | None = None, engine: Engine = "simpy"
) -> DayRecords:
    """Run one day of ``scenario`` from its seed and return every customer's record.

    ``on_progress(minute)`` is told how far the simulated clock has got (by SimPy;
    the exact engine says nothing until it is done, in a fraction of the time).
    """
    return play(compile_day(scenario), engine, on_progress)


def play(plan: DayPlan, engine: Engine = "simpy", on_progress: Callable[[float], None] | None = None) -> DayRecords:
    """Play ``plan`` on ``engine``: every engine gives the same records.

    Raises:
        ValueError: ``engine="exact"`` on a day it cannot follow, naming the rule.
    """
    if engine == "simpy":
        return run_plan(plan, on_progress)
    from theater_sim.engine.exact import play_linked_exactly, supports  # not needed by a SimPy day

    if plan.linked is not None:
        if engine == "auto" and not supports(plan):
            return run_plan(plan)
        return play_linked_exactly(plan)
    return DayRecords(selling=_side(plan.selling, engine), collecting=_side(plan.collecting, engine))


def _side(plan: SidePlan, engine: Engine) -> SideRecords:
    """One side of an unlinked day: the sides share only the clock, so each can run on its own."""
    from theater_sim.engine.exact import simulate_side_exactly, unsupported_rule  # not needed by a SimPy day

    if engine == "auto" and unsupported_rule(plan) is not None:
        alone = DayPlan(plan.open_minutes, plan, SidePlan([(0.0, 1)], plan.open_minutes, plan.service_minutes[:0]))
        return run_plan(alone).selling
    return simulate_side_exactly(plan)
