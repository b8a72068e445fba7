"""How long a customer spends at a counter.

A seller takes about half a minute to sell a ticket, but some buyers pay in
coins and some know exactly what they want. Each distribution here is a small
frozen object that checks its own parameters, knows its ``mean`` in minutes,
draws many service times at once from a generator it is handed, and prints as
``Exponential(mean=0.5)``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:  # NumPy is imported where times are drawn: a sweep's coordinator never needs it
    import numpy as np

__all__ = [
    "MAX_SERVICE_MINUTES",
    "Exponential",
    "Fixed",
    "Gamma",
    "LogNormal",
    "ServiceDistribution",
    "Uniform",
]

#: No single parameter of a service time may exceed one whole day.
MAX_SERVICE_MINUTES = 1440.0
#: The sd of a lognormal or gamma service lies within this factor of its mean.
MAX_CV = 1000.0
MIN_CV = 1 / MAX_CV

Minutes = Annotated[float, Field(gt=0, le=MAX_SERVICE_MINUTES)]
NonNegativeMinutes = Annotated[float, Field(ge=0, le=MAX_SERVICE_MINUTES)]


def _require_tag(schema: dict[str, Any]) -> None:
    """In the JSON Schema, the ``distribution`` key is required (it picks the kind)."""
    required = schema.setdefault("required", [])
    if "distribution" not in required:
        required.insert(0, "distribution")


class _Distribution(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        allow_inf_nan=False,
        json_schema_extra=_require_tag,
        defer_build=True,
    )

    @property
    def mean(self) -> float:
        """The expected time in minutes (before draws are capped at a day)."""
        raise NotImplementedError

    @property
    def sd_minutes(self) -> float:
        """The standard deviation in minutes (before draws are capped at a day)."""
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` times in minutes (a float64 array), each at most a day.

        Heavy tails (a lognormal with a large sd) could otherwise draw single
        services of months, which no theater has; the cap leaves ordinary
        distributions untouched (an exponential of mean 10 exceeds a day with
        probability e^-144).
        """
        import numpy as np

        draws = self._draw(rng, size)
        np.minimum(draws, MAX_SERVICE_MINUTES, out=draws)
        return draws

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{name}={getattr(self, name)!r}" for name in type(self).model_fields if name != "distribution"
        )
        return f"{type(self).__name__}({fields})"

    def __str__(self) -> str:
        return repr(self)


class Exponential(_Distribution):
    """Memoryless service: most sales are quick, a few take long."""

    distribution: Literal["exponential"] = "exponential"
    mean_minutes: Minutes = Field(alias="mean")

    model_config = ConfigDict(populate_by_name=True)

    @property
    def mean(self) -> float:
        return self.mean_minutes

    @property
    def sd_minutes(self) -> float:
        return self.mean_minutes

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean_minutes, size)

    def __repr__(self) -> str:
        return f"Exponential(mean={self.mean_minutes!r})"


class Fixed(_Distribution):
    """Every customer takes exactly ``value`` minutes."""

    distribution: Literal["fixed"] = "fixed"
    value: Minutes

    @property
    def mean(self) -> float:
        return self.value

    @property
    def sd_minutes(self) -> float:
        return 0.0

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        import numpy as np

        return np.full(size, self.value, dtype=np.float64)


class Uniform(_Distribution):
    """Service anywhere between ``low`` and ``high`` minutes, all equally likely."""

    distribution: Literal["uniform"] = "uniform"
    low: NonNegativeMinutes
    high: Minutes

    @model_validator(mode="after")
    def _high_above_low(self) -> Uniform:
        if self.high <= self.low:
            raise ValueError(f"high ({self.high}) must be greater than low ({self.low})")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    @property
    def sd_minutes(self) -> float:
        return (self.high - self.low) / math.sqrt(12)

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)


class _MeanSd(_Distribution):
    mean_minutes: Minutes = Field(alias="mean")
    sd: Minutes

    model_config = ConfigDict(populate_by_name=True)

    @model_validator(mode="after")
    def _sd_in_range(self) -> _MeanSd:
        # Outside this band the moment-matched parameters overflow or vanish.
        ratio = self.sd / self.mean_minutes
        if not MIN_CV <= ratio <= MAX_CV:
            raise ValueError(
                f"sd ({self.sd}) must lie between mean/{MAX_CV:g} and {MAX_CV:g}*mean"
                f" (mean is {self.mean_minutes}); use 'fixed' for constant service"
            )
        return self

    @property
    def mean(self) -> float:
        return self.mean_minutes

    @property
    def sd_minutes(self) -> float:
        return self.sd

    def __repr__(self) -> str:
        return f"{type(self).__name__}(mean={self.mean_minutes!r}, sd={self.sd!r})"


class LogNormal(_MeanSd):
    """Skewed service with a long right tail, given by its own mean and sd."""

    distribution: Literal["lognormal"] = "lognormal"

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        # Moment matching: the underlying normal's sigma^2 = ln(1 + cv^2).
        sigma_squared = math.log1p((self.sd / self.mean_minutes) ** 2)
        mu = math.log(self.mean_minutes) - sigma_squared / 2
        return rng.lognormal(mu, math.sqrt(sigma_squared), size)


class Gamma(_MeanSd):
    """Service made of several similar steps; shape = (mean/sd)^2."""

    distribution: Literal["gamma"] = "gamma"

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        shape = (self.mean_minutes / self.sd) ** 2
        scale = self.sd**2 / self.mean_minutes
        return rng.gamma(shape, scale, size)


ServiceDistribution = Annotated[
    Exponential | Fixed | Uniform | LogNormal | Gamma,
    Field(discriminator="distribution"),
]
