"""The live view's numbers against the finished day's records."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import scenario_dict

from theater_sim.analysis.live import live_status
from theater_sim.engine.day_plan import compile_day
from theater_sim.engine.records import BALKED
from theater_sim.engine.theater import prepare_day
from theater_sim.input.loading import load_scenario
from theater_sim.model.scenario import SIDE_NAMES, Scenario

#: An invented day where customers give up often, the first in line too: one
#: seller for twice the work, patience of 3 minutes on average.
IMPATIENT = scenario_dict(
    **{
        "selling.arrivals": {"rate_per_hour": 60},
        "selling.service_minutes": {"distribution": "exponential", "mean": 2.0},
        "selling.patience_minutes": {"distribution": "exponential", "mean": 3.0},
    }
)


@pytest.mark.parametrize("name", ["lunch-closure", "opening-weekend", "tarantino-announced", "impatient"])
def test_the_oldest_wait_is_the_first_in_lines_as_the_records_tell(name: str) -> None:
    """At minutes between events, the live line and its oldest wait are what the
    finished day's records say: those who came by then and had not yet left the
    line (reached a counter or gave up; balkers never joined), and the longest
    any of them had waited, the first in line's in a FIFO line. The days cover
    a closure (a line building for an hour while the mean wait stands still),
    balking, a line thousands long, and a day where the first in line often
    gives up."""
    scenario = Scenario.model_validate(IMPATIENT) if name == "impatient" else load_scenario(name)[0]
    minutes = [
        float(minute) for minute in np.arange(7.31, scenario.open_minutes + 100, 13.7 if name != "impatient" else 1.37)
    ]
    model = prepare_day(compile_day(scenario))
    seen = {}
    for minute in minutes:
        model.env.run(until=minute)
        status = live_status(model, scenario, minute)
        seen[minute] = {side: status.side(side) for side in SIDE_NAMES}
    model.env.run()
    records = model.records()
    waiting_frames = 0
    for side in SIDE_NAMES:
        day = records.side(side)
        arrivals, left = day.arrival_at_minute, day.left_line_at_minute
        for minute in minutes:
            with np.errstate(invalid="ignore"):  # NaN: never left the line
                waiting = (arrivals <= minute) & ~(left <= minute) & (day.outcome != BALKED)
            live = seen[minute][side]
            assert live.line == int(waiting.sum())
            oldest = float(minute - arrivals[waiting].min()) if waiting.any() else 0.0
            assert live.oldest_wait_minutes == pytest.approx(oldest, abs=1e-9)
            waiting_frames += bool(live.line)
    assert waiting_frames >= 10
