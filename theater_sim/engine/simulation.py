"""The theater's day in SimPy.

Each side is a row of counters (``counters.CounterBank``, a SimPy resource)
with one first-come-first-served line. An arrival process per side lets
customers in at their moments. A customer may walk away from a long line
(balking) or give up after their patience runs out (reneging); otherwise they
reach a counter, are served for their own service time and leave. Counters
open and close on a schedule or by an autoscaling policy. At closing time the
doors shut to newcomers, but everyone already in line is still served.

In a linked day each completed sale books seats for a showing and sends the
party to the collecting counters shortly before it starts; online buyers skip
the selling counter. So the collecting side can only ever see sold tickets.

Lean by design: a customer is a few SimPy events with callbacks, not a process
of their own, because SimPy's per-process cost is what makes large days slow.
Nothing here prints or reads files; the result is a set of flat records.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable
from functools import partial
from heapq import heappop, heappush

import numpy as np
import simpy
from simpy.events import Event, Timeout

from theater_sim.engine.autoscaler import Autoscaler, CapacityChange
from theater_sim.engine.collector import collector_paused
from theater_sim.engine.counters import CounterBank, call_in_turn, payload, schedule_after_everything
from theater_sim.engine.plans import SidePlan
from theater_sim.engine.records import BALKED, RENEGED, SideArrays, SideRecords
from theater_sim.model.counter_settings import Autoscale

__all__ = [
    "SideRun",
    "exact_moments",
    "run_environment",
    "simulate_side",
]


def run_environment(
    env: simpy.Environment, open_minutes: float = 0.0, on_progress: Callable[[float], None] | None = None
) -> None:
    """Run the day to its end: every customer served or gone.

    With ``on_progress``, a clock tick every 1/200 of the open day calls
    ``on_progress(minute)``. Ticks touch no customer and SimPy orders the
    other events among themselves as before, so the day is the same.
    """
    if on_progress is not None:
        step = max(open_minutes / 200.0, 1.0)

        def tick(_event: Event) -> None:
            on_progress(env.now)
            if env.peek() != math.inf:  # the day goes on: tick again (jumping idle stretches)
                delay = max(step, env.peek() - env.now)
                Timeout(env, delay).callbacks.append(tick)

        Timeout(env, step).callbacks.append(tick)
    with collector_paused():
        env.run()


class SideRun(SideArrays):
    """One side wired into a shared environment; ``records()`` after the run.

    Args:
        env: The day's environment.
        plan: The side's customers and counters.
        on_served: Called as ``on_served(index, now)`` when a customer leaves a counter.
        on_reach: Called as ``on_reach(index, now)`` when a customer reaches a
            counter: the extra service minutes their visit takes (0.0: none),
            or None to turn them away at once, back in line ``retry_minutes``
            later (a holder whose ticket is not listed yet).
        retry_minutes: How long a customer turned away takes to come back.
        gives_up: Called as ``gives_up(index, now)`` when a customer turned away
            comes back: True, and they leave instead of joining the line again
            (a holder whose film has started), counted as having given up.
    """

    def __init__(
        self,
        env: simpy.Environment,
        plan: SidePlan,
        on_served: Callable[[int, float], None] | None = None,
        on_reach: Callable[[int, float], float | None] | None = None,
        retry_minutes: float = 0.0,
        gives_up: Callable[[int, float], bool] | None = None,
    ) -> None:
        super().__init__(plan, checked=on_reach is not None, retry_minutes=retry_minutes)
        self.env = env
        self.bank = CounterBank(env, plan.schedule[0][1])
        self.tally = [0, 0]  # customers arrived, customers served so far (for live views)
        self.later_visits = array("q")  # whose each visit after being turned away is (``customer_of``)
        self.arrive = self._customer_flow(on_served, on_reach, retry_minutes, gives_up)
        self._staffing()
        schedule_after_everything(env, plan.open_minutes, self._snapshot)
        if plan.arrival_at_minute is not None:
            call_in_turn(env, arrival_gaps(plan.arrival_at_minute), self.arrive)

    def customer_of(self, visit: int) -> int:
        """The customer a visit is (a visit after being turned away is numbered from ``size`` on)."""
        return visit if visit < self.size else self.later_visits[visit - self.size]

    def _customer_flow(
        self,
        on_served: Callable[[int, float], None] | None,
        on_reach: Callable[[int, float], float | None] | None,
        retry_minutes: float,
        gives_up: Callable[[int, float], bool] | None = None,
    ) -> Callable[[int], None]:
        """The callbacks a customer passes through; returns ``arrive(index)``.

        A customer's visit is a number: the customer's own index the first
        time, and ``size``, ``size + 1``, ... for visits after being turned
        away (``later_visits`` says whose), as each visit waits, is granted
        and may give up on its own.
        """
        env, bank, plan, size = self.env, self.bank, self.plan, self.size
        starts, left_line, outcome, dynamic = self.starts, self.left_line, self.outcome, self.dynamic_arrivals
        came = None if self.came_in_order is None else self.came_in_order.append
        counter, tally, extra_minutes, away_at = self.counter, self.tally, self.extra_minutes, self.away_at
        turned_away_limit = self.turned_away_limit
        service = array("d", plan.service_minutes.tobytes())
        patience = None if plan.patience_minutes is None else array("d", plan.patience_minutes.tobytes())
        balk_at_line = plan.balk_at_line
        release, granted, join = bank.release, bank.granted, bank.join
        later_visits = self.later_visits
        # Which counter serves whom: the lowest-numbered free one (1, 2, ...).
        free_counters: list[int] = []
        opened = [0]

        def finish(event: Event) -> None:
            visit = payload(event)
            index = visit if visit < size else later_visits[visit - size]
            release()
            heappush(free_counters, counter[index])
            tally[1] += 1
            if on_served is not None:
                on_served(index, env.now)

        def start(event: Event) -> None:
            visit = payload(event)
            index = visit if visit < size else later_visits[visit - size]
            duration = service[index]
            if on_reach is not None:
                extra = on_reach(index, env.now)
                if extra is None:  # turned away: the counter is free at once, the customer comes back later
                    release()
                    away_at.append(env.now)
                    if len(away_at) > turned_away_limit:
                        raise self.too_often_turned_away()
                    Timeout(env, retry_minutes, index).callbacks.append(rejoin)
                    return
                if extra:
                    extra_minutes[index] += extra  # type: ignore[index]
                    duration = service[index] + extra
            starts[index] = left_line[index] = env.now
            if free_counters:
                counter[index] = heappop(free_counters)
            else:
                opened[0] += 1
                counter[index] = opened[0]
            Timeout(env, duration, visit).callbacks.append(finish)

        def renege(event: Event) -> None:
            visit = payload(event)
            if not granted(visit):  # still waiting when patience ran out
                index = visit if visit < size else later_visits[visit - size]
                outcome[index] = RENEGED
                left_line[index] = env.now
                bank.leave_line(visit)

        def join_line(index: int, visit: int) -> None:
            join(visit)
            # A visit granted at once never gives up: its patience would run
            # out and do nothing, so no Timeout is made for it (the events
            # that are made keep their order).
            if patience is not None and not granted(visit):
                Timeout(env, patience[index], visit).callbacks.append(renege)

        def rejoin(event: Event) -> None:  # back from being turned away: no balking, no new arrival
            index = payload(event)
            if gives_up is not None and gives_up(index, env.now):
                outcome[index] = RENEGED
                left_line[index] = env.now
                return
            later_visits.append(index)
            join_line(index, size + len(later_visits) - 1)

        def arrive(index: int) -> None:
            tally[0] += 1
            if dynamic is not None and came is not None:
                dynamic[index] = env.now
                came(index)
            # Balk only at a real line: with a counter free, anyone walks up.
            if balk_at_line is not None and bank.count >= bank.capacity and bank.line_length >= balk_at_line:
                outcome[index] = BALKED
                return
            join_line(index, index)

        bank.on_grant = start
        return arrive

    def _staffing(self) -> None:
        for at_minute, counters in self.plan.schedule[1:]:
            self.after(at_minute, partial(self.set_counters, counters, "schedule"))
        if self.plan.autoscale is not None:
            scaler = Autoscaler(
                self.plan.autoscale,
                schedule=self.after,
                set_counters=self.set_counters,
                now=lambda: self.env.now,
                counters=self.plan.schedule[0][1],
            )
            bank = self.bank
            bank.on_change = lambda: scaler.observe(bank.line_length, bank.count)

    def after(self, delay_minutes: float, action: Callable[[], None]) -> None:
        """Run ``action`` ``delay_minutes`` from now."""
        Timeout(self.env, delay_minutes).callbacks.append(lambda _event: action())

    def set_counters(self, counters: int, reason: str) -> None:
        self.changes.append(CapacityChange(self.env.now, counters, reason))
        self.bank.set_counters(counters)

    def _snapshot(self, _event: Event) -> None:
        self.close_snapshot = (self.bank.line_length, self.bank.count)


def arrival_gaps(arrival_at_minute: np.ndarray) -> array[float]:
    """The delays that let each customer in at their moment, one after another.

    The moments are given as running sums of gaps (see ``exact_moments``), so
    SimPy's clock lands on them to the last bit.
    """
    return array("d", np.diff(arrival_at_minute, prepend=0.0).tobytes())


def exact_moments(arrival_at_minute: np.ndarray) -> np.ndarray:
    """Sorted moments rebuilt as running sums of their gaps.

    SimPy advances its clock by adding each delay to the current time; moments
    built the same way are exactly the times SimPy will report.
    """
    moments: np.ndarray = np.cumsum(np.diff(np.asarray(arrival_at_minute, dtype=np.float64), prepend=0.0))
    return moments


def simulate_side(
    counters: int,
    open_minutes: float,
    arrival_at_minute: np.ndarray,
    service_minutes: np.ndarray,
    *,
    patience_minutes: np.ndarray | None = None,
    balk_at_line: int | None = None,
    schedule: list[tuple[float, int]] | None = None,
    autoscale: Autoscale | None = None,
) -> SideRecords:
    """Run one side alone on given moments and times (for exact, hand-checked days).

    ``schedule`` (``(from_minute, counters)`` steps) replaces ``counters`` when given.
    """
    env = simpy.Environment()
    plan = SidePlan(
        schedule=schedule or [(0.0, counters)],
        open_minutes=open_minutes,
        service_minutes=np.asarray(service_minutes, dtype=np.float64),
        arrival_at_minute=exact_moments(arrival_at_minute),
        patience_minutes=None if patience_minutes is None else np.asarray(patience_minutes, dtype=np.float64),
        balk_at_line=balk_at_line,
        autoscale=autoscale,
    )
    run = SideRun(env, plan)
    run_environment(env)
    return run.records()
