"""How many counters are open, and when.

A side keeps a fixed number of counters all day, follows a schedule
(one seller in the morning, none over lunch, four from five o'clock), or lets an autoscaling
policy decide: open another counter when the line has stayed long for a
while, close one that has stood idle. A counter that closes first finishes
the customer it is serving. These are the settings, as a manager writes
them; ``engine.autoscaler`` is the policy at work inside a running day.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from theater_sim.model.clock import ClockTime
from theater_sim.model.limits import MAX_COUNTERS_PER_SIDE

__all__ = ["MAX_COUNTERS_PER_SIDE", "MAX_SCHEDULE_PERIODS", "Autoscale", "CounterCount", "CounterPeriod"]

MAX_SCHEDULE_PERIODS = 500
_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False, defer_build=True)
CounterCount = Annotated[int, Field(ge=1, le=MAX_COUNTERS_PER_SIDE)]
#: A schedule period may close the side (0: shut for lunch); the count at closing time may not be 0
#: (``timetable.counter_schedule``): everyone in line then is still served.
PeriodCount = Annotated[int, Field(ge=0, le=MAX_COUNTERS_PER_SIDE)]
_Minutes = Annotated[float, Field(ge=0, le=1440)]


class CounterPeriod(BaseModel):
    """From this clock time on (until the next period), ``count`` counters are open;
    0 closes the side (shut for lunch) until the next period, which the last must not do."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True, defer_build=True)

    from_clock: ClockTime = Field(alias="from")
    count: PeriodCount


#: The shortest ``for_minutes`` and ``close_when_idle_minutes`` an autoscaler may have: six seconds.
MIN_REACTION_MINUTES = 0.1


class Autoscale(BaseModel):
    """Open one more counter when the line has stayed longer than
    ``open_when_line_over`` people for ``for_minutes``, up to ``max``; it opens
    ``opening_delay_minutes`` later. Close one when a counter has stood idle for
    ``close_when_idle_minutes``, down to ``min``."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, allow_inf_nan=False, populate_by_name=True, defer_build=True
    )

    min_counters: CounterCount = Field(default=1, alias="min")
    max_counters: CounterCount = Field(alias="max")
    open_when_line_over: Annotated[int, Field(ge=0, le=10_000_000)] = 10
    # At least six seconds: an autoscaler that reacts to every instant opened and closed counters
    # millions of times for 10,000 customers (37 s, 2.8 GB, a trial), its cost growing as 1/for_minutes.
    for_minutes: Annotated[float, Field(ge=MIN_REACTION_MINUTES, le=1440)] = 5.0
    opening_delay_minutes: _Minutes = 2.0
    close_when_idle_minutes: Annotated[float, Field(ge=MIN_REACTION_MINUTES, le=1440)] = 15.0

    @model_validator(mode="after")
    def _max_not_below_min(self) -> Autoscale:
        if self.max_counters < self.min_counters:
            raise ValueError(f"max ({self.max_counters}) is below min ({self.min_counters})")
        return self
