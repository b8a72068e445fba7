"""A results store that survives a crash: one SQLite table on disk.

Every finished task is written (and committed) the moment it finishes, keyed
by the scenario's fingerprint and the task (grid point and replication). A
rerun of the same command reads what is there and runs only the rest. A store
that holds another scenario's results (or another version's) is refused, so
results are never silently mixed.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from theater_sim.analysis.contract import DayData
from theater_sim.model.errors import ScenarioError

__all__ = ["ResultStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    scenario_hash TEXT NOT NULL,
    task TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (scenario_hash, task)
)
"""


class ResultStore:
    """Finished tasks of one scenario in a SQLite file.

    Args:
        path: The file (created if missing).
        fingerprint: The scenario's fingerprint; the store must hold no other.

    Raises:
        ScenarioError: the file cannot be created or opened as a store, or
            holds another scenario's results.
    """

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint
        try:
            self._db = sqlite3.connect(path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)
            others = self._db.execute(
                "SELECT scenario_hash FROM results WHERE scenario_hash != ? LIMIT 1", (fingerprint,)
            ).fetchone()
        except sqlite3.Error as error:
            raise ScenarioError(f"{path}: cannot be used as a results store ({error})") from None
        if others is not None:
            self._db.close()
            raise ScenarioError(
                f"{path}: holds results of another scenario, seed or theater-sim version"
                f" ({others[0]}, not {fingerprint}); use a new store file"
            )

    def finished(self) -> dict[str, DayData]:
        """Task key -> result of every task already done."""
        rows = self._db.execute("SELECT task, payload FROM results WHERE scenario_hash = ?", (self.fingerprint,))
        return {task: json.loads(payload) for task, payload in rows}

    def save(self, task_key: str, result: DayData) -> None:
        """Record one finished task, committed at once."""
        self._db.execute(
            "INSERT OR REPLACE INTO results (scenario_hash, task, payload) VALUES (?, ?, ?)",
            (self.fingerprint, task_key, json.dumps(result)),
        )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
