"""The whole theater for a day: both sides of a ``DayPlan`` in one SimPy environment.

Unlinked, the two sides share only the clock: each has its own crowd. Linked,
the selling counters (and the website) sell seats for the showings, and every
party that bought comes to the collecting counters before its showing, so
collection only ever sees tickets that were sold. The plan comes compiled
(``day_plan.compile_day``): nothing here reads a ``Scenario``.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Generator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import simpy
from simpy.events import Event, Timeout

from theater_sim.engine.counters import payload
from theater_sim.engine.plans import DayPlan, LinkedPlan
from theater_sim.engine.projector import Projector
from theater_sim.engine.records import SideRecords
from theater_sim.engine.seat_book import SeatBook
from theater_sim.engine.simulation import SideRun, run_environment
from theater_sim.model.sides import SideName

__all__ = ["DayModel", "DayRecords", "TicketRecords", "prepare_day", "run_plan"]


@dataclass(frozen=True)
class TicketRecords:
    """What every buyer of a linked day did: ``sold_showing`` is -1 when they
    got no ticket (sold out, or they left the selling line). With a
    projection, ``sold_at`` / ``listed_at`` say when each sale entered the
    ledger and reached the collectors' list, ``stale_reads`` how often each
    holder was at a counter before it had (``projector.Projector``)."""

    online: np.ndarray
    party_size: np.ndarray
    sold_showing: np.ndarray
    sold_at: np.ndarray | None = None
    listed_at: np.ndarray | None = None
    stale_reads: np.ndarray | None = None
    projector_busy_minutes: float | None = None
    holder_arrived_at: np.ndarray | None = None
    holder_left_line_at: np.ndarray | None = None


@dataclass(frozen=True)
class DayRecords:
    """Both sides' records of one simulated day (and the tickets, if linked)."""

    selling: SideRecords
    collecting: SideRecords
    tickets: TicketRecords | None = None

    def side(self, side_name: SideName) -> SideRecords:
        records: SideRecords = getattr(self, side_name)
        return records


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
        tickets, projector = self.tickets, self.projector
        if tickets is not None and projector is not None:
            tickets = replace(
                tickets,
                sold_at=projector.sold_at,
                listed_at=projector.listed_at,
                stale_reads=projector.stale_reads,
                projector_busy_minutes=projector.busy_minutes,
                holder_arrived_at=np.array(self.collecting.dynamic_arrivals, dtype=np.float64),
                holder_left_line_at=np.array(self.collecting.left_line, dtype=np.float64),
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
    projector = (
        None
        if linked.projection is None
        else Projector(env, linked.projection, len(buyers.online), sold_showing, linked.starts_at_minute)
    )
    collecting = SideRun(
        env,
        replace(plan.collecting, showing=sold_showing),
        on_reach=None if projector is None else projector.on_reach,
        retry_minutes=0.0 if linked.projection is None else linked.projection.retry_minutes,
        gives_up=None if projector is None else projector.gives_up,
    )
    sell = _Seller(env, linked, sold_showing, collecting, projector)
    selling = SideRun(env, plan.selling, on_served=lambda index, _now: sell(int(at_counter[index])))
    env.process(_online_sales(env, buyers.arrival_at_minute[buyers.online], np.flatnonzero(buyers.online), sell))
    # The ledger's arrays fill in as the day runs.
    tickets = TicketRecords(online=buyers.online, party_size=buyers.party_size, sold_showing=sold_showing)
    return DayModel(env, plan, selling, collecting, tickets, projector)


class _Seller:
    """Books seats for a buyer and sends their party to collection in time."""

    def __init__(
        self,
        env: simpy.Environment,
        linked: LinkedPlan,
        sold: np.ndarray,
        collecting: SideRun,
        projector: Projector | None = None,
    ) -> None:
        buyers = linked.buyers
        self.projector = projector
        self.env = env
        self.book = SeatBook(list(linked.starts_at_minute), list(linked.seats))
        self.preferred = buyers.preferred_showing.tolist()
        self.party = buyers.party_size.tolist()
        self.lead = buyers.lead_minutes.tolist()
        self.walk = linked.walk_minutes
        self.sold = sold
        self.collecting = collecting

    def __call__(self, buyer: int) -> None:
        now = self.env.now
        showing = self.book.book(self.preferred[buyer], self.party[buyer], now)
        self.sold[buyer] = showing
        if showing < 0:
            return
        if self.projector is not None:
            self.projector.record_sale(buyer)
        # now + 0.0 is now exactly: without a walk the day is as it always was.
        arrive_at = max(now + self.walk, self.book.starts_at_minute[showing] - self.lead[buyer])
        if arrive_at <= now:
            self.collecting.arrive(buyer)
        else:
            Timeout(self.env, arrive_at - now, buyer).callbacks.append(self._holder_arrives)

    def _holder_arrives(self, event: Event) -> None:
        self.collecting.arrive(payload(event))


def _online_sales(
    env: simpy.Environment, moments: np.ndarray, buyers: np.ndarray, sell: _Seller
) -> Generator[Event, Any, None]:
    """Online buyers book at their moment without queueing."""
    previous = 0.0
    for moment, buyer in zip(array("d", moments.tobytes()), buyers.tolist(), strict=True):
        yield Timeout(env, moment - previous)
        previous = moment
        sell(buyer)
