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
import gc
import importlib
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

import typer
import typer.core

from theater_sim.model.errors import shorten
from theater_sim.views import cli_day, cli_plans
from theater_sim.views.cli_common import (
    EXIT_FAILED_RUN,
    EXIT_TERMINATED,
    OUTPUT_ERRORS,
    Terminated,
    app,
    command_scope,
    error_line,
    interrupt_said,
    user_errors,
)

__all__ = ["app", "main"]


def _guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """``command``, with failures to write standard output handled like other Unix tools."""

    @functools.wraps(command)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            # Rendering runs after a command's own error handling: guard it too, so a
            # bad value anywhere (a forged store row) is one line, never a traceback.
            with command_scope(), user_errors():
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


def _help_keeps_hyphenated_words() -> None:
    """Click wraps help text with ``textwrap``, which breaks words at hyphens, so
    ``theater-sim[plot]`` could print as ``theater-`` / ``sim[plot]``: a command
    nobody can copy. Its wrapper is looked up from its module at every call, so
    a subclass that keeps hyphenated words whole is put there (in the click
    typer vendors, or in click itself when that is the one typer loaded)."""
    for name in ("typer._click._textwrap", "click._textwrap"):
        if name.split(".")[0] == "click" and "click" not in sys.modules:
            continue  # typer runs on its own click: loading this one would only cost start-up time
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        wrapper = getattr(module, "TextWrapper", None)
        if isinstance(wrapper, type) and not getattr(wrapper, "keeps_hyphens", False):
            keeping = type("TextWrapper", (wrapper,), {"keeps_hyphens": True, "__init__": _keeping(wrapper)})
            setattr(module, "TextWrapper", keeping)  # noqa: B010 - the module attribute click reads


