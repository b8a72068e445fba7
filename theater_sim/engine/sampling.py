"""Drawing the day's customers from the seed, before the doors open.

Everything random about a customer (when they come, how long they take, how
patient they are, whether they buy online, how big their party is, which
showing they want, how early they come to collection) is drawn here, up
front, from the side's own named streams. The simulation then only plays it
out, so a change of staffing never changes who the customers are.
"""

from __future__ import annotations

import numpy as np

from theater_sim.engine.plans import Buyers, SidePlan
from theater_sim.engine.randomness import stream
from theater_sim.engine.simulation import exact_moments
from theater_sim.model.arrivals import Arrivals, piecewise_poisson_times, poisson_times, uniform_total_times
from theater_sim.model.scenario import Scenario, SideName
from theater_sim.model.timetable import ShowingPlan, profile_periods

__all__ = ["Buyers", "draw_buyers", "side_plan"]


def side_plan(
    scenario: Scenario,
    side_name: SideName,
    *,
    arrival_at_minute: np.ndarray | None = None,
    size: int | None = None,
    showing: np.ndarray | None = None,
    party_size: np.ndarray | None = None,
) -> SidePlan:
    """A side's plan: its customers' arrivals (drawn unless given), services and patience.

    Args:
        scenario: The day.
        side_name: Which side.
        arrival_at_minute: Arrival moments decided elsewhere (linked selling).
        size: Number of customers when they are sent in during the day (linked collecting).
        showing: Showing per customer, when known.
        party_size: Party size per customer, when known.
    """
    side = scenario.side(side_name)
    if arrival_at_minute is None and size is None:
        assert side.arrivals is not None
        arrival_at_minute, showing = _draw_arrivals(scenario, side_name, side.arrivals)
    count = size if size is not None else len(arrival_at_minute)  # type: ignore[arg-type]
    seed = scenario.seed
    patience = side.patience_minutes
    return SidePlan(
        schedule=scenario.counter_schedule(side_name),
        open_minutes=scenario.open_minutes,
        service_minutes=side.service_minutes.sample(stream(seed, side_name, "service"), count),
        arrival_at_minute=None if arrival_at_minute is None else exact_moments(arrival_at_minute),
        patience_minutes=None if patience is None else patience.sample(stream(seed, side_name, "patience"), count),
        balk_at_line=side.balk_at_line,
        autoscale=side.autoscale,
        showing=showing,
        party_size=party_size,
    )


def _draw_arrivals(scenario: Scenario, side_name: SideName, arrivals: Arrivals) -> tuple[np.ndarray, np.ndarray | None]:
    rng = stream(scenario.seed, side_name, "arrivals")
    open_minutes = scenario.open_minutes
    if arrivals.total is not None:
        return uniform_total_times(arrivals.total, open_minutes, rng), None
    if arrivals.rate_per_hour is not None:
        return poisson_times(arrivals.rate_per_hour / 60.0, 0.0, open_minutes, rng), None
    if arrivals.profile is not None:
        periods = profile_periods(arrivals.profile, scenario.opens, open_minutes, "profile")
        return piecewise_poisson_times(periods, rng), None
    if arrivals.trace_at_minute is not None:
        return np.array(arrivals.trace_at_minute, dtype=np.float64), None
    assert arrivals.showtimes is not None
    return _showtime_holders(scenario.showings(), arrivals, stream(scenario.seed, side_name, "lead"))


def _showtime_holders(plan: ShowingPlan, arrivals: Arrivals, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Holders of each showing (occupancy x seats), arriving their lead time before it."""
    settings = arrivals.showtimes
    assert settings is not None
    counts = [round(seats * settings.occupancy) for seats in plan.seats]
    showing = np.repeat(np.arange(len(counts)), counts)
    starts = np.array(plan.starts_at_minute, dtype=np.float64)[showing]
    moments = np.maximum(0.0, starts - settings.lead_minutes.sample(rng, len(showing)))
    order = np.argsort(moments, kind="stable")
    return moments[order], showing[order]


def draw_buyers(scenario: Scenario) -> Buyers:
    """All buyers of a linked day; preferred showings are weighted by seats."""
    linked = scenario.linked
    assert linked is not None
    assert scenario.selling.arrivals is not None
    arrivals, _ = _draw_arrivals(scenario, "selling", scenario.selling.arrivals)
    count = len(arrivals)
    rng = stream(scenario.seed, "selling", "tickets")
    online = rng.random(count) < linked.online_share
    sizes, probabilities = linked.party_size_probabilities()
    party_size = rng.choice(sizes, size=count, p=probabilities)
    seats = np.array(scenario.showings().seats, dtype=np.float64)
    preferred = rng.choice(len(seats), size=count, p=seats / seats.sum())
    lead = linked.lead_minutes.sample(stream(scenario.seed, "collecting", "lead"), count)
    return Buyers(exact_moments(arrivals), online, party_size, preferred, lead)
