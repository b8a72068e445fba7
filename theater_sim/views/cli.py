"""The ``theater-sim`` command line: parse, call the domain once, render once.

User mistakes (a missing file, a bad key, an out-of-range option) become a
short message on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from theater_sim import __version__
from theater_sim.analysis.day_data import SIDE_METRICS, day_data
from theater_sim.analysis.live import play
from theater_sim.analysis.measured_day import summarise_day
from theater_sim.input.loading import bundled_scenarios, load_scenario
from theater_sim.model.errors import RunError, ScenarioError, format_validation_error
from theater_sim.model.scenario import MAX_COUNTERS_PER_SIDE, MAX_SEED, Scenario, scenario_json_schema
from theater_sim.planning.execution import (
    Runner,
    check_scheduler_address,
    default_workers,
    replicated_day,
    require_dask,
)
from theater_sim.planning.least_staffing import Targets, search_staffing
from theater_sim.planning.measured_days import measure_days
from theater_sim.planning.store import ResultStore
from theater_sim.planning.sweep import parse_counts, run_sweep
from theater_sim.planning.tasks import Staffing, scenario_fingerprint
from theater_sim.views.dashboard import Dashboard, PlainTicker, plain_status, status_table
from theater_sim.views.day_report import plain, render_day, render_scenario_list, render_validated, to_json
from theater_sim.views.exports import customer_csv_chunks, hourly_csv
from theater_sim.views.output_files import check_distinct, check_writable, figure_path, write_chunks
from theater_sim.views.plan_report import render_staffing, render_sweep, staffing_data, sweep_csv, sweep_data
from theater_sim.views.plotting import plot_day, plot_sweep
from theater_sim.views.progress import LazyProgress
from theater_sim.views.scenario_file import staffed_scenario_yaml

__all__ = ["app", "main"]

EXIT_FAILED_RUN = 1
EXIT_BAD_INPUT = 2
MAX_REPLICATIONS = 1000

app = typer.Typer(
    name="theater-sim",
    help="Simulate a CQRS movie theater: selling counters (commands) and collecting counters (queries), "
    "each scaled on its own.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ScenarioArgument = Annotated[
    str, typer.Argument(help="A scenario YAML file, or the name of a bundled scenario (see 'theater-sim scenarios').")
]
SeedOption = Annotated[int | None, typer.Option(help=f"Seed (0..{MAX_SEED}), overriding the scenario's.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout and nothing else.")]
ReplicationsOption = Annotated[
    int, typer.Option(help=f"Independent days to run (1..{MAX_REPLICATIONS}); numbers become means with 95% CIs.")
]
WorkersOption = Annotated[
    int | None, typer.Option(help="Worker processes, 1..256 (default: all cores). Results never depend on it.")
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(help="Run on a Dask cluster at this address (tcp://HOST:8786); needs theater-sim[distributed]."),
]
StoreOption = Annotated[
    Path | None, typer.Option(help="SQLite file keeping every finished day; a rerun skips what is there.")
]
QuietOption = Annotated[bool, typer.Option("--quiet", help="No progress bar.")]
ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite output files that already exist.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"theater-sim {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Simulate a CQRS movie theater day and say which side needs more counters."""


