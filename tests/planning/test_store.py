"""The results store never serves a number it did not compute: fault injection.

Bytes flipped in a stored payload, payloads swapped between keys, rows that
do not parse: each is detected by the row's checksum (SHA-256 over key and
payload), left out, counted and recomputed, so the output is the same as a
run without a store. Files that are not theater-sim stores are refused
without being modified; read-only stores are refused before any work; two
scenarios can never share a store.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from theater_sim.input.loading import load_scenario
from theater_sim.model.errors import ScenarioError
from theater_sim.planning.execution import Runner
from theater_sim.planning.store import ResultStore, checksum
from theater_sim.planning.tasks import Task, scenario_fingerprint
from theater_sim.views.cli import app

SWEEP = ["sweep", "opening-weekend", "--sellers", "1:2", "--collectors", "1:2", "--json", "--quiet", "--workers", "1"]


def _sweep(runner: CliRunner, store: Path | None) -> tuple[int, str, str]:
    result = runner.invoke(app, SWEEP + (["--store", str(store)] if store else []))
    return result.exit_code, result.stdout, result.stderr


def _owner(store: Path) -> str:
    with sqlite3.connect(store) as db:
        owner: str = db.execute("SELECT value FROM store WHERE key = 'fingerprint'").fetchone()[0]
    return owner


def _tamper(store: Path, sql: str, *args: object) -> None:
    with sqlite3.connect(store) as db:
        db.execute(sql, args)


@pytest.mark.parametrize(
    "damage",
    [
        # One byte of one payload changed (a digit of a number).
        "flip",
        # Two keys' payloads swapped (each row still holds a valid day).
        "swap",
        # A payload that is not JSON any more (with its checksum recomputed to match).
        "garbage",
    ],
)
def test_a_tampered_store_is_detected_and_recomputed(runner: CliRunner, tmp_path: Path, damage: str) -> None:
    store = tmp_path / "s.sqlite"
    code, plain, _ = _sweep(runner, None)
    assert code == 0
    assert _sweep(runner, store)[:2] == (0, plain)
    with sqlite3.connect(store) as db:
        rows = db.execute("SELECT task, payload, checksum FROM results ORDER BY task").fetchall()
    (k1, p1, c1), (k2, p2, c2) = rows[0], rows[1]
    if damage == "flip":
        digit = next(i for i, ch in enumerate(p1) if ch.isdigit() and i > p1.index('"p95"'))
        flipped = p1[:digit] + str((int(p1[digit]) + 3) % 10) + p1[digit + 1 :]
        _tamper(store, "UPDATE results SET payload = ? WHERE task = ?", flipped, k1)
        expected_rejects = 1
    elif damage == "swap":
        _tamper(store, "UPDATE results SET payload = ?, checksum = ? WHERE task = ?", p2, c2, k1)
        _tamper(store, "UPDATE results SET payload = ?, checksum = ? WHERE task = ?", p1, c1, k2)
        expected_rejects = 2
    else:
        bad = "{oops"
        _tamper(
            store,
            "UPDATE results SET payload = ?, checksum = ? WHERE task = ?",
            bad,
            checksum(_owner(store), k1, bad),
            k1,
        )
        expected_rejects = 1
    code, out, err = _sweep(runner, store)
    assert code == 0
    assert out == plain  # the wrong numbers were never served
    rejected = "1 stored day failed its" if expected_rejects == 1 else f"{expected_rejects} stored days failed their"
    assert f"{rejected} check: removed from the store, and recomputed" in err
    # ... and the store was repaired: the next run trusts every row.
    code, out, err = _sweep(runner, store)
    assert (code, out) == (0, plain)
    assert "failed their check" not in err


def test_another_applications_database_is_refused_untouched(runner: CliRunner, tmp_path: Path) -> None:
    other = tmp_path / "app.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO customers (name) VALUES ('Ada')")
    db.close()
    before = other.read_bytes()
    code, out, err = _sweep(runner, other)
    assert code == 2
    assert out == ""
    assert "is another application's SQLite database" in err
    assert other.read_bytes() == before
    assert not Path(str(other) + "-wal").exists()


def test_a_read_only_store_is_refused_before_the_work(runner: CliRunner, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write read-only files")
    store = tmp_path / "s.sqlite"
    assert _sweep(runner, store)[0] == 0
    store.chmod(stat.S_IRUSR)
    code, _, err = _sweep(runner, store)
    assert code == 2
    assert "read-only" in err


def test_a_read_only_folder_is_refused_before_the_work(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write read-only folders")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    scenario, _ = load_scenario("balanced-day")
    with pytest.raises(ScenarioError, match="read-only"):
        ResultStore(folder / "s.sqlite", scenario_fingerprint(scenario, "1"))


def test_two_scenarios_never_share_a_store(tmp_path: Path) -> None:
    """Whoever records its fingerprint first owns the store; the other is refused."""
    path = tmp_path / "s.sqlite"
    first = ResultStore(path, "a" * 32)
    with pytest.raises(ScenarioError, match="holds the days of another run"):
        ResultStore(path, "b" * 32)
    first.close()
    with sqlite3.connect(path) as db:
        owners = db.execute("SELECT value FROM store WHERE key = 'fingerprint'").fetchall()
    assert owners == [("a" * 32,)]


def test_two_runners_writing_one_store_at_once_both_succeed(tmp_path: Path) -> None:
    """Two open stores (as two commands would have) writing the same and different days."""
    scenario, _ = load_scenario("balanced-day")
    fingerprint = scenario_fingerprint(scenario, "1")
    path = tmp_path / "s.sqlite"
    one, two = ResultStore(path, fingerprint), ResultStore(path, fingerprint)
    tasks = [Task(1, 1, r) for r in range(3)]
    a = Runner(store=one).run(scenario, tasks[:2])
    b = Runner(store=two).run(scenario, tasks[1:])
    assert a[tasks[1]] == b[tasks[1]]
    assert set(ResultStore(path, fingerprint).finished()) == {task.key for task in tasks}
    one.close()
    two.close()


def test_a_search_s_batches_parse_only_the_days_they_ask_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A staffing search asks a store for a few days at a time; every batch read
    and parsed every stored day, so staff --store was slower than no store (a
    trial: 121 s against 98 s, and as slow again on a rerun). The first look
    checks every row; each look parses only the days asked for."""
    from theater_sim.planning import store as store_module

    scenario, _ = load_scenario("balanced-day")
    fingerprint = scenario_fingerprint(scenario, "1")
    path = tmp_path / "s.sqlite"
    tasks = [Task(1, 1, r) for r in range(12)]
    with ResultStore(path, fingerprint) as store:
        Runner(store=store).run(scenario, tasks)
    parsed: list[str] = []
    real = store_module._parsed

    def counting(payload: str) -> Any:
        parsed.append(payload)
        return real(payload)

    monkeypatch.setattr(store_module, "_parsed", counting)
    with ResultStore(path, fingerprint) as store:
        assert set(store.finished([tasks[0].key, tasks[1].key])) == {tasks[0].key, tasks[1].key}
        assert len(parsed) == 2
        assert set(store.finished([tasks[5].key])) == {tasks[5].key}
        assert len(parsed) == 3
        assert set(store.finished()) == {task.key for task in tasks}  # all, when no keys are given


