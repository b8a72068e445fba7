"""Which kind of counter is under pressure.

The theater compares, for each side, the service minutes its customers asked
for with the counter-minutes it had open (the demand ratio, or pressure). If
the two pressures are within ``tolerance`` of the larger one, or both sides
are calm (pressure below ``calm_below``: counters idle half the time or more),
the day is ``Balanced``; otherwise the side with the higher pressure has the
greater demand. The same rule judges each hour. Opening counters on a side
divides its pressure, so scaling the side under pressure moves the verdict
toward ``Balanced``.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Verdict", "decide", "hourly_verdicts", "pressure_spans"]


class Verdict(StrEnum):
    """The three things the theater can say about its day."""

    BALANCED = "Balanced"
    SELLING = "Greater demand for selling tickets"
    COLLECTING = "Greater demand for collecting tickets"


def decide(selling_pressure: float, collecting_pressure: float, tolerance: float, calm_below: float = 0.0) -> Verdict:
    """The verdict for two sides' pressures (demand ratios).

    Args:
        selling_pressure: Service minutes demanded / counter-minutes available, selling.
        collecting_pressure: The same for collecting.
        tolerance: Largest gap, as a share of the higher pressure, still ``Balanced``.
        calm_below: A pressure below this is calm; two calm sides are ``Balanced``.

    Returns:
        ``BALANCED`` when ``|s - c| <= tolerance * max(s, c)`` or both are
        below ``calm_below``; else the side with the higher pressure.
    """
    higher = max(selling_pressure, collecting_pressure)
    if higher < calm_below or abs(selling_pressure - collecting_pressure) <= tolerance * higher:
        return Verdict.BALANCED
    return Verdict.SELLING if selling_pressure > collecting_pressure else Verdict.COLLECTING


def hourly_verdicts(
    selling_pressures: list[float], collecting_pressures: list[float], tolerance: float, calm_below: float
) -> list[Verdict]:
    """The same rule, hour by hour (the lists hold each hour's pressure)."""
    return [
        decide(selling, collecting, tolerance, calm_below)
        for selling, collecting in zip(selling_pressures, collecting_pressures, strict=True)
    ]


def pressure_spans(verdicts: list[Verdict], side: Verdict) -> list[tuple[int, int]]:
    """Runs of consecutive hours with the given verdict, as ``(first, last + 1)``."""
    spans: list[tuple[int, int]] = []
    for hour, verdict in enumerate(verdicts):
        if verdict is not side:
            continue
        if spans and spans[-1][1] == hour:
            spans[-1] = (spans[-1][0], hour + 1)
        else:
            spans.append((hour, hour + 1))
    return spans
