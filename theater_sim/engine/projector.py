"""The projector: the third resource of a linked day, between ledger and list.

Every sale enters the box office's ledger the moment it is made
(``record_sale``). The projector lists it for the collectors: in batches, when
the list is refreshed every ``every_minutes`` from the opening, or by clerks
working through the ledger in sale order, each sale taking its own drawn
``work_minutes``; either way ``delay_minutes`` later the sale is on the list.
``on_reach`` is the collecting counters' check: a holder whose sale is not
listed yet is a stale read, turned away (retry) or served after a ledger
check (read-your-writes). Everything runs on the day's clock (SimPy's, or
the exact engine's replay of it), so the lag grows and shrinks with the
sales as they happen.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from heapq import heappop, heappush

import numpy as np

from theater_sim.engine.plans import ProjectionPlan
from theater_sim.engine.scheduling import Scheduler

__all__ = ["Listings", "Projector", "list_in_order"]


class Projector:
    """Lists a linked day's sales for the collectors, event by event; its
    ``sold_at``, ``listed_at``, ``stale_reads`` and ``busy_minutes`` fill in
    as the day runs and mean what ``Listings``' do."""

    def __init__(
        self,
        clock: Scheduler,
        plan: ProjectionPlan,
        buyers: int,
        sold_showing: np.ndarray | None = None,
        starts_at_minute: tuple[float, ...] = (),
    ) -> None:
        self.clock = clock
        self.plan = plan
        self.sold_showing = sold_showing
        self.starts_at_minute = starts_at_minute
        self.sold_at = np.full(buyers, np.nan)
        self.listed_at = np.full(buyers, np.inf)
        self.stale_reads = np.zeros(buyers, dtype=np.int64)
        self.busy_minutes = 0.0
        self._waiting: deque[int] = deque()  # sales not yet taken up by a clerk or a refresh
        self._busy_clerks = 0
        self._clock_running = False

    def record_sale(self, buyer: int) -> None:
        """A sale enters the ledger now; the projector will list it."""
        self.sold_at[buyer] = self.clock.now
        self._waiting.append(buyer)
        if self.plan.clerks is not None:
            self._next_sale()
        elif not self._clock_running:
            self._clock_running = True
            self._schedule_refresh()

    def gives_up(self, buyer: int, now: float) -> bool:
        """A holder turned away gives up when they come back after their film began."""
        showing = int(self.sold_showing[buyer]) if self.sold_showing is not None else -1
        return showing >= 0 and now >= self.starts_at_minute[showing]

    def on_reach(self, buyer: int, now: float) -> float | None:
        """The collecting counter's check: extra service minutes, or None (turned away)."""
        if self.listed_at[buyer] <= now:
            return 0.0
        self.stale_reads[buyer] += 1
        return None if self.plan.retry else self.plan.ledger_check_minutes

    # Clerks: each takes the oldest sale not yet taken up.
    def _next_sale(self) -> None:
        assert self.plan.clerks is not None
        assert self.plan.work_minutes is not None
        while self._waiting and self._busy_clerks < self.plan.clerks:
            buyer = self._waiting.popleft()
            self._busy_clerks += 1
            self.clock.call_after(float(self.plan.work_minutes[buyer]), self._listed_by_clerk, buyer)

    def _listed_by_clerk(self, buyer: int) -> None:
        assert self.plan.work_minutes is not None
        self.listed_at[buyer] = self.clock.now + self.plan.delay_minutes
        self.busy_minutes += float(self.plan.work_minutes[buyer])
        self._busy_clerks -= 1
        self._next_sale()

    # Batches: the list is refreshed on a clock from the opening, while sales can still come.
    def _schedule_refresh(self) -> None:
        every = self.plan.every_minutes
        assert every is not None
        now = self.clock.now
        next_at = (math.floor(now / every) + 1) * every
        self.clock.call_after(next_at - now, self._refresh)

    def _refresh(self, _arg: int) -> None:
        listed = self.clock.now + self.plan.delay_minutes
        while self._waiting:
            self.listed_at[self._waiting.popleft()] = listed
        self._clock_running = False


@dataclass(frozen=True)
class Listings:
    """A day's sales as the projector listed them (``Projector``'s records).

    Attributes:
        sold_at: When each buyer's sale entered the ledger (NaN: no sale).
        listed_at: When it was on the collectors' list (inf: never).
        stale_reads: How often each holder reached a counter before their sale was listed.
        busy_minutes: Clerk-minutes spent listing (clerks only).
        listed_by: When the projector's event that listed it ran (``listed_at`` less
            the delay; inf: never): only a check at that very instant depends on
            which of the two ran first.
    """

    sold_at: np.ndarray
    listed_at: np.ndarray
    stale_reads: np.ndarray
    busy_minutes: float
    listed_by: np.ndarray


def list_in_order(plan: ProjectionPlan, buyers: Sequence[int], moments: Sequence[float], size: int) -> Listings | None:
    """Every sale of a day listed at once: ``buyers`` (of ``size``) sold at
    ``moments`` (ascending, no two alike), as ``Projector`` lists them one by
    one on the day's clock, to the bit. Nothing the collectors do reaches back
    to the projector, so this is settled before any holder arrives
    (``stale_reads`` is left for the collecting side to count).

    Returns None when two of its events fall on the same instant (a sale at a
    refresh, two clerks finishing together): the day's event order decides.
    Written by hand, as ``line_recursion`` is, to follow SimPy's floats.
    """
    listed_at, listed_by = [math.inf] * size, [math.inf] * size
    sold_at = np.full(size, np.nan)
    sold_at[np.asarray(buyers, dtype=np.int64)] = moments
    delay = plan.delay_minutes
    busy_minutes = 0.0
    if plan.clerks is None:  # refreshes: the first sale after one starts the clock to the next
        every = plan.every_minutes
        assert every is not None
        refresh_at = -math.inf
        for buyer, now in zip(buyers, moments, strict=True):
            if now == refresh_at:
                return None
            if now > refresh_at:  # (the one before, if any, has run)
                refresh_at = now + ((math.floor(now / every) + 1) * every - now)
            listed_at[buyer], listed_by[buyer] = refresh_at + delay, refresh_at
    else:  # clerks: each takes the oldest sale not yet taken up, when it is free
        assert plan.work_minutes is not None
        work: list[float] = plan.work_minutes.tolist()
        clerks, free_at, done = plan.clerks, list[float](), list[tuple[float, float]]()
        for buyer, now in zip(buyers, moments, strict=True):
            while free_at and free_at[0] <= now:
                heappop(free_at)
            start = now if len(free_at) < clerks else heappop(free_at)
            minutes = work[buyer]
            finish = start + minutes
            heappush(free_at, finish)
            listed_at[buyer], listed_by[buyer] = finish + delay, finish
            done.append((finish, minutes))
        done.sort()
        for at, (finish, minutes) in enumerate(done):
            if at and finish == done[at - 1][0]:
                return None
            busy_minutes += minutes
    return Listings(
        sold_at,
        np.array(listed_at, dtype=np.float64),
        np.zeros(size, dtype=np.int64),
        busy_minutes,
        np.array(listed_by, dtype=np.float64),
    )
