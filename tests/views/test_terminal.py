"""The command line behaves like the best Unix tools: tables that fit, true help,
completion, and quiet handling of closed pipes and full disks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pytest
from typer.testing import CliRunner

from theater_sim.input.loading import bundled_scenarios
from theater_sim.views.cli import app

PROGRAM = [sys.executable, "-m", "theater_sim"]
CLOCK_ROW = re.compile(r"^\s+\d\d:\d\d( \+\+?)?\s")


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
@pytest.mark.parametrize("extra", [[], ["--replications", "3"]])
def test_the_hourly_table_fits_80_columns_without_splitting_a_number(name: str, extra: list[str]) -> None:
    """Piped at 80 columns, every line fits, and every hourly row is one line that
    starts with its clock (a folded number would start a line with digits)."""
    result = CliRunner(env={"COLUMNS": "80"}).invoke(app, ["run", name, "--quiet", *extra])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= 80
    start = next(i for i, line in enumerate(lines) if line.startswith("Hour by hour"))
    rule = next(i for i in range(start, len(lines)) if "───" in lines[i])
    end = next(i for i in range(rule, len(lines)) if not lines[i].strip())
    body = lines[rule + 1 : end]
    assert body
    assert all(CLOCK_ROW.match(line) for line in body), "\n".join(body)


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_the_day_summary_is_a_table_at_80_columns(name: str) -> None:
    """At 80 columns every bundled day's summary fits as a table: its widest
    words fit, and rich, whose shrinking overshot by a column on
    announcement-rush and autoscale, is asked for a width just under."""
    result = CliRunner(env={"COLUMNS": "80"}).invoke(app, ["run", name, "--quiet"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("Day summary")
    assert lines[start + 1].startswith("┏")
    assert len(lines[start + 1]) <= 80
    assert not any(line.startswith("metric: ") for line in lines)


def test_help_is_plain_text_that_tells_the_truth(runner: CliRunner) -> None:
    result = runner.invoke(app, ["run", "-h"], terminal_width=200)
    assert result.exit_code == 0
    assert "theater-sim[plot]" in result.stdout  # not eaten as markup
    assert "theater-sim[distributed]" in result.stdout
    assert "--json " in result.stdout
    assert "<bool>" not in result.stdout  # flags show as flags
    assert "SCENARIO" in result.stdout


def test_completion_offers_bundled_scenarios_and_metrics() -> None:
    env = {
        **os.environ,
        "_THEATER_SIM_COMPLETE": "complete_bash",
        "COMP_WORDS": "theater-sim run ann",
        "COMP_CWORD": "2",
    }
    done = subprocess.run(PROGRAM, env=env, capture_output=True, text=True, check=False)
    assert done.stdout.split() == ["announcement-rush"]
    env |= {"COMP_WORDS": "theater-sim sweep x --metric p9", "COMP_CWORD": "4"}
    done = subprocess.run(PROGRAM, env=env, capture_output=True, text=True, check=False)
    assert done.stdout.split() == ["p95_wait", "p99_wait"]
    env |= {"COMP_WORDS": "theater-sim scenarios --show pre", "COMP_CWORD": "3"}
    done = subprocess.run(PROGRAM, env=env, capture_output=True, text=True, check=False)
    assert done.stdout.split() == ["premiere-night"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_are_generated(runner: CliRunner, shell: str) -> None:
    # The program's name as the console script gives it: left to Click, it is guessed from
    # sys.argv and __main__, which other tests of the same run may have changed (this once
    # failed in a full run only).
    result = runner.invoke(app, ["--show-completion", shell], prog_name="theater-sim")
    assert result.exit_code == 0, (result.output, repr(result.exception))
    assert "theater" in result.stdout


@pytest.mark.parametrize(
    "args", [["run", "opening-weekend"], ["run", "balanced-day", "--json"], ["schema"], ["scenarios"]]
)
def test_a_closed_pipe_ends_quietly_with_exit_0(args: list[str]) -> None:
    process = subprocess.Popen([*PROGRAM, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.read(10)
    process.stdout.close()
    error = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=60) == 0
    assert error == b""


@pytest.mark.parametrize(
    ("closed", "args", "said"),
    [
        (1, ["run", "balanced-day"], "standard output is closed"),
        (0, ["watch", "balanced-day", "--manage"], "--manage needs a terminal"),
    ],
)
def test_a_stream_closed_before_the_start_is_one_line_and_exit_2(closed: int, args: list[str], said: str) -> None:
    """``>&-`` or ``<&-`` left Python's stream None: 'the run failed:
    AttributeError: NoneType has no attribute isatty', exit 1 (a trial)."""
    done = subprocess.run(
        [*PROGRAM, *args],
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        pass_fds=(),
        preexec_fn=lambda: os.close(closed),
    )
    assert done.returncode == 2
    assert said in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["run", "balanced-day"], ["run", "balanced-day", "--json"], ["schema"]])
