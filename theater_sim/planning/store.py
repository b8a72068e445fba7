"""A results store that survives a crash and never serves a wrong number.

Every finished task is written (and committed) the moment it finishes, keyed
by the task (grid point and replication), in a SQLite file that belongs to one
scenario (its fingerprint, recorded when the store is made). A rerun of the
same command reads what is there and runs only the rest.

Trust, checked rather than assumed:

- Each stored day carries a SHA-256 checksum over the scenario's fingerprint,
  its task key and its payload.
  A row whose checksum fails, whose payload does not parse, or that was moved
  to another key is never used: it is counted in ``rejected``, removed from
  the store (so it is reported once, not on every run), and the day is
  recomputed (and stored again) if the run needs it.
- A file that is not a theater-sim store (another application's SQLite
  database, any other file) is refused without being touched: the file is
  first inspected read-only, and only a file carrying this store's
  ``application_id`` (or a new, empty one) is ever written.
- A store of another scenario, seed or theater-sim version is refused, and two
  commands creating one store at once cannot both claim it: the first
  fingerprint recorded wins and the other command is refused.
- A damaged database (SQLite cannot read its pages) is refused with a clear
  message; nothing is served from it.
- A store that cannot be written (read-only file or folder) is refused
  before any work starts.

Several commands may write one store at once (SQLite's locking; each waits
up to ``BUSY_SECONDS`` for the others).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import stat
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import cast

from theater_sim.analysis.contract import DayData
from theater_sim.model.errors import RunError, ScenarioError, shorten

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "STORE_ABOUT", "ResultStore", "as_payload", "checksum"]

#: SQLite's application_id of a theater-sim store ("TSim").
APPLICATION_ID = 0x5453696D
SCHEMA_VERSION = 2
BUSY_SECONDS = 60.0

#: What a store records of its run, in words, beside the fingerprint (keys, and how a message names each).
STORE_ABOUT = {"scenario": "scenario", "seed": "seed", "version": "theater-sim", "format": "day-data edition"}


def _shown(key: str, value: object) -> str:
    """A recorded value as a refusal names it: the scenario's name quoted, others as they are."""
    if value is None:
        return "unrecorded"
    return shorten(repr(value), 60) if key == "scenario" else shorten(str(value), 60)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS store (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (task TEXT PRIMARY KEY, payload TEXT NOT NULL, checksum TEXT NOT NULL);
"""
#: The tables' columns, checked when a store is opened (before any work is done).
_COLUMNS = {"store": ["key", "value"], "results": ["task", "payload", "checksum"]}


def checksum(fingerprint: str, task_key: str, payload: str) -> str:
    """SHA-256 over the scenario's fingerprint, the task key and its payload: a payload
    moved to another key, or a row carried over from another scenario's store, fails it."""
    return hashlib.sha256(f"{fingerprint}\n{task_key}\n{payload}".encode()).hexdigest()


#: Task keys looked up per query (SQLite allows 999 parameters in older builds).
_KEYS_PER_QUERY = 500


class ResultStore:
    """Finished tasks of one scenario in a SQLite file.

    Args:
        path: The file (created if missing).
        fingerprint: The scenario's fingerprint; the store must hold no other.
        about: What the fingerprint is made of, in words (``STORE_ABOUT``'s
            keys: scenario name, seed, version, edition), recorded beside it so
            that another run's store is refused with what differs, not two hashes.

    Attributes:
        rejected: Task keys of stored days that failed their check since the
            store was opened (left out of ``finished()``, so they are recomputed).

    Raises:
        ScenarioError: the file is not a theater-sim store, holds another
            scenario's results, is damaged, or cannot be written.
    """

    def __init__(self, path: Path, fingerprint: str, about: Mapping[str, str | int] | None = None) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.about = dict(about or {})
        self.rejected: set[str] = set()
        self._swept = False  # every row checked once, on the first look
        _check_writable(path)
        _check_is_ours(path)
        try:
            self._db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_SECONDS)
            self._claim()
        except sqlite3.DatabaseError as error:
            self._close_quietly()
            raise ScenarioError(f"{path}: cannot be used as a results store ({error})") from None

    def _claim(self) -> None:
        """Make a new store, or check an existing one belongs to this scenario."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")  # one command at a time decides who the store is for
        try:
            if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            for statement in filter(str.strip, _SCHEMA.split(";")):
                db.execute(statement)
            self._check_tables()
            db.execute("INSERT OR IGNORE INTO store (key, value) VALUES ('fingerprint', ?)", (self.fingerprint,))
            owner = db.execute("SELECT value FROM store WHERE key = 'fingerprint'").fetchone()[0]
            if owner == self.fingerprint and self.about:
                db.execute("INSERT OR IGNORE INTO store (key, value) VALUES ('about', ?)", (json.dumps(self.about),))
            owners_about = db.execute("SELECT value FROM store WHERE key = 'about'").fetchone()
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        if owner != self.fingerprint:
            self._close_quietly()
            raise ScenarioError(
                f"{self.path}: holds the days of another run ({self._differences(owner, owners_about)});"
                " use a new store file"
            )
        self._into_wal()
        # Each day is committed at once, but not flushed to the disk at once: in WAL
        # mode a commit survives the command's end, Ctrl-C or SIGKILL (the OS keeps
        # the write), and only a crash of the machine may take back the last few,
        # leaving the store whole. A flush per day cost 1.2 ms of a 1.5 ms save here.
        db.execute("PRAGMA synchronous=NORMAL")

    def _differences(self, owner: str, owners_about: tuple[str] | None) -> str:
        """What differs between the store's run and this one, from what each
        recorded (a store made before it was recorded: the two fingerprints)."""
        theirs: object = None
        with contextlib.suppress(ValueError, TypeError):
            theirs = json.loads(owners_about[0]) if owners_about else None
        if not isinstance(theirs, dict) or not self.about:
            return f"another scenario, seed or theater-sim version: {owner}, not {self.fingerprint}"
        said = [
            f"{words} {_shown(key, theirs.get(key))} there, {_shown(key, self.about.get(key))} here"
            for key, words in STORE_ABOUT.items()
            if theirs.get(key) != self.about.get(key)
        ]
        return "; ".join(said) or "the same scenario name and seed, but other contents (or trace data): edited since?"

    def _into_wal(self) -> None:
        """Switch the store to WAL. The switch needs the file to itself and SQLite
        does not wait for it as it waits for a lock: a second command opening a
        new store just then failed with "database is locked" (seen on a CI run).
        So it is tried again for up to ``BUSY_SECONDS``."""
        deadline = time.monotonic() + BUSY_SECONDS
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _check_tables(self) -> None:
        """Refuse a store whose tables were altered, now rather than after the work."""
        for table, expected in _COLUMNS.items():
            found = [row[1] for row in self._db.execute(f"PRAGMA table_info({table})")]
            if found != expected:
                raise ScenarioError(
                    f"{self.path}: the store's table {table!r} has columns {found}, not {expected};"
                    " it was altered outside theater-sim: use a new store file"
                )

    def finished(self, keys: Iterable[str] | None = None) -> dict[str, DayData]:
        """Task key -> result of every stored task that passes its check; only
        those of ``keys``, if given (``stored``, gathered)."""
        return dict(self.stored(keys))

    def stored(self, keys: Iterable[str] | None = None) -> Iterator[tuple[str, DayData]]:
        """Each stored task that passes its check, with its result, as it is read;
        only those of ``keys``, if given.

        A staffing search asks for a few days at a time of a store that may hold
        thousands: reading and parsing them all for each batch made ``staff
        --store`` slower than no store. So the first call checks every row (a
        row that fails is removed, whoever needs it) and parses the days asked
        for; later ones read only the keys asked for. Rows are read one at a
        time and each day is handed over as it is parsed, so a caller that
        keeps a few numbers of each day never holds the store: reading a 545 MB
        store whole to check it took 2.1 GB. Rows that failed are removed when
        the reading ends (read it to the end, as ``finished`` does)."""
        wanted = None if keys is None else list(dict.fromkeys(keys))
        asked = None if wanted is None else set(wanted)
        sweeping = wanted is None or not self._swept
        bad: list[tuple[int, object]] = []
        try:
            for raw_task, raw_payload, stored_sum, rowid in self._rows(None if sweeping else wanted):
                task, payload = _text(raw_task), _text(raw_payload)
                if task is None or payload is None:
                    self.rejected.add(repr(raw_task))
                    bad.append((rowid, stored_sum))
                    continue
                if stored_sum != checksum(self.fingerprint, task, payload):
                    self.rejected.add(task)
                    bad.append((rowid, stored_sum))
                    continue
                if asked is not None and task not in asked:
                    continue
                day = _parsed(payload)
                if day is None:
                    self.rejected.add(task)
                    bad.append((rowid, stored_sum))
                else:
                    yield task, day
            self._swept = self._swept or sweeping
        finally:
            self._remove(bad)

    def _rows(self, keys: list[str] | None) -> Iterator[tuple[object, object, object, int]]:
        """The stored rows (only those of ``keys``, if given), one at a time."""
        # Payloads as bytes: a flipped high bit makes text SQLite cannot decode, which is
        # one bad row to recompute, not a store to give up on.
        select = "SELECT CAST(task AS BLOB), CAST(payload AS BLOB), checksum, rowid FROM results"
        try:
            if keys is None:
                yield from self._db.execute(select)
                return
            for start in range(0, len(keys), _KEYS_PER_QUERY):
                chunk = keys[start : start + _KEYS_PER_QUERY]
                marks = ", ".join("?" * len(chunk))
                yield from self._db.execute(f"{select} WHERE task IN ({marks})", chunk)
        except sqlite3.DatabaseError as error:
            raise ScenarioError(
                f"{self.path}: the store is damaged ({error}); none of it can be trusted: use a new store file"
            ) from None

    def count(self) -> int | None:
        """How many days the store holds (None: it cannot be read)."""
        try:
            return int(self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0])
        except sqlite3.Error:
            return None

    def _remove(self, rows: list[tuple[int, object]]) -> None:
        """Delete rows that failed their check (only if unchanged since read: another
        command may have stored the day again meanwhile); a locked store keeps them."""
        with contextlib.suppress(sqlite3.OperationalError):
            for rowid, stored_sum in rows:
                self._db.execute("DELETE FROM results WHERE rowid = ? AND checksum IS ?", (rowid, stored_sum))

    def save(self, task_key: str, result: DayData) -> None:
        """Record one finished task (replacing a row that failed its check), committed at once."""
        self.save_payload(task_key, as_payload(result))

    def save_payload(self, task_key: str, payload: str) -> None:
        """``save``, of a result already written as ``as_payload(result)`` (by the
        worker that ran it: writing a day is 0.7 ms, a quarter of running it)."""
        try:
            self._db.execute(
                "INSERT OR REPLACE INTO results (task, payload, checksum) VALUES (?, ?, ?)",
                (task_key, payload, checksum(self.fingerprint, task_key, payload)),
            )
        except sqlite3.OperationalError as error:
            if _is_busy(error):
                raise RunError(
                    f"--store {self.path}: locked by another program for more than {BUSY_SECONDS:g} s ({error});"
                    " the days saved before are kept: when it is free, rerun the same command to resume"
                ) from None
            if _is_disk(error):  # the disk, not the store
                raise RunError(
                    f"--store {self.path}: cannot be written ({error}); the days saved before are kept: free"
                    " some space and rerun the same command to resume"
                ) from None
            raise

    def close(self) -> None:
        self._db.close()

    def _close_quietly(self) -> None:
        with contextlib.suppress(AttributeError, sqlite3.Error):
            self._db.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def as_payload(result: DayData) -> str:
    """A result as the store keeps it."""
    return json.dumps(result)


def _text(raw: object) -> str | None:
    if isinstance(raw, bytes):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return raw if isinstance(raw, str) else None


def _parsed(payload: str) -> DayData | None:
    try:
        day = json.loads(payload)
    except ValueError:
        return None
    sides = day.get("sides") if isinstance(day, dict) else None
    whole = (
        isinstance(sides, dict) and isinstance(sides.get("selling"), dict) and isinstance(sides.get("collecting"), dict)
    )
    return cast(DayData, day) if whole and "verdict" in day else None


def _check_writable(path: Path) -> None:
    """A store must be a regular file (or not yet exist) that this user can write,
    in a folder this user can write (SQLite keeps its journal beside it)."""
    if not str(path).strip():
        raise ScenarioError("give the store a file name, such as results.sqlite")
    if len(path.name.encode()) > 255 - len("-journal"):  # SQLite keeps files named after it beside it
        raise ScenarioError(
            f"{shorten(str(path))}: cannot be used as a results store (the name is too long for the filesystem)"
        )
    if path.is_symlink() and not path.exists():
        raise ScenarioError(f"{shorten(str(path))}: cannot be used as a results store (a link to nothing)")
    folder = path.parent
    if not folder.is_dir():
        raise ScenarioError(f"{path}: cannot be used as a results store (the folder {folder} does not exist)")
    if path.exists() and not stat.S_ISREG(path.stat().st_mode):
        raise ScenarioError(f"{path}: cannot be used as a results store (not a regular file)")
    if path.exists() and not os.access(path, os.W_OK):
        raise ScenarioError(f"{path}: cannot be used as a results store (the file is read-only)")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ScenarioError(f"{path}: cannot be used as a results store (the folder {folder} is read-only)")


#: The first bytes of the files SQLite keeps beside a database.
_SIDE_FILES = {"-wal": (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83"), "-journal": (b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7",)}


#: How long to wait for another command that is opening (or making) the same store this moment.
CREATION_WAIT_SECONDS = 3.0


def _check_side_files_settled(path: Path) -> None:
    """``_check_side_files``, asked again for a few seconds before refusing: another
    command opening the same store this moment makes (and removes) SQLite's files
    beside it, a journal whose header is not written yet included. A file that is
    really not SQLite's stays, and is refused."""
    deadline = time.monotonic() + CREATION_WAIT_SECONDS
    while True:
        try:
            _check_side_files(path)
            return
        except ScenarioError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def _check_side_files(path: Path) -> None:
    """Refuse a store whose -wal, -shm or -journal names are taken by files SQLite did
    not make: opening the store would delete them (or read them as its journal)."""
    new = not path.exists() or path.stat().st_size == 0
    for suffix in ("-wal", "-shm", "-journal"):
        side = Path(f"{path}{suffix}")
        if not (side.exists() or side.is_symlink()):
            continue
        magic = _SIDE_FILES.get(suffix)
        ours = not new and not side.is_symlink() and side.is_file()
        if ours and magic is not None and side.stat().st_size > 0:
            with side.open("rb") as handle:
                ours = handle.read(8).startswith(magic)
        if ours and suffix == "-shm":  # no signature of its own: SQLite keeps it only beside its -wal
            wal = Path(f"{path}-wal")
            ours = wal.is_file() and not wal.is_symlink()
        if not ours:
            maker = (
                " (or another command that was making this store stopped halfway)"
                if new and suffix == "-journal"
                else ""
            )
            raise ScenarioError(
                f"{path}: {side.name} beside it is not SQLite's own file{maker}; opening the store would delete"
                " it: if no other theater-sim command is using this store, move it away, or use another store name"
            )


