"""The day commands: ``run``, ``watch``, ``validate``, ``scenarios`` and ``schema``."""

from __future__ import annotations

import json
import math
import signal
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from theater_sim.model.errors import ScenarioError
from theater_sim.model.limits import MAX_COUNTERS_PER_SIDE
from theater_sim.views.cli_common import (
    EngineOption,
    ForceOption,
    JsonOption,
    MaxMemoryOption,
    ProjectorsOption,
    QuietOption,
    ReplicationsOption,
    ScenarioArgument,
    SchedulerOption,
    SeedOption,
    StoreOption,
    WorkersOption,
    check_counts,
    check_engine,
    check_engine_name,
    check_run_memory,
    check_staffing,
    complete_scenario,
    load_source,
    make_runner,
    note_store_line,
    stopped_by_ctrl_c,
    store_line,
    user_errors,
    write_out,
)

if TYPE_CHECKING:
    from theater_sim.analysis.contract import DayData
    from theater_sim.model.scenario import Scenario


#: One count all day for a side, in run and watch alike.
SellersOption = Annotated[
    int | None,
    typer.Option(
        help=f"Selling counters all day (1..{MAX_COUNTERS_PER_SIDE:,}), replacing the scenario's count, schedule or"
        " autoscaling."
    ),
]
CollectorsOption = Annotated[
    int | None,
    typer.Option(
        help=f"Collecting counters all day (1..{MAX_COUNTERS_PER_SIDE:,}), replacing the scenario's count, schedule"
        " or autoscaling."
    ),
]


def run(
    scenario: ScenarioArgument,
    sellers: SellersOption = None,
    collectors: CollectorsOption = None,
    seed: SeedOption = None,
    replications: ReplicationsOption = 1,
    json_output: JsonOption = False,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    store: StoreOption = None,
    quiet: QuietOption = False,
    plot: Annotated[
        Path | None,
        typer.Option(
            help="Write a figure of the day (.png, .svg, .pdf or .jpg by the suffix; .png if none);"
            " needs theater-sim[plot]."
        ),
    ] = None,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="Write one row per customer to this CSV file.")] = None,
    hourly_csv_file: Annotated[
        Path | None, typer.Option("--hourly-csv", help="Write the hourly table to this CSV file.")
    ] = None,
    force: ForceOption = False,
    max_memory: MaxMemoryOption = None,
    engine: EngineOption = None,
    projectors: ProjectorsOption = None,
) -> None:
    """Simulate one day (or several) and print both sides' summary and the verdict.

    With --replications, --plot and --csv show the first replication (the scenario's own seed).
    --csv - (or --hourly-csv -) writes that table to standard output instead of the summary.
    """
    from theater_sim.engine.choice import engines_used
    from theater_sim.planning.measured_days import measure_days
    from theater_sim.views.exports import customer_csv_chunks, hourly_csv, to_json
    from theater_sim.views.output_files import check_distinct, check_writable, figure_path, write_chunks
    from theater_sim.views.progress import LazyProgress

    with user_errors(), LazyProgress("simulating", quiet) as progress, ExitStack() as closing:
        check_counts(replications, workers)
        check_engine_name(engine)
        plot = figure_path(plot)
        to_stdout = [option for option, path in (("--csv", csv_file), ("--hourly-csv", hourly_csv_file)) if _dash(path)]
        if len(to_stdout) + json_output > 1:
            raise ScenarioError(
                f"{' and '.join([*to_stdout, *(['--json'] if json_output else [])])}: only one output can go to"
                " standard output"
            )
        outputs = {
            option: path
            for option, path in {"--plot": plot, "--csv": csv_file, "--hourly-csv": hourly_csv_file}.items()
            if not _dash(path)
        }
        check_distinct({**outputs, "--store": store})
        for option, path in outputs.items():
            check_writable(option, path, force)
        base, _ = load_source(scenario, seed=seed, progress=progress, outputs={**outputs, "--store": store})
        clerked = check_staffing(base, projectors=projectors)
        staffed = check_staffing(clerked, sellers=sellers, collectors=collectors)
        check_run_memory(clerked, _days_at_once(replications, workers), max_memory)
        simple = replications == 1 and scheduler is None and store is None
        chosen = check_engine(engine, staffed, "simpy" if replications == 1 else "auto")
        # Stored days are keyed on the scenario as written (with its seed), so a
        # store can be shared by runs with other counters or clerks and by sweeps.
        runner = None if simple else make_runner(base, workers, scheduler, store, progress, closing, chosen)
        measured = measure_days(
            base,
            sellers,
            collectors,
            replications,
            projectors=projectors,
            runner=runner,
            keep_records=plot is not None or csv_file is not None,
            on_minute=lambda minute: progress.clock(minute, base.open_minutes),
            engine=chosen,
        )
        data, day = measured.data, measured.scenario
        if measured.records is not None and plot is not None:
            from theater_sim.views.plotting import plot_day

            plot_day(measured.records, measured.first or data, day, plot, replications)
        if measured.records is not None and csv_file is not None and not _dash(csv_file):
            write_chunks(csv_file, customer_csv_chunks(measured.records, day.opens))
        if hourly_csv_file is not None and not _dash(hourly_csv_file):
            write_chunks(hourly_csv_file, [hourly_csv(data)])
        # Which engine ran, where it could be either (replications, or asked for).
        engine_name, engine_words = engines_used(staffed, chosen)
        said = store_line(store, runner, engine_words)
        named = replications > 1 or engine is not None
        shown = {**data, "engine": engine_name} if named else data
        output = to_json(shown) + "\n" if json_output else None
    first_day_only = [option for option, path in (("--csv", csv_file), ("--plot", plot)) if path is not None]
    if replications > 1 and first_day_only and not quiet:
        typer.echo(
            f"theater-sim: note: {' and '.join(first_day_only)} {'show' if len(first_day_only) > 1 else 'shows'}"
            f" only the first of the {replications:,} days (seed {day.seed}, the day a single run gives)",
            err=True,
        )
    if output is not None:
        write_out(output)
    elif _dash(csv_file) and measured.records is not None:
        write_out(customer_csv_chunks(measured.records, day.opens))
    elif _dash(hourly_csv_file):
        write_out(hourly_csv(data))
    if output is not None or _dash(csv_file) or _dash(hourly_csv_file):
        note_store_line(said, quiet)
    else:
        from rich.text import Text

        from theater_sim.views.day_report import render_day
        from theater_sim.views.formatting import OutputConsole

        console = OutputConsole()
        source = _as_asked(scenario, sellers, collectors, projectors)
        render_day(data, day, console, source, engine_words if named and not said else None)
        if said:
            console.print(Text(said, style="dim"))