def test_a_full_disk_is_one_line_and_exit_1(args: list[str]) -> None:
    with open("/dev/full", "w") as full:  # noqa: PTH123 - a device, not a path to manage
        done = subprocess.run([*PROGRAM, *args], stdout=full, stderr=subprocess.PIPE, text=True, check=False)
    assert done.returncode == 1
    assert done.stderr == "theater-sim: error: cannot write the output (No space left on device)\n"


def test_the_command_line_starts_without_the_simulation() -> None:
    """--version and --help need Typer only: importing the command line loads no NumPy,
    pydantic, SimPy, SciPy or rich (the start-up benchmark measures the time)."""
    heavy = "('numpy', 'pydantic', 'simpy', 'scipy', 'rich', 'yaml', 'asyncio')"
    code = (
        "import sys; import theater_sim.views.cli; "
        f"print(sorted({{m.split('.')[0] for m in sys.modules if m.startswith({heavy})}}))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


#: What ``run --json`` must not load: the terminal (rich), reports, figures, the
#: process pool, the statistics of replications and the exact engine (one day
#: runs on SimPy) are for other commands.
NOT_FOR_RUN_JSON = (
    "rich",
    "matplotlib",
    "scipy",
    "asyncio",
    "concurrent",
    "multiprocessing",
    "statistics",
    "theater_sim.views.formatting",
    "theater_sim.views.day_report",
    "theater_sim.views.plotting",
    "theater_sim.planning.execution",
    "theater_sim.planning.replication",
    "theater_sim.engine.exact",
)


def test_run_json_loads_only_what_it_prints() -> None:
    """``run --json`` is what scripts call in a loop: it loads no terminal library,
    report, plotting or process pool (the start-up benchmark measures the time)."""
    code = (
        "import sys\n"
        "from theater_sim.views.cli import main\n"
        "sys.argv = ['theater-sim', 'run', 'balanced-day', '--json']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {NOT_FOR_RUN_JSON} or m in {NOT_FOR_RUN_JSON}),"
        " file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("{")
    assert done.stderr.splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    ("chosen", "threads"),
    [({}, "1"), ({"OPENBLAS_NUM_THREADS": "3"}, "3"), ({"OMP_NUM_THREADS": "2"}, None)],
)
def test_numpy_starts_one_blas_thread_unless_the_user_chose(chosen: dict[str, str], threads: str | None) -> None:
    """OpenBLAS's idle threads spin at start-up (CPU time, no work: nothing here is
    linear algebra), so the command line asks for one; a user's own setting stands."""
    code = (
        "import atexit, os, sys\n"
        "from theater_sim.views.cli import main\n"
        "atexit.register(lambda: print(os.environ.get('OPENBLAS_NUM_THREADS'), file=sys.stderr))\n"
        "sys.argv = ['theater-sim', 'run', 'balanced-day', '--json']\n"
        "main()\n"
    )
    settings = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")
    env = {name: value for name, value in os.environ.items() if name not in settings} | chosen
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stderr.splitlines()[-1] == str(threads)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "balanced-day", "--replications", "1e20"], "--replications 1e20: must be a whole number"),
        (["run", "balanced-day", "--sellerz", "3"], "No such option: --sellerz (Possible options:"),
        (["run"], "Missing argument 'SCENARIO'"),
        (["runn"], "No such command 'runn'. Did you mean 'run'?"),
    ],
)
def test_parse_errors_are_one_line_with_exit_2(args: list[str], message: str) -> None:
    """Click's own usage errors read like every other user mistake: one line on
    stderr, naming the command's help, exit status 2, nothing on stdout."""
    done = subprocess.run([*PROGRAM, *args], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("theater-sim: error: ")
    assert message in lines[0]
    assert lines[0].endswith("-h')")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["run", "balanced-day", "--seed", "1e3"], "--seed 1e3: must be a whole number (see 'theater-sim run -h')"),
        (["sweep", "balanced-day", "--replications", "2.5"], "--replications 2.5: must be a whole number"),
        (["staff", "balanced-day", "--max-p95-wait", "abc"], "--max-p95-wait abc: must be a number"),
        (
            ["run", "balanced-day", "--sellers", "1,1,2"],
            "--sellers 1,1,2: give one count here; to try several (1:8 or 1,2,4), use 'theater-sim sweep'",
        ),
        (["watch", "balanced-day", "--collectors", "2:4"], "--collectors 2:4: give one count here;"),
        (["run", "balanced-day", "--seed", "-1"], "--seed -1: must lie within 0..9,223,372,036,854,775,807"),
    ],
)
def test_a_value_that_is_not_the_options_number_is_said_as_other_errors_are(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    """Typer reads numbers with pydantic, whose words reached the user ("Invalid
    value for '--sellers': Input should be a valid integer, unable to parse
    string as an integer", for ``run --sellers 1,1,2``: a trial). The option and
    the value as typed, what it must be, and for a count given as a range or
    list, where several are tried."""
    from theater_sim.views import cli

    monkeypatch.setattr(sys, "argv", ["theater-sim", *args])
    with pytest.raises(SystemExit) as ended:
        cli.main()
    assert ended.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"theater-sim: error: {said}")


