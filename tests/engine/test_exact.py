"""The exact engine against SimPy: the same records, event for event.

``engine.exact`` replays SimPy's event order with a plain heap. Random days
of every rule it claims (fixed counters, counter schedules, balking,
reneging; moments and service times on a coarse grid, so that arrivals,
departures, patience running out and schedule steps often fall on the same
instant) must give bit-identical records: starts, the line each arrival saw
(balking), who gave up, which counter served whom, the closing snapshot.
"""

from __future__ import annotations

import numpy as np
import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from theater_sim.engine.day_plan import compile_day, simulate_day
from theater_sim.engine.exact import _plain_fifo, simulate_side_exactly, supports, unsupported_rule
from theater_sim.engine.plans import SidePlan
from theater_sim.engine.records import SideRecords
from theater_sim.engine.simulation import SideRun, exact_moments, run_environment
from theater_sim.input.loading import bundled_scenarios, load_scenario
from theater_sim.model.counter_settings import Autoscale


def _simpy(plan: SidePlan) -> SideRecords:
    env = simpy.Environment()
    run = SideRun(env, plan)
    run_environment(env)
    return run.records()


def assert_same_records(exact: SideRecords, reference: SideRecords) -> None:
    for field in (
        "arrival_at_minute",
        "service_minutes",
        "service_start_at_minute",
        "left_line_at_minute",
        "outcome",
        "counter",
        "showing",
        "party_size",
    ):
        np.testing.assert_array_equal(getattr(exact, field), getattr(reference, field), err_msg=field)
    assert exact.capacity_changes == reference.capacity_changes
    assert (exact.in_line_at_close, exact.in_service_at_close) == (
        reference.in_line_at_close,
        reference.in_service_at_close,
    )
    assert exact.counters == reference.counters


@st.composite
def side_plans(draw: st.DrawFn) -> SidePlan:
    size = draw(st.integers(0, 60))
    grid = draw(st.sampled_from([0.5, 1.0, 0.25]))
    arrivals = np.sort(np.array(draw(st.lists(st.integers(0, 80), min_size=size, max_size=size)), dtype=float)) * grid
    services = np.array(draw(st.lists(st.integers(0, 12), min_size=size, max_size=size)), dtype=float) * grid
    patience = None
    if draw(st.booleans()):
        patience = np.array(draw(st.lists(st.integers(0, 10), min_size=size, max_size=size)), dtype=float) * grid
    steps = draw(st.lists(st.tuples(st.integers(1, 80), st.integers(0, 4)), max_size=4, unique_by=lambda s: s[0]))
    schedule = [(0.0, draw(st.integers(1, 4)))] + [(at * grid, count) for at, count in sorted(steps)]
    return SidePlan(
        schedule=schedule,
        open_minutes=draw(st.integers(1, 90)) * grid,
        service_minutes=services,
        arrival_at_minute=exact_moments(arrivals),
        patience_minutes=patience,
        balk_at_line=draw(st.one_of(st.none(), st.integers(0, 3))),
    )


@settings(max_examples=400, deadline=None)
@given(plan=side_plans())
def test_exact_engine_gives_simpys_records_on_random_days(plan: SidePlan) -> None:
    assert_same_records(simulate_side_exactly(plan), _simpy(plan))


def test_ties_are_ordered_as_simpy_orders_them() -> None:
    """Two counters free at the same instant with two customers waiting: the
    counter numbers follow SimPy's event order (the README's fine print)."""
    plan = SidePlan(
        schedule=[(0.0, 2)],
        open_minutes=10.0,
        service_minutes=np.array([2.0, 1.0, 1.0, 1.0, 3.0]),
        arrival_at_minute=exact_moments(np.array([0.0, 1.0, 1.0, 1.0, 2.0])),
        balk_at_line=2,
    )
    exact, reference = simulate_side_exactly(plan), _simpy(plan)
    assert_same_records(exact, reference)
    assert exact.counter.tolist() == reference.counter.tolist()


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_every_bundled_day_it_supports_is_the_same_day(name: str) -> None:
    """Seeds 1-20 of each bundled scenario the exact engine can follow: the same
    records as the SimPy day (linked and autoscaled days stay in SimPy)."""
    scenario, _ = load_scenario(name)
    if not supports(compile_day(scenario)):
        pytest.skip(f"{name}: the exact engine does not follow this day")
    for seed in range(1, 21):
        day = scenario.overridden(seed=seed)
        exact, reference = simulate_day(day, engine="exact"), simulate_day(day, engine="simpy")
        assert_same_records(exact.selling, reference.selling)
        assert_same_records(exact.collecting, reference.collecting)


def test_rules_it_cannot_follow_are_named() -> None:
    plan = SidePlan(
        schedule=[(0.0, 1)],
        open_minutes=10.0,
        service_minutes=np.ones(1),
        arrival_at_minute=np.zeros(1),
        autoscale=Autoscale.model_validate({"min": 1, "max": 3}),
    )
    assert unsupported_rule(plan) is not None
    with pytest.raises(ValueError, match="autoscaling"):
        simulate_side_exactly(plan)


