"""The exact engine against SimPy: the same records, event for event.

``engine.exact`` replays SimPy's event order with a plain heap. Random days
of every rule it claims (fixed counters, counter schedules, balking,
reneging; linked days with showings, parties, online buyers, walks and every
kind of projector; moments and service times on a coarse grid, so that
arrivals, departures, patience running out, sales, listings and schedule
steps often fall on the same instant) must give bit-identical records:
starts, the line each arrival saw (balking), who gave up, which counter
served whom, the closing snapshot, who bought which showing, when each sale
was listed, every stale read.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from theater_sim.engine.day_plan import compile_day, play, simulate_day
from theater_sim.engine.exact import (
    _linked_by_recursion,
    _plain_fifo,
    play_linked_exactly,
    simulate_side_exactly,
    supports,
    unsupported_rule,
)
from theater_sim.engine.line_recursion import follow_line
from theater_sim.engine.plans import Buyers, DayPlan, LinkedPlan, ProjectionPlan, SidePlan
from theater_sim.engine.records import DayRecords, SideArrays, SideRecords
from theater_sim.engine.simulation import SideRun, exact_moments, run_environment
from theater_sim.engine.theater import run_plan
from theater_sim.input.loading import bundled_scenarios, load_scenario
from theater_sim.model.counter_settings import Autoscale
from theater_sim.model.scenario import Scenario


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
    np.testing.assert_array_equal(exact.away_at_minute, reference.away_at_minute, err_msg="away_at_minute")
    assert exact.away_minutes == reference.away_minutes


def assert_same_day(exact: DayRecords, reference: DayRecords) -> None:
    """Both sides' records and the linked day's tickets, to the bit."""
    assert_same_records(exact.selling, reference.selling)
    assert_same_records(exact.collecting, reference.collecting)
    if reference.tickets is None:
        assert exact.tickets is None
        return
    assert exact.tickets is not None
    for field in ("online", "party_size", "sold_showing", "sold_at", "listed_at", "stale_reads"):
        np.testing.assert_array_equal(getattr(exact.tickets, field), getattr(reference.tickets, field), err_msg=field)
    for field in ("holder_arrived_at", "holder_left_line_at"):
        np.testing.assert_array_equal(getattr(exact.tickets, field), getattr(reference.tickets, field), err_msg=field)
    assert exact.tickets.projector_busy_minutes == reference.tickets.projector_busy_minutes


@st.composite
def side_plans(draw: st.DrawFn, grids: tuple[float | None, ...] = (0.5, 1.0, 0.25)) -> SidePlan:
    """A side on a coarse grid (ties common), or with continuous times (grid None)."""
    size = draw(st.integers(0, 60))
    grid = draw(st.sampled_from(grids))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    patience = None
    if grid is None:
        arrivals = np.cumsum(rng.exponential(draw(st.sampled_from([0.3, 1.0])), size))
        services = rng.exponential(draw(st.sampled_from([0.5, 2.0, 5.0])), size)
        if draw(st.booleans()):
            patience = rng.exponential(draw(st.sampled_from([1.0, 4.0])), size)
        grid = 1.0  # schedule steps and the closing time on whole minutes
    else:
        arrivals = np.sort(_grid_times(draw, size, 1.0, 80)) * grid
        services = _grid_times(draw, size, grid, 12)
        if draw(st.booleans()):
            patience = _grid_times(draw, size, grid, 10)
    steps = draw(st.lists(st.tuples(st.integers(1, 80), st.integers(0, 4)), max_size=4, unique_by=lambda s: s[0]))
    # Counts of 0 (a side closed for a while) anywhere, the first period too.
    schedule = [(0.0, draw(st.integers(0, 4)))] + [(at * grid, count) for at, count in sorted(steps)]
    return SidePlan(
        schedule=schedule,
        open_minutes=draw(st.integers(1, 90)) * grid,
        service_minutes=services,
        arrival_at_minute=exact_moments(arrivals),
        patience_minutes=patience,
        balk_at_line=draw(st.one_of(st.none(), st.integers(0, 3))),
    )


@settings(max_examples=400, deadline=None)
@given(plan=side_plans(grids=(0.5, 1.0, 0.25, None)))
def test_exact_engine_gives_simpys_records_on_random_days(plan: SidePlan) -> None:
    assert_same_records(simulate_side_exactly(plan), _simpy(plan))


def _followed(plan: SidePlan) -> SideRecords | None:
    """The line recursion's records of ``plan``, or None where it declines."""
    assert plan.arrival_at_minute is not None
    side = SideArrays(plan)
    moments = exact_moments(plan.arrival_at_minute).tolist()  # running sums of the gaps, as SimPy adds them
    return side.records() if follow_line(side, range(side.size), moments) else None


