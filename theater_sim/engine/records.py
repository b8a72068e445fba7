"""What happened to each customer of one side: flat arrays, one entry per customer.

The SimPy day (``simulation``) fills these in; everything after it (metrics,
exports, the live view) reads them. ``outcome`` holds one of the codes below.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from theater_sim.engine.autoscaler import CapacityChange
from theater_sim.engine.plans import SidePlan
from theater_sim.model.errors import EndlessReturns
from theater_sim.model.limits import MAX_TURNED_AWAY, TURNED_AWAY_PER_HOLDER
from theater_sim.model.sides import SideName

__all__ = ["BALKED", "RENEGED", "SERVED", "DayRecords", "SideArrays", "SideRecords", "TicketRecords", "film_starts"]

#: Outcome codes: served at a counter, walked away on arrival, gave up in line.
SERVED, BALKED, RENEGED = 0, 1, 2

NAN = float("nan")


def film_starts(starts_at_minute: tuple[float, ...], showing: np.ndarray) -> np.ndarray:
    """When each customer's film begins, by their showing (-1, no showing: inf)."""
    starts = np.append(np.asarray(starts_at_minute, dtype=np.float64), np.inf)
    begun: np.ndarray = starts[showing]
    return begun


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
        patience_minutes: How long each customer would wait in line before
            giving up, on each visit (a holder turned away starts again on
            coming back); None on a side where nobody gives up.
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
    patience_minutes: np.ndarray | None = None

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


class SideArrays:
    """What an engine's side keeps per customer while the day runs, indexed as
    its plan's customers (``simulation.SideRun`` and ``replay.SideReplay``
    fill them in event by event, ``exact._plain_fifo`` all at once), and the
    side's records made from them once the day is over.

    Args:
        plan: The side's customers and counters.
        checked: Whether a visit can take extra minutes at the counter (a
            ledger check): ``extra_minutes`` is kept, else None.
        retry_minutes: How long a customer turned away takes to come back.
    """

    def __init__(self, plan: SidePlan, *, checked: bool = False, retry_minutes: float = 0.0) -> None:
        self.plan = plan
        self.size = size = len(plan.service_minutes)
        self.starts = array("d", [NAN]) * size
        self.left_line = array("d", [NAN]) * size
        self.outcome = array("b", [SERVED]) * size
        self.counter = array("i", [-1]) * size
        # When each customer was sent in (NaN: never), for a side whose plan has no moments (linked holders).
        self.dynamic_arrivals = array("d", [NAN]) * size if plan.arrival_at_minute is None else None
        # Those sent in, in the order they reached the side (ties: the order their arrivals were made, SimPy's).
        self.came_in_order = array("q") if plan.arrival_at_minute is None else None
        # Extra minutes of service each customer's visit took (None: nobody's could).
        self.extra_minutes = array("d", [0.0]) * size if checked else None
        self.away_at = array("d")  # moments customers were turned away, to come back retry_minutes later
        self.retry_minutes = retry_minutes
        # More turned away than this ends the day with an error (``too_often_turned_away``).
        self.turned_away_limit = min(TURNED_AWAY_PER_HOLDER * size, MAX_TURNED_AWAY)
        self.changes = [CapacityChange(0.0, plan.schedule[0][1], "opening")]
        self.close_snapshot = (0, 0)

    def too_often_turned_away(self) -> EndlessReturns:
        """The error that ends a day whose customers were turned away more than
        ``turned_away_limit`` times: every engine raises it at the same turn."""
        return EndlessReturns(
            f"projection.retry_minutes: holders were turned away more than {self.turned_away_limit:,} times in one"
            f" day (at most {TURNED_AWAY_PER_HOLDER:,} a holder on average, {MAX_TURNED_AWAY:,} in all): their sales"
            f" reach the collectors' list far later than the {self.retry_minutes:g} minutes they take to come back;"
            " raise retry_minutes, or list sales sooner (more clerks or a shorter delay_minutes; with batches, a"
            " shorter every_minutes)"
        )

    def records(self) -> SideRecords:
        """The side's records: for a side whose customers were sent in during
        the day (a linked day's holders), those who came, in arrival order."""
        plan = self.plan
        starts = np.frombuffer(self.starts, dtype=np.float64)
        left_line = np.frombuffer(self.left_line, dtype=np.float64)
        outcome, counter = np.frombuffer(self.outcome, dtype=np.int8), np.frombuffer(self.counter, dtype=np.int32)
        # Read-only views, not copies: most days have no showings or parties.
        showing, party = plan.customers_showing(), plan.customers_party_size()
        arrivals, service, patience = plan.arrival_at_minute, plan.service_minutes, plan.patience_minutes
        if self.extra_minutes is not None:  # visits that took longer (a ledger check): the service they had
            service = service + np.frombuffer(self.extra_minutes, dtype=np.float64)
        if arrivals is None:  # sent in during the day: keep those who came, in the order they came
            assert self.dynamic_arrivals is not None
            assert self.came_in_order is not None
            arrived_at = np.frombuffer(self.dynamic_arrivals, dtype=np.float64)
            # Not sorted by moment: customers who came at one instant are numbered in the order they joined
            # the line (a stable sort put them in buyer order, and the CSV seemed to break FIFO).
            order = np.frombuffer(self.came_in_order, dtype=np.int64)
            arrivals, service, starts, left_line = arrived_at[order], service[order], starts[order], left_line[order]
            outcome, counter, showing, party = outcome[order], counter[order], showing[order], party[order]
            patience = None if patience is None else patience[order]
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
            capacity_changes=tuple(self.changes),
            in_line_at_close=self.close_snapshot[0],
            in_service_at_close=self.close_snapshot[1],
            away_at_minute=np.frombuffer(self.away_at, dtype=np.float64),
            away_minutes=self.retry_minutes,
            patience_minutes=patience,
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
    #: The buyer whose holders each collecting record is (records are in the order holders came).
    holders_in_order: np.ndarray | None = None


@dataclass(frozen=True)
class DayRecords:
    """Both sides' records of one simulated day (and the tickets, if linked)."""

    selling: SideRecords
    collecting: SideRecords
    tickets: TicketRecords | None = None

    def side(self, side_name: SideName) -> SideRecords:
        records: SideRecords = getattr(self, side_name)
        return records