@st.composite
def plain_plans(draw: st.DrawFn) -> tuple[SidePlan, bool]:
    size = draw(st.integers(0, 80))
    grid = draw(st.sampled_from([1.0, 0.5, None]))  # None: continuous times (ties only by structure)
    if grid is None:
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        arrivals = np.cumsum(rng.exponential(1.0, size))
        services = rng.exponential(draw(st.sampled_from([0.5, 2.0, 5.0])), size)
    else:
        arrivals = np.sort(np.array(draw(st.lists(st.integers(0, 60), min_size=size, max_size=size)), dtype=float))
        services = np.array(draw(st.lists(st.integers(0, 8), min_size=size, max_size=size)), dtype=float)
        arrivals, services = arrivals * grid, services * grid
    plan = SidePlan(
        schedule=[(0.0, draw(st.integers(1, 5)))],
        open_minutes=float(draw(st.integers(1, 90))),
        service_minutes=services,
        arrival_at_minute=exact_moments(arrivals),
    )
    return plan, grid is None


@settings(max_examples=400, deadline=None)
@given(day=plain_plans())
def test_the_fifo_recursion_is_simpys_day_or_steps_aside(day: tuple[SidePlan, bool]) -> None:
    """The fast path gives SimPy's records whenever it answers; it declines
    (None) only on ties whose order matters, so never on continuous times."""
    plan, continuous = day
    fast = _plain_fifo(plan)
    if fast is None:
        assert not continuous
        return
    assert_same_records(fast, _simpy(plan))


def test_the_fifo_recursion_answers_on_continuous_days() -> None:
    rng = np.random.default_rng(7)
    arrivals = np.cumsum(rng.exponential(1 / 9.0, 20_000))
    plan = SidePlan([(0.0, 10)], 600.0, rng.exponential(1.0, 20_000), exact_moments(arrivals))
    fast = _plain_fifo(plan)
    assert fast is not None
    assert_same_records(fast, _simpy(plan))
    assert len(set(fast.counter.tolist())) == 10


def test_sweep_and_staff_give_the_same_answers_on_either_engine() -> None:
    """The engine changes the time a plan takes, never its answer: a sweep and a
    staffing search on premiere-night print the same JSON (but the engine line)."""
    import json

    from typer.testing import CliRunner

    from theater_sim.views.cli import app

    runner = CliRunner()
    for command in (
        ["sweep", "premiere-night", "--sellers", "1:2", "--collectors", "2:4", "--replications", "3"],
        ["staff", "premiere-night", "--max-p95-wait", "5", "--replications", "3"],
    ):
        outputs = {}
        for engine in ("simpy", "exact", "auto"):
            result = runner.invoke(app, [*command, "--json", "--quiet", "--workers", "1", "--engine", engine])
            assert result.exit_code == 0, result.output
            outputs[engine] = json.loads(result.stdout)
        assert outputs["simpy"].pop("engine") == "simpy"
        assert outputs["exact"].pop("engine") == "exact"
        assert outputs["auto"].pop("engine") == "exact"
        assert outputs["simpy"] == outputs["exact"] == outputs["auto"]


@pytest.mark.parametrize(
    ("name", "message"),
    [("opening-weekend", "a linked day"), ("autoscale", "collecting's autoscaling")],
)
def test_the_exact_engine_on_a_day_it_cannot_follow_is_refused(name: str, message: str) -> None:
    from typer.testing import CliRunner

    from theater_sim.views.cli import app

    result = CliRunner().invoke(app, ["sweep", name, "--sellers", "1:2", "--engine", "exact"])
    assert result.exit_code == 2
    assert f"--engine exact: the exact engine cannot follow {message}" in result.stderr
    assert "use --engine auto or simpy" in result.stderr


def test_the_footer_says_which_engine_ran() -> None:
    from typer.testing import CliRunner

    from theater_sim.views.cli import app

    runner = CliRunner(env={"COLUMNS": "300"})
    replicated = runner.invoke(app, ["run", "autoscale", "--replications", "2", "--quiet", "--workers", "1"])
    assert "(simulated by SimPy, as the exact engine does not follow autoscaling)" in replicated.stdout
    sweep = runner.invoke(app, ["sweep", "balanced-day", "--sellers", "1:2", "--quiet", "--workers", "1"])
    assert "Days simulated by the exact engine, whose records are SimPy's to the bit." in sweep.stdout
    # Staffing options replace autoscaling: those days run exactly, and --engine exact is allowed.
    overridden = runner.invoke(
        app,
        ["run", "autoscale", "--sellers", "4", "--collectors", "4", "--replications", "2", "--quiet", "--workers", "1"],
    )
    assert "(simulated by the exact engine, whose records are SimPy's to the bit)" in overridden.stdout
    exact = runner.invoke(
        app, ["sweep", "autoscale", "--sellers", "1:2", "--collectors", "1:2", "--engine", "exact", "--json"]
    )
    assert exact.exit_code == 0, exact.output
    half = runner.invoke(app, ["sweep", "autoscale", "--sellers", "1:2", "--json", "--quiet", "--workers", "1"])
    assert '"engine": "exact+simpy"' in half.stdout or '"engine": "exact"' in half.stdout