def test_help_and_version_still_exit_0() -> None:
    for args in (["--version"], ["run", "-h"], ["--help"]):
        done = subprocess.run([*PROGRAM, *args], capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, (args, done.stderr)
        assert done.stdout


@pytest.mark.parametrize("width", [60, 70, 80, 90, 100])
@pytest.mark.parametrize("command", ["run", "sweep", "staff", "watch"])
def test_help_never_splits_a_hyphenated_word(command: str, width: int) -> None:
    """Click wraps help with textwrap, which breaks at hyphens ('theater-' then
    'sim[plot]'); at every width each extra's install name stays whole."""
    done = subprocess.run(
        [*PROGRAM, command, "-h"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, "COLUMNS": str(width)},
    )
    lines = done.stdout.splitlines()
    assert not [line for line in lines if line.rstrip().endswith("theater-")], done.stdout
    assert not [line for line in lines if line.rstrip().endswith(("--max-", "long_wait_", "-"))], done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["run", "opening-weekend"],
        ["run", "announcement-rush", "--replications", "2", "--quiet"],
        ["sweep", "balanced-day", "--sellers", "1:3", "--collectors", "1:2", "--quiet"],
        ["staff", "balanced-day", "--max-p95-wait", "2", "--replications", "2", "--quiet"],
        ["validate", "opening-weekend"],
        ["scenarios"],
    ],
)
def test_piped_output_has_no_trailing_spaces(args: list[str]) -> None:
    """rich pads titles, captions and rows to a table's width; in a pipe or a file
    that is noise (diffs, copy and paste), so each line ends at its last character."""
    done = subprocess.run([*PROGRAM, *args], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip()
    assert [line for line in done.stdout.splitlines() if line != line.rstrip()] == []


_RIGHT_EDGES = {"┏": "┓", "┃": "┃", "┡": "┩", "│": "│", "├": "┤", "└": "┘"}


@pytest.mark.parametrize("width", [60, 75, 80, 120, 200])
@pytest.mark.parametrize(
    "args",
    [
        ["run", "opening-weekend"],
        ["run", "eventual-consistency", "--replications", "2"],
        ["run", "autoscale"],
        ["sweep", "balanced-day", "--sellers", "1:4", "--collectors", "1:4"],
        ["staff", "opening-weekend", "--max-p95-wait", "8", "--replications", "2"],
        ["staff", "eventual-consistency", "--max-stale-share", "0.01", "--replications", "2"],
        ["sweep", "opening-weekend", "--collectors", "1:4", "--replications", "3"],
        ["staff", "eventual-consistency", "--max-p95-wait", "5", "--max-stale-share", "0.01", "--confidence", "0.9"],
        ["scenarios"],
        ["validate", "premiere-night"],
        ["watch", "opening-weekend", "--speed", "inf"],
    ],
)
def test_no_output_is_cut_at_any_width(args: list[str], width: int) -> None:
    """At 60 to 200 columns every line fits, no cell is cut short with an
    ellipsis and no table loses its right edge (rich crops a table wider than
    the terminal): text folds at its spaces (or becomes lines of text in a
    narrow terminal) and numbers stay whole."""
    result = CliRunner(env={"COLUMNS": str(width)}).invoke(
        app, [*args, "--quiet"] if args[0] in {"run", "sweep", "staff"} else args
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    assert [line for line in lines if "…" in line] == []
    cropped = [line for line in lines if line[:1] in _RIGHT_EDGES and line.rstrip()[-1] != _RIGHT_EDGES[line[0]]]
    assert cropped == []


def test_no_progress_bar_leaves_a_line_in_a_log_file(tmp_path: Path) -> None:
    """A bar shows on a terminal only: with stderr in a file, a long command
    writes nothing there (rich used to leave a blank line)."""
    errors = tmp_path / "err.txt"
    with errors.open("w") as stderr:
        subprocess.run(
            [*PROGRAM, "staff", "opening-weekend", "--max-p95-wait", "5", "--replications", "40", "--json"],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            timeout=300,
            check=True,
        )
    assert errors.read_text(encoding="utf-8") == ""


def test_validate_folds_its_lines_under_their_item() -> None:
    """In a narrow terminal each item of validate's summary folds indented
    further, so no fold reads as a new item, and counts are plural words."""
    result = CliRunner(env={"COLUMNS": "60"}).invoke(app, ["validate", "opening-weekend"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("valid: ")
    assert all(line.startswith("  ") for line in lines[1:])
    assert "    21:30, arrivals profile of 4 periods, service" in result.stdout
    assert "6 showings, linked to sales" in result.stdout


def test_an_error_folds_on_a_terminal_and_stays_one_line_in_a_file() -> None:
    """On a terminal a long error folds at its spaces to the terminal's width
    (the terminal would cut words), its folds indented; in a pipe or a file
    it stays one line, for grep."""
    import pty

    command = [*PROGRAM, "staff", "eventual-consistency", "--max-p95-wait", "5", "--replications", "2"]
    env = {**os.environ, "COLUMNS": "60"}
    leader, follower = pty.openpty()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=follower, env=env, timeout=120)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal's other end is closed: all read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    shown = b"".join(chunks).decode().replace("\r\n", "\n").splitlines()
    assert done.returncode == 2
    assert len(shown) > 1
    assert all(len(line) <= 60 for line in shown)
    assert shown[0].startswith("theater-sim: error: collecting: no staffing")
    assert all(line.startswith("  ") for line in shown[1:])
    piped = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert len(piped.stderr.splitlines()) == 1


@pytest.mark.parametrize(("columns", "widest"), [("0", 80), ("-3", 80), ("5", 40), ("abc", 80)])
def test_a_columns_setting_of_no_use_is_not_obeyed(columns: str, widest: int) -> None:
    """COLUMNS=0 printed nothing at all and exited 0; COLUMNS=5 folded a
    letter or two a line. 0 or less means unknown (80 in a pipe), and a
    width under 40 is taken as 40."""
    done = subprocess.run(
        [*PROGRAM, "run", "balanced-day"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "COLUMNS": columns},
    )
    lines = done.stdout.splitlines()
    assert lines[-1] == "Balanced"
    assert max(len(line) for line in lines) <= widest
    assert max(len(line) for line in lines) > widest - 10


def test_ctrl_c_stops_a_watch_at_full_speed_mid_day(tmp_path: Path) -> None:
    """At --speed inf a frame is an hour of the day, and asyncio delivers Ctrl-C
    only at an await: a large day ran to its end and was then thrown away as
    'Stopped at 00:00 +1d' (a trial). The day now yields between batches of
    events, so it stops where it was: before closing (no timing is asserted,
    only that the day shown is unfinished)."""
    import signal
    import time

    path = tmp_path / "large.yaml"
    side = "{counters: 300, arrivals: {rate_per_hour: 100000}, service_minutes: {distribution: fixed, value: 0.1}}"
    path.write_text(f"name: large\nhours: 16\nselling: {side}\ncollecting: {side}\n", encoding="utf-8")
    process = subprocess.Popen(
        [*PROGRAM, "watch", str(path), "--speed", "inf"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline()  # the first frame: the day is under way
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    stopped = [line for line in out.splitlines() if line.startswith("Stopped at ")]
    assert stopped
    assert "+1d" not in stopped[0]
    assert stopped[0] < "Stopped at 23:"  # the doors close at 24:00


def test_a_watch_piped_into_head_ends_when_head_does() -> None:
    """'watch --speed 60 | head -3': a line is written once a simulated hour (a
    real minute here), and a closed pipe was found only at the next write, so
    the command lingered a minute after head had gone (a trial). It ends with
    the reader, quietly, exit 0."""
    process = subprocess.Popen(
        [*PROGRAM, "watch", "tarantino-announced", "--speed", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None
    assert process.stderr is not None
    for _ in range(3):
        assert process.stdout.readline()
    process.stdout.close()
    assert process.wait(timeout=30) == 0  # the next hour's line would come only after 60 s
    assert process.stderr.read() == b""
    process.stderr.close()


def test_ctrl_c_while_the_command_line_loads_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Ctrl-C in the first tenth of a second landed in an import (Typer, rich)
    and printed a traceback (a trial). The console script loads the command line
    under a guard: one line, exit 130. (The interrupt is raised at the import
    itself, so the test does not depend on when a signal lands.)"""
    import builtins

    from theater_sim.views import launch

    real_import = builtins.__import__

    def interrupted(name: str, *args: object, **kwargs: object) -> object:
        if name == "theater_sim.views.cli":
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", interrupted)
    with pytest.raises(SystemExit) as ended:
        launch.main()
    assert ended.value.code == 130
    assert capsys.readouterr().err == "theater-sim: interrupted\n"


def test_a_narrow_staff_table_names_the_side_of_its_margin_row() -> None:
    """At 60 columns the staff table becomes plain lines; its margin row read
    "side: one fewer", whose side only its lost indent had told."""
    result = CliRunner(env={"COLUMNS": "60"}).invoke(
        app, ["staff", "tarantino-announced", "--max-p95-wait", "5", "--replications", "3", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert "side: selling, one fewer; counters: 2" in result.stdout
    assert "side: one fewer" not in result.stdout


def test_ctrl_c_while_the_options_are_parsed_is_said(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Typer turns a Ctrl-C while it parses the options into a quiet exit 130
    (a trial: no word, as if the command had ended by itself); one landing
    while it builds the command line escaped as a traceback. Both say
    "interrupted", exit 130."""
    from theater_sim.views import cli

    def parsing(**_: object) -> int:
        return 130  # what Typer's main returns for a KeyboardInterrupt in make_context

    def building(**_: object) -> int:
        raise KeyboardInterrupt

    for stand_in in (parsing, building):
        monkeypatch.setattr(cli, "app", stand_in)
        with pytest.raises(SystemExit) as ended:
            cli.main()
        assert ended.value.code == 130
        assert capsys.readouterr().err == "theater-sim: interrupted\n"


def _interrupted_with(on_exit: Callable[..., bool]) -> None:
    """A Ctrl-C inside a command's ``ExitStack`` holding ``on_exit``."""
    with ExitStack() as closing:
        closing.push(on_exit)
        raise KeyboardInterrupt


def test_an_interrupted_run_says_in_one_line_what_it_kept(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Ctrl-C during a run of many days: one line, exit 130, saying what was
    kept and how to go on (it was two lines, the hint and then "interrupted",
    where README promises one); the count is the store's rows, not its days
    read back (which took seconds on a big store)."""
    import functools

    import typer

    from theater_sim.planning.store import ResultStore
    from theater_sim.views.cli_common import _hint_when_interrupted, command_scope, user_errors

    path = tmp_path / "kept.sqlite"
    with ResultStore(path, "fingerprint") as store:
        for key in ("a", "b"):
            store.save(key, {})  # type: ignore[typeddict-item]  # any payload will do
        said = {
            None: "nothing was kept: add --store FILE to make a long run resumable",
            store: f"2 finished days are kept in --store {path}: rerun the same command to go on from there",
        }
        for kept, hint in said.items():
            with pytest.raises(typer.Exit) as ended, command_scope(), user_errors():
                _interrupted_with(functools.partial(_hint_when_interrupted, kept))
            assert ended.value.exit_code == 130
            assert capsys.readouterr().err == f"theater-sim: error: interrupted: {hint}\n"
    with pytest.raises(typer.Exit), command_scope(), user_errors():  # the next command has no hint left over
        raise KeyboardInterrupt
    assert capsys.readouterr().err == "theater-sim: error: interrupted\n"


def test_a_ctrl_c_wrapped_in_a_librarys_error_is_an_interrupt(capsys: pytest.CaptureFixture[str]) -> None:
    """pydantic-core building a schema wraps a Ctrl-C in its own SchemaError:
    it read "the run failed: SchemaError: ... KeyboardInterrupt" (exit 1, a trial)."""
    import typer

    from theater_sim.views.cli_common import user_errors

    class SchemaError(Exception):
        pass

    with pytest.raises(typer.Exit) as ended, user_errors():
        raise SchemaError("Error building `definitions` serializer:\n  SchemaError: KeyboardInterrupt: ")
    assert ended.value.exit_code == 130
    assert capsys.readouterr().err == "theater-sim: error: interrupted\n"


_ENDS_AT_CLOSING = """\
name: Ends within the closing minute
opens: "16:00"
hours: 8
showtimes:
  - {film: Big Premiere, starts: "20:00", seats: 600}
  - {film: Big Premiere, starts: "20:15", seats: 500}
selling: {counters: 2, arrivals: {rate_per_hour: 30}, service_minutes: {distribution: exponential, mean: 1.2}}
collecting:
  counters: 3
  arrivals: {showtimes: {occupancy: 0.97, lead_minutes: {distribution: uniform, low: 5, high: 60}}}
  service_minutes: {distribution: exponential, mean: 0.3}
"""


def test_watch_without_a_terminal_never_prints_one_clock_twice(tmp_path: Path) -> None:
    """The doors close at 00:00 and the last buyer leaves seconds later: two lines
    read '00:00 +1d' with different numbers (a trial). The last says 'day over'."""
    day = tmp_path / "late.yaml"
    day.write_text(_ENDS_AT_CLOSING, encoding="utf-8")
    result = CliRunner().invoke(app, ["watch", str(day), "--speed", "inf"])
    assert result.exit_code == 0, result.output
    clocks = [line[:10].strip() for line in result.stdout.splitlines() if "selling    line" in line]
    assert len(clocks) == len(set(clocks)), clocks
    assert clocks[-2:] == ["00:00 +1d", "day over"]


def test_a_second_kill_while_the_command_ends_is_ignored() -> None:
    """GNU timeout signals the command, then its group: the second SIGTERM raised
    again while the store was being counted, and the line lost its count (a
    trial). The first raises ``Terminated``; later ones are ignored."""
    import signal

    from theater_sim.views import cli
    from theater_sim.views.cli_common import Terminated

    before = signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGTERM, cli._terminated)
        with pytest.raises(Terminated):
            cli._terminated(signal.SIGTERM, None)
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, before)
