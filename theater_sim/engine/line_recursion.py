"""The FIFO recursion, extended to counter schedules, balking and reneging.

Customers of a first-come-first-served line are taken in arrival order. Each
reaches a counter at the first moment, from their arrival on and not before
the customer ahead of them, when fewer customers are at counters than
counters are open; closing counters finish their customer first, so a
schedule's cut only holds back the next customer. A customer whose patience
runs out before that moment gives up and takes no counter; one who arrives
to find every counter busy and ``balk_at_line`` people waiting walks away.
Counters are numbered as SimPy's day numbers them: the lowest-numbered free
one, or a new one.

On a projector day the collecting counter checks each holder against the
collectors' list (``CounterCheck``: when each sale was listed, which the
projector settles from the sales alone, before any holder arrives). A holder
whose sale is not listed yet is served after a ledger check (longer), or
turned away: the counter is free again at once, and the holder comes back
``retry_minutes`` later as a new visit at the end of the line (no balking;
their patience starts again), or leaves if their film has begun by then.

This is SimPy's day (``simulation.SideRun``) computed customer by customer,
with no event queue, and with the same float operations, so every record is
bit-identical, as long as no two of the side's events fall on the same
instant: then SimPy's event order decides, and ``follow_line`` declines
(returns False) so that the caller replays the events instead. With times
drawn from continuous distributions that never happens in practice.

Written by hand because no library computes a multi-server line with
schedules and impatience exactly as SimPy orders it;
``tests/engine/test_exact.py`` checks it against SimPy on random days.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from heapq import heappop, heappush

import numpy as np

from theater_sim.engine.autoscaler import CapacityChange
from theater_sim.engine.records import BALKED, RENEGED, SERVED, SideArrays

__all__ = ["CounterCheck", "follow_line"]

INF, NAN = float("inf"), float("nan")


@dataclass(frozen=True)
class CounterCheck:
    """The collecting counter's check on a projector day (``projector.Projector.on_reach``).

    Attributes:
        listed_at: When each customer's sale reached the collectors' list (inf: never).
        retry: True: a stale read turns the customer away for ``retry_minutes``;
            False: the counter checks the ledger, taking ``ledger_check_minutes`` more.
        retry_minutes: How long a customer turned away takes to come back.
        ledger_check_minutes: The ledger check's extra service minutes.
        film_starts_at: When each customer's film begins (inf: none): one
            coming back after it has begun leaves instead.
        stale_reads: Filled in: how often each customer reached a counter unlisted.
        listed_by: When the projector's event that listed each sale ran: a
            customer reaching a counter at that very instant, their sale listed
            then too (no delay), is where SimPy's event order decides.
    """

    listed_at: Sequence[float]
    retry: bool
    retry_minutes: float
    ledger_check_minutes: float
    film_starts_at: Sequence[float]
    stale_reads: np.ndarray
    listed_by: Sequence[float]


def follow_line(
    side: SideArrays, customers: Sequence[int], moments: Sequence[float], check: CounterCheck | None = None
) -> bool:
    """Fill in ``side``'s records for ``customers`` reaching it at ``moments``
    (ascending, as SimPy's clock reads them), each at most once; with
    ``check``, each reaching a counter is checked against the list (the side
    must keep ``extra_minutes``: ``SideArrays(plan, checked=True, ...)``).

    Returns False, with ``side`` partly filled in, when two of the side's
    events fall on the same instant (arrivals, departures, patience running
    out, schedule steps, customers coming back), or a sale is listed at the
    very instant its holder reaches a counter: SimPy's event order then
    decides, so replay the events instead.
    """
    plan = side.plan
    service = array("d", plan.service_minutes.tobytes())
    patience = None if plan.patience_minutes is None else array("d", plan.patience_minutes.tobytes())
    balks, balk_at_line = plan.balk_at_line is not None, plan.balk_at_line or 0
    starts, left_line, outcome, counter = side.starts, side.left_line, side.outcome, side.counter
    # Schedule steps happen at 0.0 + at_minute (SimPy: a Timeout made at the start).
    steps = [(0.0 + at_minute, counters) for at_minute, counters in plan.schedule[1:]]
    steps.append((INF, 0))
    step = 0
    next_step_at, capacity = steps[0][0], plan.schedule[0][1]
    busy: list[tuple[float, int]] = []  # (leaves at, counter) of customers at a counter
    free: list[int] = []  # counters that served someone and stand free
    # When each customer who had to wait leaves the line: balking counts them (kept only then).
    waiting: list[float] = []
    opened = 0
    clock = -INF  # the moment the line's state below is at
    full_until = -INF  # every counter is taken until then
    # (moment, order turned away, ~customer) of customers turned away, still to come back: several
    # turned away at one instant (each freeing the counter for the next) come back together, in that order.
    back: list[tuple[float, int, int]] = []
    # When every visit turned away joined the line and reached a counter (arrays: a day may turn millions away).
    turned = (array("d"), array("d"))
    rejoined: dict[int, float] = {}  # the moment each customer who came back last joined the line (NaN: left)
    returns = array("d")  # every moment a customer came back and joined the line
    visits = zip(customers, moments, strict=True) if check is None else _with_returns(customers, moments, back)

    for index, now in visits:
        arriving, balked = True, False
        if index < 0:  # back from being turned away: no balking; gone if their film has begun
            assert check is not None
            index, arriving = ~index, False
            if now >= check.film_starts_at[index]:
                outcome[index] = RENEGED
                left_line[index] = now
                rejoined[index] = NAN
                continue
            rejoined[index] = now
            returns.append(now)
        # Move the state on to this arrival (unless every counter is taken until
        # later), then on from one departure or schedule step to the next until
        # a counter is free for this customer, or none ever will be.
        moment = now if now >= full_until else clock
        while True:
            while busy and busy[0][0] <= moment:
                heappush(free, heappop(busy)[1])
            while next_step_at <= moment:
                capacity = steps[step][1]
                step += 1
                next_step_at = steps[step][0]
            clock = moment
            if arriving:
                arriving = False
                if balks and (now < full_until or len(busy) >= capacity):
                    while waiting and waiting[0] <= now:
                        heappop(waiting)
                    if len(waiting) >= balk_at_line:
                        balked = True
                        break
            if len(busy) < capacity:
                break
            moment = busy[0][0] if busy else INF
            if next_step_at < moment:
                moment = next_step_at
            if moment == INF:
                break
        if balked:
            outcome[index] = BALKED
            continue
        granted = clock if len(busy) < capacity else INF
        full_until = granted
        if granted > now and patience is not None:
            gives_up = now + patience[index]
            if gives_up <= granted:
                if gives_up == granted:
                    return False
                outcome[index] = RENEGED
                left_line[index] = gives_up
                if balks:
                    heappush(waiting, gives_up)
                continue
        if balks and granted > now:
            heappush(waiting, granted)
        if granted == INF:
            continue
        duration = service[index]
        if check is not None:
            listed_at = check.listed_at[index]
            if listed_at == granted and check.listed_by[index] == granted:  # listed by an event of this instant
                return False
            if listed_at > granted:  # a stale read
                check.stale_reads[index] += 1
                if check.retry:  # turned away: the counter is free at once
                    if len(side.away_at) >= side.turned_away_limit:
                        return False  # the replay ends the day with the error, at the very turn SimPy would
                    side.away_at.append(granted)
                    heappush(back, (granted + check.retry_minutes, len(turned[0]), ~index))
                    turned[0].append(now)
                    turned[1].append(granted)
                    continue
                extra = check.ledger_check_minutes
                if extra:
                    side.extra_minutes[index] += extra  # type: ignore[index]
                    duration = service[index] + extra
        starts[index] = left_line[index] = granted
        if free:
            label = heappop(free)
        else:
            opened += 1
            label = opened
        counter[index] = label
        heappush(busy, (granted + duration, label))

    if not _all_apart(side, customers, moments, [at for at, _ in steps[:-1]], turned, rejoined, returns):
        return False
    side.changes.extend(CapacityChange(at, counters, "schedule") for at, counters in steps[:-1])
    return True


def _with_returns(
    customers: Sequence[int], moments: Sequence[float], back: list[tuple[float, int, int]]
) -> Iterator[tuple[int, float]]:
    """The visits in the order they join the line: each customer at their
    moment, and those turned away (pushed on ``back`` as they are, always
    later than the visit being followed) when they come back, as ``~customer``."""
    for index, now in zip(customers, moments, strict=True):
        while back and back[0][0] < now:
            at, _, visit = heappop(back)
            yield visit, at
        yield index, now
    while back:
        at, _, visit = heappop(back)
        yield visit, at


def _all_apart(
    side: SideArrays,
    customers: Sequence[int],
    moments: Sequence[float],
    step_at: list[float],
    turned: tuple[array[float], array[float]],
    rejoined: dict[int, float],
    returns: array[float],
) -> bool:
    """Whether no two of the side's events (arrivals, departures, giving up,
    schedule steps, customers coming back) fall on the same instant; if so,
    the closing snapshot is taken: SimPy's comes after every other event of
    its instant. ``turned``: the visits turned away; ``rejoined``: when those
    who came back last joined the line; ``returns``: every return that joined it."""
    if isinstance(customers, range):
        index = np.arange(customers.start, customers.stop, customers.step, dtype=np.int64)
    else:
        index = np.asarray(customers, dtype=np.int64)
    arrived = np.asarray(moments, dtype=np.float64)
    starts = np.frombuffer(side.starts, dtype=np.float64)[index]
    service = side.plan.service_minutes[index]
    if side.extra_minutes is not None:  # a ledger check's minutes: service + extra, as SimPy added them
        service = service + np.frombuffer(side.extra_minutes, dtype=np.float64)[index]
    leaves = starts + service  # SimPy's now + duration: the same floats
    left_line = np.frombuffer(side.left_line, dtype=np.float64)[index]
    outcome = np.frombuffer(side.outcome, dtype=np.int8)[index]
    # Customers who came back: their last visit joined then (NaN: they left as they came back).
    joined, reneged = arrived, outcome == RENEGED
    came_back = np.frombuffer(returns, dtype=np.float64)
    if rejoined:
        position = {customer: at for at, customer in enumerate(index.tolist())}
        joined = arrived.copy()
        joined[[position[customer] for customer in rejoined]] = list(rejoined.values())
        left = reneged & np.isnan(joined)
        reneged &= ~left
        # Those turned away at one instant come back together, in the order SimPy
        # made their returns (the recursion's): one event among the others.
        came_back = np.unique(np.concatenate((came_back, left_line[left])))
    every = np.sort(np.concatenate((arrived, came_back, leaves[outcome == SERVED], left_line[reneged], step_at)))
    every = every[~np.isnan(every)]  # customers never served
    if not (every[1:] != every[:-1]).all():
        return False
    close = 0.0 + (side.plan.open_minutes - 0.0)
    in_line = int(((outcome != BALKED) & (joined <= close) & ~(left_line <= close)).sum())
    joined_then, reached = (np.frombuffer(moments, dtype=np.float64) for moments in turned)
    in_line += int(np.count_nonzero((joined_then <= close) & (reached > close)))
    serving = (starts <= close) & (leaves > close)
    side.close_snapshot = (in_line, int(serving.sum()))
    return True
