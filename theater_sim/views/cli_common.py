"""What every ``theater-sim`` command shares: the Typer app, option types,
loading, range checks, the runner, and turning errors into exit statuses.

User mistakes (a missing file, a bad key, an out-of-range option) become a
short message on stderr and exit status 2; a run that fails for a reason
outside the input (an unreachable cluster, a full disk) exit status 1; never
a traceback.
"""

from __future__ import annotations

import errno
import functools
import math
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from theater_sim.model.errors import EndlessReturns, RunError, ScenarioError, format_validation_error, shorten
from theater_sim.model.limits import MAX_COUNTERS_PER_SIDE, MAX_PROJECTORS, MAX_SEED
from theater_sim.views.folding import fold

EXIT_FAILED_RUN = 1
#: What writing standard output can fail with (a full disk, a device error).
OUTPUT_ERRORS = {errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT, errno.EROFS, errno.EBADF}
EXIT_BAD_INPUT = 2
#: A kill (SIGTERM), as a shell reports it: 128 + 15.
EXIT_TERMINATED = 143
MAX_REPLICATIONS = 1000


class Terminated(SystemExit):
    """A kill (SIGTERM): the command unwinds as from a Ctrl-C (files half
    written removed, the store closed) and its one line says what the store
    kept (``user_errors``); a kill before a command runs ends it with status 143."""

    def __init__(self, code: int = EXIT_TERMINATED) -> None:  # the code argument: it copies and pickles
        super().__init__(code)


app = typer.Typer(
    name="theater-sim",
    help="Simulate a CQRS movie theater: selling counters (commands) and collecting counters (queries), "
    "each scaled on its own.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Help text is plain text: "theater-sim[plot]" must not be read as markup.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120},
)
if TYPE_CHECKING:
    from theater_sim.engine.choice import Engine
    from theater_sim.model.scenario import Scenario, SideName
    from theater_sim.planning.execution import Runner
    from theater_sim.planning.store import ResultStore
    from theater_sim.views.progress import LazyProgress


def complete_scenario(incomplete: str) -> list[str]:
    """Bundled scenario names for shell completion (files are completed by the shell)."""
    from theater_sim.input.loading import bundled_scenarios

    return [name for name in sorted(bundled_scenarios()) if name.startswith(incomplete)]