def test_a_store_is_read_one_day_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sweep's rerun read every row and parsed every day it asked for before
    digesting one: a 545 MB store took 2.1 GB (a trial). ``stored`` hands over
    each day as it is parsed, so the runner digests it before the next is read;
    a row that fails its check is removed when the reading ends."""
    from theater_sim.planning import store as store_module
    from theater_sim.planning.sweep import sweep_digest

    scenario, _ = load_scenario("balanced-day")
    fingerprint = scenario_fingerprint(scenario, "1")
    path = tmp_path / "s.sqlite"
    tasks = [Task(s, 1, r) for s in (1, 2) for r in range(3)]
    with ResultStore(path, fingerprint) as store:
        whole = Runner(store=store).run(scenario, tasks)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE results SET payload = payload || ' ' WHERE task = ?", (tasks[0].key,))
    events: list[str] = []
    real = store_module._parsed

    def parsing(payload: str) -> Any:
        events.append("parsed")
        return real(payload)

    def digesting(day: Any) -> object:
        events.append("digested")
        return sweep_digest(day)

    monkeypatch.setattr(store_module, "_parsed", parsing)
    with ResultStore(path, fingerprint) as store:
        runner = Runner(store=store)
        digested = runner.run_digested(scenario, tasks[1:], digesting)
        assert runner.simulated == 0
        assert events == ["parsed", "digested"] * 5
        assert digested == {task: sweep_digest(whole[task]) for task in tasks[1:]}
        assert store.rejected == {tasks[0].key}
        assert store.count() == 5  # the row that failed was removed


def test_a_damaged_store_is_refused_not_served(tmp_path: Path) -> None:
    scenario, _ = load_scenario("balanced-day")
    fingerprint = scenario_fingerprint(scenario, "1")
    path = tmp_path / "s.sqlite"
    with ResultStore(path, fingerprint) as store:
        Runner(store=store).run(scenario, [Task(None, None, r) for r in range(20)])
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    data[2 * page : 2 * page + 64] = b"\xff" * 64  # scribble over a b-tree page header
    path.write_bytes(bytes(data))
    with pytest.raises(ScenarioError, match=r"damaged|cannot be used"):
        ResultStore(path, fingerprint).finished()


def test_stored_rows_carry_a_checksum_over_key_and_payload(tmp_path: Path) -> None:
    scenario, _ = load_scenario("balanced-day")
    path = tmp_path / "s.sqlite"
    with ResultStore(path, scenario_fingerprint(scenario, "1")) as store:
        Runner(store=store).run(scenario, [Task(None, None, 0)])
    with sqlite3.connect(path) as db:
        ((task, payload, stored),) = db.execute("SELECT task, payload, checksum FROM results").fetchall()
        application_id = db.execute("PRAGMA application_id").fetchone()[0]
    assert stored == hashlib.sha256(f"{_owner(path)}\n{task}\n{payload}".encode()).hexdigest()
    assert json.loads(payload)["verdict"] == "Balanced"
    assert application_id == 0x5453696D


def test_a_store_taken_over_by_another_scenario_serves_none_of_its_days(runner: CliRunner, tmp_path: Path) -> None:
    """Deleting the owner's fingerprint does not let another scenario read the old days:
    every checksum includes the fingerprint, so they fail and are recomputed."""
    store = tmp_path / "s.sqlite"
    assert _sweep(runner, store)[0] == 0
    _tamper(store, "DELETE FROM store")
    other = ["sweep", "tarantino-announced", "--sellers", "1:2", "--collectors", "1:2", "--json", "--quiet"]
    clean = runner.invoke(app, [*other, "--workers", "1"])
    taken = runner.invoke(app, [*other, "--workers", "1", "--store", str(store)])
    assert taken.exit_code == 0
    assert taken.stdout == clean.stdout


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
@pytest.mark.parametrize("existing_store", [False, True])
def test_a_store_never_deletes_an_unrelated_file_beside_it(
    runner: CliRunner, tmp_path: Path, suffix: str, existing_store: bool
) -> None:
    """SQLite deletes its -wal/-shm/-journal files when it closes: a user's file with
    such a name (a CSV written by an earlier command) is refused, never deleted."""
    store = tmp_path / "q.sqlite"
    if existing_store:
        assert _sweep(runner, store)[0] == 0
    side = Path(f"{store}{suffix}")
    side.write_text("side,customer\nselling,1\n")
    code, _, err = _sweep(runner, store)
    assert code == 2
    assert "is not SQLite's own file" in err
    assert side.read_text() == "side,customer\nselling,1\n"


def test_a_junk_row_no_run_needs_is_reported_once(runner: CliRunner, tmp_path: Path) -> None:
    """A row that fails its check under a key this sweep never asks for is
    removed when found, so it is not reported again on every later run."""
    store = tmp_path / "s.sqlite"
    code, plain, _ = _sweep(runner, store)
    assert code == 0
    _tamper(store, "INSERT INTO results (task, payload, checksum) VALUES (?, ?, ?)", "[99, 99, 0]", "{}", "0" * 64)
    code, out, err = _sweep(runner, store)
    assert (code, out) == (0, plain)
    assert "1 stored day failed its check: removed from the store, and recomputed if this run needed it" in err
    code, out, err = _sweep(runner, store)
    assert (code, out) == (0, plain)
    assert "failed their check" not in err


def test_a_flipped_high_bit_is_one_row_to_recompute(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    code, plain, _ = _sweep(runner, None)
    assert _sweep(runner, store)[:2] == (0, plain)
    with sqlite3.connect(store) as db:
        task, payload = db.execute("SELECT task, payload FROM results LIMIT 1").fetchone()
        broken = payload.encode()[:100] + bytes([payload.encode()[100] ^ 0x80]) + payload.encode()[101:]
        db.execute("UPDATE results SET payload = CAST(? AS TEXT) WHERE task = ?", (broken, task))
    code, out, err = _sweep(runner, store)
    assert (code, out) == (0, plain)
    assert "1 stored day failed its check" in err


def test_a_forged_row_is_one_line_not_a_traceback(runner: CliRunner, tmp_path: Path) -> None:
    """A row with a correct checksum but a string where a number belongs (forged on
    purpose: the checksum catches accidents, not forgery) ends in one line, exit 1."""
    store = tmp_path / "g.sqlite"
    args = ["run", "balanced-day", "--replications", "3", "--workers", "1", "--store", str(store)]
    assert runner.invoke(app, [*args, "--quiet"]).exit_code == 0
    owner = _owner(store)
    with sqlite3.connect(store) as db:
        task, payload = db.execute("SELECT task, payload FROM results LIMIT 1").fetchone()
        day = json.loads(payload)
        day["sides"]["selling"]["arrived"] = "1000"
        forged = json.dumps(day)
        db.execute(
            "UPDATE results SET payload = ?, checksum = ? WHERE task = ?", (forged, checksum(owner, task, forged), task)
        )
    result = runner.invoke(app, [*args, "--quiet"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.startswith("theater-sim: error: the run failed:")


@pytest.mark.parametrize(
    "alteration",
    [
        "ALTER TABLE results RENAME COLUMN checksum TO sum",
        "ALTER TABLE results ADD COLUMN extra TEXT",
        "DROP TABLE results; CREATE TABLE results (task TEXT PRIMARY KEY, payload TEXT NOT NULL)",
    ],
)
def test_an_altered_store_is_refused_before_any_work(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, alteration: str
) -> None:
    """A store whose tables were changed outside theater-sim is refused when it is
    opened (exit 2, one line naming the table), not after the sweep's work."""
    store = tmp_path / "s.sqlite"
    assert _sweep(runner, store)[0] == 0
    with sqlite3.connect(store) as db:
        db.executescript(alteration)

    def no_work(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the work started")

    monkeypatch.setattr(Runner, "run", no_work)
    code, stdout, stderr = _sweep(runner, store)
    assert code == 2
    assert stdout == ""
    assert "the store's table 'results' has columns" in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_a_store_locked_while_saving_says_how_to_resume(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program holding the store's write lock past the busy timeout: the
    save fails as a failed run (exit 1) that says the saved days are kept and how
    to resume, not a bare 'the run failed'."""
    from theater_sim.model.errors import RunError
    from theater_sim.planning import store as store_module

    monkeypatch.setattr(store_module, "BUSY_SECONDS", 0.05)
    path = tmp_path / "s.sqlite"
    scenario, _ = load_scenario("balanced-day")
    with ResultStore(path, scenario_fingerprint(scenario, "test")) as store:
        store._db.close()
        store._db = sqlite3.connect(path, isolation_level=None, timeout=0.05)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(RunError, match=r"locked by another program .* rerun the same command to resume"):
                store.save("k", {"x": 1})  # type: ignore[typeddict-item]
        finally:
            holder.execute("ROLLBACK")
            holder.close()


def test_two_commands_making_one_store_at_once_both_succeed(tmp_path: Path) -> None:
    """Two sweeps started together on a store that does not exist yet: the one
    that comes second waits for the first to finish making it (its journal is
    SQLite's, not a stranger's), and both print what a run without a store prints."""
    args = [sys.executable, "-m", "theater_sim", "sweep", "balanced-day", "--sellers", "1:2", "--json", "--quiet"]
    plain = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    for attempt in range(5):
        store = str(tmp_path / f"s{attempt}.sqlite")
        pair = [
            subprocess.Popen([*args, "--store", store], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [process.communicate(timeout=120) for process in pair]  # every pipe read and closed first
        for process, (out, error) in zip(pair, outputs, strict=True):
            assert process.returncode == 0, error
            assert out == plain


def test_a_store_being_made_is_waited_for_not_refused(tmp_path: Path) -> None:
    """An empty store file with a -journal beside it is another command making the
    store this moment: opening waits for the journal to go, then goes on; a journal
    that stays (a command stopped halfway) is refused with a message that says so."""
    import threading

    path = tmp_path / "s.sqlite"
    path.touch()
    journal = Path(f"{path}-journal")
    journal.write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + b"\0" * 504)
    threading.Timer(0.3, journal.unlink).start()
    ResultStore(path, "f" * 32).close()
    other = tmp_path / "t.sqlite"
    other.touch()
    Path(f"{other}-journal").write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + b"\0" * 504)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("theater_sim.planning.store.CREATION_WAIT_SECONDS", 0.2)
        with pytest.raises(ScenarioError, match="stopped halfway"):
            ResultStore(other, "f" * 32)


_SMALL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail (EFBIG), as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
from theater_sim.views.cli import main
sys.argv = ["theater-sim", *sys.argv[1:]]
main()
"""


def test_a_store_on_a_full_disk_says_so_and_keeps_its_days(tmp_path: Path) -> None:
    """SQLite's "database or disk is full" went out as a bug ("the run failed:
    OperationalError ..."; a trial): it names --store, keeps the days saved and
    says how to resume; the store then reads whole."""
    import subprocess
    import sys

    store = tmp_path / "s.sqlite"
    sweep = ["sweep", "opening-weekend", "--sellers", "1:4", "--collectors", "1:4", "--replications", "10"]
    done = subprocess.run(
        [sys.executable, "-c", _SMALL_DISK, *sweep, "--quiet", "--workers", "1", "--store", str(store)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    said = [line for line in done.stderr.splitlines() if not line.startswith("theater-sim: note:")]
    assert said[0].startswith(f"theater-sim: error: --store {store}: cannot be written (")  # full, or I/O error
    assert "free some space and rerun the same command to resume" in done.stderr
    assert "Traceback" not in done.stderr
    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM results").fetchone()[0] > 0
