"""The box office's ledger: tickets sold, seats filled and starts missed.

Per showing: how many tickets were sold (at the counter and online), how many
holders came to collection, how many tickets were admitted, and how many
holders were still in line when the film started. For the day: how many
would-be buyers left without a ticket because their showing was full.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theater_sim.analysis.failures import in_line_as_it_began
from theater_sim.engine.records import BALKED, SERVED, SideRecords
from theater_sim.engine.theater import TicketRecords
from theater_sim.model.timetable import ShowingPlan

__all__ = ["ShowingMetrics", "TicketSummary", "showing_metrics", "ticket_summary"]


@dataclass(frozen=True)
class ShowingMetrics:
    """One showing's numbers, all in tickets; ``sold`` is None when holders were not
    linked to sales. ``holders``: tickets brought to collection; ``admitted``:
    tickets whose holders were served; ``missed_start``: tickets whose holders
    were in line when the film began; ``arrived_after_start``: tickets whose
    holders only reached collection after it began."""

    film: str
    starts: str
    seats: int
    sold: int | None
    sold_online: int | None
    holders: int
    admitted: int
    missed_start: int
    arrived_after_start: int = 0


@dataclass(frozen=True)
class TicketSummary:
    """A linked day's sales."""

    buyers: int
    buyers_online: int
    tickets_sold: int
    tickets_sold_online: int
    turned_away: int


def showing_metrics(
    collecting: SideRecords, plan: ShowingPlan, tickets: TicketRecords | None
) -> tuple[ShowingMetrics, ...]:
    """Per-showing sales, holders, admissions and missed starts."""
    count = len(plan.films)
    came = collecting.showing >= 0
    showing = collecting.showing[came]
    party = collecting.party_size[came]
    holders = np.bincount(showing, weights=party, minlength=count)
    admitted = np.bincount(showing, weights=party * (collecting.outcome[came] == SERVED), minlength=count)
    starts = np.asarray(plan.starts_at_minute)
    begun, arrived = starts[showing], collecting.arrival_at_minute[came]
    in_line = in_line_as_it_began(arrived, collecting.left_line_at_minute[came], begun)
    late = in_line & (collecting.outcome[came] != BALKED)
    missed = np.bincount(showing[late], weights=party[late], minlength=count)
    after = arrived > begun
    came_after = np.bincount(showing[after], weights=party[after], minlength=count)
    sold = sold_online = None
    if tickets is not None:
        booked = tickets.sold_showing >= 0
        sold = np.bincount(tickets.sold_showing[booked], weights=tickets.party_size[booked], minlength=count)
        online = booked & tickets.online
        sold_online = np.bincount(tickets.sold_showing[online], weights=tickets.party_size[online], minlength=count)
    return tuple(
        ShowingMetrics(
            film=plan.films[k],
            starts=plan.clocks[k],
            seats=plan.seats[k],
            sold=None if sold is None else int(sold[k]),
            sold_online=None if sold_online is None else int(sold_online[k]),
            holders=int(holders[k]),
            admitted=int(admitted[k]),
            missed_start=int(missed[k]),
            arrived_after_start=int(came_after[k]),
        )
        for k in range(count)
    )


def ticket_summary(tickets: TicketRecords, selling: SideRecords) -> TicketSummary:
    """Sales of a linked day; turned away = tried to buy (online or at a counter) but no seat fit."""
    booked = tickets.sold_showing >= 0
    at_counter_served = selling.served
    tried = int(tickets.online.sum()) + at_counter_served
    return TicketSummary(
        buyers=len(tickets.online),
        buyers_online=int(tickets.online.sum()),
        tickets_sold=int(tickets.party_size[booked].sum()),
        tickets_sold_online=int(tickets.party_size[booked & tickets.online].sum()),
        turned_away=tried - int(booked.sum()),
    )
