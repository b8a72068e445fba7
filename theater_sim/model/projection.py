"""The projection: how a sale gets from the box office's ledger to the collectors' list.

In CQRS the command side writes one model and the query side reads another;
something carries each write across. Here every sale (at a counter or
online) enters the ledger at once, and a projector lists it for the
collectors: either in batches (``every_minutes``: the list is refreshed on a
clock) or by projector clerks working through the ledger in sale order
(``clerks`` of them, each sale taking ``minutes_per_sale``), plus a fixed
``delay_minutes`` for the trip. A holder who reaches a collecting counter
before their sale is listed is a stale read; ``stale_reads`` says what the
theater does then: ``retry`` (turned away at once, back in line
``retry_minutes`` later) or ``read_your_writes`` (the collector checks the
ledger itself, ``ledger_check_minutes`` of extra service).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from theater_sim.model.distributions import ServiceDistribution
from theater_sim.model.limits import MAX_PROJECTORS, MIN_RETRY_MINUTES

__all__ = ["MAX_PROJECTORS", "Projection"]

_DAY_MINUTES = 24 * 60.0


class Projection(BaseModel):
    """The projector of a linked day (see the module's docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False, defer_build=True)

    every_minutes: Annotated[float, Field(gt=0, le=_DAY_MINUTES)] | None = None
    clerks: Annotated[int, Field(ge=1, le=MAX_PROJECTORS)] | None = None
    minutes_per_sale: ServiceDistribution | None = None
    delay_minutes: Annotated[float, Field(ge=0, le=_DAY_MINUTES)] = 0.0
    stale_reads: Literal["retry", "read_your_writes"] = "retry"
    retry_minutes: Annotated[float, Field(ge=MIN_RETRY_MINUTES, le=_DAY_MINUTES)] = 5.0
    ledger_check_minutes: Annotated[float, Field(ge=0, le=_DAY_MINUTES)] = 1.0

    @model_validator(mode="after")
    def _one_way(self) -> Projection:
        if (self.every_minutes is None) == (self.clerks is None):
            raise ValueError("give either every_minutes (batches on a clock) or clerks (working through the ledger)")
        if self.clerks is not None and self.minutes_per_sale is None:
            raise ValueError("clerks need minutes_per_sale (how long a clerk takes to list one sale)")
        if self.clerks is None and self.minutes_per_sale is not None:
            raise ValueError("minutes_per_sale goes with clerks, not with every_minutes")
        return self
