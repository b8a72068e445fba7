"""Outputs are written whole or not at all, and never into a pipe, device or another output.

Fault injection: a write that fails halfway (an exception from the writer, a
full disk via RLIMIT_FSIZE, a SIGKILL mid-write) leaves the earlier file
intact and nothing under the target's name that looks finished.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from theater_sim.model.errors import RunError
from theater_sim.views.cli import app
from theater_sim.views.output_files import write_atomically, write_chunks


def test_a_failing_writer_leaves_the_old_file_and_no_fragment(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")

    def chunks() -> object:
        yield "new,"
        raise KeyboardInterrupt  # Ctrl-C halfway

    with pytest.raises(KeyboardInterrupt):
        write_chunks(target, chunks())  # type: ignore[arg-type]
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_full_disk_leaves_the_old_file(tmp_path: Path) -> None:
    """RLIMIT_FSIZE stands in for a full disk: the write fails, the old file stays."""
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    code = textwrap.dedent(
        f"""
        import resource, signal
        from pathlib import Path
        from theater_sim.views.output_files import write_chunks
        from theater_sim.model.errors import RunError
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (10_000, 10_000))
        try:
            write_chunks(Path({str(target)!r}), ["x" * 1000] * 100)
        except RunError as error:
            print("RunError:", error)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "RunError:" in result.stdout
    assert "any earlier file is intact" in result.stdout
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_killed_writer_never_leaves_a_file_that_looks_finished(tmp_path: Path) -> None:
    target = tmp_path / "customers.csv"
    target.write_text("old\n")
    code = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from theater_sim.views.output_files import write_chunks
        def slow():
            for _ in range(1000):
                yield "row\\n" * 100
                time.sleep(0.01)
        write_chunks(Path({str(target)!r}), slow())
        """
    )
    process = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 30
    while not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert target.read_text() == "old\n"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "customers.csv"]
    assert all(name.startswith(".customers.csv.") and name.endswith(".tmp") for name in leftovers)


def test_the_new_file_keeps_the_old_files_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    write_chunks(target, ["new\n"])
    assert target.read_text() == "new\n"
    assert (target.stat().st_mode & 0o777) == 0o640


def test_a_link_is_replaced_not_written_through(tmp_path: Path) -> None:
    """--force onto a link to some other file must not overwrite that file."""
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n")
    link = tmp_path / "out.csv"
    link.symlink_to(precious)
    write_atomically(link, lambda temporary: temporary.write_text("new\n"))
    assert precious.read_text() == "keep me\n"
    assert not link.is_symlink()
    assert link.read_text() == "new\n"


def test_write_failure_is_a_failed_run(tmp_path: Path) -> None:
    def refuse(_temporary: Path) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(RunError, match="No space left on device"):
        write_atomically(tmp_path / "x.csv", refuse)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("fifo", "is not a regular file"),
        ("/dev/null", "is in a system folder"),
        ("dangling", "is a link; give the file itself"),
        ("link", "is a link; give the file itself"),
        ("x" * 300 + ".csv", "cannot be written (File name too long)"),
        ("", "give a file name"),
        ("missing/out.csv", "does not exist"),
    ],
)
def test_unusable_targets_are_refused_before_the_work(
    runner: CliRunner, tmp_path: Path, target: str, message: str
) -> None:
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "precious.txt").write_text("keep me\n")
    (tmp_path / "link").symlink_to(tmp_path / "precious.txt")
    path = target if target.startswith("/") or not target else str(tmp_path / target)
    started = time.monotonic()
    result = runner.invoke(app, ["run", "balanced-day", "--csv", path, "--force", "--quiet"])
    assert time.monotonic() - started < 10  # a FIFO never hangs the run
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (tmp_path / "precious.txt").read_text() == "keep me\n"


@pytest.mark.parametrize(
    "args",
    [
        ["run", "balanced-day", "--replications", "2", "--csv", "{k}", "--store", "{k}", "--force"],
        ["sweep", "balanced-day", "--sellers", "1:2", "--csv", "{k}", "--store", "{k}", "--force"],
        ["staff", "balanced-day", "--max-p95-wait", "5", "--write-scenario", "{k}", "--store", "{k}", "--force"],
    ],
)
def test_the_store_cannot_be_another_output(runner: CliRunner, tmp_path: Path, args: list[str]) -> None:
    """--csv k.db --store k.db --force used to destroy the store."""
    store = tmp_path / "k.db"
    first = runner.invoke(app, ["run", "balanced-day", "--replications", "2", "--store", str(store), "--quiet"])
    assert first.exit_code == 0
    before = store.read_bytes()
    result = runner.invoke(app, [arg.replace("{k}", str(store)) for arg in args])
    assert result.exit_code == 2
    assert "give each output its own file" in result.stderr
    assert store.read_bytes() == before


@pytest.mark.parametrize("side_file", ["-wal", "-shm", "-journal"])
def test_an_output_cannot_be_a_file_sqlite_keeps_beside_the_store(
    runner: CliRunner, tmp_path: Path, side_file: str
) -> None:
    """SQLite deletes these when the store closes: a CSV written there would vanish."""
    store = tmp_path / "k.sqlite"
    result = runner.invoke(
        app, ["run", "balanced-day", "--replications", "2", "--store", str(store), "--csv", f"{store}{side_file}"]
    )
    assert result.exit_code == 2
    assert "give each output its own file" in result.stderr
    assert "(or one SQLite keeps beside it)" in result.stderr


def test_two_outputs_at_one_path_without_a_store_name_no_sqlite(runner: CliRunner, tmp_path: Path) -> None:
    """--plot a.png --csv a.png said "(or one SQLite keeps beside it)" of a run without a store (a trial)."""
    out = str(tmp_path / "a.png")
    result = runner.invoke(app, ["run", "balanced-day", "--plot", out, "--csv", out])
    assert result.exit_code == 2
    assert "is also the --csv file; give each output its own file" in " ".join(result.stderr.split())
    assert "SQLite" not in result.stderr


def test_csv_dash_writes_the_table_to_standard_output(runner: CliRunner) -> None:
    customers = runner.invoke(app, ["run", "balanced-day", "--csv", "-"])
    assert customers.exit_code == 0, customers.output
    lines = customers.stdout.splitlines()
    assert lines[0].startswith("side,customer,arrival_at_minute")
    assert len(lines) == 1 + 2000
    hours = runner.invoke(app, ["run", "balanced-day", "--hourly-csv", "-"])
    assert hours.stdout.startswith("hour,clock,side,")
    both = runner.invoke(app, ["run", "balanced-day", "--csv", "-", "--json"])
    assert both.exit_code == 2
    assert "only one output can go to standard output" in both.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "balanced-day", "--plot", ""], "--plot"),
        (["run", "balanced-day", "--max-memory", "inf"], "positive, finite size"),
        (["sweep", "balanced-day", "--sellers", "1:99999999999999999999"], "must lie within 1..10,000"),
        (["sweep", "balanced-day", "--sellers", "1:2", "--scheduler", "tls://127.0.0.1:9"], "tls:// needs"),
    ],
)
def test_bad_options_are_bad_input_not_a_failed_run(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_a_terminated_run_leaves_no_temporary_file(tmp_path: Path) -> None:
    """SIGTERM (a kill, a timeout) mid-write ends the command like Ctrl-C: exit
    143, the earlier file intact, and no hidden temporary file left beside it."""
    scenario = tmp_path / "big.yaml"
    scenario.write_text(
        "name: big\nselling: {counters: 400, arrivals: {total: 600000}, service_minutes: {distribution: fixed,"
        " value: 0.5}}\ncollecting: {counters: 1, arrivals: {total: 10}, service_minutes: {distribution: fixed,"
        " value: 1}}\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.csv"
    target.write_text("earlier\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "theater_sim", "run", str(scenario), "--csv", str(target), "--force", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.csv.*.tmp")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    _, error = process.communicate(timeout=60)
    if process.returncode == 0:  # finished before the signal: nothing to check
        pytest.skip("the run finished before it could be terminated")
    assert process.returncode == 143, error
    assert "Traceback" not in error
    assert target.read_text(encoding="utf-8") == "earlier\n"
    assert list(tmp_path.glob(".out.csv.*")) == []


def test_an_immutable_file_is_refused_before_the_work(runner: CliRunner, tmp_path: Path) -> None:
    """A file marked immutable (``chattr +i``) cannot be replaced even by root
    with --force: refused at once with exit 2 naming the option, not after
    the day has run (exit 1, naming no option). A file merely without write
    permission is replaced (its folder is writable)."""
    locked = tmp_path / "locked.csv"
    locked.write_text("old\n", encoding="utf-8")
    done = subprocess.run(["chattr", "+i", str(locked)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not available here ({done.stderr.decode(errors='replace').strip()})")
    try:
        result = runner.invoke(app, ["run", "balanced-day", "--csv", str(locked), "--force"])
    finally:
        subprocess.run(["chattr", "-i", str(locked)], check=True)
    assert result.exit_code == 2
    assert result.stderr.startswith("theater-sim: error: --csv ")  # the path, cut to fit
    assert result.stderr.rstrip().endswith("locked.csv: cannot be written (Operation not permitted)")
    assert "Day summary" not in result.stdout
    read_only = tmp_path / "read-only.csv"
    read_only.write_text("old\n", encoding="utf-8")
    read_only.chmod(0o444)
    assert runner.invoke(app, ["run", "balanced-day", "--csv", str(read_only), "--force"]).exit_code == 0
    assert read_only.read_text(encoding="utf-8").startswith("side,customer,")


@pytest.mark.parametrize(("code", "refused"), [(errno.EPERM, True), (errno.EACCES, False)])
def test_only_a_file_no_one_may_replace_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, refused: bool
) -> None:
    """Opening the existing file for writing tells the two apart: EPERM (immutable
    or append-only: even a rename over it fails) is refused before the work;
    EACCES (merely no write permission, as for a user who is not root) is not,
    since the file is written beside it and moved into place."""
    from theater_sim.model.errors import ScenarioError
    from theater_sim.views.output_files import check_writable

    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    real_open = os.open

    def open_refusing(path: Any, flags: int, *args: Any) -> int:
        if Path(path) == target and flags & os.O_WRONLY:
            raise PermissionError(code, os.strerror(code), str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", open_refusing)
    if refused:
        with pytest.raises(ScenarioError, match=r"^--csv .*out\.csv: cannot be written \(Operation not permitted\)$"):
            check_writable("--csv", target, force=True)
    else:
        check_writable("--csv", target, force=True)


_LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384))
from theater_sim.views.cli import main
sys.argv = ["theater-sim", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("args", [["run", "tarantino-announced", "--json"], ["schema"]])
def test_a_short_write_to_standard_output_is_an_error_not_a_cut_file(tmp_path: Path, args: list[str]) -> None:
    """The file system takes part of a write and refuses the rest (a disk
    filling up; here a file-size limit): Python's buffered stdout reported the
    short write as a count its text layer dropped, so `run --json > file` left
    a cut JSON document and exit 0 (a trial). ``write_out`` writes the rest
    again, the refusal is raised, and the command says so: exit 1."""
    out = tmp_path / "out.json"
    with out.open("wb") as stdout:
        done = subprocess.run(
            [sys.executable, "-c", _LIMITED, *args], stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120
        )
    assert out.stat().st_size == 16384  # cut: the output is longer
    assert done.returncode == 1, done.stderr
    assert done.stderr == "theater-sim: error: cannot write the output (File too large)\n"


def test_an_output_that_is_one_of_the_commands_inputs_is_refused_even_with_force(tmp_path: Path) -> None:
    """``run day.yaml --csv day.yaml --force`` replaced the scenario with its
    customers, and an hourly CSV over the scenario's own trace replaced the
    trace (a trial): outputs were checked against each other, not against the
    files read. Each is refused now (exit 2), naming what the file is, and
    left as it was; the same file through another path too."""
    (tmp_path / "tr.csv").write_text("at\n09:00\n09:05\n", encoding="utf-8")
    scenario = tmp_path / "day.yaml"
    scenario.write_text(
        "name: traced\nopens: '08:00'\nhours: 4\n"
        "selling: {counters: 1, arrivals: {trace: tr.csv}, service_minutes: {distribution: fixed, value: 1}}\n"
        "collecting: {counters: 1, arrivals: {total: 3}, service_minutes: {distribution: fixed, value: 1}}\n",
        encoding="utf-8",
    )
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    sub = tmp_path / "sub"
    sub.mkdir()
    cases = [
        (["run", str(scenario), "--csv", str(scenario)], "scenario file"),
        (["run", str(scenario), "--hourly-csv", str(tmp_path / "tr.csv")], "selling.arrivals.trace file"),
        (["sweep", str(scenario), "--sellers", "1:2", "--csv", str(sub / ".." / "tr.csv")], "selling.arrivals.trace"),
        (["staff", str(scenario), "--max-p95-wait", "5", "--write-scenario", str(scenario)], "scenario file"),
    ]
    for args, what in cases:
        result = CliRunner().invoke(app, [*args, "--force"])
        assert result.exit_code == 2, (args, result.output)
        assert f": is the {what}" in result.stderr
        assert "this command reads; give the output its own file" in result.stderr
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir() if path.is_file()} == before


def test_a_replicated_run_says_its_customer_file_is_the_first_day(tmp_path: Path) -> None:
    """``run --replications 3 --csv FILE`` wrote the first day's customers
    beside a summary of three days, with not a word on the terminal (a trial):
    a note on stderr says which day the file holds, and ``--quiet`` keeps it quiet."""
    runner = CliRunner()
    args = ["run", "balanced-day", "--replications", "3", "--seed", "5", "--csv", str(tmp_path / "c.csv"), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert "note: --csv shows only the first of the 3 days (seed 5, the day a single run gives)" in result.stderr
    single = runner.invoke(app, ["run", "balanced-day", "--seed", "5", "--csv", "-"])
    assert (tmp_path / "c.csv").read_text(encoding="utf-8") == single.stdout
    quiet = runner.invoke(app, [*args, "--force", "--quiet"])
    assert quiet.exit_code == 0
    assert quiet.stderr == ""


@pytest.mark.parametrize("below", ["x.csv", "deeper/x.csv"])
def test_an_output_under_a_file_says_the_file_is_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, below: str
) -> None:
    """``--csv out.csv/x.csv`` said "the folder out.csv does not exist" of a file that does."""
    monkeypatch.chdir(tmp_path)
    Path("out.csv").write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", "balanced-day", "--csv", f"out.csv/{below}"])
    assert result.exit_code == 2
    assert f"--csv out.csv/{below}: out.csv is a file, not a folder" in result.stderr


def test_a_name_with_a_newline_is_one_error_line(tmp_path: Path) -> None:
    """A scenario or output name holding a newline made two error lines (a
    trial): such characters are shown as their escapes."""
    runner = CliRunner()
    missing = runner.invoke(app, ["run", "no\nsuch.yaml"])
    assert missing.exit_code == 2
    assert len(missing.stderr.splitlines()) == 1
    assert "no\\nsuch.yaml: no such file" in missing.stderr
    output = runner.invoke(app, ["run", "balanced-day", "--csv", str(tmp_path / "a\nb" / "x.csv")])
    assert output.exit_code == 2
    assert len(output.stderr.splitlines()) == 1
    assert "a\\nb does not exist" in output.stderr
