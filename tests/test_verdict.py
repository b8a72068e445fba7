"""The verdict rule, and the bundled scenarios' verdicts across 100 seeds."""

from __future__ import annotations

import pytest

from theater_sim.day import run_day
from theater_sim.loading import load_scenario
from theater_sim.verdict import Verdict, decide


@pytest.mark.parametrize(
    ("selling", "collecting", "expected"),
    [
        (0.5, 0.5, Verdict.BALANCED),
        (0.5, 0.41, Verdict.BALANCED),  # gap 0.09 <= 0.2 * 0.5
        (0.5, 0.4, Verdict.BALANCED),  # gap exactly at the band's edge
        (0.5, 0.39, Verdict.SELLING),
        (0.39, 0.5, Verdict.COLLECTING),
        (2.6, 0.52, Verdict.SELLING),
        (0.52, 2.6, Verdict.COLLECTING),
        (0.0, 0.0, Verdict.BALANCED),
        (0.0, 0.01, Verdict.COLLECTING),
    ],
)
def test_decide_band_rule(selling: float, collecting: float, expected: Verdict) -> None:
    assert decide(selling, collecting, 0.2) is expected


def test_decide_zero_tolerance_only_equal_is_balanced() -> None:
    assert decide(1.0, 1.0, 0.0) is Verdict.BALANCED
    assert decide(1.0, 0.999, 0.0) is Verdict.SELLING


def test_verdict_strings_are_exact() -> None:
    assert [v.value for v in Verdict] == [
        "Balanced",
        "Greater demand for selling tickets",
        "Greater demand for collecting tickets",
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("balanced-day", Verdict.BALANCED),
        ("tarantino-announced", Verdict.SELLING),
        ("premiere-night", Verdict.COLLECTING),
    ],
)
def test_bundled_scenario_verdict_stable_for_100_seeds(name: str, expected: Verdict) -> None:
    """Each bundled day gives its stated verdict for seeds s, s+1, ..., s+99."""
    scenario, _ = load_scenario(name)
    verdicts = {run_day(scenario.overridden(seed=scenario.seed + k)).verdict for k in range(100)}
    assert verdicts == {expected}


@pytest.mark.parametrize(
    ("name", "overrides"),
    [("tarantino-announced", {"sellers": 5}), ("premiere-night", {"collectors": 5})],
)
def test_scaling_the_pressured_side_balances_the_day(name: str, overrides: dict[str, int]) -> None:
    scenario, _ = load_scenario(name)
    assert run_day(scenario.overridden(**overrides)).verdict is Verdict.BALANCED


def test_calm_sides_are_balanced() -> None:
    """Two sides both below calm_below are Balanced, however far apart."""
    assert decide(0.1, 0.45, 0.2, calm_below=0.5) is Verdict.BALANCED
    assert decide(0.1, 0.55, 0.2, calm_below=0.5) is Verdict.COLLECTING


def test_announcement_rush_pressure_moves_through_the_day() -> None:
    """The day leans to selling, but the hourly verdict names selling in the
    late morning (the rush) and collecting in the evening (the showings)."""
    scenario, _ = load_scenario("announcement-rush")
    result = run_day(scenario)
    assert result.verdict is Verdict.SELLING
    by_clock = {f"{10 + hour:02d}:00": verdict for hour, verdict in enumerate(result.hourly_verdicts)}
    assert by_clock["11:00"] is Verdict.SELLING
    assert by_clock["12:00"] is Verdict.SELLING
    assert Verdict.COLLECTING in {by_clock["16:00"], by_clock["19:00"], by_clock["21:00"]}
    assert len(result.hourly_verdicts) == 14
