"""The exact engine: one side's day without SimPy, event for event the same.

SimPy is the model of record (``simulation.SideRun``). Planning runs many
days, and most of a SimPy day is SimPy's own machinery: an Event object per
arrival, grant, service and patience, generators resumed, callbacks looked
up. This module replays the same day with a plain heap of
``(time, priority, sequence)`` keys, the key SimPy orders its events by, and
creates its entries in the same order SimPy creates the matching events, so
simultaneous events run in the same order and every per-customer record
(start, counter, outcome, the line each arrival sees) is bit-identical: times
are computed with the same float operations (``now + delay``).

It follows a side with fixed counters or a counter schedule, balking and
reneging, showings and parties. It does not follow autoscaling (the policy
reacts to the line through callbacks of its own) or a linked day's holders
(sent in by the selling side as it sells): ``supports`` says which, and
``engine.day_plan`` runs those days in SimPy. Written by hand because no
library replays SimPy's event order; ``tests/engine/test_exact.py`` checks
it against SimPy on random days of every rule it claims.
"""

from __future__ import annotations

from array import array
from collections import deque
from heapq import heappop, heappush

import numpy as np

from theater_sim.engine.autoscaler import CapacityChange
from theater_sim.engine.plans import DayPlan, SidePlan
from theater_sim.engine.records import BALKED, RENEGED, SERVED, SideRecords

__all__ = ["simulate_side_exactly", "supports", "unsupported_rule"]

# SimPy's priorities: URGENT (a process starting), NORMAL (everything else
# here), and the closing snapshot after everything else at its moment.
_URGENT, _NORMAL, _LAST = 0, 1, 2
# What a heap entry does (SimPy's event and the callback it carries).
_START_PROCESS, _ARRIVAL, _GRANTED, _SERVED, _PATIENCE_OVER, _SCHEDULE, _CLOSING = range(7)

NAN = float("nan")


def unsupported_rule(plan: SidePlan) -> str | None:
    """The rule of ``plan`` the exact engine cannot follow, or None."""
    if plan.autoscale is not None:
        return "autoscaling (it reacts to the line as the day runs)"
    if plan.arrival_at_minute is None:
        return "a linked day's holders (sent in by the selling side as it sells)"
    return None


def supports(plan: DayPlan) -> bool:
    """Whether the exact engine can run both sides of ``plan``."""
    return plan.linked is None and all(unsupported_rule(side) is None for side in (plan.selling, plan.collecting))


def simulate_side_exactly(plan: SidePlan) -> SideRecords:
    """``SideRun(env, plan)`` run to the end, without SimPy: the same records.

    A side with fixed counters and nobody walking away takes the FIFO
    recursion (``_plain_fifo``) unless two of its events fall on the same
    instant in a way whose order matters; everything else replays SimPy's
    event order (``_event_loop``).

    Raises:
        ValueError: a rule this engine does not follow (``unsupported_rule``).
    """
    problem = unsupported_rule(plan)
    if problem is not None:
        raise ValueError(f"the exact engine cannot follow {problem}")
    if len(plan.schedule) == 1 and plan.patience_minutes is None and plan.balk_at_line is None:
        records = _plain_fifo(plan)
        if records is not None:
            return records
    return _event_loop(plan)


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
    return _records(
        plan,
        start_array,
        start_array,
        np.zeros(size, dtype=np.int8),
        np.frombuffer(counter, dtype=np.int32),
        [CapacityChange(0.0, capacity, "opening")],
        (int((came & (start_array > close)).sum()), int(((start_array <= close) & (finish > close)).sum())),
    )


