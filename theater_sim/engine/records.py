"""What happened to each customer of one side: flat arrays, one entry per customer.

The SimPy day (``simulation``) fills these in; everything after it (metrics,
exports, the live view) reads them. ``outcome`` holds one of the codes below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from theater_sim.engine.autoscaler import CapacityChange

__all__ = ["BALKED", "RENEGED", "SERVED", "SideRecords"]

#: Outcome codes: served at a counter, walked away on arrival, gave up in line.
SERVED, BALKED, RENEGED = 0, 1, 2


@dataclass(frozen=True)
class SideRecords:
    """What happened to every customer who reached one side, in arrival order.

    Attributes:
        counters: Counters open at the opening.
        open_minutes: How long the doors were open.
        arrival_at_minute: When each customer reached the side.
        service_minutes: Each customer's own service time (served or not).
        service_start_at_minute: When each reached a counter (NaN if never).
        left_line_at_minute: When each left the line: at service start, when
            giving up, or NaN for those who never joined it (balked).
        outcome: SERVED, BALKED or RENEGED.
        counter: The counter (1, 2, ...) that served each customer (-1 if none).
        showing: The showing each holder came for (-1 if none).
        party_size: Tickets each customer bought or collected.
        capacity_changes: Counters open from each moment on, and why.
        in_line_at_close: Customers waiting when the doors shut.
        in_service_at_close: Customers at a counter when the doors shut.
        away_at_minute: When customers were turned away from a counter to come
            back ``away_minutes`` later (a stale read under ``retry``), sorted;
            they are out of the line meanwhile (empty: nobody was).
        away_minutes: How long each such customer stayed away.
    """

    counters: int
    open_minutes: float
    arrival_at_minute: np.ndarray
    service_minutes: np.ndarray
    service_start_at_minute: np.ndarray
    left_line_at_minute: np.ndarray
    outcome: np.ndarray
    counter: np.ndarray
    showing: np.ndarray
    party_size: np.ndarray
    capacity_changes: tuple[CapacityChange, ...]
    in_line_at_close: int
    in_service_at_close: int
    away_at_minute: np.ndarray = field(default_factory=lambda: np.empty(0))
    away_minutes: float = 0.0

    @cached_property
    def served_mask(self) -> np.ndarray:
        mask: np.ndarray = self.outcome == SERVED
        return mask

    @cached_property
    def wait_minutes(self) -> np.ndarray:
        """How long each served customer stood in line, in arrival order."""
        mask = self.served_mask
        waits: np.ndarray = self.service_start_at_minute[mask] - self.arrival_at_minute[mask]
        return waits

    @cached_property
    def departure_at_minute(self) -> np.ndarray:
        """When each served customer left their counter, in arrival order."""
        mask = self.served_mask
        departures: np.ndarray = self.service_start_at_minute[mask] + self.service_minutes[mask]
        return departures

    @property
    def arrived(self) -> int:
        return len(self.arrival_at_minute)

    @property
    def served(self) -> int:
        return int(self.served_mask.sum())

    def count(self, outcome: int) -> int:
        return int((self.outcome == outcome).sum())