@app.command()
def run(
    scenario: ScenarioArgument,
    sellers: Annotated[
        int | None,
        typer.Option(help=f"Selling counters all day (1..{MAX_COUNTERS_PER_SIDE:,}), overriding the scenario."),
    ] = None,
    collectors: Annotated[
        int | None,
        typer.Option(help=f"Collecting counters all day (1..{MAX_COUNTERS_PER_SIDE:,}), overriding the scenario."),
    ] = None,
    seed: SeedOption = None,
    replications: ReplicationsOption = 1,
    json_output: JsonOption = False,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    store: StoreOption = None,
    quiet: QuietOption = False,
    plot: Annotated[Path | None, typer.Option(help="Write a figure of the day (PNG); needs theater-sim[plot].")] = None,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="Write one row per customer to this CSV file.")] = None,
    hourly_csv_file: Annotated[
        Path | None, typer.Option("--hourly-csv", help="Write the hourly table to this CSV file.")
    ] = None,
    force: ForceOption = False,
) -> None:
    """Simulate one day (or several) and print both sides' summary and the verdict.

    With --replications, --plot and --csv show the first replication (the scenario's own seed).
    """
    with _user_errors(), LazyProgress("simulating", quiet) as progress, ExitStack() as closing:
        _check_counts(replications, workers)
        plot = figure_path(plot)
        outputs = {"--plot": plot, "--csv": csv_file, "--hourly-csv": hourly_csv_file}
        check_distinct(outputs)
        for option, path in outputs.items():
            check_writable(option, path, force)
        base, _ = _load(scenario, seed=seed)
        _check_staffing(base, sellers=sellers, collectors=collectors)
        simple = replications == 1 and scheduler is None and store is None
        # Stored days are keyed on the scenario as written (with its seed), so a
        # store can be shared by runs with other counters and by sweeps.
        measured = measure_days(
            base,
            sellers,
            collectors,
            replications,
            runner=None if simple else _runner(base, workers, scheduler, store, progress, closing),
            keep_records=plot is not None or csv_file is not None,
            on_minute=lambda minute: progress.clock(minute, base.open_minutes),
        )
        data, day = measured.data, measured.scenario
        if measured.records is not None and plot is not None:
            plot_day(measured.records, measured.first or data, day, plot, replications)
        if measured.records is not None and csv_file is not None:
            write_chunks(csv_file, customer_csv_chunks(measured.records))
        if hourly_csv_file is not None:
            write_chunks(hourly_csv_file, [hourly_csv(data)])
        output = to_json(data) + "\n" if json_output else None
    if output is not None:
        sys.stdout.write(output)
    else:
        render_day(data, day, Console(), scenario)


@app.command()
def sweep(
    scenario: ScenarioArgument,
    sellers: Annotated[str | None, typer.Option(help="Selling counters to try: 1:8, 2:16:2 or 1,2,4.")] = None,
    collectors: Annotated[str | None, typer.Option(help="Collecting counters to try: 1:8, 2:16:2 or 1,2,4.")] = None,
    metric: Annotated[str, typer.Option(help=f"Metric shown per side: {', '.join(SIDE_METRICS)}.")] = "p95_wait",
    replications: ReplicationsOption = 1,
    seed: SeedOption = None,
    json_output: JsonOption = False,
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="Also write every cell's metrics to this CSV file.")
    ] = None,
    plot: Annotated[
        Path | None, typer.Option(help="Write a heat map of the metric with the verdict boundary (PNG).")
    ] = None,
    force: ForceOption = False,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    store: StoreOption = None,
    quiet: QuietOption = False,
) -> None:
    """Run a grid of counter counts on the same customers and show each point's verdict."""
    with _user_errors(), LazyProgress("sweeping", quiet) as progress, ExitStack() as closing:
        _check_counts(replications, workers)
        if metric not in SIDE_METRICS:
            raise ScenarioError(f"--metric {metric}: unknown; use one of {', '.join(SIDE_METRICS)}")
        if sellers is None and collectors is None:
            raise ScenarioError("give --sellers, --collectors or both (ranges like 1:8, lists like 1,2,4)")
        plot = figure_path(plot)
        check_distinct({"--csv": csv_file, "--plot": plot})
        check_writable("--csv", csv_file, force)
        check_writable("--plot", plot, force)
        day, _ = _load(scenario, seed=seed)
        seller_counts: tuple[Staffing, ...] = parse_counts(sellers, "--sellers") if sellers is not None else (None,)
        collector_counts: tuple[Staffing, ...] = (
            parse_counts(collectors, "--collectors") if collectors is not None else (None,)
        )
        runner = _runner(day, workers, scheduler, store, progress, closing)
        cells = run_sweep(day, seller_counts, collector_counts, replications, runner)
        data = sweep_data(cells, day, replications, metric)
        output = to_json(data) + "\n" if json_output else None
        if csv_file is not None:
            write_chunks(csv_file, [sweep_csv(cells)])
        if plot is not None:
            plot_sweep(cells, metric, day, plot)
    if output is not None:
        sys.stdout.write(output)
    else:
        render_sweep(cells, metric, day, replications, Console())


STAFF_REPLICATIONS = 10


