"""Running tasks: stores that resume, refuse strangers, survive SIGKILL; Dask gives the same."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from theater_sim import __version__
from theater_sim.analysis.contract import DayData
from theater_sim.input.loading import load_scenario
from theater_sim.model.errors import RunError, ScenarioError
from theater_sim.planning.execution import Runner, check_scheduler_address
from theater_sim.planning.store import ResultStore
from theater_sim.planning.sweep import sweep_digest
from theater_sim.planning.tasks import Task, as_run_task, scenario_fingerprint, store_about


def _store(path: Path, name: str = "balanced-day", version: str = __version__) -> ResultStore:
    scenario, _ = load_scenario(name)
    return ResultStore(path, scenario_fingerprint(scenario, version), store_about(scenario, version))


def test_store_resumes_without_rerunning(tmp_path: Path) -> None:
    scenario, _ = load_scenario("balanced-day")
    tasks = [Task(s, None, r) for s in (1, 2) for r in range(2)]
    first = Runner(store=_store(tmp_path / "r.sqlite")).run(scenario, tasks)
    seen: list[tuple[int, int]] = []
    again = Runner(store=_store(tmp_path / "r.sqlite"), progress=lambda d, t: seen.append((d, t))).run(scenario, tasks)
    assert again == first
    assert seen == [(4, 4)]  # everything came from the store at once


def test_store_refuses_another_scenario(tmp_path: Path) -> None:
    scenario, _ = load_scenario("balanced-day")
    Runner(store=_store(tmp_path / "r.sqlite")).run(scenario, [Task(None, None, 0)])
    with pytest.raises(
        ScenarioError, match=re.escape("another run (scenario 'Balanced day' there, 'Premiere night' here)")
    ):
        _store(tmp_path / "r.sqlite", "premiere-night")


def test_store_refuses_another_version(tmp_path: Path) -> None:
    store = _store(tmp_path / "r.sqlite", version="0.0.1")
    store.save("x", {})  # type: ignore[typeddict-item]  # any payload will do
    with pytest.raises(ScenarioError, match=re.escape(f"another run (theater-sim 0.0.1 there, {__version__} here)")):
        _store(tmp_path / "r.sqlite")


def test_a_store_made_before_it_recorded_its_run_is_refused_with_the_fingerprints(tmp_path: Path) -> None:
    """A store made without the words of its run (before they were recorded)
    is still refused, naming the two fingerprints; one whose run differs only
    in the scenario's contents says so."""
    scenario, _ = load_scenario("balanced-day")
    ResultStore(tmp_path / "old.sqlite", "a" * 32).close()
    with pytest.raises(ScenarioError, match=r"another scenario, seed or theater-sim version: a{32}, not [0-9a-f]{32}"):
        _store(tmp_path / "old.sqlite")
    edited = scenario.model_copy(update={"hours": scenario.hours - 1})
    ResultStore(
        tmp_path / "r.sqlite", scenario_fingerprint(edited, __version__), store_about(edited, __version__)
    ).close()
    with pytest.raises(ScenarioError, match=r"but other contents \(or trace data\): edited since"):
        _store(tmp_path / "r.sqlite")


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("missing-folder/r.sqlite", "does not exist"),
        ("not-a-db.sqlite", "not an SQLite file"),
        (".", "not a regular file"),
    ],
)
def test_unusable_store_path_is_a_user_error(tmp_path: Path, where: str, message: str) -> None:
    (tmp_path / "not-a-db.sqlite").write_text("hello, this is not SQLite " * 100)
    before = (tmp_path / "not-a-db.sqlite").read_bytes()
    with pytest.raises(ScenarioError, match=message):
        _store(tmp_path / where)
    assert (tmp_path / "not-a-db.sqlite").read_bytes() == before


def test_fingerprint_changes_with_the_scenario_but_not_with_staffing_tasks() -> None:
    scenario, _ = load_scenario("balanced-day")
    assert scenario_fingerprint(scenario, "1") == scenario_fingerprint(scenario, "1")
    assert scenario_fingerprint(scenario, "1") != scenario_fingerprint(scenario.overridden(seed=1), "1")
    assert scenario_fingerprint(scenario, "1") != scenario_fingerprint(scenario, "2")


