"""Results as CSV files and JSON for people's own tools.

``customer_rows`` gives one row per customer of both sides (times in minutes
after the opening, an empty cell where a time does not apply);
``hourly_rows`` the hour-by-hour table, one row per hour and side; ``to_json``
the ``--json`` line. Part of the reporting edge: it formats, the command line
writes the files. It needs no terminal library, so ``--json`` loads none,
and imports the engines (and NumPy) only to write customers, so a sweep's
coordinator, whose days all run on its workers, loads neither.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from theater_sim.analysis.contract import DayData
from theater_sim.model.clock import parse_clock_minutes
from theater_sim.model.scenario import SIDE_NAMES

if TYPE_CHECKING:
    import numpy as np

    from theater_sim.engine.theater import DayRecords

__all__ = ["CUSTOMER_COLUMNS", "HOURLY_COLUMNS", "customer_csv_chunks", "hourly_csv", "to_json"]

CUSTOMER_COLUMNS = [
    "side",
    "customer",
    "arrival_at_minute",
    "service_start_at_minute",
    "departure_at_minute",
    "wait_minutes",
    "left_line_at_minute",
    "counter",
    "outcome",
    "showing",
    "party_size",
    "arrival_clock",  # for people: the wall clock, to the second; the minutes above are exact
    # A day with a projection, on holders' rows: their sale in the ledger, on the list, and the stale reads.
    "sold_at_minute",
    "listed_at_minute",
    "stale_reads",
    # What a re-simulation needs beyond the rest: each customer's own service time
    # (served or not) and patience (empty: nobody on the side gives up).
    "service_minutes",
    "patience_minutes",
]
HOURLY_COLUMNS = [
    "hour",
    "clock",
    "side",
    "arrived",
    "served",
    "mean_wait_minutes",
    "max_queue",
    "balked",
    "reneged",
    "counters_on_duty",
    "pressure",
    "overtime",
    "until_end",
    "pressure_point",
    "failed",
    "in_line",
    "in_line_failed",
    "in_line_lost",
    "in_line_served",
    "in_line_mean_wait_minutes",
    "unlisted_backlog",
    "stale_reads",
]
_CHUNK = 50_000


def _cells(values: np.ndarray) -> list[str]:
    """Floats as round-trip text, NaN as an empty cell."""
    return ["" if value != value else repr(value) for value in values.tolist()]


def customer_csv_chunks(records: DayRecords, opens: str = "00:00") -> Iterator[str]:
    """The per-customer CSV in pieces (a million customers never sit in one string).

    ``opens``: the opening clock time, for the ``arrival_clock`` column.
    """
    from theater_sim.analysis.customers import customer_showings
    from theater_sim.analysis.projection import holder_columns
    from theater_sim.engine.records import BALKED, RENEGED

    outcomes = {0: "served", BALKED: "balked", RENEGED: "reneged"}
    opening = parse_clock_minutes(opens)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CUSTOMER_COLUMNS)
    holders = holder_columns(records.tickets)
    for side_name in SIDE_NAMES:
        side = records.side(side_name)
        departures = side.service_start_at_minute + side.service_minutes
        waits = side.service_start_at_minute - side.arrival_at_minute
        sales = holders if side_name == "collecting" else None
        showings = customer_showings(records, side_name)
        for start in range(0, side.arrived, _CHUNK):
            window = slice(start, start + _CHUNK)
            rows = min(start + _CHUNK, side.arrived) - start
            projected = (
                zip(
                    _cells(sales["sold_at_minute"][window]),
                    _cells(sales["listed_at_minute"][window]),
                    sales["stale_reads"][window].tolist(),
                    strict=True,
                )
                if sales is not None
                else [("", "", "")] * rows
            )
            patience = _cells(side.patience_minutes[window]) if side.patience_minutes is not None else [""] * rows
            columns = zip(
                range(start + 1, min(start + _CHUNK, side.arrived) + 1),
                side.arrival_at_minute[window].tolist(),
                _cells(side.service_start_at_minute[window]),
                _cells(departures[window]),
                _cells(waits[window]),
                _cells(side.left_line_at_minute[window]),
                side.counter[window].tolist(),
                side.outcome[window].tolist(),
                showings[window].tolist(),
                side.party_size[window].tolist(),
                _clocks(side.arrival_at_minute[window], opening),
                projected,
                _cells(side.service_minutes[window]),
                patience,
                strict=True,
            )
            for row in columns:
                index, arrival, begun, left, wait, gone, counter, outcome, showing, party, clock, sale, *own = row
                writer.writerow(
                    [
                        side_name,
                        index,
                        repr(arrival),
                        begun,
                        left,
                        wait,
                        gone,
                        "" if counter < 0 else counter,
                        outcomes[outcome],
                        "" if showing < 0 else showing,
                        party,
                        clock,
                        *sale,
                        *own,
                    ]
                )
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _clocks(minutes: np.ndarray, opening_minute: float) -> list[str]:
    """``HH:MM:SS`` of each moment, rounded to the nearest second, ``+1d`` past midnight."""
    import numpy as np

    seconds = np.rint((minutes + opening_minute) * 60).astype(np.int64).tolist()
    return [
        f"{s % 86400 // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}" + (f" +{s // 86400}d" if s >= 86400 else "")
        for s in seconds
    ]


def _cell(value: object) -> object:
    """CSV spells booleans as other tools read them: true / false."""
    return ("true" if value else "false") if isinstance(value, bool) else value


def hourly_csv(data: DayData) -> str:
    """The hourly table of a day's data, one row per hour and side. A linked day
    with a projection fills ``unlisted_backlog`` (the most sales not yet on the
    collectors' list) and ``stale_reads`` (of the hour's holders) on its
    collecting rows; other rows leave them empty."""
    projection = data["projection"]
    verdicts = {row["hour"]: row["verdict"] for row in data["hourly_verdicts"]}
    points = {"Balanced": "", "Greater demand for selling tickets": "selling"}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HOURLY_COLUMNS)
    for side_name in SIDE_NAMES:
        for row in data["sides"][side_name]["hourly"]:
            verdict = verdicts.get(row["hour"])
            cells = {**row, "side": side_name}
            if not row["arrived"] or row["arrived"] == row["balked"] + row["reneged"]:
                cells["mean_wait_minutes"] = ""  # nobody of that hour was served: no wait to report
            cells["pressure_point"] = "" if verdict is None else points.get(verdict, "collecting")
            if not row["in_line_served"]:
                cells["in_line_mean_wait_minutes"] = ""  # none of that hour's line was served
            if projection is not None and side_name == "collecting":
                hour = row["hour"]
                backlog, stale = projection["backlog_by_hour"], projection["stale_reads_by_hour"]
                cells["unlisted_backlog"] = backlog[hour] if hour < len(backlog) else 0
                cells["stale_reads"] = stale[hour] if hour < len(stale) else 0
            writer.writerow([_cell(cells.get(column, "")) for column in HOURLY_COLUMNS])
    return out.getvalue()


def to_json(data: Mapping[str, object]) -> str:
    """A day's data as one line of JSON (deterministic for a given day)."""
    return json.dumps(data, allow_nan=False)
