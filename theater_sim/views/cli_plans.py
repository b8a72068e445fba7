"""The planning commands: ``sweep`` (a grid of staffings) and ``staff`` (the least staffing)."""

from __future__ import annotations

import math
import re
import shlex
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from theater_sim.analysis.metric_names import SIDE_METRICS
from theater_sim.model.errors import ScenarioError, shorten
from theater_sim.model.limits import MAX_COUNTERS_PER_SIDE, MAX_PROJECTORS
from theater_sim.views.cli_common import (
    MAX_REPLICATIONS,
    EngineOption,
    ForceOption,
    JsonOption,
    MaxMemoryOption,
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
    check_range,
    check_run_memory,
    check_staffing,
    load_source,
    make_runner,
    note_staffing_replaced,
    note_store_line,
    store_line,
    user_errors,
    write_out,
)

_RANGE = re.compile(r"^(\d+):(\d+)(?::(\d+))?$")
_LIST = re.compile(r"^\d+(?:,\d+)*$")
if TYPE_CHECKING:
    from theater_sim.analysis.contract import DayData
    from theater_sim.engine.choice import Engine
    from theater_sim.model.scenario import Scenario, SideName
    from theater_sim.planning.least_staffing import SideAnswer, Targets
    from theater_sim.planning.sweep import SweepCell
    from theater_sim.planning.tasks import Staffing


def parse_counts(
    text: str, option: str, limit: int = MAX_COUNTERS_PER_SIDE, what: str = "counter counts"
) -> tuple[int, ...]:
    """Counts from ``a:b`` (inclusive), ``a:b:step`` or ``1,2,4``.

    Raises:
        ScenarioError: malformed, empty, reversed, a count listed twice, or outside 1..``limit``.
    """
    from theater_sim.planning.sweep import MAX_GRID_CELLS

    spec = text.strip().replace(" ", "")
    if any(len(part) > 6 for part in re.split(r"[:,]", spec)):  # before building a range of a billion
        raise ScenarioError(f"{option} {shorten(text)}: {what} must lie within 1..{limit:,}")
    match = _RANGE.match(spec)
    if match:
        start, end, step = int(match[1]), int(match[2]), int(match[3] or 1)
        if step < 1:
            raise ScenarioError(f"{option} {text}: the step must be at least 1")
        if end < start:
            # The range the other way round, where it holds only counts that may be tried (1:0 had
            # suggested 0:1, which is refused in turn: a trial).
            hint = f" (write {end}:{start})" if end >= 1 else ""
            raise ScenarioError(f"{option} {text}: the range ends before it starts{hint}")
        counts = tuple(range(start, end + 1, step))
    elif _LIST.match(spec):
        given = [int(part) for part in spec.split(",")]
        twice = sorted({count for count in given if given.count(count) > 1})
        if twice:  # a slip, most likely (1,1,2 for 1,2,4?): said, not quietly dropped
            listed = ", ".join(map(str, twice))
            raise ScenarioError(
                f"{option} {text}: {listed} {'is' if len(twice) == 1 else 'are'} given twice; list each count once"
            )
        counts = tuple(sorted(given))  # tried, and shown, in ascending order
    else:
        raise ScenarioError(f"{option} {text}: write a range 1:8, a stepped range 2:16:2, or a list 1,2,4")
    if counts[0] < 1 or counts[-1] > limit:
        raise ScenarioError(f"{option} {text}: {what} must lie within 1..{limit:,}")
    if len(counts) > MAX_GRID_CELLS:
        raise ScenarioError(f"{option} {text}: more than {MAX_GRID_CELLS:,} counts")
    return counts


def _plot_sweep(cells: list[SweepCell], metric: str, scenario: Scenario, path: Path, replications: int) -> None:
    """``plotting.plot_sweep``, imported only for a plot: it brings NumPy and
    the engines, which a sweep whose days all run on its workers never loads."""
    from theater_sim.views.plotting import plot_sweep

    plot_sweep(cells, metric, scenario, path, replications)


