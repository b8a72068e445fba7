"""Benchmark: the exact engine against SimPy and the textbook SimPy loop.

Run:  python tests/benchmarks/bench_exact.py [--rounds 3]

In one process, alternately (A B C C B A each round, best of the rounds, as
the machine is shared): the textbook SimPy M/M/c loop of ``bench_engine``
(400,000 customers on 120 counters), the same day's selling side simulated by
theater-sim's SimPy engine (``simulation.SideRun``) and by the exact engine
(``exact.simulate_side_exactly``), engines only (no metrics). Then a side with
balking and reneging (the event-replay path) on both engines. Then the
linked ``opening-weekend`` (every feature of a linked day but a projector)
and ``eventual-consistency`` (a projector whose stale reads turn holders
away) over 40 seeds each, engines only. Then the 640 days of the 64-cell sweep below
as the sweep runs them, in one process (simulated, measured, judged: days
per second, target 5x). Every pair's records or days are checked identical
before any figure is printed.

A day of a million customers at the same load: the textbook loop in
process against a whole ``theater-sim run --json --engine exact`` process
(target: 8x).

Whole processes (with their bytecode cached, as after ``pip install .``:
``installed.py``), each with ``--engine simpy`` and ``--engine auto`` (the
default), mirrored (simpy auto auto simpy), best of two each: their wall
times and ratio; the JSON outputs must be identical apart from the engine key:
``staff premiere-night --max-p95-wait 5 --replications 20 --workers 1``,
``staff opening-weekend --max-p95-wait 5 --replications 100``, the 64-cell
``sweep opening-weekend --sellers 1:8 --collectors 1:8 --replications 10``
(640 days: days per second on each engine) and ``staff eventual-consistency
--max-p95-wait 5 --max-stale-share 0.01 --replications 40``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import simpy
from bench_engine import COUNTERS, HOURS, RATE_PER_HOUR, SERVICE_MEAN_MINUTES, bare_simpy_day
from installed import bytecode_cached, warm

from theater_sim.engine.day_plan import compile_day, play
from theater_sim.engine.exact import simulate_side_exactly
from theater_sim.engine.kept import forget_everything
from theater_sim.engine.plans import SidePlan
from theater_sim.engine.records import DayRecords, SideRecords
from theater_sim.engine.simulation import SideRun, exact_moments, run_environment
from theater_sim.input.loading import load_scenario


def _plan(seed: int, impatient: bool) -> SidePlan:
    rng = np.random.default_rng(seed)
    size = int(RATE_PER_HOUR * HOURS)
    arrivals = np.cumsum(rng.exponential(60.0 / RATE_PER_HOUR, size))
    service = rng.exponential(SERVICE_MEAN_MINUTES, size)
    return SidePlan(
        schedule=[(0.0, COUNTERS)],
        open_minutes=HOURS * 60.0,
        service_minutes=service,
        arrival_at_minute=exact_moments(arrivals),
        patience_minutes=rng.exponential(2.0, size) if impatient else None,
        balk_at_line=40 if impatient else None,
    )


def _simpy_side(plan: SidePlan) -> SideRecords:
    env = simpy.Environment()
    run = SideRun(env, plan)
    run_environment(env)
    return run.records()


def _timed(work: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def _same(first: SideRecords, second: SideRecords) -> bool:
    return all(
        np.array_equal(getattr(first, name), getattr(second, name), equal_nan=True)
        for name in ("service_start_at_minute", "left_line_at_minute", "outcome", "counter")
    )


def in_process(rounds: int, impatient: bool) -> None:
    plan = _plan(1, impatient)
    customers = len(plan.service_minutes)
    workloads: dict[str, Callable[[], object]] = {
        "bare": lambda: bare_simpy_day(1),
        "simpy": lambda: _simpy_side(plan),
        "exact": lambda: simulate_side_exactly(plan),
    }
    if impatient:
        del workloads["bare"]  # the textbook loop has nobody walking away
    best = dict.fromkeys(workloads, float("inf"))
    results: dict[str, object] = {}
    for _ in range(rounds):
        for name in [*workloads, *reversed(workloads)]:
            seconds, results[name] = _timed(workloads[name])
            best[name] = min(best[name], seconds)
    assert _same(results["simpy"], results["exact"]), "the engines disagree"  # type: ignore[arg-type]
    label = "balking and reneging" if impatient else "M/M/c"
    print(f"{label}, {customers:,} customers on {COUNTERS} counters (best of {2 * rounds}):")
    for name, seconds in best.items():
        print(f"  {name:6s}: {seconds:6.2f} s  {customers / seconds:12,.0f} customers/s")
    print(f"  exact / SimPy engine: {best['simpy'] / best['exact']:.1f}x")
    if "bare" in best:
        print(f"  exact / textbook SimPy loop: {best['bare'] / best['exact']:.1f}x")


def linked_in_process(rounds: int, name: str = "opening-weekend") -> None:
    """A bundled linked day (``opening-weekend``; ``eventual-consistency``: a
    projector turning holders away) over 40 seeds, engines only."""
    scenario, _ = load_scenario(name)
    plans = [compile_day(scenario.overridden(seed=seed)) for seed in range(1, 41)]
    customers = sum(len(plan.selling.service_minutes) + len(plan.collecting.service_minutes) for plan in plans)
    best = {"simpy": float("inf"), "exact": float("inf")}
    results: dict[str, list[DayRecords]] = {}
    for _ in range(rounds):
        for engine in ("simpy", "exact", "exact", "simpy"):
            forget_everything()  # no command side kept from the last run
            started = time.perf_counter()
            results[engine] = [play(plan, engine) for plan in plans]
            best[engine] = min(best[engine], time.perf_counter() - started)
    for simpy_day, exact_day in zip(results["simpy"], results["exact"], strict=True):
        assert _same(simpy_day.selling, exact_day.selling), "the engines disagree"
        assert _same(simpy_day.collecting, exact_day.collecting), "the engines disagree"
    print(f"linked {name}, 40 seeds, {customers:,} buyers and holders (best of {2 * rounds}):")
    for engine, seconds in best.items():
        print(f"  {engine:6s}: {seconds:6.3f} s  {customers / seconds:12,.0f} customers/s")
    print(f"  exact / SimPy engine: {best['simpy'] / best['exact']:.1f}x")


def sweep_in_process(rounds: int) -> None:
    """The 64-cell ``sweep opening-weekend`` with 10 replications (640 days) as the
    sweep runs them, in this process (``Runner(workers=1)``): each day
    simulated, measured and judged, without a process's start-up."""
    from theater_sim.planning.execution import Runner
    from theater_sim.planning.tasks import Task

    tasks = [Task(s, c, r) for s in range(1, 9) for c in range(1, 9) for r in range(10)]
    best = {"simpy": float("inf"), "auto": float("inf")}
    results: dict[str, object] = {}
    for _ in range(rounds):
        for engine in ("simpy", "auto", "auto", "simpy"):
            # From scratch, as a new process would: nothing drawn or sold kept from the last run.
            forget_everything()
            scenario, _ = load_scenario("opening-weekend")
            started = time.perf_counter()
            results[engine] = Runner(workers=1, engine=engine).run(scenario, tasks)
            best[engine] = min(best[engine], time.perf_counter() - started)
    assert results["simpy"] == results["auto"], "the engines' days differ"
    print(f"sweep opening-weekend 8 x 8 x 10 in one process, {len(tasks)} days (best of {2 * rounds}):")
    for engine, seconds in best.items():
        print(f"  {engine:6s}: {seconds:6.2f} s  {len(tasks) / seconds:6.0f} days/s")
    print(f"  exact (auto) / SimPy engine: {best['simpy'] / best['auto']:.1f}x (target >= 5x)")


