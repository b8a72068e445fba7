"""A row of counters with one line, as a SimPy resource.

``CounterBank`` is a ``simpy.Resource`` whose capacity is the number of
counters open. Customers are requests that remember who they are. Three
things differ from the stock resource, all for the theater's sake:

- the line is a deque, so serving its head costs O(1) however long it grows
  (SimPy's list pays ``list.pop(0)``, a copy of the whole line per customer);
- a customer who gives up waiting is only marked as gone and skipped when
  they would reach a counter, instead of searched for and removed;
- the number of counters can change during the day; a counter that closes
  finishes the customer it is serving first.

This is the one module that touches SimPy's private internals (a resource's
``_capacity`` and ``_trigger_put``, an event's ``_value`` and ``_ok``, event
priorities): the rest of the engine goes through ``payload``, ``PENDING``
and ``schedule_after_everything``. ``tests/engine/test_counters.py`` fails
loudly if a SimPy release changes them (pyproject pins ``simpy<5``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from operator import attrgetter
from typing import Any

import simpy
from simpy.events import PENDING, Event, EventPriority
from simpy.resources.resource import Request

__all__ = ["PENDING", "CounterBank", "Customer", "payload", "schedule_after_everything"]

#: What an event carries (a Timeout's value; a customer's request: PENDING
#: until they reach a counter). A C-level getter: it runs twice per customer.
payload: Callable[[Event], Any] = attrgetter("_value")

# SimPy orders simultaneous events by priority (URGENT=0, NORMAL=1): an event
# of priority 2 comes after everything else that happens at that moment.
_AFTER_EVERYTHING_ELSE = EventPriority(2)


def schedule_after_everything(env: simpy.Environment, at_minute: float, callback: Callable[[Event], None]) -> None:
    """Call ``callback`` at ``at_minute``, after every other event of that moment."""
    event = Event(env)
    event._ok = True
    event._value = None
    event.callbacks.append(callback)
    env.schedule(event, _AFTER_EVERYTHING_ELSE, at_minute - env.now)


class Customer(Request):
    """A request for a counter that knows which customer made it."""

    gone = False  # set when the customer leaves the line without being served

    def __init__(self, bank: CounterBank, index: int) -> None:
        self.index = index
        super().__init__(bank)


class _AtCounters(dict[Request, None]):
    """The customers being served, with the list methods SimPy calls, in O(1).

    SimPy keeps them in a list and releases with ``list.remove``, a scan over
    every counter: with thousands of counters that scan dominates the day.
    """

    def append(self, request: Request) -> None:
        self[request] = None

    def remove(self, request: Request) -> None:
        self.pop(request, None)


class CounterBank(simpy.Resource):
    """Counters sharing one first-come-first-served line.

    Attributes:
        on_change: Called after anything that may change the line or the busy
            counters (a policy watching the side hooks in here), or None.
    """

    PutQueue = deque

    def __init__(self, env: simpy.Environment, counters: int) -> None:
        super().__init__(env, counters)
        self.users = _AtCounters()  # type: ignore[assignment]
        self.gone_in_line = 0
        self.on_change: Callable[[], None] | None = None

    @property
    def line_length(self) -> int:
        """Customers waiting (not counting those who gave up)."""
        return len(self.put_queue) - self.gone_in_line

    def set_counters(self, counters: int) -> None:
        """Open or close counters; closing ones finish their customer first."""
        self._capacity = counters
        self._trigger_put(None)

    def release_now(self, customer: Customer) -> None:
        """The customer leaves their counter, and the next in line steps up.

        SimPy's ``release`` does the same through a Release event processed a
        moment later at the same simulated time; doing it at once saves an
        event per customer and changes no time: the next customer still
        starts at the same minute, first come first served.
        """
        self.users.remove(customer)
        self._trigger_put(None)

    def leave_line(self, customer: Customer) -> None:
        """A waiting customer gives up; they are skipped when their turn comes."""
        customer.gone = True
        self.gone_in_line += 1
        if self.on_change is not None:
            self.on_change()

    def _trigger_put(self, get_event: object) -> None:
        line: deque[Customer] = self.put_queue  # type: ignore[assignment]
        users = self.users
        while line and len(users) < self._capacity:
            customer = line.popleft()
            if customer.gone:
                self.gone_in_line -= 1
                continue
            users.append(customer)
            customer.usage_since = self._env.now
            customer.succeed()
        if self.on_change is not None:
            self.on_change()
