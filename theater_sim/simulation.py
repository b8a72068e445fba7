"""The theater's day in SimPy.

Each side is a row of identical counters (a ``simpy.Resource`` whose capacity
is the number of counters) with one first-come-first-served line. A single
arrival process per side lets customers in at their moments; each customer
asks for a counter, is served for their own service time and leaves. At
closing time the doors shut to newcomers, but everyone already in line is
still served: the overtime that costs is in the records.

Lean by design: a customer is two SimPy events and two callbacks, not a
process of their own, because SimPy's per-process cost (an extra event, a
generator and its resumptions) is what makes large days slow. Nothing here
prints or reads files; the result is a set of flat records.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy
from simpy.events import Event, EventPriority, Timeout
from simpy.resources.resource import Request

from theater_sim.arrivals import arrival_times_at_minute
from theater_sim.randomness import stream
from theater_sim.scenario import SIDE_NAMES, Scenario, SideName

__all__ = ["CounterBank", "DayRecords", "SideRecords", "simulate_day", "simulate_side"]


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
    """Counters sharing one FIFO line, kept in a deque.

    ``simpy.Resource`` keeps its line in a list and removes the head with
    ``list.pop(0)``, which costs time proportional to the line: a day where
    half a million people wait would spend minutes moving memory. The deque
    makes taking the head O(1), and the customers at counters live in an
    insertion-ordered dict; the behaviour is otherwise SimPy's own.
    """

    PutQueue = deque

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        super().__init__(env, capacity)
        self.users = _AtCounters()  # type: ignore[assignment]

    def _trigger_put(self, get_event: Any) -> None:
        line: deque[Request] = self.put_queue  # type: ignore[assignment]
        users = self.users
        while line and len(users) < self._capacity:
            request = line.popleft()
            users.append(request)
            request.usage_since = self._env.now
            request.succeed()


@dataclass(frozen=True)
class SideRecords:
    """What happened to every customer of one side, in arrival order.

    Attributes:
        counters: Counters open on this side.
        open_minutes: How long the doors were open.
        arrival_at_minute: When each customer joined the line.
        service_start_at_minute: When each reached a counter.
        service_minutes: How long each was served.
        in_line_at_close: Customers waiting when the doors shut.
        in_service_at_close: Customers at a counter when the doors shut.
    """

    counters: int
    open_minutes: float
    arrival_at_minute: np.ndarray
    service_start_at_minute: np.ndarray
    service_minutes: np.ndarray
    in_line_at_close: int
    in_service_at_close: int

    @property
    def departure_at_minute(self) -> np.ndarray:
        """When each customer left their counter."""
        departures: np.ndarray = self.service_start_at_minute + self.service_minutes[: self.served]
        return departures

    @property
    def wait_minutes(self) -> np.ndarray:
        """How long each served customer stood in line."""
        waits: np.ndarray = self.service_start_at_minute - self.arrival_at_minute[: self.served]
        return waits

    @property
    def arrived(self) -> int:
        return len(self.arrival_at_minute)

    @property
    def served(self) -> int:
        return len(self.service_start_at_minute)


@dataclass(frozen=True)
class DayRecords:
    """Both sides' records of one simulated day."""

    selling: SideRecords
    collecting: SideRecords

    def side(self, side_name: SideName) -> SideRecords:
        records: SideRecords = getattr(self, side_name)
        return records


def simulate_day(scenario: Scenario) -> DayRecords:
    """Run one day of ``scenario`` from its seed and return every customer's record."""
    env = simpy.Environment()
    pending = {}
    for side_name in SIDE_NAMES:
        side = scenario.side(side_name)
        arrivals = arrival_times_at_minute(
            side.arrivals, scenario.open_minutes, stream(scenario.seed, side_name, "arrivals")
        )
        service = side.service_minutes.sample(stream(scenario.seed, side_name, "service"), len(arrivals))
        pending[side_name] = _SideRun(env, side.counters, scenario.open_minutes, arrivals, service)
    env.run()
    return DayRecords(**{name: run.records() for name, run in pending.items()})


