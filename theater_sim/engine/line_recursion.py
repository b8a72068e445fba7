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
from collections.abc import Sequence
from heapq import heappop, heappush

import numpy as np

from theater_sim.engine.autoscaler import CapacityChange
from theater_sim.engine.records import BALKED, RENEGED, SERVED, SideArrays

__all__ = ["follow_line"]

INF = float("inf")


def follow_line(side: SideArrays, customers: Sequence[int], moments: Sequence[float]) -> bool:
    """Fill in ``side``'s records for ``customers`` reaching it at ``moments``
    (ascending, as SimPy's clock reads them), each at most once.

    Returns False, with ``side`` partly filled in, when two of the side's
    events fall on the same instant (arrivals, departures, patience running
    out, schedule steps): SimPy's event order then decides, so replay the
    events instead.
    """
    plan = side.plan
    service = array("d", plan.service_minutes.tobytes())
    patience = None if plan.patience_minutes is None else array("d", plan.patience_minutes.tobytes())
    balk_at_line = plan.balk_at_line
    starts, left_line, outcome, counter = side.starts, side.left_line, side.outcome, side.counter
    # Schedule steps happen at 0.0 + at_minute (SimPy: a Timeout made at the start).
    steps = [(0.0 + at_minute, counters) for at_minute, counters in plan.schedule[1:]]
    steps.append((INF, 0))
    step = 0
    next_step_at, capacity = steps[0][0], plan.schedule[0][1]
    busy: list[tuple[float, int]] = []  # (leaves at, counter) of customers at a counter
    free: list[int] = []  # counters that served someone and stand free
    waiting: list[float] = []  # when each customer who had to wait leaves the line (balking counts them)
    opened = 0
    clock = -INF  # the moment the line's state below is at
    full_until = -INF  # every counter is taken until then

    for index, now in zip(customers, moments, strict=True):
        # Move the state on to this arrival (unless every counter is taken until
        # later), then on from one departure or schedule step to the next until
        # a counter is free for this customer, or none ever will be.
        moment = now if now >= full_until else clock
        arriving, balked = True, False
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
                if balk_at_line is not None and (now < full_until or len(busy) >= capacity):
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
                heappush(waiting, gives_up)
                continue
        if granted == INF:
            heappush(waiting, INF)
            continue
        starts[index] = left_line[index] = granted
        if free:
            label = heappop(free)
        else:
            opened += 1
            label = opened
        counter[index] = label
        heappush(busy, (granted + service[index], label))
        if granted > now:
            heappush(waiting, granted)

    if not _all_apart(side, customers, moments, [at for at, _ in steps[:-1]]):
        return False
    side.changes.extend(CapacityChange(at, counters, "schedule") for at, counters in steps[:-1])
    return True


def _all_apart(side: SideArrays, customers: Sequence[int], moments: Sequence[float], step_at: list[float]) -> bool:
    """Whether no two of the side's events (arrivals, departures, giving up,
    schedule steps) fall on the same instant; if so, the closing snapshot is
    taken: SimPy's comes after every other event of its instant."""
    if isinstance(customers, range):
        index = np.arange(customers.start, customers.stop, customers.step, dtype=np.int64)
    else:
        index = np.asarray(customers, dtype=np.int64)
    arrived = np.asarray(moments, dtype=np.float64)
    starts = np.frombuffer(side.starts, dtype=np.float64)[index]
    leaves = starts + side.plan.service_minutes[index]  # SimPy's now + duration: the same floats
    left_line = np.frombuffer(side.left_line, dtype=np.float64)[index]
    outcome = np.frombuffer(side.outcome, dtype=np.int8)[index]
    every = np.sort(np.concatenate((arrived, leaves[outcome == SERVED], left_line[outcome == RENEGED], step_at)))
    every = every[~np.isnan(every)]  # customers never served
    if not (every[1:] != every[:-1]).all():
        return False
    close = 0.0 + (side.plan.open_minutes - 0.0)
    in_line = (outcome != BALKED) & (arrived <= close) & ~(left_line <= close)
    serving = (starts <= close) & (leaves > close)
    side.close_snapshot = (int(in_line.sum()), int(serving.sum()))
    return True