@app.command()
def staff(
    scenario: ScenarioArgument,
    max_p95_wait: Annotated[
        float | None,
        typer.Option(
            help="Target: 95% of customers wait at most this many minutes (0..1440; 0: 95% are served at once)."
        ),
    ] = None,
    max_abandon_rate: Annotated[
        float | None, typer.Option(help="Target: at most this share of customers walk away (0..1; 0.02 = 2%).")
    ] = None,
    confidence: Annotated[
        float | None,
        typer.Option(
            help="Meet the targets with this confidence (0..1, e.g. 0.9): the upper end of a one-sided"
            " interval over the replications must meet them, not just the mean. Needs 2+ replications."
        ),
    ] = None,
    replications: Annotated[
        int,
        typer.Option(help=f"Independent days per staffing tried (1..{MAX_REPLICATIONS}); means with 95% CIs."),
    ] = STAFF_REPLICATIONS,
    seed: SeedOption = None,
    json_output: JsonOption = False,
    write_scenario: Annotated[
        Path | None,
        typer.Option(help="Write the scenario with the staffing found to this YAML file, ready for 'run'."),
    ] = None,
    force: ForceOption = False,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    store: StoreOption = None,
    quiet: QuietOption = False,
) -> None:
    """Find the least counters on each side that meet the targets, and show that day."""
    with _user_errors(), LazyProgress("searching", quiet) as progress, ExitStack() as closing:
        _check_counts(replications, workers)
        targets = _staff_targets(max_p95_wait, max_abandon_rate, confidence, replications)
        check_writable("--write-scenario", write_scenario, force)
        day, origin = _load(scenario, seed=seed)
        runner = _runner(day, workers, scheduler, store, progress, closing)
        answers = search_staffing(day, targets, replications, runner)
        found = {name: answers[name].staffing for name in ("selling", "collecting")}
        staffed = day.overridden(sellers=found["selling"], collectors=found["collecting"])
        runner = _runner(staffed, workers, scheduler, None, progress, closing)
        day_result = replicated_day(runner, staffed, replications)
        if write_scenario is not None:
            header = [
                f"Written by theater-sim staff from {origin}: the least staffing for {targets.describe()}",
                f"over {replications} day(s) from seed {day.seed}. Run it with: theater-sim run {write_scenario.name}",
            ]
            text = staffed_scenario_yaml(
                day, found, source_folder=Path(origin).parent, target_folder=write_scenario.parent, header=header
            )
            write_chunks(write_scenario, [text])
        output = to_json(staffing_data(answers, targets, day_result)) + "\n" if json_output else None
    if output is not None:
        sys.stdout.write(output)
    else:
        console = Console()
        render_staffing(answers, targets, replications, console)
        console.print()
        render_day(day_result, staffed, console, f"{scenario}, staffed as found")
        if write_scenario is not None:
            console.print(f"Wrote the staffed scenario to {write_scenario}.")


def _staff_targets(
    max_p95_wait: float | None, max_abandon_rate: float | None, confidence: float | None, replications: int
) -> Targets:
    if max_p95_wait is None and max_abandon_rate is None:
        raise ScenarioError("give a target: --max-p95-wait MINUTES and/or --max-abandon-rate SHARE")
    if max_p95_wait is not None:
        _check_range("--max-p95-wait", max_p95_wait, 0, 1440)
    if max_abandon_rate is not None:
        _check_range("--max-abandon-rate", max_abandon_rate, 0, 1)
    if confidence is not None:
        if not (math.isfinite(confidence) and 0 < confidence < 1):
            raise ScenarioError(f"--confidence {confidence:g}: must lie strictly between 0 and 1 (e.g. 0.9)")
        if replications < 2:
            raise ScenarioError("--confidence needs an interval: use --replications 2 or more")
    return Targets(max_p95_wait=max_p95_wait, max_abandon_rate=max_abandon_rate, confidence=confidence)