@settings(max_examples=400, deadline=None)
@given(plan=side_plans())
def test_the_line_recursion_is_simpys_day_whenever_it_answers(plan: SidePlan) -> None:
    """On a coarse grid, where events often share an instant: whenever the
    recursion answers (no two events of the day at one instant), every record
    is SimPy's; it declines otherwise, and the replay takes over."""
    followed = _followed(plan)
    if followed is not None:
        assert_same_records(followed, _simpy(plan))


@settings(max_examples=300, deadline=None)
@given(plan=side_plans(grids=(None,)))
def test_the_line_recursion_answers_on_continuous_days(plan: SidePlan) -> None:
    """With continuous times (patience, balking and schedules included) no two
    events share an instant, so the recursion always answers, with SimPy's records."""
    followed = _followed(plan)
    assert followed is not None
    assert_same_records(followed, _simpy(plan))


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
    [("autoscale", "autoscaling")],
)
def test_the_exact_engine_on_a_day_it_cannot_follow_is_refused(name: str, message: str) -> None:
    from typer.testing import CliRunner

    from theater_sim.views.cli import app

    for command in (["sweep", name, "--sellers", "1:2"], ["staff", name, "--max-p95-wait", "10"]):
        result = CliRunner().invoke(app, [*command, "--engine", "exact"])
        assert result.exit_code == 2, result.output
        assert "--engine exact: the exact engine cannot follow" in result.stderr
        assert message in result.stderr
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
    # One day says its engine only when asked for one; replicated JSON always names it.
    asked = runner.invoke(app, ["run", "opening-weekend", "--engine", "exact"])
    assert "14 h, simulated by the exact engine, whose records are SimPy's to the bit)" in asked.stdout
    assert "simulated by" not in runner.invoke(app, ["run", "opening-weekend"]).stdout
    replicated_json = runner.invoke(app, ["run", "opening-weekend", "--replications", "2", "--json", "--quiet"])
    assert '"engine": "exact"' in replicated_json.stdout


def test_staff_names_the_engines_its_search_ran(tmp_path: Path) -> None:
    """A search of an autoscaled day tries fixed counts on one side while the
    other stays autoscaled (in SimPy): its JSON says both engines ran, though
    the staffed day it ends on runs exactly. A sweep from a store says which
    days it simulated."""
    from typer.testing import CliRunner

    from theater_sim.views.cli import app

    runner = CliRunner(env={"COLUMNS": "300"})
    staff = ["staff", "--max-p95-wait", "10", "--replications", "2", "--json", "--quiet", "--workers", "1"]
    autoscaled = runner.invoke(app, [*staff[:1], "autoscale", *staff[1:]])
    assert '"engine": "exact+simpy"' in autoscaled.stdout, autoscaled.output
    fixed = runner.invoke(app, [*staff[:1], "balanced-day", *staff[1:]])
    assert '"engine": "exact"' in fixed.stdout, fixed.output
    store = str(tmp_path / "days.sqlite")
    sweep = ["sweep", "balanced-day", "--sellers", "1:2", "--quiet", "--workers", "1", "--store", store]
    assert "All 2 days were simulated by the exact engine" in runner.invoke(app, sweep).stdout
    assert "All 2 days came from the store" in runner.invoke(app, sweep).stdout  # the same sweep again
    exact = runner.invoke(
        app, ["sweep", "autoscale", "--sellers", "1:2", "--collectors", "1:2", "--engine", "exact", "--json"]
    )
    assert exact.exit_code == 0, exact.output
    half = runner.invoke(app, ["sweep", "autoscale", "--sellers", "1:2", "--json", "--quiet", "--workers", "1"])
    assert '"engine": "exact+simpy"' in half.stdout or '"engine": "exact"' in half.stdout