def sweep(
    scenario: ScenarioArgument,
    sellers: Annotated[str | None, typer.Option(help="Selling counters to try: 1:8, 2:16:2 or 1,2,4.")] = None,
    collectors: Annotated[str | None, typer.Option(help="Collecting counters to try: 1:8, 2:16:2 or 1,2,4.")] = None,
    metric: Annotated[
        str,
        typer.Option(
            help=f"Metric shown per side: {', '.join(SIDE_METRICS)}.",
            autocompletion=lambda incomplete: [m for m in SIDE_METRICS if m.startswith(incomplete)],
        ),
    ] = "p95_wait",
    replications: ReplicationsOption = 1,
    seed: SeedOption = None,
    json_output: JsonOption = False,
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="Also write every cell's metrics to this CSV file.")
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            help="Write a heat map of the metric with the verdict boundary (.png, .svg, .pdf or .jpg by the suffix);"
            " needs theater-sim[plot]."
        ),
    ] = None,
    force: ForceOption = False,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    store: StoreOption = None,
    quiet: QuietOption = False,
    max_memory: MaxMemoryOption = None,
    engine: EngineOption = None,
    projectors: Annotated[
        str | None,
        typer.Option(
            help="Projector clerks to try as a third axis (1:3 or 1,2,4): one grid per count, for a"
            " scenario with a projection."
        ),
    ] = None,
) -> None:
    """Run a grid of counter counts on the same customers and show each point's verdict."""
    from theater_sim.engine.choice import engines_used
    from theater_sim.planning.execution import default_workers
    from theater_sim.planning.sweep import run_sweep
    from theater_sim.views.exports import to_json
    from theater_sim.views.output_files import check_distinct, check_writable, figure_path, write_chunks
    from theater_sim.views.progress import LazyProgress
    from theater_sim.views.sweep_export import sweep_csv, sweep_data

    with user_errors(), LazyProgress("sweeping", quiet) as progress, ExitStack() as closing:
        check_counts(replications, workers)
        check_engine_name(engine)
        if metric not in SIDE_METRICS:
            raise ScenarioError(f"--metric {metric}: unknown; use one of {', '.join(SIDE_METRICS)}")
        if sellers is None and collectors is None and projectors is None:
            raise ScenarioError("give --sellers, --collectors and/or --projectors (ranges like 1:8, lists like 1,2,4)")
        clerk_counts = (
            parse_counts(projectors, "--projectors", MAX_PROJECTORS, "projector clerks")
            if projectors is not None
            else None
        )
        if clerk_counts is not None and len(clerk_counts) > 1 and plot is not None:
            raise ScenarioError(
                "--plot with --projectors: a heat map holds one grid; plot one projectors count at a time"
                " (--projectors N)"
            )
        plot = figure_path(plot)
        check_distinct({"--csv": csv_file, "--plot": plot, "--store": store})
        check_writable("--csv", csv_file, force)
        check_writable("--plot", plot, force)
        day, _ = load_source(
            scenario, seed=seed, progress=progress, outputs={"--csv": csv_file, "--plot": plot, "--store": store}
        )
        check_run_memory(day, workers or default_workers(), max_memory)
        seller_counts: tuple[Staffing, ...] = parse_counts(sellers, "--sellers") if sellers is not None else (None,)
        collector_counts: tuple[Staffing, ...] = (
            parse_counts(collectors, "--collectors") if collectors is not None else (None,)
        )
        swept: tuple[tuple[str, str | None, SideName], ...] = (
            ("--sellers", sellers, "selling"),
            ("--collectors", collectors, "collecting"),
        )
        # Every cell is staffed alike (a swept side's autoscaling is replaced): the first cell speaks for all.
        cell = day.overridden(sellers=seller_counts[0], collectors=collector_counts[0])
        chosen = check_engine(engine, cell, "auto")
        engine_name, engine_words = engines_used(cell, chosen)
        grids: list[tuple[int | None, Scenario, list[SweepCell]]] = []
        runner = make_runner(day, workers, scheduler, store, progress, closing, chosen)
        for option, counts, side in swept:  # once the command is sure to run: a refusal is its one line
            if counts is not None:
                note_staffing_replaced(day, side, f"{option} {counts}", "each cell's count is open all day")
        if clerk_counts is not None:
            for count in clerk_counts:
                staffed = check_staffing(day, typed={"projectors": str(projectors)}, projectors=count)
                cells = run_sweep(day, seller_counts, collector_counts, replications, runner, count)
                grids.append((count, staffed, cells))
                if plot is not None:
                    _plot_sweep(cells, metric, staffed, plot, replications)
            data = {
                "projectors": [
                    {"projectors": clerks, **sweep_data(cells, staffed, replications, metric)}
                    for clerks, staffed, cells in grids
                ],
                "engine": engine_name,
            }
            if csv_file is not None:
                write_chunks(csv_file, [sweep_csv(grids)])
        else:
            cells = run_sweep(day, seller_counts, collector_counts, replications, runner)
            grids.append((None, day, cells))
            data = {**sweep_data(cells, day, replications, metric), "engine": engine_name}
            if csv_file is not None:
                write_chunks(csv_file, [sweep_csv([(None, day, cells)])])
            if plot is not None:
                _plot_sweep(cells, metric, day, plot, replications)
        output = to_json(data) + "\n" if json_output else None
    said = store_line(store, runner, engine_words)
    if output is not None:
        write_out(output)
        note_store_line(said, quiet)
    else:
        # Here, not above: rich is a fifth of a JSON sweep's coordinating start-up.
        from rich.text import Text

        from theater_sim.views.formatting import OutputConsole
        from theater_sim.views.plan_report import render_clerks_sweep, render_sweep

        console = OutputConsole()
        if clerk_counts is not None and all(len(cells) == 1 for _, _, cells in grids):
            # Only the clerks are swept: one table of them, not a one-cell grid for each.
            clerk_grids = [(clerks, cells[0]) for clerks, _, cells in grids if clerks is not None]
            render_clerks_sweep(clerk_grids, metric, day, replications, console)
            grids = []
        for clerks, staffed, cells in grids:
            if clerks is not None:
                named = f"{clerks} projector clerk{'s' if clerks != 1 else ''}"
                console.print(Text(f"With {named} between the ledger and the collectors' list:", style="bold"))
            render_sweep(cells, metric, staffed, replications, console)
        console.print(Text(said or f"Days simulated by {engine_words}.", style="dim"))


