"""Progress bars on stderr for anything that takes more than a second.

The bar appears only once work has run for a second (quick commands stay
quiet), writes to stderr so ``--json`` output on stdout stays clean, and can
be silenced with ``--quiet``. It shows only on a terminal: in a log file or a
pipe a bar cannot move, and rich left a blank line where it would have been.
It belongs to the command line: the domain only calls back with how far it
has got. rich is loaded when a bar first shows, so
a quick command (``run --json``) does not pay for it.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

__all__ = ["LazyProgress"]

SHOW_AFTER_SECONDS = 1.0


class LazyProgress:
    """A rich progress bar that starts after a second of work.

    Call ``tasks(done, total)`` for batches of tasks (totals of finished
    batches add up) or ``clock(minute, open_minutes)`` for one simulated day.
    """

    def __init__(self, description: str, quiet: bool = False) -> None:
        self.description = description
        self.quiet = quiet
        self.started_at = time.monotonic()
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._earlier_batches = 0
        self._batch = (0, 0)
        self._unit = ""

    def tasks(self, done: int, total: int) -> None:
        """Progress of the current batch of tasks (days)."""
        previous_done, previous_total = self._batch
        if previous_total and previous_done == previous_total and (done, total) != self._batch:
            self._earlier_batches += previous_total
        self._batch = (done, total)
        self._show(self._earlier_batches + done, self._earlier_batches + total, "days")

    def rows(self, done: int, total: int) -> None:
        """Progress of reading a long trace file (its own bar, gone once the file is read)."""
        self._show(done, total, "trace lines", "reading trace")

    def clock(self, minute: float, open_minutes: float) -> None:
        """Progress of one simulated day (overtime shows as a full bar)."""
        self._show(min(round(minute), round(open_minutes)), round(open_minutes), "simulated minutes")

    def _show(self, done: int, total: int, unit: str, description: str | None = None) -> None:
        if self.quiet or time.monotonic() - self.started_at < SHOW_AFTER_SECONDS or not sys.stderr.isatty():
            return
        if self._progress is not None and self._unit != unit:  # a new kind of work: a new bar
            self.close()
        if self._progress is None:
            self._unit = unit
            self._progress = _new_bar(description or self.description, unit)
            self._progress.start()
            self._task = self._progress.add_task(self.description, total=total)
        assert self._task is not None
        self._progress.update(self._task, completed=done, total=total)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def __enter__(self) -> LazyProgress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def _new_bar(description: str, unit: str) -> Progress:
    """A transient bar on stderr: what, how far, how many of how many, time spent and left."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn(description),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
