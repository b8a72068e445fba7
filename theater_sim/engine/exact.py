"""The exact engine: a day without SimPy, event for event the same.

SimPy is the model of record (``simulation.SideRun``, ``theater``). Planning
runs many days, and most of a SimPy day is SimPy's own machinery: an Event
object per arrival, grant, service and patience, generators resumed,
callbacks looked up. This module gives the same records two ways:

- a side with fixed counters and nobody walking away takes the FIFO
  recursion (``_plain_fifo``), unless two of its events fall on the same
  instant in a way whose order matters;
- a side with counter schedules, balking or reneging, and a linked day
  (sales booking seats in time order, the projector listing them, holders
  sent to collection and checked against the list), take the recursion
  extended to those rules (``line_recursion``, ``projector.list_in_order``),
  unless two events of a side, two sales, or two of the projector's events
  fall on the same instant;
- everything else (those days with ties) is replayed on
  ``replay.EventLoop``: a plain heap keyed as SimPy keys its events, with
  entries created in the order SimPy creates the matching events, so
  simultaneous events run in the same order.

Every per-customer record is bit-identical to SimPy's: times come from the
same float operations (``now + delay``).

It does not follow autoscaling (the policy reacts to the line through
callbacks of its own): ``supports`` says which days it can run, and
``engine.day_plan`` runs the rest in SimPy. ``tests/engine/test_exact.py``
checks it against SimPy on random days of every rule it claims.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, fields, replace
from heapq import heappop, heappush

import numpy as np

from theater_sim.engine.kept import Kept
from theater_sim.engine.line_recursion import CounterCheck, follow_line
from theater_sim.engine.plans import DayPlan, LinkedPlan, SidePlan
from theater_sim.engine.projector import Projector, list_in_order
from theater_sim.engine.records import SERVED, DayRecords, SideArrays, SideRecords, film_starts
from theater_sim.engine.replay import URGENT, EventLoop, SideReplay, unsupported_rule
from theater_sim.engine.seller import Seller, sell_in_order, ticket_records
from theater_sim.engine.simulation import exact_moments

__all__ = ["play_linked_exactly", "simulate_side_exactly", "supports", "unsupported_rule"]


def supports(plan: DayPlan) -> bool:
    """Whether the exact engine can run both sides of ``plan``."""
    return all(unsupported_rule(side) is None for side in (plan.selling, plan.collecting))


def simulate_side_exactly(plan: SidePlan) -> SideRecords:
    """``SideRun(env, plan)`` run to the end, without SimPy: the same records.

    A side with fixed counters and nobody walking away takes the FIFO
    recursion (``_plain_fifo``) unless two of its events fall on the same
    instant in a way whose order matters; everything else replays SimPy's
    event order (``replay.SideReplay``).

    Raises:
        ValueError: a rule this engine does not follow (``unsupported_rule``).
    """
    if plan.arrival_at_minute is None:
        raise ValueError("a linked day's holders are sent in by its sales: play the whole day (play_linked_exactly)")
    problem = unsupported_rule(plan)
    if problem is not None:
        raise ValueError(f"the exact engine cannot follow {problem}")
    plain = len(plan.schedule) == 1 and plan.schedule[0][1] > 0  # (no counter ever: nobody served, below)
    if plain and plan.patience_minutes is None and plan.balk_at_line is None:
        records = _plain_fifo(plan)
        if records is not None:
            return records
    side = SideArrays(plan)
    if follow_line(side, range(side.size), _clock_moments(plan.arrival_at_minute)):
        return side.records()
    return _replayed_side(plan)


def _clock_moments(moments: np.ndarray) -> list[float]:
    """The moments SimPy's clock reads as an arrival process waits the gaps
    between ``moments`` (``now + gap``, one after the other)."""
    clock_moments: list[float] = exact_moments(moments).tolist()
    return clock_moments


def _plain_fifo(plan: SidePlan) -> SideRecords | None:
    """Fixed counters, nobody walks away: each customer, in arrival order, takes
    the lowest-numbered idle counter at their arrival, or else the counter
    that comes free first, when it does. Returns None (replay the events
    instead) when two counters come free at the same instant while someone
    waits: SimPy's event order then decides which counter serves whom.
    """
    assert plan.arrival_at_minute is not None
    size = len(plan.service_minutes)
    arrivals = array("d", plan.arrival_at_minute.tobytes())
    service = array("d", plan.service_minutes.tobytes())
    capacity = plan.schedule[0][1]
    starts = array("d", arrivals)
    counter = array("i", [0]) * size
    busy: list[tuple[float, int]] = []  # (free at, counter) of counters serving someone
    idle: list[int] = []  # counters that served someone and stand free (SimPy's free_counters)
    opened = 0
    for index in range(size):
        now = arrivals[index]
        # A departure at this very instant frees its counter first whatever the
        # two events' order: SimPy picks the counter when the grant is processed,
        # after every event already due at this instant.
        while busy and busy[0][0] <= now:
            heappush(idle, heappop(busy)[1])
        if idle or opened < capacity:
            if idle:
                label = heappop(idle)
            else:
                opened += 1
                label = opened
            start = now
        else:
            start, label = heappop(busy)
            if busy and busy[0][0] == start:
                return None  # two counters free at once for a waiting line
        starts[index] = start
        counter[index] = label
        heappush(busy, (start + service[index], label))
    close = 0.0 + (plan.open_minutes - 0.0)
    start_array = np.frombuffer(starts, dtype=np.float64)
    finish = start_array + plan.service_minutes
    came = plan.arrival_at_minute <= close
    finished = SideArrays(plan)
    finished.starts = finished.left_line = starts
    finished.counter = counter
    finished.close_snapshot = (
        int((came & (start_array > close)).sum()),
        int(((start_array <= close) & (finish > close)).sum()),
    )
    return finished.records()


def _replayed_side(plan: SidePlan) -> SideRecords:
    """SimPy's events for the side, in SimPy's order, on a plain heap."""
    loop = EventLoop()
    side = SideReplay(loop, plan)
    loop.run()
    return side.records()


def play_linked_exactly(plan: DayPlan) -> DayRecords:
    """A linked day (``theater.run_plan``) without SimPy: the same records.

    Unless two events of a side (or two sales, or two of the projector's
    events) fall on the same instant, each side is computed customer by
    customer (``line_recursion``): the sales in the order they happen, the
    projector's listings, the holders as the sales send them. Otherwise the
    day's events are replayed, built
    in ``theater._linked_day``'s order (projector, collecting, seller,
    selling, online sales) on one ``EventLoop``, with the very seller and
    projector SimPy's day uses, so every event is created in SimPy's order.

    Raises:
        ValueError: a side this engine does not follow (autoscaling).
    """
    linked = plan.linked
    assert linked is not None
    for side in (plan.selling, plan.collecting):
        problem = unsupported_rule(side)
        if problem is not None:
            raise ValueError(f"the exact engine cannot follow {problem}")
    day = _linked_by_recursion(plan, linked)
    if day is not None:
        return day
    loop = EventLoop()
    buyers = linked.buyers
    sold_showing = np.full(len(buyers.online), -1, dtype=np.int64)
    projection = linked.projection
    projector = (
        None
        if projection is None
        else Projector(loop, projection, len(buyers.online), sold_showing, linked.starts_at_minute)
    )
    collecting = SideReplay(
        loop,
        replace(plan.collecting, showing=sold_showing),
        on_reach=None if projector is None else projector.on_reach,
        retry_minutes=0.0 if projection is None else projection.retry_minutes,
        gives_up=None if projector is None else projector.gives_up,
    )
    sell = Seller(loop, linked, sold_showing, collecting.arrive, projector)
    at_counter = linked.at_counter.tolist()
    selling = SideReplay(loop, plan.selling, on_served=lambda index, _now: sell(at_counter[index]))
    _OnlineSales(loop, buyers.arrival_at_minute[buyers.online], np.flatnonzero(buyers.online), sell)
    loop.run()
    assert collecting.dynamic_arrivals is not None
    return DayRecords(
        selling=selling.records(),
        collecting=collecting.records(),
        tickets=ticket_records(buyers, sold_showing, projector, collecting),
    )


def _linked_by_recursion(plan: DayPlan, linked: LinkedPlan) -> DayRecords | None:
    """A linked day side by side: the counter buyers, then every sale in time
    order (booking seats, sending holders), the projector's listings (if
    any), then the holders, checked against the list. None when two events
    that SimPy would order fall on one instant."""
    sales = _sales_of(plan.selling, linked)
    if sales is None:
        return None
    projection, listings, check = linked.projection, None, None
    collecting = SideArrays(
        replace(plan.collecting, showing=sales.sold_showing),
        checked=projection is not None,
        retry_minutes=0.0 if projection is None else projection.retry_minutes,
    )
    if projection is not None:
        listings = list_in_order(projection, sales.sold_buyers, sales.sold_moments, len(sales.sold_showing))
        if listings is None:
            return None
        check = CounterCheck(
            listed_at=listings.listed_at.tolist(),
            retry=projection.retry,
            retry_minutes=projection.retry_minutes,
            ledger_check_minutes=projection.ledger_check_minutes,
            film_starts_at=film_starts(linked.starts_at_minute, sales.sold_showing).tolist(),
            stale_reads=listings.stale_reads,
            listed_by=listings.listed_by.tolist(),
        )
    if not follow_line(collecting, sales.holders, sales.holders_at, check):
        return None
    assert collecting.dynamic_arrivals is not None
    assert collecting.came_in_order is not None
    collecting.dynamic_arrivals[:] = array("d", sales.arrived_at)
    collecting.came_in_order.extend(sales.holders)  # the order follow_line took them in
    return DayRecords(
        selling=sales.selling,
        collecting=collecting.records(),
        tickets=ticket_records(linked.buyers, sales.sold_showing, listings, collecting),
    )


@dataclass(frozen=True)
class _Sales:
    """A linked day's command side: the counter buyers' records, who bought
    which showing, the sales in the order they were made (``sold_buyers`` at
    ``sold_moments``, for the projector), and the holders sent to collection
    (buyer, moment), in the order they arrive (``arrived_at``: each buyer's
    moment, NaN if none).

    Nothing on the collecting side reaches back to the sales (the projector
    only reads them), so this is the same whatever the collecting counters
    or projector: it is kept
    (``_KEPT_SALES``) for the days of the same draws and selling plan at other
    collecting staffings (a sweep's next cell, a search's next try), with its
    arrays read-only.
    """

    linked: LinkedPlan
    plan: SidePlan
    selling: SideRecords
    sold_showing: np.ndarray
    sold_buyers: list[int]
    sold_moments: list[float]
    holders: list[int]
    holders_at: list[float]
    arrived_at: bytes


_KEPT_SALES: Kept[_Sales] = Kept()


def _sales_of(plan: SidePlan, linked: LinkedPlan) -> _Sales | None:
    """The command side of ``linked`` with the counter buyers of ``plan``
    (kept, when the same day was sold before), or None on a tie."""
    # An entry holds its linked plan and arrays, so their ids stay theirs while it is kept.
    key = (id(linked), id(plan.service_minutes), tuple(plan.schedule))
    kept = _KEPT_SALES.get(key)
    if kept is not None and kept.linked is linked and _same_side_plan(kept.plan, plan):
        return kept
    sales = _sell(plan, linked)
    if sales is not None:
        _KEPT_SALES.put(key, sales, len(linked.buyers.online))
    return sales


def _same_side_plan(first: SidePlan, second: SidePlan) -> bool:
    """The same plan: the very same customers' arrays and equal settings."""
    for item in fields(SidePlan):
        one, other = getattr(first, item.name), getattr(second, item.name)
        if not (one is other if isinstance(one, np.ndarray) else one == other):
            return False
    return True


