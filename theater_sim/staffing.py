"""How many counters are open, and when.

A side keeps a fixed number of counters all day, follows a schedule
(one seller in the morning, four from five o'clock), or lets an autoscaling
policy decide: open another counter when the line has stayed long for a
while, close one that has stood idle. A counter that closes first finishes
the customer it is serving. These are the settings; ``Autoscaler`` is the
policy at work inside a running day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from theater_sim.clock import ClockTime

__all__ = ["MAX_COUNTERS_PER_SIDE", "Autoscale", "Autoscaler", "CapacityChange", "CounterPeriod"]

MAX_COUNTERS_PER_SIDE = 10_000
MAX_SCHEDULE_PERIODS = 500
_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)
CounterCount = Annotated[int, Field(ge=1, le=MAX_COUNTERS_PER_SIDE)]
_Minutes = Annotated[float, Field(ge=0, le=1440)]


class CounterPeriod(BaseModel):
    """From this clock time on (until the next period), ``count`` counters are open."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    from_clock: ClockTime = Field(alias="from")
    count: CounterCount


class Autoscale(BaseModel):
    """Open one more counter when the line has stayed longer than
    ``open_when_line_over`` people for ``for_minutes``, up to ``max``; it opens
    ``opening_delay_minutes`` later. Close one when a counter has stood idle for
    ``close_when_idle_minutes``, down to ``min``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False, populate_by_name=True)

    min_counters: CounterCount = Field(default=1, alias="min")
    max_counters: CounterCount = Field(alias="max")
    open_when_line_over: Annotated[int, Field(ge=0, le=10_000_000)] = 10
    for_minutes: Annotated[float, Field(gt=0, le=1440)] = 5.0
    opening_delay_minutes: _Minutes = 2.0
    close_when_idle_minutes: Annotated[float, Field(gt=0, le=1440)] = 15.0

    @model_validator(mode="after")
    def _max_not_below_min(self) -> Autoscale:
        if self.max_counters < self.min_counters:
            raise ValueError(f"max ({self.max_counters}) is below min ({self.min_counters})")
        return self


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