# A million customers in the 16 hours at the same load a counter (0.87): 62,500 an hour on 300 counters.
MILLION_PER_HOUR, MILLION_COUNTERS = 62_500.0, 300


def whole_run_of_a_million(rounds: int) -> None:
    """The textbook loop in this process against a whole ``run --engine exact``
    process (start-up, the day, every metric, JSON) on a day of a million."""
    text = (
        "name: a million\n"
        f"hours: {HOURS}\n"
        f"selling: {{counters: {MILLION_COUNTERS}, arrivals: {{rate_per_hour: {MILLION_PER_HOUR}}},"
        f" service_minutes: {{distribution: exponential, mean: {SERVICE_MEAN_MINUTES}}}}}\n"
        "collecting: {counters: 1, arrivals: {total: 10}, service_minutes: {distribution: fixed, value: 1}}\n"
    )
    best = {"bare": float("inf"), "run": float("inf")}
    with tempfile.TemporaryDirectory() as folder, bytecode_cached() as env:
        path = Path(folder) / "million.yaml"
        path.write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "theater_sim", "run", str(path), "--json", "--quiet", "--engine", "exact"]
        warm(command, env, folder)
        for _ in range(rounds):
            for name in ("bare", "run", "run", "bare"):
                started = time.perf_counter()
                if name == "bare":
                    bare_simpy_day(1, MILLION_PER_HOUR, MILLION_COUNTERS)
                else:
                    subprocess.run(command, stdout=subprocess.DEVNULL, check=True, cwd=folder, env=env)
                best[name] = min(best[name], time.perf_counter() - started)
    print(f"a million customers on {MILLION_COUNTERS} counters (best of {2 * rounds}):")
    print(f"  textbook SimPy loop, in process: {best['bare']:.2f} s")
    print(f"  whole 'theater-sim run --engine exact' process: {best['run']:.2f} s")
    print(f"  ratio: {best['bare'] / best['run']:.1f}x (target >= 8x)")


