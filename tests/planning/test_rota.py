"""A rota: both sides' days cut into equal periods for the staffing search."""

from __future__ import annotations

import pytest
from helpers import scenario_dict

from theater_sim.model.errors import ScenarioError
from theater_sim.model.scenario import Scenario
from theater_sim.planning.rota import rota_scenario, rota_starts


def _day(opens: str, hours: float) -> Scenario:
    return Scenario.model_validate(
        scenario_dict(
            opens=opens,
            hours=hours,
            **{
                "selling.counters": 3,
                "selling.autoscale": {"max": 5},
                "collecting.counters": [{"from": opens, "count": 2}],
            },
        )
    )


def test_periods_start_at_the_opening_and_every_step_after_it() -> None:
    assert rota_starts(_day("10:00", 14), 120) == ["10:00", "12:00", "14:00", "16:00", "18:00", "20:00", "22:00"]


def test_the_last_period_may_be_shorter_and_periods_run_past_midnight() -> None:
    assert rota_starts(_day("18:00", 7.5), 180) == ["18:00", "21:00", "00:00"]


def test_an_opening_with_seconds_keeps_them() -> None:
    assert rota_starts(_day("09:30:30", 2), 60) == ["09:30:30", "10:30:30"]


@pytest.mark.parametrize("minutes", [14.9, 0.0, -60.0, float("nan"), float("inf"), 20.5])
def test_periods_too_short_or_not_whole_minutes_are_refused(minutes: float) -> None:
    with pytest.raises(ScenarioError, match="--rota-hours"):
        rota_starts(_day("10:00", 14), minutes)


def test_the_rota_replaces_counts_schedules_and_autoscaling_on_both_sides() -> None:
    rota = rota_scenario(_day("10:00", 5), 60)
    for side in (rota.selling, rota.collecting):
        assert side.autoscale is None
        assert isinstance(side.counters, list)
        assert [p.from_clock for p in side.counters] == ["10:00", "11:00", "12:00", "13:00", "14:00"]
