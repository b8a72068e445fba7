"""Counter time: counter-minutes open follow the schedule; on duty includes closing counters finishing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from helpers import scenario_dict

from theater_sim.analysis.counter_time import counter_time
from theater_sim.engine.day_plan import simulate_day
from theater_sim.engine.records import SideRecords
from theater_sim.input.loading import load_scenario
from theater_sim.model.scenario import Scenario


def _selling(**changes: object) -> SideRecords:
    scenario = Scenario.model_validate(scenario_dict(**changes))
    return simulate_day(scenario).selling


def test_a_fixed_side_is_open_all_day_every_hour() -> None:
    records = _selling(**{"selling.counters": 3, "selling.arrivals": {"total": 0}})
    time = counter_time(records, span_minutes=120.0, hours=2)
    assert time.open_by_hour.tolist() == [180.0, 180.0]
    assert time.on_duty_by_hour.tolist() == [180.0, 180.0]
    assert time.open_while_doors_open == 360.0


def test_a_schedule_is_integrated_hour_by_hour() -> None:
    """1 counter 08:00-08:30, 4 from 08:30 to 09:15, then 2: the open minutes are the step function's area."""
    schedule = [{"from": "08:00", "count": 1}, {"from": "08:30", "count": 4}, {"from": "09:15", "count": 2}]
    records = _selling(**{"selling.counters": schedule, "selling.arrivals": {"total": 0}})
    time = counter_time(records, span_minutes=120.0, hours=2)
    assert time.open_by_hour.tolist() == pytest.approx([1 * 30 + 4 * 30, 4 * 15 + 2 * 45])
    assert time.open_while_doors_open == pytest.approx(30 + 4 * 45 + 2 * 45)


def test_a_closing_counter_stays_on_duty_until_its_customer_leaves(tmp_path: Path) -> None:
    """Two counters, one closing at 08:30 while both serve 20-minute customers who
    came at 08:25: on duty stays 2 until 08:45, open drops to 1 at 08:30."""
    (tmp_path / "two.csv").write_text("at_minute\n25\n25\n", encoding="utf-8")
    day = scenario_dict(
        **{
            "selling.counters": [{"from": "08:00", "count": 2}, {"from": "08:30", "count": 1}],
            "selling.arrivals": {"trace": "two.csv"},
            "selling.service_minutes": {"distribution": "fixed", "value": 20},
        }
    )
    path = tmp_path / "day.yaml"
    path.write_text(yaml.safe_dump(day), encoding="utf-8")
    records = simulate_day(load_scenario(str(path))[0]).selling
    time = counter_time(records, span_minutes=120.0, hours=2)
    assert time.open_by_hour[0] == pytest.approx(2 * 30 + 1 * 30)
    assert time.on_duty_by_hour[0] == pytest.approx(2 * 45 + 1 * 15)
    assert np.all(time.on_duty_by_hour >= time.open_by_hour)
