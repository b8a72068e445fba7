"""Every customer of a day as columns, for people's own analysis.

``customer_columns`` gives both sides' customers as equal-length NumPy
arrays (the same rows and full precision as ``run --csv``); ``customer_frame``
the same as a pandas DataFrame, when pandas is installed (it is not a
dependency of theater-sim).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from theater_sim.analysis.projection import holder_columns
from theater_sim.engine.records import BALKED, RENEGED, SERVED
from theater_sim.engine.theater import DayRecords
from theater_sim.model.scenario import SIDE_NAMES, SideName

__all__ = ["customer_columns", "customer_frame", "customer_showings"]

# Outcome names indexed by the records' outcome codes.
_OUTCOMES = np.array(["served", "balked", "reneged"])
assert (SERVED, BALKED, RENEGED) == (0, 1, 2)


def customer_columns(records: DayRecords) -> dict[str, np.ndarray]:
    """One row per customer, selling first, in arrival order within a side.

    Columns: ``side``, ``customer`` (1, 2, ... within the side),
    ``arrival_at_minute``, ``service_start_at_minute``, ``departure_at_minute``,
    ``wait_minutes`` and ``left_line_at_minute`` (NaN where they do not
    apply), ``counter`` (-1: never reached one), ``outcome`` (``served``,
    ``balked``, ``reneged``), ``showing`` (``customer_showings``; -1: none) and ``party_size``; on a
    day with a projection, ``sold_at_minute``, ``listed_at_minute`` (the
    holder's sale in the ledger and on the collectors' list) and
    ``stale_reads`` (times the holder reached a counter before it was listed),
    NaN and -1 on the selling side; then ``service_minutes`` (each customer's
    own service time, served or not) and ``patience_minutes`` (how long they
    would wait before giving up, on each visit; NaN on a side where nobody
    gives up). Times are minutes after the doors opened.
    """
    parts: dict[str, list[np.ndarray]] = {}
    for name in SIDE_NAMES:
        side = records.side(name)
        begun = side.service_start_at_minute
        columns = {
            "side": np.full(side.arrived, name),
            "customer": np.arange(1, side.arrived + 1),
            "arrival_at_minute": side.arrival_at_minute,
            "service_start_at_minute": begun,
            "departure_at_minute": begun + side.service_minutes,
            "wait_minutes": begun - side.arrival_at_minute,
            "left_line_at_minute": side.left_line_at_minute,
            "counter": side.counter,
            "outcome": _OUTCOMES[side.outcome],
            "showing": customer_showings(records, name),
            "party_size": side.party_size,
        }
        columns |= _projection_columns(records, name, side.arrived)
        columns["service_minutes"] = side.service_minutes
        columns["patience_minutes"] = (
            side.patience_minutes if side.patience_minutes is not None else np.full(side.arrived, np.nan)
        )
        for key, values in columns.items():
            parts.setdefault(key, []).append(np.asarray(values))
    return {key: np.concatenate(values) for key, values in parts.items()}


def customer_showings(records: DayRecords, side_name: SideName) -> np.ndarray:
    """The showing (index in start order) each of a side's customers is for: a
    holder's, or the one a buyer at a counter bought tickets for on a linked day;
    -1 for a buyer who got none and on days without linked sales. (The selling
    records are the counter buyers, in the order the day's buyers came.)"""
    side, tickets = records.side(side_name), records.tickets
    if side_name == "collecting" or tickets is None:
        return side.showing
    bought: np.ndarray = tickets.sold_showing[np.flatnonzero(~tickets.online)]
    return bought


def _projection_columns(records: DayRecords, side_name: str, rows: int) -> dict[str, np.ndarray]:
    """A projection day's sale columns for ``side_name``'s rows (NaN and -1 on the selling side)."""
    holders = holder_columns(records.tickets)
    if holders is None:
        return {}
    if side_name == "collecting":
        return holders
    return {
        "sold_at_minute": np.full(rows, np.nan),
        "listed_at_minute": np.full(rows, np.nan),
        "stale_reads": np.full(rows, -1, dtype=np.int64),
    }


def customer_frame(records: DayRecords) -> Any:
    """``customer_columns`` as a pandas DataFrame.

    Raises:
        ImportError: pandas is not installed (``pip install pandas``).
    """
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("customer_frame needs pandas: pip install pandas") from None
    return pd.DataFrame(customer_columns(records))
