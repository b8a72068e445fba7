"""Which kind of counter is under pressure.

The theater compares, for each side, the service minutes its customers asked
for with the counter-minutes it had open (the demand ratio, or pressure). If
the two pressures are within ``tolerance`` of the larger one, the day is
``Balanced``; otherwise the side with the higher pressure has the greater
demand. Opening counters on a side divides its pressure, so scaling the side
under pressure moves the verdict toward ``Balanced``.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Verdict", "decide"]


class Verdict(StrEnum):
    """The three things the theater can say about its day."""

    BALANCED = "Balanced"
    SELLING = "Greater demand for selling tickets"
    COLLECTING = "Greater demand for collecting tickets"


def decide(selling_pressure: float, collecting_pressure: float, tolerance: float) -> Verdict:
    """The verdict for two sides' pressures (demand ratios).

    Args:
        selling_pressure: Service minutes demanded / counter-minutes available, selling.
        collecting_pressure: The same for collecting.
        tolerance: Largest gap, as a share of the higher pressure, still ``Balanced``.

    Returns:
        ``BALANCED`` when ``|s - c| <= tolerance * max(s, c)``, else the higher side.
    """
    higher = max(selling_pressure, collecting_pressure)
    if abs(selling_pressure - collecting_pressure) <= tolerance * higher:
        return Verdict.BALANCED
    return Verdict.SELLING if selling_pressure > collecting_pressure else Verdict.COLLECTING