def _as_asked(scenario: str, sellers: object, collectors: object, projectors: object) -> str:
    """The scenario with the counts given on the command line, for the report's
    heading: the description, printed as written, can speak of others ("the one
    selling counter" under --sellers 5, a new user)."""
    given = (("sellers", sellers), ("collectors", collectors), ("projectors", projectors))
    return " ".join([scenario, *(f"--{option} {count}" for option, count in given if count is not None)])


def _days_at_once(replications: int, workers: int | None) -> int:
    """Days in memory at once: one for a single day (no need to load the process pool to know)."""
    if replications == 1:
        return 1
    from theater_sim.planning.execution import default_workers

    return min(replications, workers or default_workers())


def _dash(path: Path | None) -> bool:
    """``-``: standard output."""
    return path is not None and str(path) == "-"


def watch(
    scenario: ScenarioArgument,
    speed: Annotated[
        float,
        typer.Option(help="Simulated seconds per real second: 600 plays ten minutes a second; inf: at once."),
    ] = 600.0,
    sellers: SellersOption = None,
    collectors: CollectorsOption = None,
    seed: SeedOption = None,
    max_memory: MaxMemoryOption = None,
    projectors: ProjectorsOption = None,
    manage: Annotated[
        bool,
        typer.Option(
            "--manage",
            help="Be the manager: open and close counters with keys while the day plays (needs a terminal).",
        ),
    ] = False,
    record: Annotated[
        Path | None,
        typer.Option(help="With --manage: write the scenario with your changes as counter schedules, for 'run'."),
    ] = None,
    force: ForceOption = False,
    max_p95_wait: Annotated[
        float | None,
        typer.Option(help="With --manage: score your day against staff's least staffing for this p95 target."),
    ] = None,
) -> None:
    """Play the day live: both lines, counters busy and idle, waits and the verdict so far."""
    import asyncio

    from theater_sim.analysis.day_data import day_data
    from theater_sim.analysis.live import play
    from theater_sim.analysis.measured_day import summarise_day
    from theater_sim.views.dashboard import Dashboard, PlainTicker, plain_status
    from theater_sim.views.day_report import render_day
    from theater_sim.views.formatting import OutputConsole
    from theater_sim.views.output_files import check_writable

    with user_errors():
        if not speed >= 1:
            raise ScenarioError(f"--speed {speed:g}: must be at least 1 (600 = ten simulated minutes a second)")
        if record is not None and not manage:
            raise ScenarioError("--record: records a managed day; add --manage")
        if max_p95_wait is not None and not manage:
            raise ScenarioError("--max-p95-wait: scores a managed day; add --manage")
        if max_p95_wait is not None and not (math.isfinite(max_p95_wait) and 0 <= max_p95_wait <= 1440):
            raise ScenarioError(f"--max-p95-wait {max_p95_wait:g}: must lie within 0..1440")
        if manage and math.isinf(speed):
            raise ScenarioError("--manage --speed inf: a manager needs time to act; give a speed such as 600")
        check_writable("--record", record, force)
        base, origin = load_source(scenario, seed=seed, outputs={"--record": record})
        day = check_staffing(check_staffing(base, projectors=projectors), sellers=sellers, collectors=collectors)
        check_run_memory(day, 1, max_memory)
        if manage:
            _check_manageable(day)
    if manage:
        _watch_managed(day, speed, scenario, origin, record, max_p95_wait)
        return
    console = OutputConsole()
    title = f"{day.name} (seed {day.seed}, x{speed:g} real time)"
    viewer: Dashboard | PlainTicker = Dashboard(console, title) if console.is_terminal else PlainTicker(sys.stdout)
    try:
        with viewer:
            records = asyncio.run(play(day, speed / 60.0, viewer))
    except KeyboardInterrupt:
        if viewer.last is not None and isinstance(viewer, Dashboard):
            title = f"Stopped at {viewer.last.clock}: the day so far"
            console.print(viewer.table(viewer.last, title))
        elif viewer.last is not None:
            write_out(f"Stopped at {viewer.last.clock}: the day so far\n{plain_status(viewer.last)}\n")
        stopped_by_ctrl_c("theater-sim: stopped (Ctrl-C)")
    render_day(
        day_data(summarise_day(day, records)), day, console, _as_asked(scenario, sellers, collectors, projectors)
    )


