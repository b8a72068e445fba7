"""The clock the day's shared actors see: SimPy's environment, or the exact engine's loop.

The box office's seller (``seller``) and the projector (``projector``) only
ever ask two things of the day's clock: what time it is, and to be called
back after a delay. ``Scheduler`` is that; ``SimPyScheduler`` answers it with
a SimPy ``Timeout`` per call (the model of record), ``replay.EventLoop`` with a
plain heap entry keyed as SimPy keys the same event, so both engines run the
same seller and projector code and create their events in the same order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import simpy
from simpy.events import Event, Timeout

__all__ = ["Scheduler", "SimPyScheduler"]


class Scheduler(Protocol):
    """A day's clock: ``now`` in minutes, and callbacks after a delay."""

    @property
    def now(self) -> float: ...

    def call_after(self, delay_minutes: float, callback: Callable[[int], None], arg: int = 0) -> None:
        """Call ``callback(arg)`` ``delay_minutes`` from now, after the events already due then."""


class SimPyScheduler:
    """``Scheduler`` on a SimPy environment: each call is one ``Timeout``."""

    __slots__ = ("env",)

    def __init__(self, env: simpy.Environment) -> None:
        self.env = env

    @property
    def now(self) -> float:
        now: float = self.env.now
        return now

    def call_after(self, delay_minutes: float, callback: Callable[[int], None], arg: int = 0) -> None:
        Timeout(self.env, delay_minutes, (callback, arg)).callbacks.append(_call)


def _call(event: Event) -> None:
    callback, arg = event._value
    callback(arg)
