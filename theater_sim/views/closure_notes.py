"""What a report says of a side its schedule closes for a while (a period of count 0).

Shared by the verdict's notes and the projection's: customers who came while
a side was closed failed for the closure, which no number of counters helps,
so advice to open counters must say so.
"""

from __future__ import annotations

from theater_sim.analysis.contract import DayData, side_data
from theater_sim.analysis.day_data import closed_spells
from theater_sim.model.clock import clock_label_to_the_second

__all__ = ["closed_spans", "failed_while_closed"]


def closed_spans(data: DayData, side: str) -> str:
    """``12:00-13:00, 17:30-17:45``: the spells ``side``'s schedule kept it closed ("" for none)."""
    opens = data["opens"]
    return ", ".join(
        f"{clock_label_to_the_second(start, opens)}-{clock_label_to_the_second(end, opens)}"
        for start, end in closed_spells(side_data(data["sides"], side))
    )


def failed_while_closed(data: DayData, side: str) -> tuple[float, float, str] | None:
    """How many of ``side``'s failed customers arrived while its schedule kept it
    closed, of how many failed, and the closed spells; None when none did (over
    replications, the means)."""
    named = side_data(data["sides"], side)
    came = sum(round(row["failed_share"] * row["arrived"], 6) for row in named["periods"] if row["counters"] == 0)
    spans = closed_spans(data, side)
    if not spans or came < 0.5:
        return None
    return came, named["failed"], spans