def _check_manageable(day: Scenario) -> None:
    from theater_sim.analysis.managed import manage_problem
    from theater_sim.views.keyboard import terminal_problem

    problem = terminal_problem() or manage_problem(day)
    if problem is not None:
        raise ScenarioError(problem if problem.startswith("--manage") else f"--manage: {problem}")


def _watch_managed(
    day: Scenario, speed: float, source: str, origin: str, record: Path | None, max_p95_wait: float | None
) -> None:
    """``watch --manage``: the day plays, the manager's keys change counters, and the
    summary is the day as played (``run`` of the ``--record`` file prints the same)."""
    import asyncio

    from theater_sim.analysis.day_data import day_data
    from theater_sim.analysis.live import ManagerSession, play_managed
    from theater_sim.analysis.managed import ManagedDay
    from theater_sim.analysis.measured_day import run_day, summarise_day
    from theater_sim.input.loading import parse_scenario
    from theater_sim.views.dashboard import Dashboard
    from theater_sim.views.day_report import render_day
    from theater_sim.views.formatting import OutputConsole, safe
    from theater_sim.views.keyboard import keys_to
    from theater_sim.views.output_files import write_chunks
    from theater_sim.views.plan_report import score_table
    from theater_sim.views.scenario_file import staffed_scenario_yaml

    managed = ManagedDay(day)
    console = OutputConsole()
    viewer = Dashboard(console, f"{day.name} (seed {day.seed}, x{speed:g} real time, you manage)")

    async def session() -> ManagerSession:
        commands: asyncio.Queue[str] = asyncio.Queue()
        with keys_to(commands):
            return await play_managed(managed, speed / 60.0, viewer.managed, commands)

    stopped, ended_by = False, None
    try:
        with viewer:
            result = asyncio.run(session())
        stopped, ended_by = result.quit_early, result.ended_by
    except KeyboardInterrupt:
        stopped = True
    schedules = managed.schedules()
    folder = Path(origin).parent
    target = record.parent if record is not None else folder
    header = [f"Written by theater-sim watch --manage from {source}: your counter changes as schedules."]
    text = staffed_scenario_yaml(day, schedules, source_folder=folder, target_folder=target, header=header)
    with user_errors():
        if record is not None:
            write_chunks(record, [text])
    if stopped:
        if viewer.last is not None:
            console.print(viewer.table(viewer.last, f"Stopped at {viewer.last.clock}: the day so far"))
        if record is not None:
            due = len(managed.asked)
            later = (
                f" ({due} asked for the next second, after the moment shown, {'is' if due == 1 else 'are'} in it)"
                if due
                else ""
            )
            console.print(
                safe(f"Wrote your changes so far to {record}{later}; 'theater-sim run {record}' plays that day whole.")
            )
        if ended_by is not None:  # a kill or a closed terminal: its own status, as elsewhere (SIGTERM: 143)
            typer.echo(f"theater-sim: stopped by {signal.Signals(ended_by).name}", err=True)
            raise typer.Exit(128 + ended_by)
        stopped_by_ctrl_c("theater-sim: stopped")
    played = parse_scenario(text, "the managed day", base_folder=target)
    yours = day_data(summarise_day(played, managed.model.records()))
    render_day(yours, played, console, f"{source}, as you managed it")
    rows = [("scenario", day_data(run_day(day)))]
    if max_p95_wait is not None:
        rows.append(_staff_answer(day, max_p95_wait))
    console.print(score_table(yours, rows))
    if record is not None:
        console.print(safe(f"Wrote the day as you managed it to {record}: 'theater-sim run {record}' prints the same."))


