"""SimPy's events without SimPy: a plain event loop, and one side of the day on it.

SimPy orders its events by ``(time, priority, creation order)`` and runs each
event's callbacks in turn. ``EventLoop`` keeps the same key on a plain heap of
tuples and calls one function per entry: no ``Event`` objects, generators or
resource requests. ``SideReplay`` is ``simulation.SideRun`` re-told on it: it
creates an entry wherever ``SideRun`` creates a SimPy event, in the same order
and with the same float operations (``now + delay``), so simultaneous events
run in the same order and every record is bit-identical. Written by hand
because no library replays SimPy's event order; ``tests/engine/test_exact.py``
checks it against SimPy on random days of every rule it follows.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable
from heapq import heappop, heappush
from itertools import count

import numpy as np

from theater_sim.engine.autoscaler import CapacityChange
from theater_sim.engine.plans import SidePlan
from theater_sim.engine.records import BALKED, RENEGED, SideArrays
from theater_sim.engine.simulation import arrival_gaps

__all__ = ["LAST", "NORMAL", "URGENT", "EventLoop", "SideReplay", "unsupported_rule"]

#: SimPy's priorities: URGENT (a process starting), NORMAL (everything else
#: here), and the closing snapshot's, after everything else at its moment.
URGENT, NORMAL, LAST = 0, 1, 2


def unsupported_rule(plan: SidePlan) -> str | None:
    """The rule of ``plan`` a replayed side cannot follow, or None."""
    if plan.autoscale is not None:
        return "autoscaling (it reacts to the line as the day runs)"
    return None


class EventLoop:
    """SimPy's event order on a plain heap: ``(time, priority, creation order)``.

    It is a ``scheduling.Scheduler``, so the seller and the projector run on
    it unchanged. Hot paths push onto ``queue`` themselves, numbered by
    ``sequence`` (as SimPy numbers its events). Entries due now (a counter
    granted: SimPy's zero-delay event) wait in ``due``, in creation order,
    instead of the heap: they come after every heap entry due now that was
    created before them, and before everything later.
    """

    __slots__ = ("due", "now", "queue", "sequence")

    def __init__(self) -> None:
        self.now = 0.0
        self.queue: list[tuple[float, int, int, Callable[[int], None], int]] = []
        self.due: deque[tuple[int, Callable[[int], None], int]] = deque()
        self.sequence = count()

    def call_after(
        self, delay_minutes: float, callback: Callable[[int], None], arg: int = 0, priority: int = NORMAL
    ) -> None:
        """Call ``callback(arg)`` ``delay_minutes`` from now (SimPy: a new event, scheduled)."""
        heappush(self.queue, (self.now + delay_minutes, priority, next(self.sequence), callback, arg))

    def run(self) -> None:
        """Run every entry, in order, until none is left."""
        queue, due = self.queue, self.due
        while queue or due:
            if due:
                first = queue[0] if queue else None
                # A heap entry due now and created earlier (or more urgent) goes first.
                if first is None or first[0] > self.now or (first[1], first[2]) > (NORMAL, due[0][0]):
                    _sequence, callback, arg = due.popleft()
                    callback(arg)
                    continue
            now, _priority, _sequence, callback, arg = heappop(queue)
            self.now = now
            callback(arg)


class SideReplay(SideArrays):
    """``simulation.SideRun`` on an ``EventLoop``: the same arguments, the same records.

    A customer may join the line more than once (turned away, back later):
    each time is a *visit*, numbered as the customer for the first one and
    from ``size`` on for later ones, because a visit's patience and grant
    are its own (SimPy: a new request each time). The customer's path is a
    set of closures, as in ``SideRun._customer_flow``: they run once per
    event, and local names are the cheapest Python has.
    """

    def __init__(
        self,
        loop: EventLoop,
        plan: SidePlan,
        on_served: Callable[[int, float], None] | None = None,
        on_reach: Callable[[int, float], float | None] | None = None,
        retry_minutes: float = 0.0,
        gives_up: Callable[[int, float], bool] | None = None,
    ) -> None:
        problem = unsupported_rule(plan)
        if problem is not None:
            raise ValueError(f"the exact engine cannot follow {problem}")
        super().__init__(plan, checked=on_reach is not None, retry_minutes=retry_minutes)
        self.loop = loop
        self.arrive = self._customer_flow(on_served, on_reach, gives_up)
        # Created in SideRun.__init__'s order: schedule steps, the closing snapshot, the arrival process.
        for at_minute, counters in plan.schedule[1:]:
            loop.call_after(at_minute, self._schedule_step, counters)
        loop.call_after(plan.open_minutes - loop.now, self._closing, 0, LAST)
        if plan.arrival_at_minute is not None:
            loop.call_after(0.0, self._arrival_process(plan.arrival_at_minute), -1, URGENT)

    def _customer_flow(
        self,
        on_served: Callable[[int, float], None] | None,
        on_reach: Callable[[int, float], float | None] | None,
        gives_up: Callable[[int, float], bool] | None,
    ) -> Callable[[int], None]:
        """The entries a customer passes through; returns ``arrive(index)``."""
        loop, plan, size, retry_minutes = self.loop, self.plan, self.size, self.retry_minutes
        queue, sequence, due = loop.queue, loop.sequence, loop.due
        starts, left_line, outcome, counter = self.starts, self.left_line, self.outcome, self.counter
        arrived_at, extra_minutes, away_at = self.dynamic_arrivals, self.extra_minutes, self.away_at
        came = None if self.came_in_order is None else self.came_in_order.append
        service = array("d", plan.service_minutes.tobytes())
        patience = None if plan.patience_minutes is None else array("d", plan.patience_minutes.tobytes())
        balk_at_line = plan.balk_at_line
        granted = bytearray(size)  # a visit reached a counter (SimPy: its request is no longer PENDING)
        gone = bytearray(size)  # a visit gave up waiting; skipped when its turn comes
        later_visits = array("q")  # the customer of each visit from ``size`` on
        line: deque[int] = deque()
        free_counters: list[int] = []
        # Counts that change: gone in line, at counters, counters open, counters ever opened.
        state = [0, 0, plan.schedule[0][1], 0]

        def grant_waiting() -> None:  # counters.CounterBank._trigger_put
            while line and state[1] < state[2]:
                visit = line.popleft()
                if gone[visit]:
                    state[0] -= 1
                    continue
                state[1] += 1
                granted[visit] = 1
                due.append((next(sequence), start, visit))

        def start(visit: int) -> None:  # SideRun's start(customer)
            index = visit if visit < size else later_visits[visit - size]
            now = loop.now
            duration = service[index]
            if on_reach is not None:
                extra = on_reach(index, now)
                if extra is None:  # turned away: the counter is free at once, the customer comes back later
                    state[1] -= 1
                    grant_waiting()
                    away_at.append(now)
                    if len(away_at) > self.turned_away_limit:
                        raise self.too_often_turned_away()
                    heappush(queue, (now + retry_minutes, NORMAL, next(sequence), rejoin, index))
                    return
                if extra:
                    extra_minutes[index] += extra  # type: ignore[index]
                    duration = service[index] + extra
            starts[index] = left_line[index] = now
            if free_counters:
                counter[index] = heappop(free_counters)
            else:
                state[3] += 1
                counter[index] = state[3]
            heappush(queue, (now + duration, NORMAL, next(sequence), finish, visit))

        def finish(visit: int) -> None:  # SideRun's finish(event)
            index = visit if visit < size else later_visits[visit - size]
            state[1] -= 1
            grant_waiting()
            heappush(free_counters, counter[index])
            if on_served is not None:
                on_served(index, loop.now)

        def patience_over(visit: int) -> None:
            if not granted[visit]:  # still waiting when patience ran out
                index = visit if visit < size else later_visits[visit - size]
                outcome[index] = RENEGED
                left_line[index] = loop.now
                gone[visit] = 1
                state[0] += 1

        def join_line(index: int, visit: int) -> None:
            line.append(visit)
            grant_waiting()
            # SimPy's patience Timeout of a visit granted at once runs and does
            # nothing: it is left out (the other entries keep their order).
            if patience is not None and not granted[visit]:
                heappush(queue, (loop.now + patience[index], NORMAL, next(sequence), patience_over, visit))

        def rejoin(index: int) -> None:  # back from being turned away: no balking, no new arrival
            if gives_up is not None and gives_up(index, loop.now):
                outcome[index] = RENEGED
                left_line[index] = loop.now
                return
            later_visits.append(index)
            granted.append(0)
            gone.append(0)
            join_line(index, size + len(later_visits) - 1)

        def arrive(index: int) -> None:
            if arrived_at is not None and came is not None:
                arrived_at[index] = loop.now
                came(index)
            # Balk only at a real line: with a counter free, anyone walks up.
            if balk_at_line is not None and state[1] >= state[2] and len(line) - state[0] >= balk_at_line:
                outcome[index] = BALKED
                return
            join_line(index, index)

        def set_counters(counters: int) -> None:
            state[2] = counters
            grant_waiting()

        def waiting_and_served() -> tuple[int, int]:
            return len(line) - state[0], state[1]

        self._set_counters, self._line_and_counters = set_counters, waiting_and_served
        return arrive

    def _arrival_process(self, arrival_at_minute: np.ndarray) -> Callable[[int], None]:
        """``simulation.SideRun``'s arrivals (``counters.call_in_turn``): started now, then each customer in at
        their moment and the next one's entry made after them."""
        gaps = arrival_gaps(arrival_at_minute)
        size, loop, arrive = self.size, self.loop, self.arrive
        queue, sequence = loop.queue, loop.sequence

        def next_arrival(index: int) -> None:
            if index >= 0:
                arrive(index)
            if index + 1 < size:
                heappush(queue, (loop.now + gaps[index + 1], NORMAL, next(sequence), next_arrival, index + 1))

        return next_arrival

    def _schedule_step(self, counters: int) -> None:
        self.changes.append(CapacityChange(self.loop.now, counters, "schedule"))
        self._set_counters(counters)

    def _closing(self, _arg: int) -> None:
        self.close_snapshot = self._line_and_counters()
