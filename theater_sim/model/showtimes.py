"""Showings, seats and the tickets that link the two sides.

A showing has a film, a start and a number of seats. In a linked day the
ticket holders at the collecting counters are the buyers from the selling
counters (or from the website, which skips the counter): each sale books a
party's seats for one showing, and the party later walks up to collection
before that showing starts. A showing never sells, nor admits, more tickets
than it has seats.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from theater_sim.model.arrivals import default_lead_minutes
from theater_sim.model.clock import ClockTime
from theater_sim.model.distributions import ServiceDistribution

if TYPE_CHECKING:  # NumPy is imported where parties are drawn: a sweep's coordinator never needs it
    import numpy as np

__all__ = ["MAX_PARTY_SIZE", "MAX_SEATS", "MAX_SHOWINGS", "Linked", "Showing"]

MAX_SHOWINGS = 500
MAX_SEATS = 100_000
MAX_PARTY_SIZE = 50


class Showing(BaseModel):
    """One screening: ``film`` at ``starts`` with ``seats`` seats."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)

    film: Annotated[str, Field(min_length=1, max_length=200)]
    starts: ClockTime
    seats: Annotated[int, Field(ge=1, le=MAX_SEATS)]


_SIZE_TEXT = re.compile(r"^[1-9][0-9]*$")


def _size_key(value: object) -> object:
    """A party size as a key: a YAML ``2:`` is a number, a JSON ``"2":`` is text (JSON
    keys always are), so a size written as text (``"2"``, not ``"02"``) counts as the number."""
    if isinstance(value, str) and _SIZE_TEXT.match(value):
        return int(value)
    return value


PartySize = Annotated[int, BeforeValidator(_size_key), Field(ge=1, le=MAX_PARTY_SIZE)]


class Linked(BaseModel):
    """Buyers become holders: ``online_share`` of buyers skip the selling counter,
    parties buy 1..N tickets at once (``party_sizes``: size -> weight), and each
    party arrives at collection ``lead_minutes`` before its showing, or, when
    that moment has passed, ``walk_minutes`` after buying (the walk from the
    selling counter or the website to the collecting counters)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False, defer_build=True)

    online_share: Annotated[float, Field(ge=0, le=1)] = 0.0
    party_sizes: dict[PartySize, Annotated[float, Field(gt=0)]] = Field(
        default_factory=lambda: {1: 1.0},
        min_length=1,
        max_length=MAX_PARTY_SIZE,
        json_schema_extra={"propertyNames": {"pattern": "^[1-9][0-9]*$"}},
    )
    lead_minutes: ServiceDistribution = Field(default_factory=default_lead_minutes)
    walk_minutes: Annotated[float, Field(ge=0, le=24 * 60)] = 0.0

    @field_validator("party_sizes", mode="before")
    @classmethod
    def _sizes_once(cls, value: object) -> object:
        """A size given twice (``2`` and ``"2"``) is an error, not one weight silently lost."""
        if isinstance(value, dict):
            sizes = [_size_key(key) for key in value]
            twice = sorted({str(size) for size in sizes if sizes.count(size) > 1})
            if twice:
                raise ValueError(f"party size {', '.join(twice)} given twice")
        return value

    @model_validator(mode="after")
    def _weights_finite(self) -> Linked:
        if not math.isfinite(sum(self.party_sizes.values())):
            raise ValueError("party_sizes weights must add up to a finite number")
        return self

    def party_size_probabilities(self) -> tuple[np.ndarray, np.ndarray]:
        """Sizes and their probabilities (weights normalised)."""
        import numpy as np

        sizes = np.array(sorted(self.party_sizes), dtype=np.int64)
        weights = np.array([self.party_sizes[int(s)] for s in sizes], dtype=np.float64)
        return sizes, weights / weights.sum()