WHOLE_PROCESSES = [
    ["staff", "premiere-night", "--max-p95-wait", "5", "--replications", "20", "--workers", "1"],
    ["staff", "opening-weekend", "--max-p95-wait", "5", "--replications", "100"],
    ["sweep", "opening-weekend", "--sellers", "1:8", "--collectors", "1:8", "--replications", "10"],
    ["staff", "eventual-consistency", "--max-p95-wait", "5", "--max-stale-share", "0.01", "--replications", "40"],
]


def whole_process(arguments: list[str]) -> None:
    command = [sys.executable, "-m", "theater_sim", *arguments, "--json", "--quiet"]
    outputs: dict[str, object] = {}
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder, bytecode_cached() as env:
        warm([*command, "--engine", "auto"], env, folder)
        for engine in ("simpy", "auto", "auto", "simpy"):
            started = time.perf_counter()
            done = subprocess.run(
                [*command, "--engine", engine], capture_output=True, text=True, check=True, cwd=Path(folder), env=env
            )
            elapsed = time.perf_counter() - started
            seconds[engine] = min(seconds.get(engine, float("inf")), elapsed)
            data = json.loads(done.stdout)
            data.pop("engine")
            outputs[engine] = data
    assert outputs["simpy"] == outputs["auto"], "the engines' answers differ"
    print(f"whole process: theater-sim {' '.join(arguments)}")
    print(f"  --engine simpy: {seconds['simpy']:.2f} s   --engine auto: {seconds['auto']:.2f} s")
    print(f"  ratio: {seconds['simpy'] / seconds['auto']:.1f}x (same answer)")
    if arguments[0] == "sweep":
        days = len(outputs["auto"]["cells"]) * outputs["auto"]["replications"]  # type: ignore[index]
        print(f"  days per second: {days / seconds['simpy']:.0f} (SimPy), {days / seconds['auto']:.0f} (exact)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    in_process(rounds, impatient=False)
    in_process(rounds, impatient=True)
    linked_in_process(rounds)
    linked_in_process(rounds, "eventual-consistency")
    sweep_in_process(rounds)
    whole_run_of_a_million(rounds)
    for arguments in WHOLE_PROCESSES:
        whole_process(arguments)


if __name__ == "__main__":
    main()
