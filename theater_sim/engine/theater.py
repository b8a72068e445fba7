"""The whole theater for a day: both sides of a ``DayPlan`` in one SimPy environment.

Unlinked, the two sides share only the clock: each has its own crowd. Linked,
the selling counters (and the website) sell seats for the showings, and every
party that bought comes to the collecting counters before its showing, so
collection only ever sees tickets that were sold. The plan comes compiled
(``day_plan.compile_day``): nothing here reads a ``Scenario``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import simpy

from theater_sim.engine.counters import call_in_turn
from theater_sim.engine.plans import DayPlan, LinkedPlan
from theater_sim.engine.projector import Projector
from theater_sim.engine.records import DayRecords, TicketRecords
from theater_sim.engine.scheduling import SimPyScheduler
from theater_sim.engine.seller import Seller, ticket_records
from theater_sim.engine.simulation import SideRun, arrival_gaps, run_environment
from theater_sim.model.sides import SideName

__all__ = ["DayModel", "DayRecords", "TicketRecords", "prepare_day", "run_plan"]


@dataclass
class DayModel:
    """A day wired into its SimPy environment, ready to run (all at once, or
    step by step for a live view); ``records()`` once the environment is empty."""

    env: simpy.Environment
    plan: DayPlan
    selling: SideRun
    collecting: SideRun
    tickets: TicketRecords | None = None
    projector: Projector | None = None

    def side(self, side_name: SideName) -> SideRun:
        run: SideRun = getattr(self, side_name)
        return run

    def records(self) -> DayRecords:
        tickets = self.tickets
        if tickets is not None:
            tickets = ticket_records(
                self.plan.linked.buyers,  # type: ignore[union-attr]
                tickets.sold_showing,
                self.projector,
                self.collecting,
            )
        return DayRecords(selling=self.selling.records(), collecting=self.collecting.records(), tickets=tickets)


def prepare_day(plan: DayPlan) -> DayModel:
    """Both sides of ``plan``'s day in one new environment, nothing run yet."""
    env = simpy.Environment()
    if plan.linked is not None:
        return _linked_day(env, plan, plan.linked)
    return DayModel(env, plan, SideRun(env, plan.selling), SideRun(env, plan.collecting))


def run_plan(plan: DayPlan, on_progress: Callable[[float], None] | None = None) -> DayRecords:
    """Play ``plan``'s day to the end and return every customer's record.

    ``on_progress(minute)`` is told how far the simulated clock has got.
    """
    model = prepare_day(plan)
    run_environment(model.env, plan.open_minutes, on_progress)
    return model.records()


def _linked_day(env: simpy.Environment, plan: DayPlan, linked: LinkedPlan) -> DayModel:
    buyers = linked.buyers
    at_counter = linked.at_counter
    # Who got which showing fills in as the day runs: a new array for every run.
    sold_showing = np.full(len(buyers.online), -1, dtype=np.int64)
    clock = SimPyScheduler(env)
    projector = (
        None
        if linked.projection is None
        else Projector(clock, linked.projection, len(buyers.online), sold_showing, linked.starts_at_minute)
    )
    collecting = SideRun(
        env,
        replace(plan.collecting, showing=sold_showing),
        on_reach=None if projector is None else projector.on_reach,
        retry_minutes=0.0 if linked.projection is None else linked.projection.retry_minutes,
        gives_up=None if projector is None else projector.gives_up,
    )
    sell = Seller(clock, linked, sold_showing, collecting.arrive, projector)
    selling = SideRun(env, plan.selling, on_served=lambda index, _now: sell(int(at_counter[index])))
    online_sales(env, buyers.arrival_at_minute[buyers.online], np.flatnonzero(buyers.online), sell)
    # The ledger's arrays fill in as the day runs.
    tickets = TicketRecords(online=buyers.online, party_size=buyers.party_size, sold_showing=sold_showing)
    return DayModel(env, plan, selling, collecting, tickets, projector)


def online_sales(env: simpy.Environment, moments: np.ndarray, buyers: np.ndarray, sell: Seller) -> None:
    """Online buyers book at their moment without queueing."""
    buyer_of = buyers.tolist()
    call_in_turn(env, arrival_gaps(moments), lambda position: sell(buyer_of[position]))