def simulate_side(
    counters: int,
    open_minutes: float,
    arrival_at_minute: np.ndarray,
    service_minutes: np.ndarray,
) -> SideRecords:
    """Run one side alone on given arrival moments and service times.

    Useful for exact, hand-checked days; ``simulate_day`` runs both sides
    together in one environment.
    """
    env = simpy.Environment()
    run = _SideRun(
        env, counters, open_minutes, np.asarray(arrival_at_minute, float), np.asarray(service_minutes, float)
    )
    env.run()
    return run.records()


class _SideRun:
    """The wiring of one side inside a shared environment."""

    def __init__(
        self,
        env: simpy.Environment,
        counters: int,
        open_minutes: float,
        arrival_at_minute: np.ndarray,
        service_minutes: np.ndarray,
    ) -> None:
        self.counters = counters
        self.open_minutes = open_minutes
        self.bank = CounterBank(env, counters)
        # Arrival moments are rebuilt as running sums of the gaps SimPy is
        # given, so the records equal SimPy's clock to the last bit.
        gaps = np.diff(arrival_at_minute, prepend=0.0)
        self.arrival_at_minute = np.cumsum(gaps)
        self.service_minutes = service_minutes
        self.starts: array[float] = array("d")
        self.close_snapshot = (0, 0)
        env.process(_arrival_process(env, self.bank, gaps, service_minutes, self.starts))
        env.schedule(_closing_event(env, self._snapshot), _AFTER_EVERYTHING_ELSE, open_minutes)

    def _snapshot(self, _event: Event) -> None:
        self.close_snapshot = (len(self.bank.queue), self.bank.count)

    def records(self) -> SideRecords:
        return SideRecords(
            counters=self.counters,
            open_minutes=self.open_minutes,
            arrival_at_minute=self.arrival_at_minute,
            service_start_at_minute=np.frombuffer(self.starts, dtype=np.float64),
            service_minutes=self.service_minutes,
            in_line_at_close=self.close_snapshot[0],
            in_service_at_close=self.close_snapshot[1],
        )


# SimPy orders simultaneous events by priority (URGENT=0, NORMAL=1): the
# snapshot at closing comes after everything else that happens at that moment.
_AFTER_EVERYTHING_ELSE = EventPriority(2)


def _closing_event(env: simpy.Environment, callback: Callable[[Event], None]) -> Event:
    closing = Event(env)
    closing._ok = True
    closing._value = None
    closing.callbacks.append(callback)
    return closing


def _arrival_process(
    env: simpy.Environment,
    bank: CounterBank,
    gaps: np.ndarray,
    service_minutes: np.ndarray,
    starts: array[float],
) -> Generator[Event, Any, None]:
    """Let each customer in after their gap; they queue FIFO for a counter."""
    # array('d') iterates as fast as a list but keeps 8 bytes a customer.
    start_service = _service_starter(env, bank, iter(_as_array(service_minutes)), starts)
    for gap in _as_array(gaps):
        yield Timeout(env, gap)
        bank.request().callbacks.append(start_service)


def _service_starter(
    env: simpy.Environment,
    bank: CounterBank,
    service_minutes: Iterator[float],
    starts: array[float],
) -> Callable[[Event], None]:
    """The callback run when a customer reaches a counter.

    The line is FIFO, so the k-th customer to reach a counter is the k-th to
    arrive: their service time is simply the next one.
    """
    release = bank.release
    record_start = starts.append

    def finish(event: Event) -> None:
        release(event._value)

    def start(request: Event) -> None:
        record_start(env.now)
        Timeout(env, next(service_minutes), request).callbacks.append(finish)

    return start


def _as_array(values: np.ndarray) -> array[float]:
    packed = array("d")
    packed.frombytes(np.ascontiguousarray(values, dtype=np.float64).tobytes())
    return packed
