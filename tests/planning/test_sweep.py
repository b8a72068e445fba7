"""Sweeps: range parsing, common random numbers, the unlinked shortcut, monotone waits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theater_sim.analysis.measured_day import run_day
from theater_sim.engine.simulation import simulate_side
from theater_sim.input.loading import load_scenario
from theater_sim.model.errors import ScenarioError
from theater_sim.planning.execution import Runner
from theater_sim.planning.sweep import run_sweep, sweep_tasks
from theater_sim.views.cli_plans import parse_counts


@pytest.mark.parametrize(
    ("text", "counts"),
    [("1:4", (1, 2, 3, 4)), ("2:10:4", (2, 6, 10)), ("4,1,2", (1, 2, 4)), ("7", (7,)), (" 1 : 3 ", (1, 2, 3))],
)
def test_parse_counts_forms(text: str, counts: tuple[int, ...]) -> None:
    assert parse_counts(text, "--sellers") == counts


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("3:1", "ends before it starts [(]write 1:3[)]"),
        ("1:0", "ends before it starts$"),  # 0:1 would be refused in turn: no such hint
        ("a:b", "write a range"),
        ("0:4", "within 1..10,000"),
        ("1:5:0", "step must be at least 1"),
        ("", "write a range"),
        ("1,,2", "write a range"),
        ("9999:10001", "within 1..10,000"),
        ("-1:3", "write a range"),
        ("1,1,2", "1 is given twice; list each count once"),
        ("4,2,4,2,3", "2, 4 are given twice"),
    ],
)
def test_parse_counts_rejects(text: str, fragment: str) -> None:
    with pytest.raises(ScenarioError, match=fragment) as caught:
        parse_counts(text, "--sellers")
    assert "--sellers" in str(caught.value)


def test_unlinked_sweep_needs_one_day_per_point_of_the_longer_axis() -> None:
    scenario, _ = load_scenario("tarantino-announced")
    assert len(sweep_tasks(scenario, (1, 2, 3, 4, 5, 6, 7, 8), (1, 2), 3)) == 8 * 3
    linked, _ = load_scenario("opening-weekend")
    assert len(sweep_tasks(linked, (1, 2, 3), (1, 2), 2)) == 3 * 2 * 2


def test_grid_over_the_limit_is_refused() -> None:
    scenario, _ = load_scenario("balanced-day")
    with pytest.raises(ScenarioError, match="above the limit"):
        sweep_tasks(scenario, tuple(range(1, 201)), tuple(range(1, 201)), 1)


def test_unlinked_shortcut_equals_running_every_cell() -> None:
    """Each cell's per-side numbers equal those of that exact staffing run as a whole day."""
    scenario, _ = load_scenario("tarantino-announced")
    cells = run_sweep(scenario, (1, 3, 5), (1, 2), 1, Runner())
    for cell in cells:
        day = run_day(scenario.overridden(sellers=cell.sellers, collectors=cell.collectors))
        assert cell.sides["selling"]["p95_wait"]["mean"] == day.selling.wait_minutes.p95
        assert cell.sides["collecting"]["mean_wait"]["mean"] == day.collecting.wait_minutes.mean
        assert cell.verdict == day.verdict.value


def test_tarantino_sweep_turns_balanced_as_sellers_rise() -> None:
    scenario, _ = load_scenario("tarantino-announced")
    verdicts = [cell.verdict for cell in run_sweep(scenario, tuple(range(1, 9)), (None,), 1, Runner())]
    assert verdicts[0] == "Greater demand for selling tickets"
    assert verdicts[4] == "Balanced"  # five sellers


def test_sweep_is_the_same_on_one_or_two_workers() -> None:
    scenario, _ = load_scenario("opening-weekend")
    one = run_sweep(scenario, (1, 2), (1, 3), 2, Runner(workers=1))
    two = run_sweep(scenario, (1, 2), (1, 3), 2, Runner(workers=2))
    assert one == two


@given(
    st.integers(1, 4),
    st.lists(st.floats(0, 120), min_size=1, max_size=80),
    st.lists(st.sampled_from([0.5, 1.0, 2.5, 6.0]), min_size=80, max_size=80),
)
@settings(max_examples=150, deadline=None)
def test_no_customer_waits_longer_with_one_more_counter(
    counters: int, moments: list[float], services: list[float]
) -> None:
    """FIFO with the same customers (common random numbers) and no abandonment:
    adding a counter never lengthens anyone's wait (the workload-vector argument)."""
    arrivals = np.sort(np.array(moments))
    service = np.array(services[: len(arrivals)])
    fewer = simulate_side(counters, 120.0, arrivals, service).wait_minutes
    more = simulate_side(counters + 1, 120.0, arrivals, service).wait_minutes
    assert (more <= fewer + 1e-9).all()