def _check_is_ours(path: Path) -> None:
    """Refuse, without writing a byte, a file that is not a theater-sim store."""
    _check_side_files_settled(path)
    if not path.exists() or path.stat().st_size == 0:
        return  # a new store
    with path.open("rb") as handle:
        header = handle.read(100)
    if not header.startswith(b"SQLite format 3\x00") or len(header) < 100:
        raise ScenarioError(f"{path}: is not a theater-sim store (not an SQLite file); it was left untouched")
    application_id = int.from_bytes(header[68:72], "big")
    if application_id != APPLICATION_ID:
        raise ScenarioError(
            f"{path}: is another application's SQLite database (or a store of theater-sim before 0.3),"
            " not a theater-sim store; it was left untouched: use a new store file"
        )


def _is_busy(error: sqlite3.Error) -> bool:
    """Another connection holds the store (SQLITE_BUSY, SQLITE_LOCKED), by SQLite's
    own error name where Python gives it, else by its message."""
    name = getattr(error, "sqlite_errorname", None)
    if name:
        return str(name).startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))
    return "locked" in str(error) or "busy" in str(error)


def _is_disk(error: sqlite3.Error) -> bool:
    """The disk failed the write (SQLITE_FULL, SQLITE_IOERR), not the store."""
    name = getattr(error, "sqlite_errorname", None)
    if name:
        return str(name).startswith(("SQLITE_FULL", "SQLITE_IOERR"))
    return "full" in str(error) or "I/O" in str(error)