def _grid_times(draw: st.DrawFn, size: int, grid: float, high: int) -> np.ndarray:
    return np.array(draw(st.lists(st.integers(0, high), min_size=size, max_size=size)), dtype=float) * grid


def _times(draw: st.DrawFn, size: int, grid: float | None, high: int, rng: np.random.Generator) -> np.ndarray:
    """Times on a grid up to ``high`` steps, or continuous (grid None) up to ``high / 2`` minutes."""
    return rng.uniform(0.0, high / 2, size) if grid is None else _grid_times(draw, size, grid, high)


def _impatience(draw: st.DrawFn, size: int, grid: float | None, rng: np.random.Generator) -> dict[str, object]:
    patience = _times(draw, size, grid, 12, rng) if draw(st.booleans()) else None
    return {"patience_minutes": patience, "balk_at_line": draw(st.one_of(st.none(), st.integers(0, 3)))}


def _schedule(draw: st.DrawFn, grid: float) -> list[tuple[float, int]]:
    steps = draw(st.lists(st.tuples(st.integers(1, 100), st.integers(0, 3)), max_size=3, unique_by=lambda s: s[0]))
    return [(0.0, draw(st.integers(0, 3)))] + [(at * grid, count) for at, count in sorted(steps)]


def _projection(
    draw: st.DrawFn, buyers: int, grid: float, rng: np.random.Generator | None = None
) -> ProjectionPlan | None:
    """A projector on a grid, or (``rng`` given) with continuous times; no delay at all half the time."""
    kind = draw(st.sampled_from(["none", "batches", "clerks"]))
    if kind == "none":
        return None

    def minutes(high: int, size: int | None = None) -> float | np.ndarray:
        if rng is not None:
            return rng.uniform(0.1, high, size)
        return _grid_times(draw, size, grid, high) if size is not None else draw(st.integers(1, high)) * grid

    clerks = draw(st.integers(1, 3)) if kind == "clerks" else None
    return ProjectionPlan(
        every_minutes=float(minutes(12)) if kind == "batches" else None,
        clerks=clerks,
        work_minutes=np.asarray(minutes(6, buyers)) if clerks else None,
        delay_minutes=float(minutes(4)) if draw(st.booleans()) else 0.0,
        retry=draw(st.booleans()),
        retry_minutes=float(minutes(6)),
        ledger_check_minutes=float(minutes(3)) if draw(st.booleans()) else 0.0,
    )