def _sell(plan: SidePlan, linked: LinkedPlan) -> _Sales | None:
    buyers = linked.buyers
    selling = SideArrays(plan)
    assert plan.arrival_at_minute is not None
    if not follow_line(selling, range(selling.size), _clock_moments(plan.arrival_at_minute)):
        return None
    # Every sale: counter buyers as they leave their counter, online buyers at their moment.
    served = np.flatnonzero(np.frombuffer(selling.outcome, dtype=np.int8) == SERVED)
    counter_sales = np.frombuffer(selling.starts, dtype=np.float64)[served] + plan.service_minutes[served]
    online = np.flatnonzero(buyers.online)
    online_sales = exact_moments(buyers.arrival_at_minute[online])
    sale_at = np.concatenate((counter_sales, online_sales))
    sale_buyer = np.concatenate((linked.at_counter[served], online))
    order = np.argsort(sale_at, kind="stable")
    sale_at, sale_buyer = sale_at[order], sale_buyer[order]
    if len(sale_at) > 1 and not (sale_at[1:] != sale_at[:-1]).all():
        return None
    sold_showing = np.full(len(buyers.online), -1, dtype=np.int64)
    came, came_at = sell_in_order(linked, sold_showing, sale_at, sale_buyer)
    took = sold_showing[sale_buyer] >= 0
    order = np.argsort(came_at, kind="stable")
    records = selling.records()
    for shared in (sold_showing, records.service_start_at_minute, records.left_line_at_minute, records.outcome):
        shared.setflags(write=False)
    records.counter.setflags(write=False)
    return _Sales(
        linked=linked,
        plan=plan,
        selling=records,
        sold_showing=sold_showing,
        sold_buyers=sale_buyer[took].tolist(),
        sold_moments=sale_at[took].tolist(),
        holders=came[order].tolist(),
        holders_at=came_at[order].tolist(),
        arrived_at=_arrivals_of(len(buyers.online), came, came_at).tobytes(),
    )


def _arrivals_of(size: int, buyers: np.ndarray, moments: np.ndarray) -> array[float]:
    """Each buyer's arrival at collection (NaN: never came), as ``SideArrays`` keeps it."""
    arrived = np.full(size, np.nan)
    arrived[buyers] = moments
    return array("d", arrived.tobytes())


class _OnlineSales:
    """``theater.online_sales`` on the loop: a process started now (URGENT), then
    one entry per online buyer, each made after the buyer before has booked."""

    def __init__(self, loop: EventLoop, moments: np.ndarray, buyers: np.ndarray, sell: Seller) -> None:
        self.loop, self.sell = loop, sell
        self.moments, self.buyers = array("d", moments.tobytes()), buyers.tolist()
        loop.call_after(0.0, self._start, 0, URGENT)

    def _start(self, _arg: int) -> None:
        if self.buyers:
            self.loop.call_after(self.moments[0] - 0.0, self._sale, 0)

    def _sale(self, position: int) -> None:
        self.sell(self.buyers[position])
        if position + 1 < len(self.buyers):
            self.loop.call_after(self.moments[position + 1] - self.moments[position], self._sale, position + 1)