def test_a_store_of_days_in_an_older_format_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Days stored before the day data gained a key (pressure_hours.both), by the
    same version, made run fail with a KeyError (a review): the fingerprint
    holds the data's edition, so such a store is refused before any work."""
    from theater_sim.analysis.contract import DAY_DATA_FORMAT
    from theater_sim.planning import tasks

    scenario, _ = load_scenario("balanced-day")
    monkeypatch.setattr(tasks, "DAY_DATA_FORMAT", DAY_DATA_FORMAT - 1)
    Runner(store=_store(tmp_path / "old.sqlite")).run(scenario, [Task(None, None, 0)])
    monkeypatch.undo()
    with pytest.raises(ScenarioError, match=re.escape("another run (day-data edition")):
        _store(tmp_path / "old.sqlite")


def _sweep_command(store: Path | None) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "theater_sim",
        "sweep",
        "opening-weekend",
        "--sellers",
        "1:8",
        "--collectors",
        "1:8",
        "--replications",
        "4",
        "--workers",
        "1",
        "--json",
        "--quiet",
    ]
    return command + (["--store", str(store)] if store else [])


def _rows(store: Path) -> int:
    try:
        with sqlite3.connect(store) as db:
            return int(db.execute("SELECT count(*) FROM results").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_sweep_killed_halfway_resumes_to_the_same_output(tmp_path: Path) -> None:
    """SIGKILL a real sweep process once some days are stored; rerunning the
    command finishes it, and its output equals an uninterrupted run's."""
    store = tmp_path / "sweep.sqlite"
    victim = subprocess.Popen(_sweep_command(store), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _rows(store) < 20 and time.monotonic() < deadline and victim.poll() is None:
        time.sleep(0.02)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    stored = _rows(store)
    assert 0 < stored < 256, f"the kill came at {stored} of 256 days"
    resumed = subprocess.run(_sweep_command(store), capture_output=True, text=True, timeout=300, check=True)
    clean = subprocess.run(_sweep_command(None), capture_output=True, text=True, timeout=300, check=True)
    assert resumed.stdout == clean.stdout
    assert len(json.loads(clean.stdout)["cells"]) == 64


def test_dask_cluster_gives_the_same_results() -> None:
    """A real (local, loopback) Dask cluster runs the tasks; results equal the local run."""
    from distributed import LocalCluster

    scenario, _ = load_scenario("opening-weekend")
    tasks = [Task(s, c, r) for s in (1, 2) for c in (1, 2) for r in range(2)]
    with LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", host="127.0.0.1"
    ) as cluster:
        remote = Runner(scheduler=cluster.scheduler_address).run(scenario, tasks)
        digested = Runner(scheduler=cluster.scheduler_address).run_digested(scenario, tasks, sweep_digest)
    alone = Runner().run(scenario, tasks)
    assert remote == alone
    assert digested == {task: sweep_digest(day) for task, day in alone.items()}


def test_unreachable_scheduler_is_a_failed_run() -> None:
    """Not bad input (the address is well formed): a RunError, within the injected timeout."""
    scenario, _ = load_scenario("balanced-day")
    with pytest.raises(RunError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        Runner(scheduler="tcp://127.0.0.1:9", connect_seconds=0.3).run(scenario, [Task(None, None, 0)])


def test_a_server_that_is_not_dask_is_named_as_such() -> None:
    """A port that answers with bytes that are not Dask's protocol gave the
    parser's words alone ("ValueError: Maximum allowed dimension exceeded")."""
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def answer_garbage() -> None:
        with server:
            while True:
                try:
                    client, _ = server.accept()
                except OSError:
                    return
                with client:
                    client.sendall(b"\xff" * 64 + b"SSH-2.0-OpenSSH_9.6\r\n" * 10)
                    client.settimeout(2)
                    with contextlib.suppress(OSError):
                        client.recv(65536)

    threading.Thread(target=answer_garbage, daemon=True).start()
    scenario, _ = load_scenario("balanced-day")
    try:
        with pytest.raises(RunError, match=rf"tcp://127\.0\.0\.1:{port} answered, but not as a Dask scheduler"):
            Runner(scheduler=f"tcp://127.0.0.1:{port}", connect_seconds=5).run(scenario, [Task(None, None, 0)])
    finally:
        server.close()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and the parent-death signal")
def test_killed_sweep_leaves_no_worker_processes(tmp_path: Path) -> None:
    """SIGKILL the parent of a two-worker sweep: its worker processes end too."""
    store = tmp_path / "sweep.sqlite"
    command = _sweep_command(store)
    command[command.index("--workers") + 1] = "2"
    victim = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    # The first few days run here, timed, before the workers start.
    while (_rows(store) < 4 or not _children(victim.pid)) and time.monotonic() < deadline and victim.poll() is None:
        time.sleep(0.02)
    workers = _children(victim.pid)
    assert workers, "the sweep started no worker processes"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


@pytest.mark.parametrize(
    ("address", "fine"),
    [
        ("tcp://127.0.0.1:8786", True),
        ("tcp://[::1]:8786", True),
        ("tls://scheduler.example.com:8786", False),  # needs certificates
        ("tcp://host:0", False),
        ("tcp://host:70000", False),
        ("localhost:8786", False),
        ("tcp://[::1:8786", False),
    ],
)
def test_scheduler_addresses(address: str, fine: bool) -> None:
    if fine:
        check_scheduler_address(address)
    else:
        with pytest.raises(ScenarioError):
            check_scheduler_address(address)


@pytest.mark.slow
def test_a_cluster_that_loses_its_workers_is_a_failed_run() -> None:
    """All workers gone mid-sweep: one RunError naming the cluster, no hang, no Dask warnings."""
    import threading

    from distributed import LocalCluster

    scenario, _ = load_scenario("opening-weekend")
    tasks = [Task(s, c, r) for s in range(1, 9) for c in range(1, 9) for r in range(4)]
    outcome: dict[str, BaseException] = {}
    with LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0", host="127.0.0.1"
    ) as cluster:
        seen: list[int] = []

        def work() -> None:
            try:
                Runner(scheduler=cluster.scheduler_address, progress=lambda done, _total: seen.append(done)).run(
                    scenario, tasks
                )
            except BaseException as error:
                outcome["error"] = error

        thread = threading.Thread(target=work)
        thread.start()
        deadline = time.monotonic() + 60
        while len(seen) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        cluster.scale(0)
        thread.join(120)
        assert not thread.is_alive()
    error = outcome.get("error")
    assert isinstance(error, RunError), error
    assert "lost its workers or its connection mid-run" in str(error)


def test_one_pool_serves_every_batch_and_gives_what_one_process_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    """With batches worth a pool (IN_PROCESS_SECONDS at 0), a runner starts one
    pool for the scenario and keeps it for later batches (a staffing search
    sends a dozen); the days equal those of one process, and close() ends it."""
    from theater_sim.planning import execution

    monkeypatch.setattr(execution, "IN_PROCESS_SECONDS", 0.0)
    scenario, _ = load_scenario("balanced-day")
    alone = Runner().run(scenario, [Task(s, None, r) for s in (1, 2) for r in range(3)])
    with Runner(workers=2) as runner:
        first = runner.run(scenario, [Task(1, None, r) for r in range(3)])
        pool = runner._pool
        assert pool is not None
        second = runner.run(scenario, [Task(2, None, r) for r in range(3)])
        assert runner._pool is pool
    assert runner._pool is None
    assert {**first, **second} == alone


def _digest_with_pid(day: DayData) -> tuple[int, object]:
    """A digest that says which process computed it."""
    return os.getpid(), sweep_digest(day)


def test_digests_are_computed_where_the_days_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``run_digested``: the pool's workers digest the days they ran and send
    back only that (the day's digest equals the whole day's digested here);
    with a store, the workers also write the whole day as the store keeps it,
    and this process stores it as it is (a rerun reads the same days back,
    digested here as they are read)."""
    from theater_sim.planning import execution

    monkeypatch.setattr(execution, "IN_PROCESS_SECONDS", 0.0)
    scenario, _ = load_scenario("balanced-day")
    tasks = [Task(s, None, r) for s in (1, 2) for r in range(4)]
    whole = Runner().run(scenario, tasks)
    with Runner(workers=2) as runner:
        digested = runner.run_digested(scenario, tasks, _digest_with_pid)
    assert {task: digest for task, (_pid, digest) in digested.items()} == {
        task: sweep_digest(day) for task, day in whole.items()
    }
    assert {pid for pid, _digest in digested.values()} - {os.getpid()}, "no worker digested a day"
    store = _store(tmp_path / "r.sqlite")
    with Runner(workers=2, store=store) as runner:
        stored = runner.run_digested(scenario, tasks, _digest_with_pid)
    assert {pid for pid, _digest in stored.values()} - {os.getpid()}, "no worker digested a stored day"
    assert {task: digest for task, (_pid, digest) in stored.items()} == {
        task: digest for task, (_pid, digest) in digested.items()
    }
    assert not runner._memo, "a digested batch kept whole days (memory grows with the sweep)"
    # Stored under the name the scenario's own count (one collector) gives them.
    named = {Task(task.sellers, 1, task.replication).key: day for task, day in whole.items()}
    assert sorted(named) == sorted(f"[{s}, 1, {r}]" for s in (1, 2) for r in range(4))
    assert _store(tmp_path / "r.sqlite").finished(named) == named
    with Runner(workers=2, store=_store(tmp_path / "r.sqlite")) as runner:
        again = runner.run_digested(scenario, tasks, _digest_with_pid)
    assert runner.simulated == 0
    assert again == {task: (os.getpid(), digest) for task, (_pid, digest) in digested.items()}


def test_later_batches_of_a_scenario_are_not_timed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """A staffing search sends a dozen batches: the first one's timed days
    place the later ones, which run no day in this process when the pool is
    worth it; another scenario is timed afresh."""
    from theater_sim.planning import execution

    monkeypatch.setattr(execution, "IN_PROCESS_SECONDS", 1e-9)  # a pool for any batch timed here
    monkeypatch.setattr(execution, "LEAST_SECONDS_PER_CUSTOMER", 0.0)  # and every batch is timed here
    scenario, _ = load_scenario("balanced-day")
    with Runner(workers=2) as runner:
        first = runner.run_digested(scenario, [Task(1, None, r) for r in range(6)], _digest_with_pid)
        later = runner.run_digested(scenario, [Task(2, None, r) for r in range(6)], _digest_with_pid)
        other, _ = load_scenario("premiere-night")
        afresh = runner.run_digested(other, [Task(2, None, r) for r in range(6)], _digest_with_pid)
    here = os.getpid()
    assert [pid == here for pid, _digest in first.values()].count(True) >= 1
    assert all(pid != here for pid, _digest in later.values())
    assert [pid == here for pid, _digest in afresh.values()].count(True) >= 1


def test_a_batch_sure_to_be_worth_the_pool_runs_no_day_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch whose customers alone would take IN_PROCESS_SECONDS goes to the
    pool untimed (a big sweep's coordinator ran a tenth of its time in the
    days that timed it, and a day of a million customers ran here alone
    while the workers waited); the workers' timings then place the
    scenario's later batches: here, under a bound no batch reaches."""
    from theater_sim.planning import execution

    scenario, _ = load_scenario("balanced-day")
    assert execution.least_task_seconds(scenario) == pytest.approx(2000 * execution.LEAST_SECONDS_PER_CUSTOMER)
    monkeypatch.setattr(execution, "LEAST_SECONDS_PER_CUSTOMER", 1.0)
    here = os.getpid()
    with Runner(workers=2) as runner:
        first = runner.run_digested(scenario, [Task(1, None, r) for r in range(6)], _digest_with_pid)
        assert {pid == here for pid, _digest in first.values()} == {False}
        assert runner._task_seconds is not None
        assert 0 < runner._task_seconds < 60
        monkeypatch.setattr(execution, "IN_PROCESS_SECONDS", 3600.0)
        later = runner.run_digested(scenario, [Task(2, None, r) for r in range(6)], _digest_with_pid)
    assert {pid == here for pid, _digest in later.values()} == {True}
    assert {task: digest for task, (_pid, digest) in {**first, **later}.items()} == {
        task: sweep_digest(day) for task, day in Runner().run(scenario, [*first, *later]).items()
    }


def test_the_workers_timings_size_the_chunks_not_yet_sent() -> None:
    """Before any worker reports, a batch sent untimed goes out in chunks of a
    sixteenth of each worker's share, at most UNTIMED_CHUNK_TASKS (337 SimPy days
    a chunk, 6 s, were all lost to an early Ctrl-C: a trial);
    after, in chunks of about CHUNK_SECONDS of the reported work; and near
    the end of the batch, in chunks that shrink with what is left, so that
    no worker is left alone with a long last chunk."""
    from theater_sim.planning.execution import CHUNK_SECONDS, UNTIMED_CHUNK_TASKS, _PoolTiming

    untimed = _PoolTiming(None)
    assert untimed.chunk_size(2560, 2560, 2) == UNTIMED_CHUNK_TASKS == 16
    assert untimed.chunk_size(320, 320, 2) == 10
    assert untimed.chunk_size(10, 10, 2) == 1
    untimed.add(80, 0.2)  # 2.5 ms a task
    assert untimed.chunk_size(2560, 2000, 2) == int(CHUNK_SECONDS / 0.0025)
    assert untimed.chunk_size(2560, 200, 2) == 50
    assert untimed.chunk_size(2560, 3, 2) == 100 // 8  # as small as is worth a round trip
    guessed = _PoolTiming(0.05)
    assert guessed.chunk_size(2560, 2560, 2) == int(CHUNK_SECONDS / 0.05)
    guessed.add(10, 10.0)  # the guess was short: a second a task
    assert guessed.chunk_size(2560, 2560, 2) == 1


def test_a_quick_batch_runs_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under IN_PROCESS_SECONDS of work the batch never starts a pool."""
    from theater_sim.planning import execution

    monkeypatch.setattr(execution, "IN_PROCESS_SECONDS", 3600.0)
    scenario, _ = load_scenario("balanced-day")
    runner = Runner(workers=2)
    runner.run(scenario, [Task(None, None, r) for r in range(4)])
    assert runner._pool is None


def test_a_day_asked_for_twice_runs_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A search asks for the same staffing again (the answer's day, one counter
    fewer): the runner keeps what it ran for the scenario, and runs it once."""
    from theater_sim.planning import execution
    from theater_sim.planning.tasks import run_task as real

    ran: list[str] = []

    def counting(scenario: object, task: Task, engine: str = "auto") -> object:
        ran.append(task.key)
        return real(scenario, task, engine)  # type: ignore[arg-type]

    monkeypatch.setattr(execution, "run_task", counting)
    scenario, _ = load_scenario("balanced-day")
    runner = Runner()
    once = runner.run(scenario, [Task(1, None, 0), Task(2, None, 0)])
    again = runner.run(scenario, [Task(2, None, 0), Task(3, None, 0)])
    assert ran == ["[1, 1, 0]", "[2, 1, 0]", "[3, 1, 0]"]  # balanced-day's own one collector, named
    assert again[Task(2, None, 0)] == once[Task(2, None, 0)]
    other, _ = load_scenario("premiere-night")
    runner.run(other, [Task(2, None, 0)])  # another scenario: its own days
    assert len(ran) == 4


def test_a_side_left_as_the_scenario_has_it_is_its_fixed_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scenario's own staffing (None) and its fixed counts written out are
    the same day, run once and stored under one key: ``run --store`` reads
    what a sweep stored at those counts. A side without one fixed count
    (a schedule) keeps None."""
    from theater_sim.planning import execution
    from theater_sim.planning.tasks import run_task as real

    ran: list[Task] = []

    def counting(scenario: object, task: Task, engine: str = "auto") -> object:
        ran.append(task)
        return real(scenario, task, engine)  # type: ignore[arg-type]

    monkeypatch.setattr(execution, "run_task", counting)
    scenario, _ = load_scenario("balanced-day")
    sellers, collectors = scenario.selling.counters, scenario.collecting.counters
    assert isinstance(sellers, int)
    assert isinstance(collectors, int)
    runner = Runner()
    days = runner.run(scenario, [Task(None, None, 0), Task(sellers, collectors, 0), Task(sellers, None, 0)])
    assert ran == [Task(sellers, collectors, 0)]
    assert len({json.dumps(day, sort_keys=True) for day in days.values()}) == 1
    assert days[Task(None, None, 0)] == real(scenario, Task(None, None, 0))
    closing, _ = load_scenario("lunch-closure")  # sellers on a schedule, two collectors
    assert as_run_task(Task(None, None, 0), closing) == Task(None, 2, 0)
    projected, _ = load_scenario("eventual-consistency")  # 4 sellers, 3 collectors, 1 projector clerk
    assert as_run_task(Task(None, None, 0, 1), projected) == Task(4, 3, 0)  # its own clerk: as left unset
    assert as_run_task(Task(None, None, 0, 2), projected) == Task(4, 3, 0, 2)


def test_a_store_filled_before_tasks_were_named_is_read(tmp_path: Path) -> None:
    """``run --store`` kept its days under the staffing as asked ([null, null, 0])
    before a side left as the scenario has it was named by its count: such a
    store is still read (a Ctrl-C'd run resumed after an upgrade went on from
    nothing, a review found), and a day kept under both keys counts once."""
    scenario, _ = load_scenario("balanced-day")
    day = Runner().run(scenario, [Task(1, 1, 0)])[Task(1, 1, 0)]
    store = _store(tmp_path / "old.sqlite")
    store.save("[null, null, 0]", day)
    store.save("[null, null, 1]", day)  # not replication 1's day: shows where it was read from
    store.save("[1, 1, 1]", day)
    runner = Runner(store=store)
    days = runner.run(scenario, [Task(None, None, 0), Task(None, None, 1)])
    assert (runner.simulated, runner.read_from_store) == (0, 2)
    assert days == {Task(None, None, 0): day, Task(None, None, 1): day}


@pytest.mark.parametrize(
    ("tasks", "task_seconds", "workers", "size"),
    [
        (640, 0.01, 2, 25),  # 0.25 s of work a chunk
        (640, 0.5, 2, 1),  # slow days go one by one
        (20, 0.001, 2, 2),  # quick days, but at least four chunks per worker
        (3, 0.001, 8, 1),
    ],
)
def test_tasks_go_to_the_pool_in_chunks(tasks: int, task_seconds: float, workers: int, size: int) -> None:
    """A chunk is one round trip for the coordinating process: about
    CHUNK_SECONDS of days, yet enough chunks for every worker to the end."""
    from theater_sim.planning.execution import _chunk_size

    assert _chunk_size(task_seconds, tasks, workers) == size


def test_results_pile_up_without_the_collector_rescanning_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cyclic garbage collector is paused while a batch's results come in
    (each day is thousands of objects; its full passes rescanned them all,
    half a second of a 2,560-day sweep's coordinator), and restored after."""
    import gc

    from theater_sim.planning import execution
    from theater_sim.planning.tasks import run_task as real

    seen: list[bool] = []

    def noting(scenario: object, task: Task, engine: str = "auto") -> object:
        seen.append(gc.isenabled())
        return real(scenario, task, engine)  # type: ignore[arg-type]

    monkeypatch.setattr(execution, "run_task", noting)
    scenario, _ = load_scenario("balanced-day")
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            Runner().run(scenario, [Task(1, None, replication) for replication in range(2)])
            assert gc.isenabled() is enabled
        finally:
            gc.enable()
    assert seen == [False] * 4


@pytest.mark.parametrize(
    ("name", "staffings", "projectors"),
    [
        ("opening-weekend", [(1, 1), (None, None), ((2, 3, 1), 2), (3, (1, 1))], [None]),
        ("eventual-consistency", [(1, 1), (2, None)], [None, 2]),
        ("autoscale", [(None, None), (2, 1), (None, 3)], [None]),
        ("tarantino-announced", [(1, 4), (5, 1)], [None]),
    ],
)
def test_days_drawn_once_per_replication_are_the_days_drawn_afresh(
    name: str, staffings: list[tuple[object, object]], projectors: list[int | None]
) -> None:
    """``run_task`` keeps the last replication's customers and restaffs them:
    in any order (cache hits and misses, schedules, autoscaling kept or
    replaced, projector clerks), each day is the one drawn from scratch."""
    import random

    from theater_sim.analysis.day_data import day_data
    from theater_sim.analysis.measured_day import run_day
    from theater_sim.planning.tasks import execution_order, run_task

    scenario, _ = load_scenario(name)
    tasks = [
        Task(sellers, collectors, replication, clerks)  # type: ignore[arg-type]
        for sellers, collectors in staffings
        for replication in range(2)
        for clerks in projectors
    ]
    for order in (sorted(tasks, key=execution_order), random.Random(5).sample(tasks, len(tasks))):
        for task in order:
            assert run_task(scenario, task) == day_data(run_day(task.scenario_for(scenario), engine="auto")), task


def test_the_first_days_cost_does_not_size_the_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first task pays for imports and the first draws: sized by it, a
    2,560-day sweep went out one day per chunk (2,559 round trips). The
    chunks are sized by the next few tasks instead."""
    from theater_sim.planning import execution
    from theater_sim.planning.tasks import run_task as real

    calls: list[int] = []

    def slow_first(scenario: object, task: Task, engine: str = "auto") -> object:
        calls.append(1)
        if len(calls) == 1:
            time.sleep(0.15)  # imports, the first draws
        return real(scenario, task, engine)  # type: ignore[arg-type]

    sizes: list[int] = []

    def recording(pool: object, workers: int, tasks: list[Task], timing: Any, digest: object) -> object:
        sizes.append(timing.chunk_size(len(tasks), len(tasks), workers))
        return iter(())

    monkeypatch.setattr(execution, "run_task", slow_first)
    monkeypatch.setattr(execution, "_on_pool", recording)
    monkeypatch.setattr(execution, "LEAST_SECONDS_PER_CUSTOMER", 0.0)  # timed here
    # The first task's 0.15 s (with its own first draws) stays under it, on a busy machine too.
    monkeypatch.setattr(execution, "IN_PROCESS_SECONDS", 1.0)
    monkeypatch.setattr(Runner, "_pool_for", lambda self, scenario: None)
    scenario, _ = load_scenario("balanced-day")
    tasks = [Task(None, None, replication) for replication in range(400)]
    list(Runner(workers=2)._here_or_on_the_pool(scenario, tasks, None))
    assert 1 < len(calls) <= 1 + execution.SAMPLE_TASKS
    assert max(sizes) > 1


def test_tasks_of_two_scenarios_in_threads_are_their_own_days() -> None:
    """A Dask worker runs tasks in threads, maybe of two runs' scenarios at once:
    what run_task keeps (draws, staffings, command sides) never crosses from
    one scenario or thread to another."""
    from concurrent.futures import ThreadPoolExecutor

    from theater_sim.analysis.day_data import day_data
    from theater_sim.analysis.measured_day import run_day
    from theater_sim.planning.tasks import run_task

    scenarios = [load_scenario(name)[0] for name in ("opening-weekend", "premiere-night")]
    jobs = [(scenario, Task(s, c, r)) for scenario in scenarios for s in (1, 2) for c in (1, 3) for r in range(3)]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda job: run_task(*job), jobs * 2))
    for (scenario, task), data in zip(jobs * 2, got, strict=True):
        assert data == day_data(run_day(task.scenario_for(scenario), engine="auto")), task


def test_pool_workers_leave_ctrl_c_to_the_command() -> None:
    """A Ctrl-C reaches every process in the terminal's group: a worker that
    took while waiting for work printed a traceback of its own beside the
    command's one line (a trial, 2 of 40 tries). A worker keeps SIGINT for
    the days it runs (the pool hands it back to the command), and starts with
    it blocked until its handler is set."""
    from concurrent.futures import ProcessPoolExecutor

    from theater_sim.planning.execution import _interrupted_in_worker, _start_worker

    scenario, _ = load_scenario("balanced-day")
    with ProcessPoolExecutor(max_workers=1, initializer=_start_worker, initargs=(scenario, "auto")) as pool:
        assert pool.submit(signal.getsignal, signal.SIGINT).result(timeout=60) is _interrupted_in_worker
        # A kill too ends a worker between results (one killed while sending hung the pool).
        assert pool.submit(signal.getsignal, signal.SIGTERM).result(timeout=60) is _interrupted_in_worker
        blocked = pool.submit(signal.pthread_sigmask, signal.SIG_BLOCK, set()).result(timeout=60)
        assert not {signal.SIGINT, signal.SIGTERM} & blocked
    # A command started with Ctrl-C ignored (a background job) keeps it ignored in its workers too.
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with ProcessPoolExecutor(max_workers=1, initializer=_start_worker, initargs=(scenario, "auto")) as pool:
            assert pool.submit(signal.getsignal, signal.SIGINT).result(timeout=60) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)


def _said(stderr: str) -> list[str]:
    """``stderr``'s lines but the notes (the sweep's on the schedules its counts replace)."""
    return [line for line in stderr.splitlines() if not line.startswith("theater-sim: note:")]


def _signalled_sweep(tmp_path: Path, signalled: signal.Signals, after_seconds: float) -> tuple[int, str, list[int]]:
    """A two-worker sweep sent ``signalled`` to its whole process group (as a
    terminal's Ctrl-C, or a shutdown's kill) ``after_seconds`` once its workers
    exist: its exit status, its stderr, and the workers it had."""
    command = _sweep_command(tmp_path / "sweep.sqlite")
    command[command.index("--workers") + 1] = "2"
    command[command.index("--replications") + 1] = "20"
    victim = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while not _children(victim.pid) and time.monotonic() < deadline and victim.poll() is None:
        time.sleep(0.005)
    time.sleep(after_seconds)
    workers = _children(victim.pid)
    assert workers, "the sweep started no worker processes"
    os.killpg(victim.pid, signalled)
    _, stderr = victim.communicate(timeout=60)
    return victim.returncode, stderr, workers


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")
@pytest.mark.parametrize("after_seconds", [0.0, 0.3, 0.7])
def test_a_kill_to_a_pooled_sweeps_group_ends_it_cleanly(tmp_path: Path, after_seconds: float) -> None:
    """SIGTERM to the whole group (a shutdown, ``kill -- -PGID``): workers that
    died outright, one while sending its result, left the command waiting on
    half a message for ever (a trial, 1 of 20) or printed a pool thread's
    traceback (1 of 20); a kill while the pool started left it half started.
    Exit 143, no worker left, and one line that says, as a Ctrl-C's does,
    what the store kept (it used to say "terminated" alone)."""
    status, stderr, workers = _signalled_sweep(tmp_path, signal.SIGTERM, after_seconds)
    assert status == 143, stderr
    assert "Traceback" not in stderr
    kept = _rows(tmp_path / "sweep.sqlite")
    days = f"{kept:,} finished {'day is' if kept == 1 else 'days are'}"
    assert _said(stderr) == [
        f"theater-sim: error: terminated: {days} kept in --store {tmp_path / 'sweep.sqlite'}:"
        " rerun the same command to go on from there"
    ]
    assert not any(_alive(pid) for pid in workers)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")
@pytest.mark.parametrize("after_seconds", [0.0, 0.01, 0.05, 0.3])
def test_ctrl_c_to_a_pooled_sweep_is_one_line(tmp_path: Path, after_seconds: float) -> None:
    """SIGINT to the sweep's whole process group, as a terminal's Ctrl-C,
    ``after_seconds`` once its workers exist: the command says so in its own
    lines, exit 130, no traceback, and no worker is left. (Before, 2 of 30
    tries printed a worker's traceback, one ended 0 with the interrupt
    swallowed while the pool forked, and ending the workers with SIGTERM
    instead hung the pool on a half-sent result.)"""
    status, stderr, workers = _signalled_sweep(tmp_path, signal.SIGINT, after_seconds)
    assert status == 130, stderr
    assert "Traceback" not in stderr
    assert "KeyboardInterrupt" not in stderr
    # One line says it was interrupted, what the store kept, and how to go on.
    kept = _rows(tmp_path / "sweep.sqlite")
    days = f"{kept:,} finished {'day is' if kept == 1 else 'days are'}"
    assert _said(stderr) == [
        f"theater-sim: error: interrupted: {days} kept in --store {tmp_path / 'sweep.sqlite'}:"
        " rerun the same command to go on from there"
    ]
    assert not any(_alive(pid) for pid in workers)
