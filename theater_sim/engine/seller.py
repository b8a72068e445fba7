"""The box office's seller of a linked day: books seats, and sends each party to collection.

Shared by both engines (``theater`` on SimPy, ``exact`` on its replay of
SimPy's events): it only asks the day's clock the time and to be called back
(``scheduling.Scheduler``), so both create the same events in the same order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from theater_sim.engine.plans import Buyers, LinkedPlan
from theater_sim.engine.projector import Listings, Projector
from theater_sim.engine.records import SideArrays, TicketRecords
from theater_sim.engine.scheduling import Scheduler
from theater_sim.engine.seat_book import SeatBook

__all__ = ["Seller", "sell_in_order", "ticket_records"]


class Seller:
    """Books seats for a buyer and sends their party to collection in time.

    Args:
        clock: The day's clock.
        linked: The day's buyers and showings.
        sold: Who got which showing (-1: no ticket), filled in as the day runs.
        send_holder: Called as ``send_holder(buyer)`` when the buyer's party
            reaches the collecting counters.
        projector: The projector the sales go through, if any.
    """

    def __init__(
        self,
        clock: Scheduler,
        linked: LinkedPlan,
        sold: np.ndarray,
        send_holder: Callable[[int], None],
        projector: Projector | None = None,
    ) -> None:
        buyers = linked.buyers
        self.projector = projector
        self.clock = clock
        self.book = SeatBook(list(linked.starts_at_minute), list(linked.seats))
        self.preferred = buyers.preferred_showing.tolist()
        self.party = buyers.party_size.tolist()
        self.lead = buyers.lead_minutes.tolist()
        self.walk = linked.walk_minutes
        self.sold = sold
        self.send_holder = send_holder

    def __call__(self, buyer: int) -> None:
        now = self.clock.now
        showing = self.book.book(self.preferred[buyer], self.party[buyer], now)
        self.sold[buyer] = showing
        if showing < 0:
            return
        if self.projector is not None:
            self.projector.record_sale(buyer)
        # now + 0.0 is now exactly: without a walk the day is as it always was.
        arrive_at = max(now + self.walk, self.book.starts_at_minute[showing] - self.lead[buyer])
        if arrive_at <= now:
            self.send_holder(buyer)
        else:
            self.clock.call_after(arrive_at - now, self.send_holder, buyer)


def sell_in_order(
    linked: LinkedPlan, sold: np.ndarray, moments: np.ndarray, buyers: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every sale of a day without a projector at once: ``buyers`` buy at
    ``moments`` (ascending), as ``Seller`` sells them one by one, and ``sold``
    is filled in. Returns who reaches collection and when, to the bit the
    moment SimPy's clock reads (``now``, or ``now + (arrive_at - now)``)."""
    book = SeatBook(list(linked.starts_at_minute), list(linked.seats)).book
    preferred, party = linked.buyers.preferred_showing.tolist(), linked.buyers.party_size.tolist()
    pairs = zip(buyers.tolist(), moments.tolist(), strict=True)
    showing = np.array([book(preferred[buyer], party[buyer], now) for buyer, now in pairs], dtype=np.int64)
    sold[buyers] = showing
    took = showing >= 0
    now, who = moments[took], buyers[took]
    starts = np.array(linked.starts_at_minute, dtype=np.float64)[showing[took]]
    arrive_at = np.maximum(now + linked.walk_minutes, starts - linked.buyers.lead_minutes[who])
    return who, np.where(arrive_at <= now, now, now + (arrive_at - now))


def ticket_records(
    buyers: Buyers,
    sold_showing: np.ndarray,
    projector: Projector | Listings | None,
    collecting: SideArrays,
) -> TicketRecords:
    """What every buyer of the day did, once it is over (with a projector, or
    its ``Listings``: when each sale was made and listed, and when each holder
    arrived and left the line, and which holder each collecting record is)."""
    tickets = TicketRecords(online=buyers.online, party_size=buyers.party_size, sold_showing=sold_showing)
    if projector is None:
        return tickets
    return replace(
        tickets,
        sold_at=projector.sold_at,
        listed_at=projector.listed_at,
        stale_reads=projector.stale_reads,
        projector_busy_minutes=projector.busy_minutes,
        holder_arrived_at=np.array(collecting.dynamic_arrivals, dtype=np.float64),
        holder_left_line_at=np.array(collecting.left_line, dtype=np.float64),
        holders_in_order=np.array(collecting.came_in_order, dtype=np.int64),
    )