@app.command()
def watch(
    scenario: ScenarioArgument,
    speed: Annotated[
        float,
        typer.Option(help="Simulated seconds per real second: 600 plays ten minutes a second; inf: at once."),
    ] = 600.0,
    sellers: Annotated[int | None, typer.Option(help="Selling counters all day, overriding the scenario.")] = None,
    collectors: Annotated[int | None, typer.Option(help="Collecting counters all day (overrides).")] = None,
    seed: SeedOption = None,
) -> None:
    """Play the day live: both lines, counters busy and idle, waits and the verdict so far."""
    with _user_errors():
        if not speed >= 1:
            raise ScenarioError(f"--speed {speed:g}: must be at least 1 (600 = ten simulated minutes a second)")
        base, _ = _load(scenario, seed=seed)
        day = _check_staffing(base, sellers=sellers, collectors=collectors)
    console = Console()
    title = f"{plain(day.name)} (seed {day.seed}, x{speed:g} real time)"
    viewer: Dashboard | PlainTicker = Dashboard(console, title) if console.is_terminal else PlainTicker(sys.stdout)
    try:
        with viewer:
            records = asyncio.run(play(day, speed / 60.0, viewer))
    except KeyboardInterrupt:
        if viewer.last is not None and console.is_terminal:
            console.print(status_table(viewer.last, f"Stopped at {viewer.last.clock}: the day so far"))
        elif viewer.last is not None:
            sys.stdout.write(f"Stopped at {viewer.last.clock}: the day so far\n{plain_status(viewer.last)}\n")
        typer.echo("theater-sim: stopped (Ctrl-C)", err=True)
        raise typer.Exit(130) from None
    render_day(day_data(summarise_day(day, records)), day, console, scenario)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format (for editors and other tools)."""
    sys.stdout.write(json.dumps(scenario_json_schema(), indent=2) + "\n")


@app.command()
def validate(scenario: ScenarioArgument) -> None:
    """Check a scenario file without running it."""
    with _user_errors():
        day, _ = _load(scenario)
    render_validated(day, scenario, Console())


@app.command()
def scenarios() -> None:
    """List the bundled scenarios."""
    entries: list[tuple[str, Scenario | str]] = []
    for name, path in bundled_scenarios().items():
        try:
            entries.append((name, load_scenario(str(path))[0]))
        except ScenarioError as error:
            entries.append((name, str(error)))
    render_scenario_list(entries, Console())


_OPTION_NAMES = {"sellers": "--sellers", "collectors": "--collectors", "seed": "--seed"}


def _load(source: str, seed: int | None = None) -> tuple[Scenario, str]:
    """The scenario (with ``--seed`` applied) and where it came from; its notes go to stderr, once."""
    day, origin = load_scenario(source)
    _check_overrides(day, seed=seed)
    for note in day.notes():
        typer.echo(f"theater-sim: note: {origin}: {note}", err=True)
    return day.overridden(seed=seed), origin


def _check_staffing(day: Scenario, **staffing: int | None) -> Scenario:
    """``day`` at the staffing options, each checked alone so the message names it."""
    _check_overrides(day, **staffing)
    return day.overridden(**staffing)


def _check_overrides(day: Scenario, **overrides: int | None) -> None:
    for name, value in overrides.items():
        if value is not None:
            try:
                day.overridden(**{name: value})
            except ValidationError as error:
                message = format_validation_error(error, "x").splitlines()[0].split(": ", 2)[-1]
                raise ScenarioError(f"{_OPTION_NAMES[name]} {value}: {message}") from None


def _check_range(option: str, value: float, low: float, high: float) -> None:
    if not (math.isfinite(value) and low <= value <= high):
        raise ScenarioError(f"{option} {value:g}: must lie within {low:g}..{high:g}")


def _check_counts(replications: int, workers: int | None) -> None:
    _check_range("--replications", replications, 1, MAX_REPLICATIONS)
    if workers is not None:
        _check_range("--workers", workers, 1, 256)


def _runner(
    day: Scenario,
    workers: int | None,
    scheduler: str | None,
    store: Path | None,
    progress: LazyProgress,
    closing: ExitStack,
) -> Runner:
    results = None
    if scheduler is not None:
        with _about("--scheduler"):
            require_dask()
            check_scheduler_address(scheduler)
    if store is not None:
        with _about("--store"):
            results = closing.enter_context(ResultStore(store, scenario_fingerprint(day, __version__)))
    return Runner(workers=workers or default_workers(), scheduler=scheduler, store=results, progress=progress.tasks)


@contextmanager
def _about(option: str) -> Iterator[None]:
    """Name the option a lower module's bad-input message is about."""
    try:
        yield
    except ScenarioError as error:
        raise ScenarioError(f"{option} {error}") from None


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn the domain's errors into a message and an exit status."""
    try:
        yield
    except ScenarioError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    except RunError as error:
        _fail(str(error), EXIT_FAILED_RUN)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except MemoryError:
        _fail("ran out of memory; try fewer customers", EXIT_FAILED_RUN)
    except Exception as error:  # a bug, not a user mistake: say so plainly
        if os.environ.get("THEATER_SIM_DEBUG"):
            raise
        _fail(f"the run failed: {type(error).__name__}: {error} (set THEATER_SIM_DEBUG=1 for details)", 1)


def _fail(message: str, status: int) -> None:
    for line in message.splitlines():
        typer.echo(f"theater-sim: error: {line}", err=True)
    raise typer.Exit(status)


def main() -> None:
    """Entry point of the ``theater-sim`` console script."""
    app()
