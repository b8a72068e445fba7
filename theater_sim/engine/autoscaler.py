"""The autoscaling policy at work, and the record of every counter change.

A manager's autoscaling settings (``model.counter_settings.Autoscale``) say
when to open another counter (the line has stayed long for a while) and when
to close one (a counter has stood idle). ``Autoscaler`` watches one side of a
running day and acts on them; every change of the counters open, by the
schedule or the policy, is kept as a ``CapacityChange``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from theater_sim.model.counter_settings import Autoscale

__all__ = ["Autoscaler", "CapacityChange"]


@dataclass(frozen=True)
class CapacityChange:
    """Counters open on a side from ``at_minute`` on, and why."""

    at_minute: float
    counters: int
    reason: str


class Autoscaler:
    """The autoscaling policy watching one side's line and counters.

    The side calls ``observe`` whenever its line or busy counters change; the
    policy starts a timer when the line goes over the threshold (or a counter
    goes idle) and acts only if the condition still holds, unbroken, when the
    timer fires. Timers go through ``schedule(delay, callback)`` so the policy
    needs no SimPy of its own.
    """

    def __init__(
        self,
        settings: Autoscale,
        schedule: Callable[[float, Callable[[], None]], None],
        set_counters: Callable[[int, str], None],
        now: Callable[[], float],
        counters: int,
    ) -> None:
        self.settings = settings
        self._schedule = schedule
        self._set_counters = set_counters
        self._now = now
        self.counters = counters
        self._opening = 0
        self._line_over_since: float | None = None
        self._idle_since: float | None = None

    def observe(self, line: int, busy: int) -> None:
        """Note the line length and busy counters right now."""
        now = self._now()
        if line > self.settings.open_when_line_over:
            if self._line_over_since is None:
                self._line_over_since = now
                self._schedule(self.settings.for_minutes, lambda: self._check_open(now))
        else:
            self._line_over_since = None
        if busy < self.counters:
            if self._idle_since is None:
                self._idle_since = now
                self._schedule(self.settings.close_when_idle_minutes, lambda: self._check_close(now))
        else:
            self._idle_since = None

    def _check_open(self, since: float) -> None:
        if self._line_over_since != since:
            return  # the line dropped back in the meantime
        if self.counters + self._opening < self.settings.max_counters:
            self._opening += 1
            self._schedule(self.settings.opening_delay_minutes, self._open_one)
        # Keep watching: another counter if the line stays long for another spell.
        now = self._now()
        self._line_over_since = now
        self._schedule(self.settings.for_minutes, lambda: self._check_open(now))

    def _open_one(self) -> None:
        self._opening -= 1
        self.counters += 1
        self._set_counters(self.counters, "autoscale: line stayed long")

    def _check_close(self, since: float) -> None:
        if self._idle_since != since:
            return  # every counter got busy in the meantime
        if self.counters <= self.settings.min_counters:
            self._idle_since = None
            return
        self.counters -= 1
        self._set_counters(self.counters, "autoscale: counter stood idle")
        # Watch again only while there is something left to close, so an
        # idle evening ends the day instead of ticking forever.
        now = self._now()
        self._idle_since = now
        if self.counters > self.settings.min_counters:
            self._schedule(self.settings.close_when_idle_minutes, lambda: self._check_close(now))
        else:
            self._idle_since = None
