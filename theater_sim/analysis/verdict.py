"""Which kind of counter is under pressure.

The theater compares, for each side, the service minutes its customers asked
for with the counter-minutes it had open: the pressure, measured in short
windows and averaged over the customers who met it (see ``pressure``). If
the two pressures are within ``tolerance`` of the larger one, or both sides
are calm (pressure below ``calm_below``: counters idle half the time or more),
the day is ``Balanced``; otherwise the side with the higher pressure has the
greater demand, unless that side's customers hardly waited (95% of them
waited at most ``calm_wait_minutes``): a side nobody queued at is never the
one to add counters to, so the day is then ``Balanced``. The same pressure
rule judges each hour (with that hour's pressure).
Opening counters on a side divides its pressure, so scaling the side under
pressure moves the verdict toward ``Balanced``.

A gap exactly at ``tolerance`` is ``Balanced``. Pressures are binary floats,
so "exactly" allows a relative rounding slack of ``TIE_SLACK``: 0.5 against
0.4 at a tolerance of 0.2 is a tie, whatever the last bits of 0.4 say.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

__all__ = [
    "TIE_SLACK",
    "WAIT_GAP_MINUTES",
    "WAIT_RATIO",
    "Verdict",
    "decide",
    "hourly_verdicts",
    "pressure_spans",
    "shown_pressures",
    "unnamed_rush",
]

#: Relative slack for ties at the tolerance (far below anything a day can measure).
TIE_SLACK = 1e-12

#: A side waits "clearly longer" when its p95 wait is at least this many times
#: the other side's ...
WAIT_RATIO = 1.5
#: ... and at least this many minutes longer (so 2.3 against 0.2 min is no news).
WAIT_GAP_MINUTES = 3.0


class Verdict(StrEnum):
    """The three things the theater can say about its day."""

    BALANCED = "Balanced"
    SELLING = "Greater demand for selling tickets"
    COLLECTING = "Greater demand for collecting tickets"


def decide(
    selling_pressure: float,
    collecting_pressure: float,
    tolerance: float,
    calm_below: float = 0.0,
    *,
    p95_waits: tuple[float, float] | None = None,
    calm_wait_minutes: float | None = None,
    busiest: tuple[float, float] | None = None,
    late_holders: tuple[float, float] | None = None,
) -> Verdict:
    """The verdict for two sides' pressures (demand ratios).

    Args:
        selling_pressure: Service minutes demanded / counter-minutes available, selling.
        collecting_pressure: The same for collecting.
        tolerance: Largest gap, as a share of the higher pressure, still ``Balanced``.
        calm_below: A pressure below this is calm; two calm sides are ``Balanced``.
        p95_waits: Each side's 95th-percentile wait (selling, collecting), in
            minutes; None: judge by pressure alone (as the hourly verdicts do).
        calm_wait_minutes: A side whose p95 wait is at most this is never named.
        busiest: Each side's busiest-window pressure (selling, collecting); with
            ``p95_waits``, a side the pressures would not name is named when a
            rush its counters could not serve made its waits clearly the longer
            (``unnamed_rush``).
        late_holders: ``(share, limit)``: the share of holders who missed their
            film's start, and the share above which collecting is named (when
            the waits rule has not named selling).

    Returns:
        The side a rush made wait clearly longer (see ``busiest``); else
        ``BALANCED`` when ``|s - c| <= tolerance * max(s, c)``, when both are
        below ``calm_below``, or when the side with the higher pressure hardly
        waited; else that side.
    """
    by_pressure = _by_pressure(
        selling_pressure, collecting_pressure, tolerance, calm_below, p95_waits, calm_wait_minutes
    )
    if busiest is not None and p95_waits is not None:
        rush = unnamed_rush(
            by_pressure,
            {"selling": busiest[0], "collecting": busiest[1]},
            {"selling": p95_waits[0], "collecting": p95_waits[1]},
        )
        if rush is not None:
            return Verdict.SELLING if rush == "selling" else Verdict.COLLECTING
    if late_holders is not None and late_holders[0] > late_holders[1]:
        # Holders who miss their film: the failure a manager sees first, unless
        # the buyers waited clearly longer still.
        buyers_waited_longer = p95_waits is not None and (
            unnamed_rush(Verdict.BALANCED, {}, {"selling": p95_waits[0], "collecting": p95_waits[1]}) == "selling"
        )
        if not buyers_waited_longer:
            return Verdict.COLLECTING
    return by_pressure


def _by_pressure(
    selling_pressure: float,
    collecting_pressure: float,
    tolerance: float,
    calm_below: float,
    p95_waits: tuple[float, float] | None,
    calm_wait_minutes: float | None,
) -> Verdict:
    higher = max(selling_pressure, collecting_pressure)
    if higher < calm_below or abs(selling_pressure - collecting_pressure) <= (tolerance + TIE_SLACK) * higher:
        return Verdict.BALANCED
    named = Verdict.SELLING if selling_pressure > collecting_pressure else Verdict.COLLECTING
    hardly_waited = (
        p95_waits is not None
        and calm_wait_minutes is not None
        and p95_waits[0 if named is Verdict.SELLING else 1] <= calm_wait_minutes
    )
    if hardly_waited:
        return Verdict.BALANCED
    return named


def hourly_verdicts(
    selling_pressures: list[float],
    collecting_pressures: list[float],
    tolerance: float,
    calm_below: float,
    mean_waits: tuple[list[float], list[float]] | None = None,
) -> list[Verdict]:
    """The same rule, hour by hour (the lists hold each hour's pressure).

    ``mean_waits``: each hour's mean wait per side (selling, collecting). With
    them the waits rule applies hour by hour too (on the hour's mean waits): an
    hour whose customers on one side waited clearly longer (1.5 times and 3
    minutes) names that side. Smaller differences, walk-aways and missed
    starts do not enter the hourly rule, so an hour can still read against
    the waits beside it when they differ by less than that.
    """
    verdicts = []
    for hour, (selling, collecting) in enumerate(zip(selling_pressures, collecting_pressures, strict=True)):
        waits = None if mean_waits is None else (mean_waits[0][hour], mean_waits[1][hour])
        verdicts.append(decide(selling, collecting, tolerance, calm_below, p95_waits=waits, busiest=(0.0, 0.0)))
    return verdicts


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


def shown_pressures(
    selling_pressure: float,
    collecting_pressure: float,
    tolerance: float,
    calm_below: float,
    *,
    p95_waits: tuple[float, float] | None = None,
    calm_wait_minutes: float | None = None,
    busiest: tuple[float, float] | None = None,
    late_holders: tuple[float, float] | None = None,
) -> tuple[str, str]:
    """Both pressures with as few decimals (two at least) as keep their verdict.

    Two pressures rounded to two decimals can read as the opposite verdict
    (0.5049 and 0.4039 are "Greater demand for selling", but 0.50 and 0.40
    read as a tie); more decimals are shown until the printed numbers give
    the verdict the real ones do.
    """

    def verdict_of(selling: float, collecting: float) -> Verdict:
        return decide(
            selling,
            collecting,
            tolerance,
            calm_below,
            p95_waits=p95_waits,
            calm_wait_minutes=calm_wait_minutes,
            busiest=busiest,
            late_holders=late_holders,
        )

    verdict = verdict_of(selling_pressure, collecting_pressure)
    for decimals in range(2, 18):
        shown = (f"{selling_pressure:.{decimals}f}", f"{collecting_pressure:.{decimals}f}")
        if verdict_of(float(shown[0]), float(shown[1])) is verdict:
            return shown
    return repr(selling_pressure), repr(collecting_pressure)


def unnamed_rush(
    verdict: Verdict, busiest_pressure: Mapping[str, float], p95_wait_minutes: Mapping[str, float]
) -> str | None:
    """The side the verdict does not name although its customers clearly waited longer.

    Pressure weighs every customer of a side alike: a short rush that only
    some of them met (or a crowd shorter than the verdict's window), or a side
    with fewer counters for its load, can leave its pressure below the other
    side's while its waits are clearly the longer. A manager opens counters
    where customers wait, so ``decide`` names that side.

    Args:
        verdict: The day's verdict.
        busiest_pressure: Each side's busiest-window pressure, by side name.
        p95_wait_minutes: Each side's 95th-percentile wait, by side name.

    Returns:
        The side name when the verdict does not name it and its p95 wait is at
        least ``WAIT_RATIO`` times and ``WAIT_GAP_MINUTES`` longer than the
        other side's; otherwise None. (``busiest_pressure`` is kept for the
        report, which names the rush when there was one.)
    """
    named = {Verdict.SELLING: "selling", Verdict.COLLECTING: "collecting"}.get(verdict)
    for side, other in (("selling", "collecting"), ("collecting", "selling")):
        wait, other_wait = p95_wait_minutes[side], p95_wait_minutes[other]
        if side != named and wait >= WAIT_RATIO * other_wait and wait - other_wait >= WAIT_GAP_MINUTES:
            return side
    return None
