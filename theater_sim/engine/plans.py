"""What a day is made of once compiled: plain plans, no ``Scenario``.

``day_plan.compile_day`` fills these in from a scenario; ``theater`` plays
them. Per-customer arrays are indexed by customer and never change once
drawn (the one array a linked day fills in as it runs, who got which
showing, is made by ``theater`` for each run).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theater_sim.model.counter_settings import Autoscale

__all__ = ["Buyers", "DayPlan", "LinkedPlan", "ProjectionPlan", "SidePlan"]


@dataclass(frozen=True)
class SidePlan:
    """Everything one side needs to run, drawn up front from the seed.

    Per-customer arrays are indexed by customer; ``arrival_at_minute`` is None
    when customers are sent in during the day (linked holders).
    """

    schedule: list[tuple[float, int]]
    open_minutes: float
    service_minutes: np.ndarray
    arrival_at_minute: np.ndarray | None = None
    patience_minutes: np.ndarray | None = None
    balk_at_line: int | None = None
    autoscale: Autoscale | None = None
    showing: np.ndarray | None = None
    party_size: np.ndarray | None = None

    def customers_showing(self) -> np.ndarray:
        """Each customer's showing (-1 for none), a read-only view when the plan has none."""
        return self.showing if self.showing is not None else np.broadcast_to(np.int64(-1), (len(self.service_minutes),))

    def customers_party_size(self) -> np.ndarray:
        """Each customer's party size (1 when the plan has none), a read-only view then."""
        if self.party_size is not None:
            return self.party_size
        return np.broadcast_to(np.int64(1), (len(self.service_minutes),))


@dataclass(frozen=True)
class Buyers:
    """Every would-be buyer of a linked day, in arrival order.

    Attributes:
        arrival_at_minute: When each decides to buy (at the counter or online).
        online: Whether each buys online, skipping the selling counter.
        party_size: Tickets each wants.
        preferred_showing: The showing each would like (by index in start order).
        lead_minutes: How long before their showing each comes to collection.
    """

    arrival_at_minute: np.ndarray
    online: np.ndarray
    party_size: np.ndarray
    preferred_showing: np.ndarray
    lead_minutes: np.ndarray


@dataclass(frozen=True)
class ProjectionPlan:
    """How sales get from the ledger to the collectors' list (``model.projection``).

    Attributes:
        every_minutes: The list's refresh interval (batches), or None.
        clerks: Projector clerks working through the ledger in sale order, or None.
        work_minutes: Each buyer's sale's listing time for a clerk (clerks only).
        delay_minutes: The trip from projector to list, added to every sale.
        retry: True: a stale read turns the holder away for ``retry_minutes``;
            False: the collector checks the ledger (``ledger_check_minutes``).
    """

    every_minutes: float | None
    clerks: int | None
    work_minutes: np.ndarray | None
    delay_minutes: float
    retry: bool
    retry_minutes: float
    ledger_check_minutes: float


@dataclass(frozen=True)
class LinkedPlan:
    """A linked day's sales: the buyers and the showings they buy seats for.

    Attributes:
        buyers: Every would-be buyer, at the counter or online.
        at_counter: Indices of the buyers who queue at the selling counters
            (the selling plan's customers, in order).
        starts_at_minute: Each showing's start, in start order.
        seats: Each showing's seats.
        projection: The projector between ledger and list; None: a sale is
            listed the moment it is made.
        walk_minutes: How long a party that buys after its lead time has
            passed takes to reach collection.
    """

    buyers: Buyers
    at_counter: np.ndarray
    starts_at_minute: tuple[float, ...]
    seats: tuple[int, ...]
    projection: ProjectionPlan | None = None
    walk_minutes: float = 0.0


@dataclass(frozen=True)
class DayPlan:
    """Both sides' plans for one day (and the linked sales, if any).

    Attributes:
        open_minutes: How long the doors are open.
        selling: The selling side's plan (for a linked day, its counter buyers).
        collecting: The collecting side's plan (for a linked day, holders are
            sent in as tickets are sold, so it has no arrival moments).
        linked: The buyers and showings of a linked day, else None.
    """

    open_minutes: float
    selling: SidePlan
    collecting: SidePlan
    linked: LinkedPlan | None = None