STAFF_REPLICATIONS = 10


def staff(
    scenario: ScenarioArgument,
    max_p95_wait: Annotated[
        float | None,
        typer.Option(
            help="Target: a day's p95 wait (95% of its served customers wait at most this), averaged over the"
            " days, in minutes (0..1440; 0: 95% are served at once)."
        ),
    ] = None,
    max_abandon_rate: Annotated[
        float | None, typer.Option(help="Target: at most this share of customers walk away (0..1; 0.02 = 2%).")
    ] = None,
    max_failed_share: Annotated[
        float | None,
        typer.Option(
            help="Target: at most this share of customers failed: walked away, waited over the scenario's"
            " long_wait_minutes or missed their film (0..1; the verdict's first measure)."
        ),
    ] = None,
    max_stale_share: Annotated[
        float | None,
        typer.Option(
            help="Target: at most this share of holders reach a counter before their sale is listed (0..1;"
            " a linked day with projection clerks): finds the least projector clerks."
        ),
    ] = None,
    confidence: Annotated[
        float | None,
        typer.Option(
            help="Meet the targets with this confidence (0.5..1, e.g. 0.9): the upper end of a one-sided"
            " interval over the replications must meet them, not just the mean. Needs 2+ replications."
        ),
    ] = None,
    replications: Annotated[
        int,
        typer.Option(help=f"Independent days per staffing tried (1..{MAX_REPLICATIONS}); means with 95% CIs."),
    ] = STAFF_REPLICATIONS,
    rota_hours: Annotated[
        float | None,
        typer.Option(
            help="Find a count for every period of this many hours from the opening (a rota; at least 0.25,"
            " whole minutes), on both sides, replacing their counts, schedules or autoscaling."
        ),
    ] = None,
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
    max_memory: MaxMemoryOption = None,
    engine: EngineOption = None,
) -> None:
    """Find the least counters on each side that meet the targets, and show that day."""
    from rich.text import Text

    from theater_sim.engine.choice import engines_used
    from theater_sim.planning.execution import default_workers, replicated_day
    from theater_sim.planning.least_staffing import search_projectors, search_staffing, with_failed_bound
    from theater_sim.views.day_report import render_day
    from theater_sim.views.exports import to_json
    from theater_sim.views.formatting import OutputConsole, safe
    from theater_sim.views.output_files import check_distinct, check_writable, write_chunks
    from theater_sim.views.plan_report import render_staffing, staffing_data
    from theater_sim.views.progress import LazyProgress
    from theater_sim.views.scenario_file import staffed_scenario_yaml

    with user_errors(), LazyProgress("searching", quiet) as progress, ExitStack() as closing:
        check_counts(replications, workers)
        check_engine_name(engine)
        targets = _staff_targets(
            max_p95_wait, max_abandon_rate, confidence, replications, max_failed_share, max_stale_share
        )
        check_distinct({"--write-scenario": write_scenario, "--store": store})
        check_writable("--write-scenario", write_scenario, force)
        if write_scenario is not None and write_scenario.suffix.lower() not in {".yaml", ".yml"}:
            raise ScenarioError(
                f"--write-scenario {shorten(str(write_scenario))}: the scenario is written as YAML (with comments);"
                " name the file .yaml or .yml"
            )
        day, origin = load_source(
            scenario, seed=seed, progress=progress, outputs={"--write-scenario": write_scenario, "--store": store}
        )
        rota_said: dict[str, list[str]] = {}
        if rota_hours is not None:
            from theater_sim.planning.rota import rota_notes, rota_scenario

            if not targets.for_counters:  # --max-stale-share alone keeps the counters; a rota would set them to 1
                raise ScenarioError(
                    "--rota-hours searches counters per period: give a counter target too (--max-p95-wait,"
                    " --max-abandon-rate or --max-failed-share)"
                )
            rota_said = {side: notes for side, notes in rota_notes(day, rota_hours * 60).items()}  # keyed as answers
            day = rota_scenario(day, rota_hours * 60)
        check_run_memory(day, workers or default_workers(), max_memory)
        # The search tries fixed counts on one side while the other stays as the
        # scenario has it (autoscaled, maybe): the exact engine must follow that day.
        chosen = check_engine(engine, day, "auto")
        runner = make_runner(day, workers, scheduler, store, progress, closing, chosen)
        if targets.max_stale_share is None:
            answers: dict[str, SideAnswer] | None = search_staffing(day, targets, replications, runner)
            clerks = None
        else:
            answers, clerks = search_projectors(day, targets, replications, runner)
        if answers is not None:
            found_clerks = None if clerks is None else clerks.clerks
            answers = with_failed_bound(day, targets, answers, replications, runner, found_clerks)
        if answers is not None and rota_said:
            answers = {
                name: replace(answer, notes=[*rota_said[name], *answer.notes]) for name, answer in answers.items()
            }
        found: dict[str, Staffing] = {
            name: None if answers is None else answers[name].staffing for name in ("selling", "collecting")
        }
        if clerks is not None:
            found["projectors"] = clerks.clerks
        staffed = day.overridden(
            sellers=found["selling"],
            collectors=found["collecting"],
            projectors=None if clerks is None else clerks.clerks,
        )
        # The same runner (its pool, and the days the search already ran), on the scenario as given.
        day_result = replicated_day(
            runner,
            day,
            replications,
            found["selling"],
            found["collecting"],
            projectors=None if clerks is None else clerks.clerks,
        )
        if write_scenario is not None:
            header = [
                f"Written by theater-sim staff from {scenario}: the least staffing for {targets.describe()}",
                f"over {replications} day{'' if replications == 1 else 's'} from seed {day.seed}."
                # The path as given (from where staff ran), not the bare name, which only works in its folder.
                f" Run it with: theater-sim run {shlex.quote(str(write_scenario))}"
                + (f" --replications {replications}" if replications > 1 else ""),
            ]
            text = staffed_scenario_yaml(
                day, found, source_folder=Path(origin).parent, target_folder=write_scenario.parent, header=header
            )
            write_chunks(write_scenario, [text])
        output = (
            to_json(
                {
                    **staffing_data(answers, clerks, targets, day_result),
                    "rota_hours": rota_hours,
                    "engine": _search_engine(day, staffed, chosen, clerks is not None),
                }
            )
            + "\n"
            if json_output
            else None
        )
    engine_words = engines_used(staffed, chosen)[1]
    said = store_line(store, runner, engine_words)
    searched = None if said is None else f"The search's days: {said[0].lower()}{said[1:]}"
    if output is not None:
        write_out(output)
        note_store_line(searched, quiet)
    else:
        console = OutputConsole()
        render_staffing(answers, clerks, targets, replications, console)
        if answers is not None and day_result["verdict"] != "Balanced":
            # Periods closed with customers to wait for the reopening (a period the search
            # closed for nobody coming has none to set aside: a trial read "but for the
            # customers of" such a period).
            closed = [
                answer.side
                for answer in answers.values()
                if any(not row["counters"] and row["arrived"] > 0 for row in answer.periods)
            ]
            meets = (
                "meets the targets on both sides"
                if not closed
                else f"meets the targets on both sides, but for the customers of {' and '.join(closed)}'s closed"
                " periods, kept closed (see its periods table)"
            )
            console.print(
                Text(
                    f"Note: the day below {meets}. Its verdict still compares them by the"
                    " rule it prints (failed customers, then waits, then pressures): it says where a counter would"
                    " go first if you add one, not that a side misses its target.",
                    style="yellow",
                )
            )
        behind = _read_model_behind_note(day_result, targets)
        if behind:
            console.print(Text(behind, style="yellow"))
        console.print()
        render_day(day_result, staffed, console, f"{scenario}, staffed as found", None if said else engine_words)
        if searched:
            console.print(Text(searched, style="dim"))
        if write_scenario is not None:
            console.print(safe(f"Wrote the staffed scenario to {write_scenario}."))