@st.composite
def linked_plans(
    draw: st.DrawFn, grids: tuple[float | None, ...] = (0.5, 1.0, 0.25), projection: bool = True
) -> DayPlan:
    """A linked day on a coarse grid: sales, listings and arrivals often share
    an instant; or with continuous times (grid None), where only the schedule
    steps and showings keep to whole minutes."""
    grid = draw(st.sampled_from(grids))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    size = draw(st.integers(0, 50))
    showings = draw(st.integers(1, 4))
    online = np.array(draw(st.lists(st.booleans(), min_size=size, max_size=size)), dtype=bool)
    party = np.array(draw(st.lists(st.integers(1, 4), min_size=size, max_size=size)), dtype=np.int64)
    buyers = Buyers(
        arrival_at_minute=exact_moments(np.sort(_times(draw, size, grid, 90, rng))),
        online=online,
        party_size=party,
        preferred_showing=np.array(
            draw(st.lists(st.integers(0, showings - 1), min_size=size, max_size=size)), dtype=np.int64
        ),
        lead_minutes=_times(draw, size, grid, 20, rng),
    )
    at_counter = np.flatnonzero(~online)
    minutes = grid or 1.0
    open_minutes = draw(st.integers(20, 110)) * minutes
    return DayPlan(
        open_minutes=open_minutes,
        selling=SidePlan(
            schedule=_schedule(draw, minutes),
            open_minutes=open_minutes,
            service_minutes=_times(draw, len(at_counter), grid, 6, rng),
            arrival_at_minute=buyers.arrival_at_minute[at_counter],
            party_size=party[at_counter],
            **_impatience(draw, len(at_counter), grid, rng),  # type: ignore[arg-type]
        ),
        collecting=SidePlan(
            schedule=_schedule(draw, minutes),
            open_minutes=open_minutes,
            service_minutes=_times(draw, size, grid, 4, rng),
            party_size=party,
            **_impatience(draw, size, grid, rng),  # type: ignore[arg-type]
        ),
        linked=LinkedPlan(
            buyers=buyers,
            at_counter=at_counter,
            starts_at_minute=tuple(sorted(draw(st.sets(st.integers(5, 110), min_size=showings, max_size=showings)))),
            seats=tuple(draw(st.lists(st.integers(0, 12), min_size=showings, max_size=showings))),
            projection=_projection(draw, size, minutes, rng if grid is None else None) if projection else None,
            walk_minutes=draw(st.integers(0, 3)) * minutes,
        ),
    )


@settings(max_examples=400, deadline=None)
@given(plan=linked_plans(grids=(0.5, 1.0, 0.25, None)))
def test_exact_engine_gives_simpys_linked_day_on_random_days(plan: DayPlan) -> None:
    """Sales book seats in SimPy's order, holders reach collection as SimPy sends
    them, the projector lists and turns away as in SimPy: the same day."""
    assert_same_day(play_linked_exactly(plan), run_plan(plan))


@settings(max_examples=400, deadline=None)
@given(plan=linked_plans(grids=(0.5, 1.0, 0.25, 0.3)))
def test_a_linked_day_side_by_side_is_simpys_whenever_it_answers(plan: DayPlan) -> None:
    """The day computed side by side (``line_recursion``, and the projector's
    ``list_in_order``): on a coarse grid, where sales, listings, arrivals,
    returns and departures often share an instant, whenever it answers it is
    SimPy's day to the bit (stale reads, holders turned away and back). A grid
    of 0.3, no binary fraction, adds moments that meet only after rounding."""
    assert plan.linked is not None
    day = _linked_by_recursion(plan, plan.linked)
    if day is not None:
        assert_same_day(day, run_plan(plan))


@settings(max_examples=400, deadline=None)
@given(plan=linked_plans(grids=(None,)))
def test_a_linked_day_side_by_side_answers_on_continuous_days(plan: DayPlan) -> None:
    """With continuous times (the projector's too) no two sales, listings or
    events of a side share an instant: the side-by-side day always answers,
    with SimPy's records."""
    assert plan.linked is not None
    day = _linked_by_recursion(plan, plan.linked)
    assert day is not None
    assert_same_day(day, run_plan(plan))


@pytest.mark.parametrize("name", ["opening-weekend", "eventual-consistency"])
def test_every_bundled_linked_day_is_the_same_day(name: str) -> None:
    """Seeds 1-20 of the bundled linked days, staffed as bundled and with fixed
    counters (one each, and three sellers with four collectors): the same
    records as SimPy."""
    scenario, _ = load_scenario(name)
    for seed in range(1, 21):
        for sellers, collectors in ((None, None), (1, 1), (3, 4)):
            plan = compile_day(scenario.overridden(seed=seed, sellers=sellers, collectors=collectors))
            assert plan.linked is not None
            assert_same_day(play(plan, "exact"), play(plan, "simpy"))


