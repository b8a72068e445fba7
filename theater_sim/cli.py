"""The ``theater-sim`` command line: parse, call the domain once, render once.

User mistakes (a missing file, a bad key, an out-of-range option) become a
short message on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from theater_sim import __version__
from theater_sim.day import run_day
from theater_sim.errors import ScenarioError, format_validation_error
from theater_sim.loading import bundled_scenarios, load_scenario
from theater_sim.report import render_day, render_scenario_list, render_validated, to_json
from theater_sim.scenario import MAX_COUNTERS_PER_SIDE, MAX_SEED, Scenario

__all__ = ["app", "main"]

EXIT_FAILED_RUN = 1
EXIT_BAD_INPUT = 2

app = typer.Typer(
    name="theater-sim",
    help="Simulate a CQRS movie theater: selling counters (commands) and collecting counters (queries), "
    "each scaled on its own.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ScenarioArgument = Annotated[
    str,
    typer.Argument(help="A scenario YAML file, or the name of a bundled scenario (see 'theater-sim scenarios')."),
]


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
        typer.Option(min=1, max=MAX_COUNTERS_PER_SIDE, help="Selling counters, overriding the scenario."),
    ] = None,
    collectors: Annotated[
        int | None,
        typer.Option(min=1, max=MAX_COUNTERS_PER_SIDE, help="Collecting counters, overriding the scenario."),
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, max=MAX_SEED, help="Seed, overriding the scenario's.")] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object on stdout and nothing else.")
    ] = False,
) -> None:
    """Simulate one day and print both sides' summary and the verdict."""
    with _user_errors():
        day, _ = _load(scenario, sellers=sellers, collectors=collectors, seed=seed)
        result = run_day(day)
        output = to_json(result) + "\n" if json_output else None
    if output is not None:
        sys.stdout.write(output)
    else:
        render_day(result, Console(), scenario)


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


def _load(source: str, **overrides: int | None) -> tuple[Scenario, str]:
    day, origin = load_scenario(source)
    try:
        return day.overridden(**overrides), origin
    except ValidationError as error:
        raise ScenarioError(format_validation_error(error, "command-line options")) from None


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn the domain's errors into a message and an exit status."""
    try:
        yield
    except ScenarioError as error:
        _fail(str(error), EXIT_BAD_INPUT)
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
