"""``watch --manage`` on a real terminal (a pseudo-terminal), and without one."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from theater_sim.views.cli import app

ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]")
#: Not a key: ``_drive`` sends the process SIGTERM at that moment (any ``<SIGNAME>`` alike).
SIGTERM = b"<SIGTERM>"


def _drive(args: list[str], keys: list[tuple[float, bytes]], cwd: Path, timeout: float = 60.0) -> tuple[int, str]:
    """Run theater-sim on a pseudo-terminal, pressing ``keys`` at their seconds after the
    dashboard first shows its keys; its exit status and screen."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, on the terminal
        os.chdir(cwd)
        os.environ["COLUMNS"] = "100"
        os.execv(sys.executable, [sys.executable, "-m", "theater_sim", *args])
    out, sent, start = b"", 0, time.monotonic()
    shown_at: float | None = None
    while time.monotonic() - start < timeout:
        if shown_at is None and b"keys: s/x" in out:
            shown_at = time.monotonic()
        now = -1.0 if shown_at is None else time.monotonic() - shown_at
        while sent < len(keys) and keys[sent][0] <= now:
            if keys[sent][1].startswith(b"<SIG"):
                os.kill(pid, getattr(signal, keys[sent][1].strip(b"<>").decode()))
            else:
                os.write(fd, keys[sent][1])
            sent += 1
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            out += data
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), ANSI.sub("", out.decode("utf-8", "replace")).replace("\r", "")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pseudo-terminals as on Linux")
def test_a_managed_day_is_what_run_prints_for_its_record(tmp_path: Path) -> None:
    """Keys open two sellers and a collector while balanced-day plays; the summary
    printed at the end is the one 'run' prints for the --record file."""
    code, screen = _drive(
        ["watch", "balanced-day", "--manage", "--speed", "20000", "--record", "rec.yaml", "--max-p95-wait", "5"],
        [(0.3, b"s"), (0.35, b"s"), (0.6, b"c"), (0.7, b" "), (1.0, b" ")],
        tmp_path,
    )
    assert code == 0, screen[-2000:]
    assert "keys: s/x seller +/-" in screen
    record = tmp_path / "rec.yaml"
    assert "selling:\n  counters:\n  - from:" in record.read_text(encoding="utf-8")
    replay = subprocess.run(
        [sys.executable, "-m", "theater_sim", "run", "rec.yaml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "COLUMNS": "100"},
        check=True,
    ).stdout
    played = [line.rstrip() for line in screen[screen.rindex("Day summary") :].splitlines()]
    replayed = [line.rstrip() for line in replay[replay.index("Day summary") :].splitlines()]
    assert played[: len(replayed)] == replayed
    after = played[len(replayed) :]
    assert after[0] == "Your day against other staffing of the same customers"
    assert any(line.startswith("│ you ") for line in after)
    assert any(line.startswith("│ scenario ") for line in after)
    assert any(line.startswith("│ staff 1/1 ") for line in after)  # staff's answer for a p95 of 5 min
    assert after[-1].startswith("Wrote the day as you managed it to rec.yaml")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pseudo-terminals as on Linux")
def test_quitting_keeps_the_changes_so_far(tmp_path: Path) -> None:
    code, screen = _drive(
        ["watch", "tarantino-announced", "--manage", "--speed", "600", "--record", "rec.yaml"],
        [(0.2, b"s"), (1.0, b"q")],
        tmp_path,
    )
    assert code == 130
    assert "Stopped at" in screen
    assert "theater-sim: stopped" in screen
    assert "count: 2" in (tmp_path / "rec.yaml").read_text(encoding="utf-8")


def test_manage_needs_a_terminal_and_record_needs_manage() -> None:
    runner = CliRunner()
    piped = runner.invoke(app, ["watch", "balanced-day", "--manage"])
    assert piped.exit_code == 2
    assert "--manage needs a terminal" in piped.stderr
    alone = runner.invoke(app, ["watch", "balanced-day", "--record", "x.yaml"])
    assert alone.exit_code == 2
    assert "--record: records a managed day; add --manage" in alone.stderr
    scored = runner.invoke(app, ["watch", "balanced-day", "--max-p95-wait", "5"])
    assert scored.exit_code == 2
    assert "--max-p95-wait: scores a managed day; add --manage" in scored.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pseudo-terminals as on Linux")
def test_the_terminal_is_restored_even_on_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys are read in cbreak mode; an error inside still puts the terminal back."""
    import asyncio
    import pty
    import termios

    from theater_sim.views.keyboard import keys_to

    master, slave = pty.openpty()
    before = termios.tcgetattr(slave)
    monkeypatch.setattr(sys, "stdin", os.fdopen(slave, "r", closefd=False))

    async def fail_inside() -> None:
        queue: asyncio.Queue[str] = asyncio.Queue()
        with keys_to(queue):
            assert not termios.tcgetattr(slave)[3] & termios.ICANON  # cbreak: keys one by one
            os.write(master, b"s")
            await asyncio.sleep(0.05)
            assert queue.get_nowait() == "selling+"
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        asyncio.run(fail_inside())
    assert termios.tcgetattr(slave) == before
    os.close(master)
    os.close(slave)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pseudo-terminals as on Linux")
@pytest.mark.parametrize("ending", [SIGTERM, b"<SIGHUP>", b"<SIGQUIT>"])
def test_sigterm_ends_the_day_like_q(tmp_path: Path, ending: bytes) -> None:
    """kill or timeout (SIGTERM) mid-day: the terminal is restored and --record is
    written. A closed terminal window (SIGHUP) and Ctrl-\\ (SIGQUIT) left the
    terminal in key-by-key mode and wrote no record (a trial): they end it alike,
    with the signal's own status (SIGTERM 143, as everywhere else; it was 130)."""
    code, screen = _drive(["watch", "tarantino-announced", "--manage", "--record", "r.yaml"], [(0.0, ending)], tmp_path)
    name = ending.strip(b"<>").decode()
    assert code == 128 + getattr(signal, name)
    assert f"theater-sim: stopped by {name}" in screen
    assert (tmp_path / "r.yaml").exists()


def test_manage_refuses_an_infinite_speed() -> None:
    result = CliRunner().invoke(app, ["watch", "balanced-day", "--manage", "--speed", "inf"])
    assert result.exit_code == 2
    assert "--manage --speed inf" in result.stderr


@pytest.mark.parametrize("width", [120, 100, 80, 60, 40])
def test_the_live_table_keeps_every_number_whole_at_any_width(width: int) -> None:
    """At 80 columns the live view showed 'now 1,9…', 'came 3,1…', 'wait 178.…'
    (a trial): rich cut its no-wrap columns. The widest layout that fits is
    used (full bars, short bars, none, numbers only), else the plain lines."""
    from rich.console import Console

    from theater_sim.analysis.live import live_status
    from theater_sim.engine.day_plan import compile_day
    from theater_sim.engine.theater import prepare_day
    from theater_sim.input.loading import load_scenario
    from theater_sim.views.dashboard import fitting_status

    scenario, _ = load_scenario("tarantino-announced")
    model = prepare_day(compile_day(scenario))
    model.env.run(until=600.0)
    status = live_status(model, scenario, model.env.now)
    console = Console(width=width, color_system=None)
    with console.capture() as captured:
        console.print(fitting_status(status, "Tarantino announced (you manage)", console))
    shown = captured.get()
    assert "…" not in shown
    assert max(len(line) for line in shown.splitlines()) <= width
    for number in (f"{status.selling.line:,}", f"{status.selling.mean_wait_minutes:.2f}", f"{status.selling.failed:,}"):
        assert number in shown


@pytest.mark.parametrize(("name", "minute"), [("tarantino-announced", 600.0), ("lunch-closure", 150.0)])
def test_80_columns_hold_the_table_with_the_oldest_wait(name: str, minute: float) -> None:
    """The oldest-wait column made the numbers-only table 82 columns wide at the
    rush and during a closure (``0/0 closed``), and the view fell back to plain
    lines for most of the day (a trial): the compact table keeps one space
    between columns and fits."""
    from rich.console import Console
    from rich.table import Table

    from theater_sim.analysis.live import live_status
    from theater_sim.engine.day_plan import compile_day
    from theater_sim.engine.theater import prepare_day
    from theater_sim.input.loading import load_scenario
    from theater_sim.views.dashboard import fitting_status

    scenario, _ = load_scenario(name)
    model = prepare_day(compile_day(scenario))
    model.env.run(until=minute)
    status = live_status(model, scenario, minute)
    assert status.selling.line > 0
    shown = fitting_status(status, f"{scenario.name} (you manage)", Console(width=80, color_system=None))
    assert isinstance(shown, Table)
    assert "oldest" in [column.header for column in shown.columns]


def test_narrow_plain_lines_fold_between_pairs() -> None:
    """At 40 columns the plain lines fold between a name and its number's pairs,
    never inside one (``pressure`` at a line's end, ``0.84`` on the next)."""
    from theater_sim.analysis.live import live_status
    from theater_sim.engine.day_plan import compile_day
    from theater_sim.engine.theater import prepare_day
    from theater_sim.input.loading import load_scenario
    from theater_sim.views.dashboard import plain_status

    scenario, _ = load_scenario("lunch-closure")
    model = prepare_day(compile_day(scenario))
    model.env.run(until=121.0)
    lines = plain_status(live_status(model, scenario, 121.0), width=40).splitlines()
    assert any(re.search(r"busy \d+/0 closed", line) for line in lines)
    assert any(re.search(r"oldest [0-9.]+/- min", line) for line in lines)
    for line in lines:
        assert not line.rstrip().endswith(("line", "busy", "served", "wait", "pressure", "oldest", "/0")), line
        assert "\u00a0" not in line


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pseudo-terminals as on Linux")
def test_the_signal_handlers_before_the_keys_are_put_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """asyncio's remove_signal_handler leaves SIGTERM at its default: a kill while
    the managed day's summary was printed ended the command silently, without
    its 'terminated' line or the clean-up (a trial). keys_to puts back the
    handlers it found."""
    import asyncio
    import pty

    from theater_sim.views.keyboard import keys_to

    controller, terminal = pty.openpty()
    monkeypatch.setattr(sys, "stdin", os.fdopen(terminal, "r", closefd=False))

    def mine(_signal: int, _frame: object) -> None:
        """A handler of the command's own."""

    previous = signal.signal(signal.SIGTERM, mine)
    try:

        async def inside() -> object:
            queue: asyncio.Queue[str] = asyncio.Queue()
            with keys_to(queue):
                return signal.getsignal(signal.SIGTERM)

        during = asyncio.run(inside())
        assert during is not mine
        assert signal.getsignal(signal.SIGTERM) is mine
    finally:
        signal.signal(signal.SIGTERM, previous)
        os.close(controller)
        os.close(terminal)
