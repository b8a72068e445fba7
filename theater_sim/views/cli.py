"""The ``theater-sim`` command line: parse, call the domain once, render once.

The commands live in ``cli_day`` (run, watch, validate, scenarios, schema)
and ``cli_plans`` (sweep, staff); what they share (the app, options, loading,
checks and error handling) in ``cli_common``. They are registered here, in
the order ``--help`` lists them, each guarded so that standard output going
away behaves as Unix tools do: a closed pipe (``| head``) ends the command
quietly with exit 0, a full disk (``> /dev/full``) with one line and exit 1.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any

import typer

from theater_sim.views import cli_day, cli_plans
from theater_sim.views.cli_common import EXIT_FAILED_RUN, OUTPUT_ERRORS, app, user_errors

__all__ = ["app", "main"]


def _guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """``command``, with failures to write standard output handled like other Unix tools."""

    @functools.wraps(command)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            # Rendering runs after a command's own error handling: guard it too, so a
            # bad value anywhere (a forged store row) is one line, never a traceback.
            with user_errors():
                result = command(*args, **kwargs)
                sys.stdout.flush()  # a closed pipe or a full disk shows here, not at exit
            return result
        except BrokenPipeError:
            _stdout_to_devnull()  # nothing more can be written; flushing at exit must not fail
            raise typer.Exit(0) from None
        except OSError as error:
            if error.errno not in OUTPUT_ERRORS:
                raise
            _stdout_to_devnull()
            typer.echo(f"theater-sim: error: cannot write the output ({error.strerror or error})", err=True)
            raise typer.Exit(EXIT_FAILED_RUN) from None

    return guarded


def _stdout_to_devnull() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test runner's stdout)
        pass


for command in (
    cli_day.run,
    cli_plans.sweep,
    cli_plans.staff,
    cli_day.watch,
    cli_day.validate,
    cli_day.scenarios,
    cli_day.schema,
):
    app.command()(_guarded(command))


def main() -> None:
    """Entry point of the ``theater-sim`` console script (and ``python -m theater_sim``)."""
    app(prog_name="theater-sim")
