"""The box office's ledger: showings and ticket sales add up, day after day."""

from __future__ import annotations

import pytest

from theater_sim.analysis.box_office import showing_metrics, ticket_summary
from theater_sim.engine.day_plan import simulate_day
from theater_sim.input.loading import load_scenario


@pytest.mark.parametrize("seed", range(5))
def test_linked_showings_and_sales_add_up(seed: int) -> None:
    """Tickets are conserved: no showing sells more than its seats; holders are
    the tickets bought at the counter or online for it; admitted plus those
    still in line at the start never exceed the holders; the day's sales are
    the showings' sales."""
    scenario = load_scenario("opening-weekend")[0].overridden(seed=seed)
    records = simulate_day(scenario)
    assert records.tickets is not None
    showings = showing_metrics(records.collecting, scenario.showings(), records.tickets)
    tickets = ticket_summary(records.tickets, records.selling)
    assert len(showings) == len(scenario.showtimes)
    for showing in showings:
        assert showing.sold is not None
        assert showing.sold_online is not None
        assert 0 <= showing.sold_online <= showing.sold <= showing.seats
        assert showing.holders == showing.sold  # every sold ticket is brought to collection
        assert 0 <= showing.admitted <= showing.holders
        assert 0 <= showing.missed_start <= showing.holders
    assert tickets.tickets_sold == sum(s.sold or 0 for s in showings)
    assert tickets.tickets_sold_online == sum(s.sold_online or 0 for s in showings)
    assert tickets.buyers == tickets.buyers_online + records.selling.arrived
    assert tickets.turned_away >= 0
    party_tickets = int(records.collecting.party_size.sum())
    assert party_tickets == sum(s.holders for s in showings)


def test_unlinked_showings_have_no_sales() -> None:
    scenario = load_scenario("announcement-rush")[0]
    records = simulate_day(scenario)
    showings = showing_metrics(records.collecting, scenario.showings(), records.tickets)
    assert records.tickets is None
    assert all(s.sold is None and s.sold_online is None for s in showings)
    assert sum(s.holders for s in showings) == records.collecting.arrived
    # 90% occupancy of each showing's seats come to collect.
    assert [s.holders for s in showings] == [round(0.9 * s.seats) for s in showings]
