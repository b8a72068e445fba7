"""What happened to each customer of one side: flat arrays, one entry per customer.

The SimPy day (``simulation``) fills these in; everything after it (metrics,
exports, the live view) reads them. ``outcome`` holds one of the codes below.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

import numpy as np

from theater_sim.engine.autoscaler import CapacityChange
from theater_sim.engine.plans import SidePlan
from theater_sim.model.sides import SideName

__all__ = ["BALKED", "RENEGED", "SERVED", "DayRecords", "EngineArrays", "SideRecords", "TicketRecords", "side_records"]

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


class EngineArrays(Protocol):
    """What an engine's side keeps per customer while the day runs (indexed as
    its plan's customers): ``simulation.SideRun`` and ``replay.SideReplay``."""

    plan: SidePlan
    starts: array[float]
    left_line: array[float]
    outcome: array[int]
    counter: array[int]
    changes: list[CapacityChange]
    close_snapshot: tuple[int, int]
    extra_minutes: array[float] | None  # minutes each visit took beyond its service (a ledger check)
    dynamic_arrivals: array[float] | None  # when each was sent in (NaN: never), if the plan has no moments
    away_at: array[float]
    retry_minutes: float


def side_records(run: EngineArrays) -> SideRecords:
    """A side's records from an engine's arrays: for a side whose customers
    were sent in during the day (a linked day's holders), those who came, in
    arrival order."""
    plan = run.plan
    starts, left_line = np.frombuffer(run.starts, dtype=np.float64), np.frombuffer(run.left_line, dtype=np.float64)
    outcome, counter = np.frombuffer(run.outcome, dtype=np.int8), np.frombuffer(run.counter, dtype=np.int32)
    # Read-only views, not copies: most days have no showings or parties.
    showing, party = plan.customers_showing(), plan.customers_party_size()
    arrivals, service = plan.arrival_at_minute, plan.service_minutes
    if run.extra_minutes is not None:  # visits that took longer (a ledger check): the service they had
        service = service + np.frombuffer(run.extra_minutes, dtype=np.float64)
    if arrivals is None:  # sent in during the day: keep those who came, in arrival order
        assert run.dynamic_arrivals is not None
        arrived_at = np.frombuffer(run.dynamic_arrivals, dtype=np.float64)
        came = np.flatnonzero(~np.isnan(arrived_at))
        order = came[np.argsort(arrived_at[came], kind="stable")]
        arrivals, service, starts, left_line = arrived_at[order], service[order], starts[order], left_line[order]
        outcome, counter, showing, party = outcome[order], counter[order], showing[order], party[order]
    return SideRecords(
        counters=plan.schedule[0][1],
        open_minutes=plan.open_minutes,
        arrival_at_minute=arrivals,
        service_minutes=service,
        service_start_at_minute=starts,
        left_line_at_minute=left_line,
        outcome=outcome,
        counter=counter,
        showing=showing,
        party_size=party,
        capacity_changes=tuple(run.changes),
        in_line_at_close=run.close_snapshot[0],
        in_service_at_close=run.close_snapshot[1],
        away_at_minute=np.frombuffer(run.away_at, dtype=np.float64),
        away_minutes=run.retry_minutes,
    )


@dataclass(frozen=True)
class TicketRecords:
    """What every buyer of a linked day did: ``sold_showing`` is -1 when they
    got no ticket (sold out, or they left the selling line). With a
    projection, ``sold_at`` / ``listed_at`` say when each sale entered the
    ledger and reached the collectors' list, ``stale_reads`` how often each
    holder was at a counter before it had (``projector.Projector``)."""

    online: np.ndarray
    party_size: np.ndarray
    sold_showing: np.ndarray
    sold_at: np.ndarray | None = None
    listed_at: np.ndarray | None = None
    stale_reads: np.ndarray | None = None
    projector_busy_minutes: float | None = None
    holder_arrived_at: np.ndarray | None = None
    holder_left_line_at: np.ndarray | None = None


@dataclass(frozen=True)
class DayRecords:
    """Both sides' records of one simulated day (and the tickets, if linked)."""

    selling: SideRecords
    collecting: SideRecords
    tickets: TicketRecords | None = None

    def side(self, side_name: SideName) -> SideRecords:
        records: SideRecords = getattr(self, side_name)
        return records
