"""Reading a trace of real arrival timestamps from a CSV file.

Managers with real data (turnstile logs, ticket-scanner exports) can replay
them: a CSV file with a header row and a column ``at`` of clock times
(``19:31`` or ``19:31:07``) or ``at_minute`` of minutes after opening. Other
columns are ignored. Rows must be in time order. This is the loader's job:
the domain only sees the minutes.

The path is read as given (relative to the scenario's folder), like any file
the user names. Errors name the file and line and echo at most the
offending cell, cut to 60 characters; a trace longer than the arrivals limit
is refused at the row that passes it, not after reading the rest.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from theater_sim.input.files import read_user_text
from theater_sim.model.arrivals import MAX_ARRIVALS_PER_SIDE
from theater_sim.model.clock import MINUTES_PER_DAY, minutes_after_opening, parse_clock_minutes
from theater_sim.model.errors import ScenarioError, shorten
from theater_sim.model.timetable import outside_hours

__all__ = ["MAX_TRACE_BYTES", "ROWS_PER_REPORT", "RowProgress", "read_trace"]

#: ``on_rows(lines read, lines in the file)``.
RowProgress = Callable[[int, int], None]
#: How often (in rows) the reading reports its progress.
ROWS_PER_REPORT = 100_000

MAX_TRACE_BYTES = 256 * 1024 * 1024


def read_trace(
    path: Path, opens: str, where: str, on_rows: RowProgress | None = None, open_minutes: float | None = None
) -> tuple[float, ...]:
    """Arrival moments (minutes after ``opens``) from a trace file.

    Args:
        path: The CSV file.
        opens: The scenario's opening time, for clock-time columns.
        where: The key path and file name (as the scenario gives it) naming the trace in messages.
        on_rows: Told ``(lines read, lines in the file)`` every ``ROWS_PER_REPORT``
            rows (a trace of millions of rows takes seconds to read).
        open_minutes: The day's length, if known: moments outside it are
            refused here, by line (the scenario, which checks them too, knows
            rows but not lines: blank lines are skipped).

    Raises:
        ScenarioError: naming the file and line of the first problem.
    """
    text = read_user_text(path, MAX_TRACE_BYTES, "trace", where)
    reader = csv.reader(io.StringIO(text))
    try:
        moments = _read_rows(reader, path, opens, where, _reporter(text, reader, on_rows), open_minutes)
    except csv.Error as error:  # bare carriage returns, oversized fields, a stray NUL ...
        raise ScenarioError(f"{where}: line {reader.line_num}: not a readable CSV row ({error})") from None
    _check_last_row_closed(text, reader.line_num, path, where)
    return moments


def _check_last_row_closed(text: str, line_count: int, path: Path, where: str) -> None:
    """A quote opened on the last row runs to the end of the file, where the csv
    module quietly ends the field; every other row would run on to the next line
    (``_read_rows`` names those). A row of one line has an even number of quotes."""
    lines = text.splitlines()
    last = len(lines)
    while last and not lines[last - 1].strip():
        last -= 1
    if last and last <= line_count and lines[last - 1].count('"') % 2:
        raise ScenarioError(
            f"{where}: line {last}: a quoted field is never closed (an unclosed quote?);"
            " every row of a trace is one line"
        )


def _reporter(text: str, reader: Any, on_rows: RowProgress | None) -> Callable[[], None] | None:
    """A call for every ``ROWS_PER_REPORT`` rows that tells ``on_rows`` how far the reading got."""
    if on_rows is None:
        return None
    lines = text.count("\n") + (not text.endswith("\n"))
    return lambda: on_rows(reader.line_num, lines)


def _read_rows(
    reader: Any,
    path: Path,
    opens: str,
    where: str,
    report: Callable[[], None] | None = None,
    open_minutes: float | None = None,
) -> tuple[float, ...]:
    header = next(reader, None)
    if header is None:
        raise ScenarioError(f"{where}: is empty; it needs a header row with 'at' or 'at_minute'")
    columns = [name.strip().lower() for name in header]
    if "at_minute" in columns and "at" in columns:
        raise ScenarioError(f"{where}: line 1: has both 'at' and 'at_minute' columns; keep one")
    for name in ("at", "at_minute"):
        if columns.count(name) > 1:  # which one holds the times? (the first was read without a word)
            raise ScenarioError(f"{where}: line 1: has {columns.count(name)} '{name}' columns; keep one")
    if "at_minute" in columns:
        column, parse = columns.index("at_minute"), _minute_parser()
    elif "at" in columns:
        column, parse = columns.index("at"), _clock_parser(opens)
    else:
        found = shorten(", ".join(header))
        raise ScenarioError(f"{where}: line 1: needs a column named 'at' or 'at_minute' (found {found})")
    clocks = "at" in columns  # clock times (at), not minutes (at_minute)
    previous = (0, "")
    moments: list[float] = []
    first_outside: tuple[int, float] | None = None  # (line, minute) of the first row outside opening hours
    outside = 0
    last_line = reader.line_num
    for row in reader:
        line_number, last_line = last_line + 1, reader.line_num
        if last_line > line_number:  # one row over several lines: a quote opened and never closed
            raise ScenarioError(
                f"{where}: line {line_number}: a quoted field runs on to line {last_line}"
                " (an unclosed quote?); every row of a trace is one line"
            )
        if not row or all(not cell.strip() for cell in row):
            continue
        moment = _parse_cell(row, column, parse, f"{where}: line {line_number}")
        if open_minutes is not None and not 0 <= moment <= open_minutes:
            first_outside, outside = first_outside or (line_number, moment), outside + 1
        if moments and moment < moments[-1]:
            start = parse_clock_minutes(opens)
            if clocks and start + moments[-1] >= MINUTES_PER_DAY and start + moment < MINUTES_PER_DAY:
                # The row before read as the next day's: likely a time before the doors open.
                raise ScenarioError(
                    f"{where}: line {line_number}: {shorten(row[column].strip())} is earlier than"
                    f" {shorten(previous[1].strip())} on"
                    f" line {previous[0]}, which reads as the next day's: a trace holds one day from its opening"
                    f" ({opens}), so leave out times before it, or sort the trace by time"
                )
            if first_outside is not None:  # the earlier problem first (how many more, unknown)
                _refuse_outside(first_outside, 1, open_minutes or 0.0, opens, clocks, where)
            raise ScenarioError(
                f"{where}: line {line_number}: {shorten(row[column].strip())} is earlier than"
                " the row before; sort the trace by time"
            )
        previous = (line_number, row[column])  # shown only in an error: shortened there, not on every row
        moments.append(moment)
        if report is not None and len(moments) % ROWS_PER_REPORT == 0:
            report()
        if len(moments) > MAX_ARRIVALS_PER_SIDE:
            raise ScenarioError(
                f"{where}: line {line_number}: more than {MAX_ARRIVALS_PER_SIDE:,} arrivals, the limit for a side"
            )
    if first_outside is not None:
        _refuse_outside(first_outside, outside, open_minutes or 0.0, opens, clocks, where)
    return tuple(moments)


def _refuse_outside(
    first: tuple[int, float], outside: int, open_minutes: float, opens: str, clocks: bool, where: str
) -> None:
    line, minute = first
    raise ScenarioError(f"{where}: {outside_hours(f'line {line}', minute, outside, open_minutes, opens, clocks)}")


def _minute_parser() -> Callable[[str], float]:
    def parse(cell: str) -> float:
        value = float(cell)
        if value != value or value in {float("inf"), float("-inf")}:
            raise ValueError("not a finite number")
        return value

    return parse


def _clock_parser(opens: str) -> Callable[[str], float]:
    def parse(cell: str) -> float:
        parse_clock_minutes(cell)
        # "24:00" is the end of the day, not its start.
        return minutes_after_opening(cell, opens, is_end=cell.startswith("24"))

    return parse


def _parse_cell(row: list[str], column: int, parse: Callable[[str], float], where: str) -> float:
    if column >= len(row):
        raise ScenarioError(f"{where}: missing the time column")
    cell = row[column].strip()
    try:
        value: float = parse(cell)
    except ValueError as error:
        raise ScenarioError(f"{where}: {shorten(repr(cell))} is not a valid time ({shorten(str(error))})") from None
    return value