def _keeping(base: type) -> Callable[..., None]:
    base_init: Callable[..., None] = base.__init__  # type: ignore[misc]

    def __init__(self: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("break_on_hyphens", False)
        base_init(self, *args, **kwargs)

    return __init__


_help_keeps_hyphenated_words()


class _Command(typer.core.TyperCommand):
    """A command whose usage line names its argument plainly (``SCENARIO``), as
    its help does, where typer >= 0.29 writes a required one as ``{SCENARIO}``."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces: list[str] = super().collect_usage_pieces(ctx)
        return [piece[1:-1] if piece.startswith("{") and piece.endswith("}") else piece for piece in pieces]


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
    app.command(cls=_Command)(_guarded(command))


def main() -> None:
    """Entry point of the ``theater-sim`` console script (and ``python -m theater_sim``).

    Click's own parse errors (an unknown option, ``--sellers two``) would print
    a usage block, a hint and a framed message; like every other user mistake
    they are one line here, naming the command and where to find its help,
    with exit status 2.
    """
    # A kill (SIGTERM) ends the command like Ctrl-C does: files half written are
    # removed and the store closed, rather than a temporary file left behind.
    signal.signal(signal.SIGTERM, _terminated)
    if sys.stdout is None:  # started with stdout closed (>&-): nothing could be printed, or reported there
        if sys.stderr is not None:
            sys.stderr.write(
                "theater-sim: error: standard output is closed; redirect it to a file (or /dev/null) instead\n"
            )
        sys.exit(2)
    _one_blas_thread()
    _sane_columns()
    try:
        code = app(prog_name="theater-sim", standalone_mode=False)
    except (typer.Abort, KeyboardInterrupt):  # a Ctrl-C while Typer builds the command line
        typer.echo("theater-sim: interrupted", err=True)
        sys.exit(130)
    except Terminated:  # a kill before the command's own guard (which says what was kept)
        typer.echo("theater-sim: terminated", err=True)
        sys.exit(EXIT_TERMINATED)
    except Exception as error:
        # Typer raises click's exceptions, or those of the click it vendors
        # (typer >= 0.29): known by their shape, not by one module's classes.
        if not (hasattr(error, "format_message") and hasattr(error, "exit_code")):
            raise
        if type(error).__name__ == "NoArgsIsHelpError":  # bare ``theater-sim``: the help, as click prints it
            typer.echo(error.format_message(), err=True)
            sys.exit(error.exit_code)
        typer.echo(error_line(_click_message(error)), err=True)
        sys.exit(error.exit_code)
    if code == 130 and not interrupt_said():  # a Ctrl-C while Typer parsed the options: it ends quietly
        typer.echo("theater-sim: interrupted", err=True)
    _no_collection_at_exit()
    sys.exit(code if isinstance(code, int) else 0)


#: What OpenBLAS reads, in this order, for how many threads to start.
_BLAS_THREAD_SETTINGS = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")


def _one_blas_thread() -> None:
    """Ask NumPy's OpenBLAS for one thread, unless the user chose a number.

    OpenBLAS starts a thread per core when NumPy loads, and the idle ones
    spin a while before they sleep: on a two-core machine that cost
    ``run --json`` 50-110 ms of its 0.4 s of CPU. theater-sim does no linear
    algebra, so the threads never work. OpenBLAS reads the setting once, when
    NumPy loads (later, in the command); it reaches this process and the
    worker processes it starts, where one thread each is right too.
    """
    if not any(name in os.environ for name in _BLAS_THREAD_SETTINGS):
        os.environ["OPENBLAS_NUM_THREADS"] = "1"


#: The narrowest layout the reports are made for; a narrower COLUMNS is taken as this.
MIN_COLUMNS = 40


def _sane_columns() -> None:
    """A ``COLUMNS`` the reports can use: 0 or less means unknown (rich printed
    nothing at all for 0, and exited 0), and under ``MIN_COLUMNS`` a report
    would fold a letter or two a line; the terminal folds the wider lines instead."""
    value = os.environ.get("COLUMNS")
    if value is None:
        return
    try:
        columns = int(value)
    except ValueError:  # not a number: rich ignores it
        return
    if columns < 1:
        del os.environ["COLUMNS"]
    elif columns < MIN_COLUMNS:
        os.environ["COLUMNS"] = str(MIN_COLUMNS)


def _no_collection_at_exit() -> None:
    """Spare the interpreter's last search for garbage: the command is done.

    As it tears the modules down at exit, Python searches the objects still
    alive (some 40,000: NumPy's, pydantic's schemas, Typer's) for reference
    cycles, to free memory the operating system takes back anyway: 25-40 ms
    of ``run --json``'s CPU. ``gc.freeze`` moves them out of the search.
    Objects are still released by reference counting as the modules go, and
    the command has written, flushed and closed its output by now
    (finalizers of objects in cycles were never promised to run at exit).
    """
    gc.freeze()


def _terminated(_signal: int, _frame: object) -> None:
    # Once: the command is ending. A second kill (GNU timeout signals the command, then its
    # group) raised again while the store was counted, and the line lost its count (a trial).
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Terminated


def _click_message(error: Any) -> str:
    """A click error as one line, with where to find the command's help for usage errors."""
    message = _number_message(error) or " ".join(str(error.format_message()).split())
    context = getattr(error, "ctx", None)
    if context is None:
        return message
    return f"{message} (see '{context.command_path} -h')"


#: What an option's value must be, by the complaint of the pydantic that Typer reads numbers with.
_NUMBER_WANTED = {"int_parsing": "a whole number", "int_from_float": "a whole number", "float_parsing": "a number"}
#: Options that take one count here and several in ``sweep``.
_COUNT_OPTIONS = ("--sellers", "--collectors", "--projectors")


def _number_message(error: Any) -> str | None:
    """``--seed 1e3: must be a whole number`` for a value Typer could not read
    as the option's number, in the words of the other option errors (Typer's
    read "Invalid value for '--seed': Input should be a valid integer, unable
    to parse string as an integer"); None for any other error."""
    param, problems = getattr(error, "param", None), getattr(error.__cause__, "errors", None)
    if param is None or not callable(problems):
        return None
    try:
        first = problems()[0]
        wanted = _NUMBER_WANTED.get(first["type"])
        option, given = max(param.opts, key=len), str(first["input"])
    except (TypeError, LookupError, ValueError, AttributeError):
        return None
    if wanted is None:
        return None
    if option in _COUNT_OPTIONS and any(mark in given for mark in ",:"):
        return f"{option} {shorten(given)}: give one count here; to try several (1:8 or 1,2,4), use 'theater-sim sweep'"
    return f"{option} {shorten(given)}: must be {wanted}"
