"""Playing the manager: changes at whole seconds, replayed exactly from a schedule."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import pytest
import yaml

from theater_sim.analysis.day_data import day_data
from theater_sim.analysis.live import play_managed
from theater_sim.analysis.managed import ManagedDay
from theater_sim.analysis.measured_day import run_day, summarise_day
from theater_sim.input.loading import load_scenario
from theater_sim.model.scenario import Scenario
from theater_sim.views.scenario_file import staffed_scenario_yaml

#: (shown minute, side, change): the rush builds, the manager opens sellers,
#: asks twice within one second (merged), closes one, and opens a collector.
SCRIPT = [
    (20.0, "selling", 1),
    (20.01, "selling", 1),
    (45.5, "selling", 1),
    (120.0, "collecting", 1),
    (300.25, "selling", -1),
]


def _replayed(scenario: Scenario, day: ManagedDay, folder: Path) -> Scenario:
    text = staffed_scenario_yaml(
        scenario, day.schedules(), source_folder=folder, target_folder=folder, header=["a managed day"]
    )
    path = folder / "managed.yaml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(str(path))[0]


@pytest.mark.parametrize("name", ["tarantino-announced", "opening-weekend", "premiere-night"])
def test_a_managed_day_replays_exactly_from_its_schedule(name: str, tmp_path: Path) -> None:
    """Changes asked at the moments shown take effect at the next whole second,
    before that instant's customers; written as counter schedules, the file
    runs to the very same day (every number of the JSON)."""
    scenario, _ = load_scenario(name)
    day = ManagedDay(scenario)
    for minute, side, change in SCRIPT:
        day.advance(minute)
        day.request(side, change, minute)  # type: ignore[arg-type]
    day.advance(math.inf)
    assert day.finished
    played = day_data(summarise_day(scenario, day.model.records()))
    assert len(day.actions) == 4  # two asks within one second are one change
    replay = _replayed(scenario, day, tmp_path)
    assert day_data(run_day(replay)) == played
    assert played != day_data(run_day(scenario))


def test_opening_a_counter_at_minute_m_equals_a_schedule_opening_it_at_m(tmp_path: Path) -> None:
    scenario, _ = load_scenario("tarantino-announced")
    day = ManagedDay(scenario)
    day.advance(59.99)
    line = day.request("selling", 1, 59.99)  # 08:59:59.4 shown: the next whole second is 09:00:00
    assert line == "09:00:00 selling: 2 counters"
    day.advance(math.inf)
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["selling"]["counters"] = [{"from": "08:00", "count": 1}, {"from": "09:00", "count": 2}]
    assert day_data(summarise_day(scenario, day.model.records())) == day_data(run_day(Scenario.model_validate(data)))


def test_pausing_changes_nothing_and_quitting_keeps_the_day_so_far() -> None:
    scenario, _ = load_scenario("tarantino-announced")

    async def session(commands: list[tuple[int, str]]) -> object:
        queue: asyncio.Queue[str] = asyncio.Queue()
        frames = [0]

        def on_frame(*_args: object) -> None:
            frames[0] += 1
            for at_frame, command in commands:
                if at_frame == frames[0]:
                    queue.put_nowait(command)

        return await play_managed(ManagedDay(scenario), 30_000.0, on_frame, queue, frame_seconds=0.001)

    plain = asyncio.run(session([(3, "selling+")]))
    paused = asyncio.run(session([(3, "selling+"), (4, "pause"), (9, "pause")]))
    assert day_data(summarise_day(scenario, plain.records)) == day_data(summarise_day(scenario, paused.records))  # type: ignore[attr-defined]
    stopped = asyncio.run(session([(5, "quit")]))
    assert stopped.quit_early  # type: ignore[attr-defined]


def test_changes_asked_before_a_stop_are_in_the_schedule(tmp_path: Path) -> None:
    """A change takes effect at the next whole second; a manager who pauses, opens
    two sellers and a collector, then quits, stopped the day before that second:
    the log had shown the changes, but the record held none (a trial). The
    changes asked for are in the schedule, and the file plays them."""
    scenario, _ = load_scenario("tarantino-announced")
    day = ManagedDay(scenario)
    day.advance(50.0)
    day.request("selling", 1, 50.0)
    day.request("selling", 1, 50.0)
    day.request("collecting", 1, 50.0)
    assert day.actions == []
    assert sorted((action.side, action.counters) for action in day.asked) == [("collecting", 2), ("selling", 3)]
    schedules = day.schedules()
    assert schedules["selling"][-1] == ("08:50:01", 3)
    assert schedules["collecting"][-1] == ("08:50:01", 2)
    replay = _replayed(scenario, day, tmp_path)
    day.advance(math.inf)  # the same changes, played out
    assert day_data(run_day(replay)) == day_data(summarise_day(scenario, day.model.records()))


def test_limits_and_closed_doors_are_said_in_the_log() -> None:
    scenario, _ = load_scenario("balanced-day")
    day = ManagedDay(scenario)
    assert day.request("selling", -1, 10.0) == "selling: stays at 1 (1 .. 10,000 counters)"
    day.advance(scenario.open_minutes)
    assert "the doors are closed" in day.request("collecting", 1, scenario.open_minutes)


def test_an_autoscaled_side_is_not_the_managers() -> None:
    scenario, _ = load_scenario("autoscale")
    with pytest.raises(ValueError, match="autoscales; give --sellers N"):
        ManagedDay(scenario)


def test_a_written_scenario_keeps_its_description_under_the_header_and_adds_none(tmp_path: Path) -> None:
    """The header says what wrote the file, in its comments and its description
    (the report prints that); a scenario's own description follows it under
    'The original description:', and one without a description gets no such
    dangling line (it was written as description: '', a trial)."""
    scenario, _ = load_scenario("tarantino-announced")
    text = staffed_scenario_yaml(scenario, {}, source_folder=tmp_path, target_folder=tmp_path, header=["a header"])
    assert "The original description:" in text
    bare = Scenario.model_validate({**scenario.model_dump(by_alias=True, exclude_unset=True), "description": ""})
    text = staffed_scenario_yaml(bare, {}, source_folder=tmp_path, target_folder=tmp_path, header=["a header"])
    assert "The original description" not in text
    assert text.startswith("# a header\n")
    assert yaml.safe_load(text)["description"] == "a header"


def test_a_frame_rests_only_what_is_left_of_it() -> None:
    """A frame's simulated minutes are fixed; resting a whole frame after the
    status was computed played a large day about a third slower than its speed
    (a trial: 13.5 s for 10 s). It rests what is left of the frame, if anything."""
    import time

    from theater_sim.analysis.live import _rest

    now = time.monotonic()
    assert 0.05 <= _rest(now - 0.03, 0.1) <= 0.07
    assert _rest(now - 0.5, 0.1) == 0.0