def test_a_linked_day_with_autoscaling_runs_in_simpy_on_auto() -> None:
    """A linked day's sides run as one day: an autoscaled side sends the whole
    day to SimPy on ``auto``, and ``exact`` names the rule."""
    scenario, _ = load_scenario("opening-weekend")
    data = scenario.model_dump(by_alias=True, exclude_unset=True)
    data["collecting"]["counters"] = 1
    data["collecting"]["autoscale"] = {"min": 1, "max": 3}
    plan = compile_day(Scenario.model_validate(data))
    assert plan.linked is not None
    assert not supports(plan)
    assert_same_day(play(plan, "auto"), play(plan, "simpy"))
    with pytest.raises(ValueError, match="autoscaling"):
        play(plan, "exact")


def test_engine_words_fit_inside_a_footers_parentheses() -> None:
    """``run --replications`` says "(simulated by WORDS)": no parentheses inside."""
    from theater_sim.engine.choice import engines_used

    scenario, _ = load_scenario("opening-weekend")
    data = scenario.model_dump(by_alias=True, exclude_unset=True)
    data["collecting"]["counters"] = 1
    data["collecting"]["autoscale"] = {"min": 1, "max": 3}
    days = [load_scenario(name)[0] for name in bundled_scenarios()] + [Scenario.model_validate(data)]
    said = {engines_used(day, engine)[1] for day in days for engine in ("auto", "simpy")}
    assert len(said) >= 3
    assert not [words for words in said if "(" in words or ")" in words]


@pytest.mark.parametrize("name", ["opening-weekend", "eventual-consistency"])
def test_a_linked_days_command_side_is_computed_once_per_selling_staffing(name: str) -> None:
    """The collectors never reach back to the sales (a projector only reads
    them): the next day of the same draws at other collectors reuses the
    sales (the very same read-only records), and is still SimPy's day; other
    sellers do not."""
    from theater_sim.engine.day_plan import restaffed

    scenario, _ = load_scenario(name)
    first = compile_day(scenario.overridden(sellers=1, collectors=1))
    other_collectors = restaffed(first, scenario.overridden(sellers=1, collectors=3))
    other_sellers = restaffed(first, scenario.overridden(sellers=2, collectors=3))
    day = play(first, "exact")
    again = play(other_collectors, "exact")
    assert again.selling is day.selling
    assert not again.selling.service_start_at_minute.flags.writeable
    assert_same_day(again, play(other_collectors, "simpy"))
    moved = play(other_sellers, "exact")
    assert moved.selling is not day.selling
    assert_same_day(moved, play(other_sellers, "simpy"))


def test_the_same_command_side_is_measured_once() -> None:
    """Days at other collectors with the same selling records (the exact
    engine's reuse) share the selling side's metrics, the second day after
    too; the collecting side is measured for each day."""
    from theater_sim.analysis.measured_day import summarise_day
    from theater_sim.engine.day_plan import restaffed

    scenario, _ = load_scenario("opening-weekend")
    drawn = compile_day(scenario.overridden(sellers=2, collectors=1))
    staffed = [scenario.overridden(sellers=2, collectors=count) for count in (1, 2, 3)]
    results = [summarise_day(one, play(restaffed(drawn, one), "exact")) for one in staffed]
    assert results[0].selling is results[1].selling is results[2].selling
    assert results[0].collecting is not results[1].collecting
    fresh = summarise_day(staffed[2], play(compile_day(staffed[2]), "simpy"))
    assert fresh.selling == results[2].selling
    assert fresh.selling is not results[2].selling
    assert fresh.collecting == results[2].collecting