def _read_model_behind_note(day: DayData, targets: Targets) -> str | None:
    """The day's read-model line judges "kept up" at a fixed share of holders;
    a --max-stale-share above it can be met by a day that line calls behind."""
    from theater_sim.analysis.projection import KEPT_UP_STALE_SHARE

    projection = day["projection"]
    if projection is None or projection["kept_up"] or targets.max_stale_share is None:
        return None
    if projection["stale_share"] > targets.max_stale_share:
        return None  # not met: the tables above say so
    return (
        f"Note: the day below says its read model fell behind: {projection['stale_share']:.1%} of its parties of"
        f" holders met a stale read, over the {KEPT_UP_STALE_SHARE:.0%} that line calls keeping up, and within the"
        f" {targets.max_stale_share:.1%} your --max-stale-share allows."
    )


def _search_engine(day: Scenario, staffed: Scenario, chosen: Engine, clerks_searched: bool) -> str:
    """Which engine the search's days ran on (``engines_used``'s name): each
    side's tries fix that side while the other stays as the scenario has it
    (autoscaled, maybe, and then in SimPy), and the staffed day fixes both;
    a search of projector clerks runs the scenario's own staffing."""
    from theater_sim.engine.choice import engines_used

    days = [staffed, day.overridden(sellers=1), day.overridden(collectors=1)] + ([day] if clerks_searched else [])
    names = {engines_used(searched, chosen)[0] for searched in days}
    return names.pop() if len(names) == 1 else "exact+simpy"


