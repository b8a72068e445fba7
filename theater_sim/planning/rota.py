"""A rota: each side's day cut into equal periods, so a staffing search
finds a count for each (``staff --rota-hours 2``).

A manager staffs in shifts, not with one count from opening to closing: one
count all day is set by the day's rush and idles through its quiet hours,
and a search by period needs periods. Those of a rota start at the opening
and every ``minutes`` after it; the last may be shorter.
"""

from __future__ import annotations

import math

from theater_sim.model.clock import clock_label_to_the_second
from theater_sim.model.counter_settings import MAX_SCHEDULE_PERIODS, CounterPeriod
from theater_sim.model.errors import ScenarioError
from theater_sim.model.scenario import SIDE_NAMES, Scenario, Side, SideName

__all__ = ["MIN_ROTA_MINUTES", "rota_notes", "rota_scenario", "rota_starts"]

#: The shortest rota period: a quarter of an hour (a day then has at most 96).
MIN_ROTA_MINUTES = 15.0


def rota_starts(scenario: Scenario, minutes: float) -> list[str]:
    """The clock times the rota's periods start at: the opening, then every ``minutes``.

    Raises:
        ScenarioError: periods shorter than ``MIN_ROTA_MINUTES``, not a number, or not whole minutes.
    """
    given = f"--rota-hours {minutes / 60!r}"
    if not math.isfinite(minutes):
        raise ScenarioError(f"{given}: give the rota's periods in hours (at least 0.25: 15 min)")
    if minutes < MIN_ROTA_MINUTES:
        raise ScenarioError(f"{given}: a rota's periods are at least {MIN_ROTA_MINUTES / 60:g} hours (15 min)")
    if abs(minutes - round(minutes)) > 1e-9:
        raise ScenarioError(f"{given}: periods start on whole minutes ({minutes:.8f}".rstrip("0") + " min is not)")
    step = round(minutes)
    starts = [k * step for k in range(math.ceil(scenario.hours * 60 / step - 1e-9))]
    assert len(starts) <= MAX_SCHEDULE_PERIODS  # 15-minute periods of a day of at most 24 hours
    return [clock_label_to_the_second(offset, scenario.opens) for offset in starts]


def rota_scenario(scenario: Scenario, minutes: float) -> Scenario:
    """``scenario`` with both sides on a rota of ``minutes``-long periods (one
    counter each: the search sets them), replacing their counts, schedules or
    autoscaling."""
    periods = [CounterPeriod(from_clock=start, count=1) for start in rota_starts(scenario, minutes)]
    updates = {
        name: Side.model_validate({**getattr(scenario, name).__dict__, "counters": periods, "autoscale": None})
        for name in SIDE_NAMES
    }
    return Scenario.model_validate({**scenario.__dict__, **updates})


def rota_notes(scenario: Scenario, minutes: float) -> dict[SideName, list[str]]:
    """Each side's notes on what the rota replaced of ``scenario``'s staffing;
    a rota of one period is said with the first side's."""
    notes: dict[SideName, list[str]] = {name: [] for name in SIDE_NAMES}
    if len(rota_starts(scenario, minutes)) == 1:
        notes["selling"].append(
            f"rota: periods of {minutes / 60:g} hours cover the whole {scenario.hours:g}-hour day: one count all day"
        )
    for name in SIDE_NAMES:
        side = scenario.side(name)
        if side.autoscale is not None:
            notes[name].append(
                f"{name}: the rota replaces the scenario's autoscaler ({side.autoscale.min_counters}-"
                f"{side.autoscale.max_counters} counters); without --rota-hours, staff weighs the autoscaler's"
                " counter-hours against a count all day"
            )
        elif isinstance(side.counters, list) and len(side.counters) > 1:
            closures = [clock for _, clock in side.closures]
            dropped = (
                f", and its closure{'s' if len(closures) > 1 else ''} from {', '.join(closures)}: a rota period"
                " has at least one counter; without --rota-hours, staff keeps closures as written"
                if closures
                else ""
            )
            notes[name].append(
                f"{name}: the rota replaces the scenario's counter schedule ({len(side.counters)} periods{dropped})"
            )
    return notes