def _event_loop(plan: SidePlan) -> SideRecords:
    """SimPy's events for the side, in SimPy's order, on a plain heap."""
    assert plan.arrival_at_minute is not None
    size = len(plan.service_minutes)
    gaps = array("d", np.diff(plan.arrival_at_minute, prepend=0.0).tobytes())
    service = array("d", plan.service_minutes.tobytes())
    patience = None if plan.patience_minutes is None else array("d", plan.patience_minutes.tobytes())
    balk_at_line = plan.balk_at_line
    starts = array("d", [NAN]) * size
    left_line = array("d", [NAN]) * size
    outcome = array("b", [SERVED]) * size
    counter = array("i", [-1]) * size
    granted = bytearray(size)  # a customer's request succeeded (SimPy: its value is no longer PENDING)
    gone = bytearray(size)  # gave up waiting; skipped when their turn comes
    line: deque[int] = deque()
    gone_in_line = 0
    at_counters = 0
    capacity = plan.schedule[0][1]
    free_counters: list[int] = []
    opened = 0
    changes = [CapacityChange(0.0, capacity, "opening")]
    close_snapshot = (0, 0)

    queue: list[tuple[float, int, int, int, int]] = []
    sequence = 0
    now = 0.0

    def grant_waiting() -> None:  # CounterBank._trigger_put
        nonlocal gone_in_line, at_counters, sequence
        while line and at_counters < capacity:
            index = line.popleft()
            if gone[index]:
                gone_in_line -= 1
                continue
            at_counters += 1
            granted[index] = 1
            heappush(queue, (now, _NORMAL, sequence, _GRANTED, index))
            sequence += 1

    # Created in SideRun.__init__'s order: schedule steps, the closing snapshot, the arrival process.
    for at_minute, counters in plan.schedule[1:]:
        heappush(queue, (0.0 + at_minute, _NORMAL, sequence, _SCHEDULE, counters))
        sequence += 1
    heappush(queue, (0.0 + (plan.open_minutes - 0.0), _LAST, sequence, _CLOSING, 0))
    sequence += 1
    heappush(queue, (0.0, _URGENT, sequence, _START_PROCESS, 0))
    sequence += 1

    while queue:
        now, _priority, _sequence, kind, index = heappop(queue)
        if kind == _SERVED:
            at_counters -= 1
            grant_waiting()
            heappush(free_counters, counter[index])
        elif kind == _GRANTED:
            starts[index] = left_line[index] = now
            if free_counters:
                counter[index] = heappop(free_counters)
            else:
                opened += 1
                counter[index] = opened
            heappush(queue, (now + service[index], _NORMAL, sequence, _SERVED, index))
            sequence += 1
        elif kind == _ARRIVAL:
            waiting = len(line) - gone_in_line
            if balk_at_line is not None and at_counters >= capacity and waiting >= balk_at_line:
                outcome[index] = BALKED
            else:
                line.append(index)
                grant_waiting()
                if patience is not None:
                    heappush(queue, (now + patience[index], _NORMAL, sequence, _PATIENCE_OVER, index))
                    sequence += 1
            if index + 1 < size:  # the arrival process's next Timeout
                heappush(queue, (now + gaps[index + 1], _NORMAL, sequence, _ARRIVAL, index + 1))
                sequence += 1
        elif kind == _PATIENCE_OVER:
            if not granted[index]:
                outcome[index] = RENEGED
                left_line[index] = now
                gone[index] = 1
                gone_in_line += 1
        elif kind == _START_PROCESS:
            if size:
                heappush(queue, (now + gaps[0], _NORMAL, sequence, _ARRIVAL, 0))
                sequence += 1
        elif kind == _SCHEDULE:
            changes.append(CapacityChange(now, index, "schedule"))
            capacity = index
            grant_waiting()
        else:  # _CLOSING
            close_snapshot = (len(line) - gone_in_line, at_counters)

    return _records(
        plan,
        np.frombuffer(starts, dtype=np.float64),
        np.frombuffer(left_line, dtype=np.float64),
        np.frombuffer(outcome, dtype=np.int8),
        np.frombuffer(counter, dtype=np.int32),
        changes,
        close_snapshot,
    )


def _records(
    plan: SidePlan,
    starts: np.ndarray,
    left_line: np.ndarray,
    outcome: np.ndarray,
    counter: np.ndarray,
    changes: list[CapacityChange],
    close_snapshot: tuple[int, int],
) -> SideRecords:
    """The side's records, shaped as ``SideRun.records()`` shapes them."""
    assert plan.arrival_at_minute is not None
    return SideRecords(
        counters=plan.schedule[0][1],
        open_minutes=plan.open_minutes,
        arrival_at_minute=plan.arrival_at_minute,
        service_minutes=plan.service_minutes,
        service_start_at_minute=starts,
        left_line_at_minute=left_line,
        outcome=outcome,
        counter=counter,
        showing=plan.customers_showing(),
        party_size=plan.customers_party_size(),
        capacity_changes=tuple(changes),
        in_line_at_close=close_snapshot[0],
        in_service_at_close=close_snapshot[1],
    )
