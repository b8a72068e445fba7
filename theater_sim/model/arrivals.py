"""When customers walk up to a side's counters.

A side's crowd is one of: a known number of people spread at random over the
open day (``total``); a steady Poisson stream (``rate_per_hour``); a stream
whose rate changes through the day (``profile``: the announcement rush, the
evening lull), generated interval by interval so even a ten-minute peak is
honoured; a replay of real timestamps (``trace``); or, at the collecting
counters, the holders of each showing arriving shortly before it starts
(``showtimes``). Times are minutes after the doors open, sorted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from theater_sim.model.clock import ClockTime
from theater_sim.model.distributions import ServiceDistribution, Uniform

if TYPE_CHECKING:  # NumPy is imported where days are drawn: a sweep's coordinator never needs it
    import numpy as np

__all__ = [
    "MAX_ARRIVALS_PER_SIDE",
    "MAX_PROFILE_PERIODS",
    "Arrivals",
    "ProfilePeriod",
    "ShowtimeArrivals",
    "piecewise_poisson_times",
    "poisson_times",
    "uniform_total_times",
]

MAX_ARRIVALS_PER_SIDE = 10_000_000
MAX_PROFILE_PERIODS = 500
_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False, defer_build=True)


def default_lead_minutes() -> Uniform:
    """Most holders arrive 10 to 40 minutes before their showing."""
    return Uniform(low=10.0, high=40.0)


class ProfilePeriod(BaseModel):
    """A stretch of the day with its own Poisson arrival rate."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, allow_inf_nan=False, populate_by_name=True, defer_build=True
    )

    from_clock: ClockTime = Field(alias="from")
    to_clock: ClockTime = Field(alias="to")
    rate_per_hour: Annotated[float, Field(ge=0)]


class ShowtimeArrivals(BaseModel):
    """Holders of each showing: ``occupancy`` of its seats, arriving ``lead_minutes`` before it starts."""

    model_config = _STRICT

    occupancy: Annotated[float, Field(gt=0, le=1)] = 1.0
    lead_minutes: ServiceDistribution = Field(default_factory=default_lead_minutes)


class Arrivals(BaseModel):
    """How customers reach one side: exactly one of the five ways."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        allow_inf_nan=False,
        json_schema_extra={
            "oneOf": [{"required": [key]} for key in ("total", "rate_per_hour", "profile", "trace", "showtimes")]
        },
        defer_build=True,
    )

    total: Annotated[int, Field(ge=0, le=MAX_ARRIVALS_PER_SIDE)] | None = None
    rate_per_hour: Annotated[float, Field(gt=0)] | None = None
    profile: Annotated[list[ProfilePeriod], Field(min_length=1, max_length=MAX_PROFILE_PERIODS)] | None = None
    trace: Annotated[str, Field(min_length=1)] | None = None
    showtimes: ShowtimeArrivals | None = None
    #: Filled by the loader from the ``trace`` file: minutes after opening, sorted.
    trace_at_minute: SkipJsonSchema[tuple[float, ...] | None] = Field(default=None, exclude=True, repr=False)

    @model_validator(mode="before")
    @classmethod
    def _not_two_kinds(cls, data: object) -> object:
        # Checked before the values: with two kinds given, one of them is to go,
        # and its bad value ('total: -1' beside 'rate_per_hour') is not the news.
        if isinstance(data, dict):
            given = [key for key in _KINDS if data.get(key) is not None]
            if len(given) > 1:
                raise ValueError(_one_kind_only(given))
        return data

    @model_validator(mode="after")
    def _exactly_one(self) -> Arrivals:
        given = [key for key in _KINDS if getattr(self, key) is not None]
        if len(given) != 1:
            raise ValueError(_one_kind_only(given))
        if self.trace is not None and self.trace_at_minute is None:
            raise ValueError(f"the trace file {self.trace!r} was not read (load scenarios with load_scenario)")
        return self


_KINDS = ("total", "rate_per_hour", "profile", "trace", "showtimes")


def _one_kind_only(given: list[str]) -> str:
    return "give exactly one of 'total', 'rate_per_hour', 'profile', 'trace' or 'showtimes'" + (
        f" (got {', '.join(given)})" if given else ""
    )


def uniform_total_times(total: int, open_minutes: float, rng: np.random.Generator) -> np.ndarray:
    """Exactly ``total`` moments, each uniform over the open day, sorted."""
    times = rng.uniform(0.0, open_minutes, total)
    times.sort()
    return times


def poisson_times(
    rate_per_minute: float, start_minute: float, end_minute: float, rng: np.random.Generator
) -> np.ndarray:
    """A homogeneous Poisson process on ``[start, end)``, sorted.

    Exact and vectorised: the count is Poisson(rate x length) and, given the
    count, the moments are independent uniforms.
    """
    count = int(rng.poisson(rate_per_minute * (end_minute - start_minute)))
    times = rng.uniform(start_minute, end_minute, count)
    times.sort()
    return times


def piecewise_poisson_times(periods: list[tuple[float, float, float]], rng: np.random.Generator) -> np.ndarray:
    """A non-homogeneous Poisson process with a constant rate in each period.

    Args:
        periods: ``(start_minute, end_minute, rate_per_minute)``, ordered and
            not overlapping. Each is generated on its own, so a short peak
            gets exactly its share, however short.
        rng: The side's arrival stream.
    """
    import numpy as np

    pieces = [poisson_times(rate, start, end, rng) for start, end, rate in periods]
    return np.concatenate(pieces) if pieces else np.empty(0)