def _staff_targets(
    max_p95_wait: float | None,
    max_abandon_rate: float | None,
    confidence: float | None,
    replications: int,
    max_failed_share: float | None = None,
    max_stale_share: float | None = None,
) -> Targets:
    from theater_sim.planning.least_staffing import Targets

    if all(t is None for t in (max_p95_wait, max_abandon_rate, max_failed_share, max_stale_share)):
        raise ScenarioError(
            "give a target: --max-p95-wait MINUTES, --max-abandon-rate SHARE, --max-failed-share SHARE"
            " and/or --max-stale-share SHARE"
        )
    if max_p95_wait is not None:
        check_range("--max-p95-wait", max_p95_wait, 0, 1440)
    if max_abandon_rate is not None:
        check_range("--max-abandon-rate", max_abandon_rate, 0, 1)
    if max_failed_share is not None:
        check_range("--max-failed-share", max_failed_share, 0, 1)
    if max_stale_share is not None:
        check_range("--max-stale-share", max_stale_share, 0, 1)
    if confidence is not None:
        if not (math.isfinite(confidence) and 0.5 <= confidence < 1):
            raise ScenarioError(
                f"--confidence {confidence:g}: must lie within 0.5 and 1, 1 excluded (e.g. 0.9); below 0.5 the"
                " bound would lie under the mean, and promise less than the mean does"
            )
        if replications < 2:
            raise ScenarioError("--confidence needs an interval: use --replications 2 or more")
    return Targets(
        max_p95_wait=max_p95_wait,
        max_abandon_rate=max_abandon_rate,
        confidence=confidence,
        max_failed_share=max_failed_share,
        max_stale_share=max_stale_share,
    )