ScenarioArgument = Annotated[
    str,
    typer.Argument(
        metavar="SCENARIO",
        help="A scenario YAML file, or the name of a bundled scenario (see 'theater-sim scenarios').",
        autocompletion=complete_scenario,
    ),
]
SeedOption = Annotated[int | None, typer.Option(help=f"Seed (0..{MAX_SEED}), overriding the scenario's.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout and nothing else.")]
ReplicationsOption = Annotated[
    int, typer.Option(help=f"Independent days to run (1..{MAX_REPLICATIONS}); numbers become means with 95% CIs.")
]
ProjectorsOption = Annotated[
    int | None,
    typer.Option(
        help=f"Projector clerks listing sales for the collectors (1..{MAX_PROJECTORS:,}), overriding the scenario's"
        " projection."
    ),
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
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
EngineOption = Annotated[
    str | None,
    typer.Option(
        metavar="[simpy|exact|auto]",
        help="The engine days run on (same results on each). Default: SimPy for one day,"
        " auto (exact wherever it applies) for replications, sweep and staff.",
        autocompletion=lambda incomplete: [e for e in ("simpy", "exact", "auto") if e.startswith(incomplete)],
    ),
]
MaxMemoryOption = Annotated[
    str | None,
    typer.Option(
        help="Refuse a run estimated to need more memory than this (2GiB, 500MB); default: half the physical memory."
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite output files that already exist.")]


def _version(value: bool) -> None:
    if value:
        from theater_sim import __version__

        typer.echo(f"theater-sim {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Simulate a CQRS movie theater day and say which side needs more counters."""


_OPTION_NAMES = {"sellers": "--sellers", "collectors": "--collectors", "seed": "--seed", "projectors": "--projectors"}
#: Each whole-number override's least and greatest value.
_LIMITS = {
    "sellers": (1, MAX_COUNTERS_PER_SIDE),
    "collectors": (1, MAX_COUNTERS_PER_SIDE),
    "projectors": (1, MAX_PROJECTORS),
    "seed": (0, MAX_SEED),
}


# Where the command's scenario came from, so an error the day itself raises
# (``EndlessReturns``: its keys are fine, its numbers cannot finish a day)
# names the file like every other error about the scenario.
_loaded_from: ContextVar[str | None] = ContextVar("loaded_from", default=None)
#: What an interrupted command kept and how to go on, said in its one line.
_interrupt_hint: ContextVar[str | None] = ContextVar("interrupt_hint", default=None)


@contextmanager
def command_scope() -> Iterator[None]:
    """One command's run: no scenario read yet (a later command in the same
    process, as in tests, must not name an earlier one's file)."""
    token, hint = _loaded_from.set(None), _interrupt_hint.set(None)
    try:
        yield
    finally:
        _loaded_from.reset(token)
        _interrupt_hint.reset(hint)


def load_source(
    source: str,
    seed: int | None = None,
    progress: LazyProgress | None = None,
    outputs: Mapping[str, Path | None] | None = None,
) -> tuple[Scenario, str]:
    """The scenario (with ``--seed`` applied) and where it came from; its notes go to
    stderr, once. With ``progress``, a long trace file shows a bar while it is read.
    ``outputs``: the command's output files, refused if one is a file it reads."""
    from theater_sim.input.loading import input_files, load_scenario, local_namesake
    from theater_sim.views.output_files import check_not_inputs

    day, origin = load_scenario(source, None if progress is None else progress.rows)
    namesake = local_namesake(source)
    if namesake is not None:
        typer.echo(
            f"theater-sim: note: {source} is the bundled scenario; {namesake} in this folder"
            f" is not read (name the file to use it: {namesake})",
            err=True,
        )
    _loaded_from.set(origin)
    check_not_inputs(outputs or {}, input_files(day, origin))
    if progress is not None:
        progress.close()  # the reading's bar, not the simulation's
    check_overrides(day, seed=seed)
    for note in day.notes():
        typer.echo(f"theater-sim: note: {origin}: {note}", err=True)
    return day.overridden(seed=seed), origin


def check_staffing(day: Scenario, typed: Mapping[str, str] | None = None, **staffing: int | None) -> Scenario:
    """``day`` at the staffing options, each checked alone so the message names
    it (as ``typed``, where given: ``--projectors 1:3`` for each count of a range)."""
    check_overrides(day, typed, **staffing)
    sides: tuple[tuple[str, SideName], ...] = (("sellers", "selling"), ("collectors", "collecting"))
    for name, side in sides:
        count = staffing.get(name)
        if count is not None:
            note_staffing_replaced(day, side, f"--{name} {count}", f"{count} counters all day")
    return day.overridden(**staffing)


def note_staffing_replaced(day: Scenario, side: SideName, option: str, instead: str) -> None:
    """Say on stderr that ``option`` replaces ``side``'s counter schedule (its
    closures named: a sweep's 2 sellers read p95 5.5 min where the day with its
    lunch closure gave 52, a trial) or its autoscaling; a schedule without a
    closure, or an autoscaler, was replaced without a word (another trial)."""
    settings = day.side(side)
    if settings.autoscale is not None:
        scale = settings.autoscale
        replaced = f"autoscaling ({scale.min_counters:,}-{scale.max_counters:,} counters)"
    elif isinstance(settings.counters, list):
        closures = [clock for _, clock in settings.closures]
        replaced = "counter schedule" + (
            f", its closure{'s' if len(closures) > 1 else ''} from {', '.join(closures)} too" if closures else ""
        )
    else:
        return
    typer.echo(f"theater-sim: note: {option} replaces {side}'s {replaced}: {instead}", err=True)


def check_overrides(day: Scenario, typed: Mapping[str, str] | None = None, **overrides: int | None) -> None:
    from pydantic import ValidationError

    for name, value in overrides.items():
        if value is not None:
            shown = f"{_OPTION_NAMES[name]} {(typed or {}).get(name, value)}"
            least, most = _LIMITS[name]
            if isinstance(value, int) and not least <= value <= most:
                # As sweep and --replications say it (pydantic's own words read "greater than or equal to 1").
                raise ScenarioError(f"{shown}: must lie within {least}..{most:,}")
            try:
                day.overridden(**{name: value})
            except ValidationError as error:
                message = format_validation_error(error, "x").splitlines()[0].split(": ", 2)[-1]
                raise ScenarioError(f"{shown}: {message}") from None
            except ValueError as error:  # e.g. projectors for a day without projection clerks
                raise ScenarioError(f"{shown}: {error}") from None


def check_range(option: str, value: float, low: float, high: float) -> None:
    if not (math.isfinite(value) and low <= value <= high):
        shown = str(value) if isinstance(value, int) else f"{value:g}"  # a count as typed, not 1e+09
        raise ScenarioError(f"{option} {shown}: must lie within {low:,g}..{high:,g}")


def check_counts(replications: int, workers: int | None) -> None:
    check_range("--replications", replications, 1, MAX_REPLICATIONS)
    if workers is not None:
        check_range("--workers", workers, 1, 256)


def check_run_memory(day: Scenario, days_at_once: int, max_memory: str | None) -> None:
    """Refuse, before any work, a run that would not fit the machine (see ``planning.resources``)."""
    from theater_sim.planning.resources import DEFAULT_MEMORY_SHARE, check_memory, parse_bytes, physical_memory_bytes

    with about_option("--max-memory"):
        if max_memory is not None:
            limit: int | None = parse_bytes(max_memory)
        else:
            physical = physical_memory_bytes()
            limit = None if physical is None else int(physical * DEFAULT_MEMORY_SHARE)
    if limit is not None:
        try:
            check_memory(day, days_at_once, limit)
        except ScenarioError as error:
            raise ScenarioError(f"{error} (--max-memory)") from None


def check_engine_name(engine: str | None) -> None:
    """Refuse an unknown ``--engine`` before anything is loaded."""
    if engine is not None and engine not in ("simpy", "exact", "auto"):
        raise ScenarioError(f"--engine {engine}: use simpy, exact or auto")


def check_engine(engine: str | None, day: Scenario, default: Engine) -> Engine:
    """The engine asked for (or ``default``), refused when it cannot run ``day``
    (the scenario as staffed for the run: staffing options replace autoscaling)."""
    from theater_sim.engine.choice import ENGINES, engine_problem

    check_engine_name(engine)
    if engine is None:
        return default
    assert engine in ENGINES
    problem = engine_problem(day) if engine == "exact" else None
    if problem is not None:
        raise ScenarioError(f"--engine exact: the exact engine cannot follow {problem}; use --engine auto or simpy")
    return engine


def make_runner(
    day: Scenario,
    workers: int | None,
    scheduler: str | None,
    store: Path | None,
    progress: LazyProgress,
    closing: ExitStack,
    engine: Engine = "auto",
) -> Runner:
    from theater_sim.planning.execution import Runner, check_scheduler_address, default_workers, require_dask
    from theater_sim.planning.store import ResultStore
    from theater_sim.planning.tasks import scenario_fingerprint, store_about

    results = None
    if scheduler is not None:
        with about_option("--scheduler"):
            require_dask()
            check_scheduler_address(scheduler)
    if store is not None:
        with about_option("--store"):
            from theater_sim import __version__

            fingerprint = scenario_fingerprint(day, __version__)
            results = closing.enter_context(ResultStore(store, fingerprint, store_about(day, __version__)))
        closing.callback(_report_rejected, results)
    closing.push(functools.partial(_hint_when_interrupted, results))
    runner = Runner(
        workers=workers or default_workers(), scheduler=scheduler, store=results, progress=progress.tasks, engine=engine
    )
    closing.enter_context(runner)  # closed after the command; its workers stopped if the command stops short
    return runner


def store_line(store: Path | None, runner: Runner | None, engine_words: str) -> str | None:
    """The footer's line of where a command's days came from with ``--store``:
    read from it, or simulated (by ``engine_words``) and kept in it. Stored days
    are the same bits whichever engine made them, in whichever earlier run, so
    JSON output does not say it: a run resumed from a store prints what an
    uninterrupted one prints (``note_store_line`` says it on stderr instead)."""
    if store is None or runner is None:
        return None
    read, ran = runner.read_from_store, runner.simulated
    if ran == 0:
        return f"{_all_days(read)} came from the store ({store}); none was simulated."
    simulated = f"{'was' if ran == 1 else 'were'} simulated by {engine_words}"
    if read == 0:
        return f"{_all_days(ran)} {simulated}, and kept in the store ({store})."
    days = f"{read:,} day{' was' if read == 1 else 's were'}"
    return f"{days} read from the store ({store}); the other {ran:,} {simulated}, and kept there."


def note_store_line(said: str | None, quiet: bool) -> None:
    """``store_line`` as a note on stderr, for output that is not a report (JSON, CSV)."""
    if said and not quiet:
        typer.echo(f"theater-sim: note: {said[0].lower()}{said[1:]}", err=True)


def _all_days(count: int) -> str:
    return "The day" if count == 1 else f"All {count:,} days"


def _hint_when_interrupted(store: ResultStore | None, kind: type[BaseException] | None, *_: object) -> bool:
    """On Ctrl-C or a kill, find what was kept and how to go on (the store is
    still open here), for the command's one line (``user_errors``)."""
    if kind is not None and issubclass(kind, KeyboardInterrupt | Terminated):
        if store is None:
            _interrupt_hint.set("nothing was kept: add --store FILE to make a long run resumable")
        else:
            kept = store.count()  # not the days themselves: a big store took seconds to read
            days = "finished days are" if kept is None else f"{kept:,} finished {'day is' if kept == 1 else 'days are'}"
            _interrupt_hint.set(f"{days} kept in --store {store.path}: rerun the same command to go on from there")
    return False


def _report_rejected(store: ResultStore) -> None:
    if store.rejected:
        rejected = len(store.rejected)
        typer.echo(
            f"theater-sim: warning: --store {store.path}: {rejected} stored"
            f" {'day failed its' if rejected == 1 else 'days failed their'} check:"
            f" removed from the store, and recomputed if this run needed {'it' if rejected == 1 else 'them'}",
            err=True,
        )


@contextmanager
def about_option(option: str) -> Iterator[None]:
    """Name the option a lower module's bad-input message is about."""
    try:
        yield
    except ScenarioError as error:
        raise ScenarioError(f"{option} {error}") from None


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the domain's errors into a message and an exit status."""
    try:
        yield
    except typer.Exit:
        raise  # an exit already decided (an inner guard's message, or a deliberate status)
    except EndlessReturns as error:
        origin = _loaded_from.get()
        fail(str(error) if origin is None else f"{origin}: {error}", EXIT_BAD_INPUT)
    except ScenarioError as error:
        fail(str(error), EXIT_BAD_INPUT)
    except RunError as error:
        fail(str(error), EXIT_FAILED_RUN)
    except KeyboardInterrupt:
        _interrupt_said.set(True)
        hint = _interrupt_hint.get()
        fail("interrupted" if hint is None else f"interrupted: {hint}", 130)
    except Terminated:
        _interrupt_said.set(True)
        hint = _interrupt_hint.get()
        fail("terminated" if hint is None else f"terminated: {hint}", EXIT_TERMINATED)
    except MemoryError:
        fail("ran out of memory; try fewer customers", EXIT_FAILED_RUN)
    except OSError as error:
        if isinstance(error, BrokenPipeError) or error.errno in OUTPUT_ERRORS:
            raise  # standard output went away: the command line's guard says so (cli.py)
        fail(f"the run failed: {type(error).__name__}: {shorten(str(error))}", EXIT_FAILED_RUN)
    except Exception as error:  # a bug, not a user mistake: say so plainly
        if os.environ.get("THEATER_SIM_DEBUG"):
            raise
        if "KeyboardInterrupt" in str(error):  # a Ctrl-C pydantic-core wrapped in its own error
            _interrupt_said.set(True)
            fail("interrupted", 130)
        fail(
            f"the run failed: {type(error).__name__}: {shorten(str(error), 200)} (set THEATER_SIM_DEBUG=1 for details)",
            EXIT_FAILED_RUN,
        )


def write_out(texts: str | Iterable[str]) -> None:
    """Write ``texts`` (a text, or pieces of one) to standard output, every
    byte or an ``OSError``.

    Python's buffered stdout reports a short write (a disk filling up under
    ``> file``) as a count its text layer ignores: the end of a JSON document
    was dropped without a word and the command exited 0. Here the rest is
    written again, so the disk's refusal raises (and ``cli._guarded`` says so,
    exit 1).
    """
    stream = sys.stdout
    texts = [texts] if isinstance(texts, str) else texts
    buffer = getattr(stream, "buffer", None)
    if buffer is None:  # a stream without bytes underneath (a test's capture): its own write is whole
        stream.writelines(texts)
        return
    stream.flush()
    for text in texts:
        data = memoryview(text.encode(stream.encoding or "utf-8", stream.errors or "strict"))
        while data:
            data = data[buffer.write(data) :]
    buffer.flush()


#: Whether a command said it was interrupted (a Ctrl-C that Typer takes while parsing ends it silently, 130).
_interrupt_said: ContextVar[bool] = ContextVar("interrupt_said", default=False)


def interrupt_said() -> bool:
    """Whether the command has said "interrupted" already."""
    return _interrupt_said.get()


def stopped_by_ctrl_c(line: str) -> NoReturn:
    """End a command a Ctrl-C stopped with its own ``line`` on stderr, exit 130,
    and nothing more said (the command line's own "interrupted" too was printed
    after a stopped watch's line)."""
    _interrupt_said.set(True)
    typer.echo(line, err=True)
    raise typer.Exit(130)


def fail(message: str, status: int) -> None:
    for line in message.splitlines():
        typer.echo(error_line(line), err=True)
    raise typer.Exit(status)


def error_line(line: str) -> str:
    """``theater-sim: error: LINE``; on a terminal folded at its spaces to the
    terminal's width, its folds indented (the terminal would cut words). In a
    file or a pipe each error stays one line, for grep."""
    text = f"theater-sim: error: {line}"
    return "\n".join(fold(text, 2)) if sys.stderr.isatty() else text
