"""What a theater manager writes down about one day.

A scenario names the day, how long the doors are open, and for each kind of
counter (``selling`` for buyers, the command side; ``collecting`` for ticket
holders, the query side) how many counters are open, how customers arrive and
how long each takes to serve. These pydantic models validate it, fill in the
defaults and refuse unknown keys; nothing here reads a file.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from theater_sim.distributions import ServiceDistribution

__all__ = [
    "DEFAULT_HOURS",
    "DEFAULT_SEED",
    "DEFAULT_TOLERANCE",
    "MAX_ARRIVALS_PER_SIDE",
    "MAX_COUNTERS_PER_SIDE",
    "MAX_HOURS",
    "MAX_SEED",
    "SIDE_NAMES",
    "Arrivals",
    "Scenario",
    "Side",
    "SideName",
    "VerdictSettings",
]

DEFAULT_SEED = 42
DEFAULT_HOURS = 16.0
DEFAULT_TOLERANCE = 0.2
MAX_HOURS = 24.0
MAX_COUNTERS_PER_SIDE = 10_000
MAX_ARRIVALS_PER_SIDE = 10_000_000
MAX_SEED = 2**63 - 1

SideName = Literal["selling", "collecting"]
SIDE_NAMES: tuple[SideName, SideName] = ("selling", "collecting")

_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

Counters = Annotated[int, Field(ge=1, le=MAX_COUNTERS_PER_SIDE)]


class Arrivals(BaseModel):
    """How customers reach one side: exactly ``total`` of them spread at random
    over the open day, or a Poisson stream of ``rate_per_hour``."""

    model_config = _STRICT

    total: Annotated[int, Field(ge=0, le=MAX_ARRIVALS_PER_SIDE)] | None = None
    rate_per_hour: Annotated[float, Field(gt=0)] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Arrivals:
        if (self.total is None) == (self.rate_per_hour is None):
            raise ValueError("give exactly one of 'total' or 'rate_per_hour'")
        return self

    def expected_count(self, hours: float) -> float:
        """Expected number of arrivals in a day of ``hours``."""
        if self.total is not None:
            return float(self.total)
        assert self.rate_per_hour is not None
        return self.rate_per_hour * hours


class Side(BaseModel):
    """One kind of counter: how many are open, who comes and how long they take."""

    model_config = _STRICT

    counters: Counters = 1
    arrivals: Arrivals
    service_minutes: ServiceDistribution


class VerdictSettings(BaseModel):
    """How far apart the two sides' pressures may be and still be ``Balanced``."""

    model_config = _STRICT

    tolerance: Annotated[float, Field(ge=0, lt=1)] = DEFAULT_TOLERANCE


class Scenario(BaseModel):
    """One day at the theater: both sides, the length of the day and the seed."""

    model_config = _STRICT

    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=10_000)] = ""
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] = DEFAULT_SEED
    hours: Annotated[float, Field(gt=0, le=MAX_HOURS)] = DEFAULT_HOURS
    selling: Side
    collecting: Side
    verdict: VerdictSettings = VerdictSettings()

    @model_validator(mode="after")
    def _arrivals_within_limit(self) -> Scenario:
        for side_name in SIDE_NAMES:
            expected = getattr(self, side_name).arrivals.expected_count(self.hours)
            if expected > MAX_ARRIVALS_PER_SIDE:
                raise ValueError(
                    f"{side_name}.arrivals: rate_per_hour x hours expects {expected:,.0f}"
                    f" customers, above the limit of {MAX_ARRIVALS_PER_SIDE:,} a side"
                )
        return self

    @property
    def open_minutes(self) -> float:
        """How long the doors are open to new arrivals, in minutes."""
        return self.hours * 60.0

    def side(self, side_name: SideName) -> Side:
        """The settings of one side by name."""
        side: Side = getattr(self, side_name)
        return side

    def overridden(
        self,
        *,
        sellers: int | None = None,
        collectors: int | None = None,
        seed: int | None = None,
    ) -> Scenario:
        """The same day with one or both sides scaled, or another seed.

        Raises:
            pydantic.ValidationError: if a value is outside its documented range.
        """
        data = self.model_dump(by_alias=True)
        if seed is not None:
            data["seed"] = seed
        if sellers is not None:
            data["selling"]["counters"] = sellers
        if collectors is not None:
            data["collecting"]["counters"] = collectors
        return Scenario.model_validate(data)
