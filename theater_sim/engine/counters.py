"""A row of counters with one line, on a SimPy environment.

``CounterBank`` is what ``simpy.Resource`` would be for the theater, minus
what a day of millions of customers cannot afford. A customer's visit is a
number, not a request object: the line is a deque of visit numbers, and a
visit that reaches a counter is granted by one zero-delay ``Timeout`` carrying
its number, scheduled at the very moment (and so in the very order) SimPy's
``Request.succeed()`` would schedule the request. A waiting customer costs
the line one slot and one int (SimPy's request, with its event machinery,
cost about 330 bytes), so an overloaded day grows linearly.

- serving the line's head costs O(1) however long it grows;
- a visit that gives up waiting is only marked as gone and skipped when it
  would reach a counter, instead of searched for and removed;
- the number of counters can change during the day; a counter that closes
  finishes the customer it is serving first.

This is the one module that touches SimPy's private internals (an event's
``_value`` and ``_ok``, event priorities): the rest of the engine goes through
``payload``, ``PENDING`` and ``schedule_after_everything``.
``tests/engine/test_counters.py`` fails loudly if a SimPy release changes
them (pyproject pins ``simpy<5``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

import simpy
from simpy.events import PENDING, Event, EventPriority, Timeout

__all__ = ["PENDING", "CounterBank", "call_in_turn", "payload", "schedule_after_everything"]

#: What an event carries (a Timeout's value). A C-level getter: it runs
#: several times per customer.
payload: Callable[[Event], Any] = attrgetter("_value")

# SimPy orders simultaneous events by priority (URGENT=0, NORMAL=1): an event
# of priority 2 comes after everything else that happens at that moment.
_AFTER_EVERYTHING_ELSE = EventPriority(2)
_URGENT = EventPriority(0)


def call_in_turn(env: simpy.Environment, delays: Sequence[float], callback: Callable[[int], None]) -> None:
    """Call ``callback(0)`` ``delays[0]`` from now, then ``callback(1)`` ``delays[1]`` after that, and so on.

    The same events, in the same order, as the SimPy process
    ``for i, d in enumerate(delays): yield env.timeout(d); callback(i)``
    (an urgent start now, then one ``Timeout`` per call, each made right after
    the call before it), minus the generator's resumes, which cost a tenth of
    a large day. The process's own end event, which nothing waits for, is
    left out: it only ever took a place in the order after everything else.
    """
    count = len(delays)

    def fire(event: Event) -> None:
        index: int = event._value
        callback(index)
        following = index + 1
        if following < count:
            Timeout(env, delays[following], following).callbacks.append(fire)

    def begin(_event: Event) -> None:
        if count:
            Timeout(env, delays[0], 0).callbacks.append(fire)

    # SimPy's Initialize: a process starts at an urgent event of this moment.
    _call_at(env, 0, _URGENT, begin)  # no delay, as SimPy schedules it (0, not 0.0)


def schedule_after_everything(env: simpy.Environment, at_minute: float, callback: Callable[[Event], None]) -> None:
    """Call ``callback`` at ``at_minute``, after every other event of that moment."""
    _call_at(env, at_minute - env.now, _AFTER_EVERYTHING_ELSE, callback)


def _call_at(env: simpy.Environment, delay: float, priority: EventPriority, callback: Callable[[Event], None]) -> None:
    """A triggered event of ``priority`` ``delay`` from now, calling ``callback``."""
    event = Event(env)
    event._ok = True
    event._value = None
    event.callbacks.append(callback)
    env.schedule(event, priority, delay)


class CounterBank:
    """Counters sharing one first-come-first-served line.

    Args:
        env: The day's environment.
        counters: Counters open at first.

    Attributes:
        count: Visits at a counter.
        capacity: Counters open.
        on_grant: Called with the grant event (``payload(event)``: the visit)
            when a visit reaches a counter.
        on_change: Called after anything that may change the line or the busy
            counters (a policy watching the side hooks in here), or None.
    """

    def __init__(self, env: simpy.Environment, counters: int) -> None:
        self.env = env
        self.capacity = counters
        self.count = 0
        self.on_grant: Callable[[Event], None] = _nobody
        self.on_change: Callable[[], None] | None = None
        self._line: deque[int] = deque()
        self._gone_in_line = 0
        self._granted = bytearray()  # per visit: reached a counter (SimPy: no longer PENDING)
        self._gone = bytearray()  # per visit: gave up waiting

    @property
    def line_length(self) -> int:
        """Customers waiting (not counting those who gave up)."""
        return len(self._line) - self._gone_in_line

    def first_in_line(self) -> int | None:
        """The visit first in line (those who gave up skipped), or None with nobody waiting."""
        gone = self._gone
        for visit in self._line:
            if not gone[visit]:
                return visit
        return None

    def granted(self, visit: int) -> bool:
        """Whether ``visit`` has reached a counter (its grant may still be due)."""
        return visit < len(self._granted) and bool(self._granted[visit])

    def join(self, visit: int) -> None:
        """``visit`` joins the line (visits are numbered from 0, each new one the next)."""
        missing = visit + 1 - len(self._granted)
        if missing > 0:
            self._granted.extend(bytes(missing))
            self._gone.extend(bytes(missing))
        self._line.append(visit)
        self._serve_line()

    def release(self) -> None:
        """A counter's customer leaves it, and the next in line steps up.

        SimPy's ``release`` does the same through a Release event processed a
        moment later at the same simulated time; doing it at once saves an
        event per customer and changes no time.
        """
        self.count -= 1
        self._serve_line()

    def leave_line(self, visit: int) -> None:
        """A waiting visit gives up; it is skipped when its turn comes."""
        self._gone[visit] = 1
        self._gone_in_line += 1
        if self.on_change is not None:
            self.on_change()

    def set_counters(self, counters: int) -> None:
        """Open or close counters; closing ones finish their customer first."""
        self.capacity = counters
        self._serve_line()

    def _serve_line(self) -> None:
        """Grant waiting visits while counters are free (SimPy's ``_trigger_put``)."""
        line, gone, env, on_grant = self._line, self._gone, self.env, self.on_grant
        while line and self.count < self.capacity:
            visit = line.popleft()
            if gone[visit]:
                self._gone_in_line -= 1
                continue
            self.count += 1
            self._granted[visit] = 1
            Timeout(env, 0.0, visit).callbacks.append(on_grant)
        if self.on_change is not None:
            self.on_change()


def _nobody(_event: Event) -> None:
    """The grant callback of a bank nobody has wired up yet."""