def _staff_answer(day: Scenario, max_p95_wait: float) -> tuple[str, DayData]:
    """staff's least fixed staffing for the target (searched on this one day, the
    customers you managed) and that day, for the score."""
    from theater_sim.analysis.day_data import day_data
    from theater_sim.analysis.measured_day import run_day
    from theater_sim.planning.execution import Runner
    from theater_sim.planning.least_staffing import Targets, search_staffing

    with user_errors():
        answers = search_staffing(day, Targets(max_p95_wait=max_p95_wait), 1, Runner())
    found = {name: answers[name].staffing for name in ("selling", "collecting")}
    staffed = day.overridden(sellers=found["selling"], collectors=found["collecting"])
    counts = "/".join(str(count) if isinstance(count, int) else "sched." for count in found.values())
    return f"staff {counts}", day_data(run_day(staffed))


def schema() -> None:
    """Print the JSON Schema of the scenario format (for editors and other tools)."""
    from theater_sim.model.scenario import scenario_json_schema

    write_out(json.dumps(scenario_json_schema(), indent=2) + "\n")


def validate(scenario: ScenarioArgument) -> None:
    """Check a scenario file without running it."""
    from theater_sim.views.formatting import OutputConsole
    from theater_sim.views.scenario_report import render_validated

    with user_errors():
        day, _ = load_source(scenario)
    render_validated(day, scenario, OutputConsole())


def scenarios(
    show: Annotated[
        str | None,
        typer.Option(
            "--show",
            metavar="NAME",
            autocompletion=complete_scenario,
            help="Print this bundled scenario's YAML, to copy and edit: theater-sim scenarios --show NAME > my.yaml",
        ),
    ] = None,
) -> None:
    """List the bundled scenarios (or print one with --show NAME)."""
    from theater_sim.input.loading import bundled_scenarios, load_scenario
    from theater_sim.views.formatting import OutputConsole
    from theater_sim.views.scenario_report import render_scenario_list

    if show is not None:
        with user_errors():
            bundled = bundled_scenarios()
            if show not in bundled:
                raise ScenarioError(f"--show {show}: no bundled scenario of that name; use one of {', '.join(bundled)}")
            text = bundled[show].read_text(encoding="utf-8")
        write_out(text)
        return

    entries: list[tuple[str, Scenario | str]] = []
    for name, path in bundled_scenarios().items():
        try:
            entries.append((name, load_scenario(str(path))[0]))
        except ScenarioError as error:
            entries.append((name, str(error)))
    render_scenario_list(entries, OutputConsole())
