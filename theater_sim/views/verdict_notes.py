"""The lines under the day's summary that say why the verdict says what it says."""

from __future__ import annotations

from rich.text import Text

from theater_sim.analysis.contract import DayData, SideData, side_data
from theater_sim.analysis.day_data import shown_day_pressures
from theater_sim.analysis.verdict import Verdict, decide
from theater_sim.model.scenario import SIDE_NAMES
from theater_sim.views.formatting import format_number

__all__ = ["pressure_hours_line", "pressure_line"]


def pressure_hours_line(data: DayData) -> Text:
    """The hours when each side was the pressure point, as clock spans."""
    parts = []
    for name in SIDE_NAMES:
        spans = data["pressure_hours"][name]
        parts.append(f"{name} in {', '.join(spans)}" if spans else f"{name} in no hour")
    return Text("Pressure point by hour: " + "; ".join(parts) + ".")


def pressure_line(data: DayData) -> Text:
    """Both pressures, the rule, and any note a manager needs to read the verdict right."""
    selling, collecting = shown_day_pressures(data)
    return Text(
        f"Pressure as customers met it (service minutes asked / counter-minutes open in each"
        f" {data['window_minutes']:g}-minute window, averaged over the side's customers): selling {selling},"
        f" collecting {collecting}.\nBalanced when within {data['tolerance']:.0%} of the higher pressure,"
        f" when both are below {data['calm_below']:g}, or when the side with the higher pressure hardly waited"
        f" (p95 wait at most {data['calm_wait_minutes']:g} min); a side whose customers waited clearly longer"
        " (p95 1.5 times and 3 min) is named whatever the pressures, and so is collecting when more than"
        f" {data['late_share']:.0%} of its holders missed their film's start."
        + _calm_waits_note(data)
        + _both_over_capacity(data)
        + _named_for_waits_note(data)
        + _named_for_missed_starts_note(data),
        style="dim",
    )


def _calm_waits_note(data: DayData) -> str:
    """Say so when the day is Balanced only because the busier side's customers hardly waited."""
    sides = data["sides"]
    by_pressure = decide(
        sides["selling"]["pressure"], sides["collecting"]["pressure"], data["tolerance"], data["calm_below"]
    )
    if data["verdict"] != Verdict.BALANCED.value or by_pressure is Verdict.BALANCED:
        return ""
    side = "selling" if by_pressure is Verdict.SELLING else "collecting"
    return (
        f"\n{side.capitalize()} met the higher pressure, but 95% of its customers waited at most"
        f" {side_data(sides, side)['wait_minutes']['p95']:.2f} min, so it is not the side to add counters to."
    )


def _named_for_waits_note(data: DayData) -> str:
    """Say why a side is named although the pressures alone would not name it."""
    side = data["named_for_waits"]
    if side is None:
        return ""
    named = side_data(data["sides"], side)
    other = side_data(data["sides"], "collecting" if side == "selling" else "selling")
    busiest = named["busiest_window"]
    rush = (
        f" In its busiest window, {busiest['clock']}, its customers asked {busiest['pressure']:.2f} times what its"
        " counters could serve."
        if busiest["pressure"] > 1
        else " Its crowds were shorter than a window, or its counters too few for its load."
    )
    return (
        f"\n{side.capitalize()} is named for its waits, not its pressure: its customers waited clearly longer"
        f" (p95 {named['wait_minutes']['p95']:.2f} min against {other['wait_minutes']['p95']:.2f}"
        f"{_missed(named)}{_missed(other, True)}).{rush} Open {side} counters first."
    )


def _named_for_missed_starts_note(data: DayData) -> str:
    """Say why collecting is named for its holders who missed their film's start."""
    if not data["named_for_missed_starts"]:
        return ""
    collecting = data["sides"]["collecting"]
    missed, arrived = collecting["missed_showtime_start"], collecting["arrived"]
    return (
        f"\nCollecting is named for its missed starts: {format_number(missed, 'count')} of"
        f" {format_number(arrived, 'count')} parties of holders ({missed / arrived:.0%}) were still in line when"
        f" their film began, more than {data['late_share']:.0%}, however short their waits"
        f" (p95 {collecting['wait_minutes']['p95']:.2f} min). Open collecting counters before the showings."
    )


def _missed(side: SideData, other_side: bool = False) -> str:
    """Holders who missed their film's start (collecting is the only side with any)."""
    missed = side["missed_showtime_start"]
    if not missed:
        return ""
    parties = f"{format_number(missed, 'count')} parties of holders missed their film's start"
    return f"{'; still, ' if other_side else '; '}{parties}"


def _both_over_capacity(data: DayData) -> str:
    """A warning for a day that is Balanced only because both sides are swamped."""
    lower = min(data["sides"]["selling"]["pressure"], data["sides"]["collecting"]["pressure"])
    if data["verdict"] != Verdict.BALANCED.value or lower < 1:
        return ""
    return (
        "\nBoth sides' customers met more demand than their counters could serve (pressures above 1):"
        " balanced, but both need more counters."
    )
