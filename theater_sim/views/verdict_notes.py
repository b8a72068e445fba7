"""The lines under the day's summary that say why the verdict says what it says."""

from __future__ import annotations

import math

from rich.text import Text

from theater_sim.analysis.contract import DayData, SideData, side_data
from theater_sim.analysis.day_data import (
    decided_by_day,
    evidence,
    few_sides,
    judge_day,
    named_side,
    shown_day_pressures,
    vetoed_by_handful,
    weighing_matters,
)
from theater_sim.analysis.verdict import (
    FAILED_RATIO,
    MIN_CUSTOMERS,
    MIN_FAILED,
    WAIT_GAP_MINUTES,
    WAIT_RATIO,
    SideEvidence,
    Verdict,
    both_fail_many,
    decide,
    fewest_decimals,
    share,
    short_of_clearly_more_failed,
)
from theater_sim.model.scenario import SIDE_NAMES
from theater_sim.views.closure_notes import closed_spans, failed_while_closed
from theater_sim.views.formatting import format_number
from theater_sim.views.projection_notes import lag_is_the_trouble, projection_note

__all__ = ["pressure_hours_line", "pressure_line", "window_minutes_shown"]


def window_minutes_shown(data: DayData) -> float:
    """The pressure window's length as the day has it: a day shorter than the
    window is one window of the whole day (a 6-minute day's busiest "15-min" window read 08:00-08:06)."""
    return float(min(data["window_minutes"], data["hours"] * 60))


def pressure_hours_line(data: DayData) -> Text:
    """The hours when each side was the pressure point, as clock spans."""
    parts = []
    for name in SIDE_NAMES:
        spans = data["pressure_hours"][name]
        parts.append(f"{name} in {_spans_text(spans)}" if spans else f"{name} in no hour")
    # Hours that are Balanced only as both sides failed their customers: "no hour"
    # alone read as no pressure on a day whose every hour both sides were swamped.
    both = data["pressure_hours"]["both"]
    if both:
        parts.append(f"both short of counters in {_spans_text(both)}")
    return Text("Pressure point by hour: " + "; ".join(parts) + ".")


def _spans_text(spans: list[str]) -> str:
    """JSON's clock spans as the report words them: one that ends at midnight
    reads "20:00-midnight", as the doors' line does, not "20:00-00:00"."""
    return ", ".join(span.removesuffix("-00:00") + "-midnight" if span.endswith("-00:00") else span for span in spans)


def pressure_line(data: DayData) -> Text:
    """Both pressures, the rule, and any note a manager needs to read the verdict right."""
    selling, collecting = shown_day_pressures(data)
    return Text(
        f"Pressure as customers met it (service minutes asked / counter-minutes open in each"
        f" {window_minutes_shown(data):.3g}-minute window, averaged over the side's customers): selling {selling},"
        f" collecting {collecting}.\nNamed first: a side that failed clearly more of its customers (walked away,"
        f" waited over {data['long_wait_minutes']:g} min or missed their film; more than"
        f" {data['failed_share']:.0%} of them and at least 5; 1.5 times the other side on count and share"
        f" together, and {data['failed_share']:.0%} of its customers more, as a share or in number; one served late"
        " counting half), then a side whose customers waited"
        f" clearly longer (p95 1.5 times and 3 min; here and below, no more than the fifth-longest time in line)."
        " Otherwise Balanced when within"
        f" {data['tolerance']:.0%} of the higher pressure, when both are below {data['calm_below']:g}, or when the"
        f" side with the higher pressure hardly waited (p95 at most {data['calm_wait_minutes']:g} min) or waited"
        " less than the other."
        + _weighed_waits_note(data)
        + _calm_waits_note(data)
        + _closed_note(data)
        + _pressure_note(data)
        + _both_failing(data)
        + _failures_short_note(data)
        + _closed_while_failing(data)
        + _named_for_failures_note(data)
        + _named_for_waits_note(data)
        + _few_customers_note(data)
        + _neither_short_note(data)
        + projection_note(data),
        style="dim",
    )


def _weighed(data: DayData, side: SideData) -> float:
    """The wait the notes compare: the verdict's weighed wait where weighing
    changed the day's verdict or its deciding rule (``weighing_matters``), else
    the p95, which then tells the same story in the table's numbers."""
    return side["wait_minutes"]["weighed"] if weighing_matters(data) else side["wait_minutes"]["p95"]


def _is_p95(data: DayData, side: SideData) -> bool:
    return _weighed(data, side) >= side["wait_minutes"]["p95"]


def _weighed_waits_note(data: DayData) -> str:
    """Where weighing the waits changed the verdict or its rule, each side whose
    weighed wait is not its p95, and why (a trial's quiet day named selling for
    a p95 of 3.66 min that two of its 37 buyers met); the notes below compare
    the weighed waits."""
    if not weighing_matters(data):
        return ""
    said = ""
    for name in SIDE_NAMES:
        side = side_data(data["sides"], name)
        if _is_p95(data, side) or evidence(side).few:
            continue  # a handful's own note says how it is weighed
        p95, weighed = side["wait_minutes"]["p95"], side["wait_minutes"]["weighed"]
        if data.get("replications"):
            said += (
                f"\n{name.capitalize()}'s p95 wait, {p95:,.2f} min on average, is on some days a wait fewer than"
                f" {MIN_FAILED} of its customers met (served or not): the verdict weighs each day's p95 or its"
                f" fifth-longest time in line, whichever is shorter, {weighed:,.2f} min on average (a side's waits"
                f" name it only as far as {MIN_FAILED} of its customers waited)."
            )
        else:
            said += (
                f"\n{name.capitalize()}'s p95 wait, {p95:,.2f} min, is a wait fewer than {MIN_FAILED} of its customers"
                f" met (served or not): the verdict weighs the fifth-longest time in line, {weighed:,.2f} min (a"
                f" side's waits name it only as far as {MIN_FAILED} of its customers waited)."
            )
    return said


def _closed_note(data: DayData) -> str:
    """How pressure reads a side closed for a while (a schedule period of no counters)."""
    said = [f"{name} was closed {spans}" for name in SIDE_NAMES if (spans := closed_spans(data, name))]
    if not said:
        return ""
    return (
        f"\n{'; '.join(said).capitalize()}: a closed spell's work waits for the reopening, so its windows count"
        " with the first window after it, whose counters meet all that work."
    )


def _neither_short_note(data: DayData) -> str:
    """A side named on a day that failed nobody on either side: the verdict
    compares the sides, and a manager read "Greater demand for collecting
    tickets" at a p95 of 2.35 min, nobody failed, as a call for counters (a trial)."""
    sides = data["sides"]
    if data["verdict"] == Verdict.BALANCED.value or few_sides(data):
        return ""
    if any(side_data(sides, name)["failed"] > 0 for name in SIDE_NAMES):
        return ""
    return (
        f"\nNeither side is short of counters: nobody was failed (walked away, waited over"
        f" {data['long_wait_minutes']:g} min or missed their film). The verdict says where a counter would do most"
        " if you add one, not that one is needed."
    )


def _calm_waits_note(data: DayData) -> str:
    """Say so when the day is Balanced only because the busier side's customers waited little."""
    sides = data["sides"]
    by_pressure = decide(
        sides["selling"]["pressure"], sides["collecting"]["pressure"], data["tolerance"], data["calm_below"]
    )
    if data["verdict"] != Verdict.BALANCED.value or by_pressure is Verdict.BALANCED or _both_fail_many(data):
        return ""  # (when both sides fail many, the note on that says what to do)
    if few_sides(data):
        return ""  # _few_customers_note says why
    side = "selling" if by_pressure is Verdict.SELLING else "collecting"
    other = "collecting" if side == "selling" else "selling"
    wait = _weighed(data, side_data(sides, side))
    if wait <= data["calm_wait_minutes"]:
        most = "95% of" if _is_p95(data, side_data(sides, side)) else f"all but {MIN_FAILED - 1} of"
        return (
            f"\n{side.capitalize()} met the higher pressure, but {most} its customers waited at most"
            f" {wait:,.2f} min, so it is not the side to add counters to."
        )
    return (
        f"\n{side.capitalize()} met the higher pressure, but its customers waited less than {other}'s"
        f" ({_p95_waits(data, side)}), so it is not the side to add counters to first."
        + _not_clearly_longer(data, other, side)
    )


def _not_clearly_longer(data: DayData, side: str, other: str) -> str:
    """Why ``side``, whose customers waited longer, is not named either: its
    waits were not clearly longer (a trial's 5-minute burst read only why the
    other side was not named, 4.85 min against 2.52)."""
    wait, other_wait = (_weighed(data, side_data(data["sides"], name)) for name in (side, other))
    gap = wait - other_wait
    short = [f"{gap:,.2f} min more, where {WAIT_GAP_MINUTES:g} are needed"] if gap < WAIT_GAP_MINUTES else []
    if wait < WAIT_RATIO * other_wait:
        short.insert(0, f"{wait / other_wait:,.2f} times, where {WAIT_RATIO:g} are needed")
    if not short:
        return ""
    return (
        f" Nor is {side}: its customers waited longer, but not clearly ({'; '.join(short)}), and it met the lower"
        " pressure: Balanced."
    )


def _pressure_note(data: DayData) -> str:
    """Say why when the pressures decided: a side named for its pressure, or a
    Balanced day whose pressures lie within the band or are both calm."""
    if data["named_for_failures"] or data["named_for_waits"] or _both_fail_many(data) or few_sides(data):
        return ""
    sides = data["sides"]
    selling, collecting = (side_data(sides, name) for name in ("selling", "collecting"))
    pressures = " against ".join(shown_day_pressures(data))
    hours = (
        " Hours can still name a side (the hourly points): the day as a whole is balanced."
        if data["pressure_hours"]["selling"] or data["pressure_hours"]["collecting"]
        else ""
    )
    if data["verdict"] == Verdict.BALANCED.value:
        higher = max(selling["pressure"], collecting["pressure"])
        if higher < data["calm_below"]:
            return f"\nBalanced: both sides met a pressure below {data['calm_below']:g} ({pressures}).{hours}"
        if abs(selling["pressure"] - collecting["pressure"]) <= data["tolerance"] * higher:
            return (
                f"\nBalanced: the pressures ({pressures}) lie within {data['tolerance']:.0%} of each other, and"
                f" neither side failed or kept its customers waiting clearly more.{hours}"
            )
        return ""  # the busier side waited little or less: _calm_waits_note says so
    side = "selling" if data["verdict"] == Verdict.SELLING.value else "collecting"
    waits, (shown, other_shown) = _p95_waits(data, side), _shown_pressures(data, side)
    pressure = f"{shown} against {other_shown}"
    if _waits_decide(data):
        return (
            f"\n{side.capitalize()} is named for its waits: its customers waited clearly longer ({waits}); its"
            f" pressure points the same way ({pressure})."
        )
    return (
        f"\n{side.capitalize()} is named for its pressure: its customers met {shown} of what its"
        f" counters could serve against {other_shown} (more than {data['tolerance']:.0%} apart), and"
        f" waited longer ({waits})."
    )


def _failed_text(data: DayData, name: str) -> str:
    """``12 of 300 parties of holders (4.0%)``: a side's failed customers and their share;
    over replications the mean of each day's share, as the summary and ``staff``
    print it (the share of the mean counts read 14.6% beside their 14.5%)."""
    side = side_data(data["sides"], name)
    failed, arrived = side["failed"], side["arrived"]
    # Parties only where the sales bring them (linked): a showtimes stream's holders come one by one.
    customers = "buyers" if name == "selling" else "parties of holders" if data["tickets"] is not None else "holders"
    if not arrived:  # a linked day whose buyers all bought online: "0 of 0 buyers" says nothing
        return f"no {customers} at the {name} counters"
    shown = f"{format_number(failed, 'count')} of {format_number(arrived, 'count')} {customers}"
    return f"{shown} ({side['failed_share']:.1%})"


def _how_failed(data: DayData, side: SideData) -> str:
    """How a side's customers were failed: walked away, waited too long, missed their film.

    Each customer counts once: one who was late for the film after a long
    wait counts as late, so the long waits are what is left.
    """
    # lost = walked away or missed the film, each customer once: one who gave up after
    # their film began counts as missing it, so those who only walked away are lost - missed.
    missed = side["missed_showtime_start"]
    walked = max(0.0, side["lost"] - missed)
    gave_up_late = max(0.0, side["balked"] + side["reneged"] - walked)  # in line at the start, then gave up
    waited = max(0.0, side["failed"] - side["lost"])
    turned_away = data["projection"] is not None and data["projection"]["retries"] > 0
    # A holder turned away to come back was not in line when the film began, but still waiting.
    late = (
        ("were still waiting, in line or turned away, when their film began" if turned_away else "were in line")
        + ("" if turned_away else " when their film began")
        + (f" ({format_number(gave_up_late, 'count')} of them then gave up)" if gave_up_late >= 0.05 else "")
    )
    parts = [(walked, "walked away"), (waited, f"waited over {data['long_wait_minutes']:g} min"), (missed, late)]
    shown = [(count, what) for count, what in parts if count >= 0.05]
    # Means over days in one precision: "56 walked away, 0.2 waited" read as a slip (a trial).
    spec = ",.1f" if any(not float(count).is_integer() for count, _ in shown) else ",.0f"
    return ", ".join(f"{count:{spec}} {what}" for count, what in shown)


def _named_and_other(data: DayData, side: str) -> tuple[SideData, SideData, str]:
    """The named side's data, the other side's, and the other side's name."""
    other = "collecting" if side == "selling" else "selling"
    return side_data(data["sides"], side), side_data(data["sides"], other), other


def _named_for_failures_note(data: DayData) -> str:
    """Say why a side is named for the customers it failed."""
    side = data["named_for_failures"]
    if side is None:
        return ""
    named, other, other_name = _named_and_other(data, side)
    both = (
        " Both sides failed many; it failed clearly more, counting both how many and what share (a customer"
        " served late counts half: they got what they came for)."
        if _both_fail_many(data)
        else ""
    )
    mine, theirs = evidence(named), evidence(other)
    if _both_fail_many(data) and mine.failed < theirs.failed:
        # Fewer in number yet named: "515 ... against 596 ... it failed clearly more" read as a
        # contradiction (a new user); say what the weighing counted.
        lost, their_lost = (side["lost"] for side in (named, other))
        more_lost = (
            f", but more of them were lost ({format_number(lost, 'count')} walked away or missed their film,"
            f" against {format_number(their_lost, 'count')})"
            if lost > their_lost
            else ""
        )
        both = (
            f" Both sides failed many; it failed fewer ({format_number(mine.failed, 'count')} against"
            f" {format_number(theirs.failed, 'count')}){more_lost}. A customer served late counts half (they got"
            f" what they came for): weighed, {format_number(round(mine.weighed_failed, 1), 'count')}"
            f" ({mine.weighed_share:.1%}) against {format_number(round(theirs.weighed_failed, 1), 'count')}"
            f" ({theirs.weighed_share:.1%}); count times share, {mine.harm:,.1f} against {theirs.harm:,.1f}, at least"
            f" {FAILED_RATIO**2:g} times: clearly more by count and share together."
        )
    return (
        f"\n{side.capitalize()} is named for the customers it failed: {_failed_text(data, side)}:"
        f" {_how_failed(data, named)}; against {_failed_text(data, other_name)}"
        + (f": {_how_failed(data, other)}" if other["failed"] else "")
        + f".{both}"
        + ("" if few_sides(data) else " " + _without_failures(data))
        + ("" if few_sides(data) else _evidence_bracket(data, side, named, other, other_name))
        + _open_first(data, side)
    )


def _evidence_bracket(data: DayData, side: str, named: SideData, other: SideData, other_name: str) -> str:
    """The numbers behind ``_without_failures``: the waits, the pressures, or both."""
    label = "p95 wait" if _is_p95(data, named) and _is_p95(data, other) else "weighed wait"
    waits = f"{side}'s {label} {_weighed(data, named):,.2f} min against {other_name}'s {_weighed(data, other):,.2f}"
    pressure = "pressure {} against {}".format(*_shown_pressures(data, side))
    alone_agrees = judge_day(data, failures=False).value == data["verdict"]
    if alone_agrees:
        return f" ({waits})." if _waits_decide(data) else f" ({pressure})."
    if _waits_decide(data):
        # The waits come before the pressures: "(collecting's p95 31.74 against selling's 76.85, pressure 1.58
        # against 1.33)" read as pointing at collecting (a new user).
        their_waits = (
            f"{other_name}'s {label} {_weighed(data, other):,.2f} min against {side}'s {_weighed(data, named):,.2f}"
        )
        shown, other_shown = _shown_pressures(data, side)
        higher = (
            f", though {side}'s pressure was higher, {shown} against {other_shown}"
            if named["pressure"] > other["pressure"]
            else ""
        )
        return f" (by the waits, which come before the pressures: {their_waits}{higher})."
    return f" ({waits}, {pressure})."


def _without_failures(data: DayData) -> str:
    """What waits and pressures alone would have said of the day, naming the rule that would decide."""
    alone = judge_day(data, failures=False).value
    if alone != data["verdict"]:
        return f"Counting waits and pressures only, the day would read '{alone}'"
    return "Its waits point the same way" if _waits_decide(data) else "Its pressure points the same way"


def _waits_decide(data: DayData) -> bool:
    """Whether, failures aside, the waits rule (before the pressures) names the day's side."""
    return decided_by_day(data, failures=False) == "waits"


def _named_for_waits_note(data: DayData) -> str:
    """Say why a side is named although the pressures alone would not name it."""
    side = data["named_for_waits"]
    if side is None or few_sides(data):
        return ""
    named, _, _ = _named_and_other(data, side)
    busiest = named["busiest_window"]
    if side == "collecting" and lag_is_the_trouble(data):
        rush = " Its waits include holders turned away by stale reads, who wait again on coming back."
        return (
            f"\n{side.capitalize()} is named for its waits, not its pressure: its customers waited clearly longer"
            f" ({_p95_waits(data, side)}).{rush}" + _open_first(data, side)
        )
    if busiest["pressure"] > 1:
        rush = (
            f" In its busiest window, {busiest['clock']}, its customers asked {busiest['pressure']:,.2f} times what"
            " its counters could serve."
        )
    else:
        rush = _steady_load_reason(data, side)
    return (
        f"\n{side.capitalize()} is named for its waits, not its pressure: its customers waited clearly longer"
        f" ({_p95_waits(data, side)}).{rush}" + _open_first(data, side)
    )


#: A pressure from which a side's line grows steeply with its load (M/M/c waits rise as 1/(1 - load):
#: at 0.7 a tenth more load makes the waits about half as long again).
_NEAR_CAPACITY = 0.7


def _steady_load_reason(data: DayData, side: str) -> str:
    """Why a side never asked more than its counters could serve, yet waited
    clearly longer. "Its crowds were shorter than a window" was said of a
    steady M/M/c day without crowds (a trial): a higher pressure, though
    within the rule's margin, is said as such; an equal or lower one leaves
    short crowds or fewer counters."""
    named_data, other_data, _ = _named_and_other(data, side)
    named, other = evidence(named_data), evidence(other_data)
    selling_text, collecting_text = shown_day_pressures(data)
    named_text, other_text = (selling_text, collecting_text) if side == "selling" else (collecting_text, selling_text)
    if max(named.pressure, other.pressure) < data["calm_below"]:
        # Both calm (first: the rule's calm bound may be set as high as 10): "crowds shorter than a
        # window" was said of a steady day at 0.45 (a trial).
        return (
            f" Both pressures were below {data['calm_below']:g} ({named_text} against {other_text}), which alone"
            " reads Balanced; but counters not always busy still keep a line when customers come close together"
            " or services run long, and its customers met one."
        )
    # Higher as shown too: "higher too (0.83 against 0.83)" would read as a slip.
    if named.pressure > other.pressure and named.pressure >= _NEAR_CAPACITY and named_text != other_text:
        return (
            f" Its pressure was higher too ({named_text} against {other_text}), though not by enough to name it"
            " alone: near its counters' capacity, a little more load makes a much longer line."
        )
    return " Its crowds were shorter than a window, or its counters too few for its load."


def _few_customers_note(data: DayData) -> str:
    """When a side had only a handful of customers: their numbers, that the
    verdict took them for calm (and why that matters here), then why the
    verdict reads as it does, without setting their numbers against the
    other side's."""
    few = few_sides(data)
    if not few:
        return ""
    sides = data["sides"]

    def counted(name: str) -> str:
        return format_number(side_data(sides, name)["arrived"], "count")

    def numbers(name: str) -> str:
        side = side_data(sides, name)
        failed = f", {format_number(side['failed'], 'count')} failed" if side["failed"] else ""
        return f"p95 wait {side['wait_minutes']['p95']:,.2f} min, pressure {side['pressure']:,.2f}{failed}"

    def noticed(name: str) -> str:
        side = side_data(sides, name)
        waited = side["wait_minutes"]["p95"] > data["calm_wait_minutes"] or side["failed"]
        return " Look at them on their own." if waited else ""

    rule = (
        f"too few (under {MIN_CUSTOMERS}) for their waits or pressure to name a side (their luck, not its demand),"
        f" so they count as calm; only failing clearly more of its customers than the other side (and at least"
        f" {MIN_FAILED}) could name it"
    )
    if len(few) == 2:
        if not any(side_data(sides, name)["arrived"] for name in SIDE_NAMES):
            return "\nNeither side had customers at its counters: nothing to weigh, so both count as calm."

        def described(name: str) -> str:  # a side without customers has no waits or pressure to give
            return f"{name} {counted(name)}: {numbers(name)}" if side_data(sides, name)["arrived"] else f"{name} none"

        return (
            f"\nBoth sides had only a handful of customers ({described('selling')}; {described('collecting')}):"
            f" {rule}." + (noticed("selling") or noticed("collecting"))
        )
    name = few[0]
    other = "collecting" if name == "selling" else "selling"
    if not side_data(sides, name)["arrived"]:
        online = " (every buyer bought online)" if name == "selling" and data["tickets"] is not None else ""
        return (
            f"\n{name.capitalize()} had no customers at its counters{online}: nothing to weigh, so it counts as calm."
        )
    if data["named_for_failures"] == name:
        return (
            f"\n{name.capitalize()} had only {counted(name)} customers ({numbers(name)}): too few (under"
            f" {MIN_CUSTOMERS}) for their waits or pressure to name it, but not for the customers it failed."
        )
    text = f"\n{name.capitalize()} had only {counted(name)} customers ({numbers(name)}): {rule}." + noticed(name)
    if data["named_for_failures"]:
        return text
    mine = side_data(sides, other)
    wait, pressure = _weighed(data, mine), mine["pressure"]
    calm = f"with {name}'s handful taken for calm"
    if data["verdict"] != Verdict.BALANCED.value:
        if data["named_for_waits"]:
            return text + (
                f" {other.capitalize()} is named for its own customers' waits, not its pressure"
                f" ({_wait_label(data, mine)} {wait:,.2f} min: at least {WAIT_GAP_MINUTES:g}, {calm})."
            )
        both = (
            f" and its customers' waits ({_wait_label(data, mine)} {wait:,.2f} min: at least {WAIT_GAP_MINUTES:g},"
            " against none for the handful)"
        )
        alone = f"; its customers waited {_wait_label(data, mine)} {wait:,.2f} min, and those few not clearly longer"
        return text + (
            f" {other.capitalize()} is named for its pressure ({pressure:,.2f}, {calm})"
            + (both if _waits_decide(data) else alone)
            + "."
        )
    if vetoed_by_handful(data):
        return text + (
            f" {other.capitalize()}'s pressure ({pressure:,.2f}) would name it {calm}, but its customers did not"
            f" clearly wait (p95 {mine['wait_minutes']['p95']:,.2f} min) and those few waited clearly longer:"
            " neither side is clearly the one to add counters to."
        )
    if pressure < data["calm_below"]:
        return text + f" {other.capitalize()} met a pressure below {data['calm_below']:g} ({pressure:,.2f})."
    if wait <= data["calm_wait_minutes"]:
        return text + (
            f" {'95%' if _is_p95(data, mine) else f'all but {MIN_FAILED - 1}'} of {other}'s customers waited at most"
            f" {data['calm_wait_minutes']:g} min ({_wait_label(data, mine)} {wait:,.2f})."
        )
    return text


def _p95_waits(data: DayData, first: str) -> str:
    """``p95 9.78 min against 3.33``: side ``first``'s p95 wait, then the other side's."""
    named, other, _ = _named_and_other(data, first)
    wait, other_wait = _told_apart(_weighed(data, named), _weighed(data, other))
    label = "p95" if _is_p95(data, named) and _is_p95(data, other) else "weighed waits"
    return f"{label} {wait} min against {other_wait}"


def _wait_label(data: DayData, side: SideData) -> str:
    return "p95" if _is_p95(data, side) else "weighed wait"


def _told_apart(first: float, second: float) -> tuple[str, str]:
    """Two waits with two decimals, or as many more as show which is longer:
    "waited longer (p95 2.74 min against 2.74)" was printed of 2.7445 and 2.7441."""
    return fewest_decimals(first, second, lambda one, other: (one > other, one == other))


def _shown_pressures(data: DayData, first: str) -> tuple[str, str]:
    """Both pressures as printed (``shown_day_pressures``), side ``first``'s first."""
    selling, collecting = shown_day_pressures(data)
    return (selling, collecting) if first == "selling" else (collecting, selling)


def _both_fail_many(data: DayData) -> bool:
    """``both_fail_many`` of the day's two sides, by its rule's failed share."""
    sides = data["sides"]
    return both_fail_many(evidence(sides["selling"]), evidence(sides["collecting"]), data["failed_share"])


def _harm_ratio_text(data: DayData) -> str:
    """Why the failures did not decide: which test the side that failed more falls short of."""
    sides = data["sides"]
    evidences = {name: evidence(side_data(sides, name)) for name in SIDE_NAMES}
    more_name, less_name = sorted(SIDE_NAMES, key=lambda name: -evidences[name].harm)
    more, less = evidences[more_name], evidences[less_name]
    short = short_of_clearly_more_failed(more, less, data["failed_share"])
    # Both sides failed at least MIN_FAILED and more than the share (``_both_fail_many``), so the
    # harm and the margin are the tests left to fall short of.
    if short == "harm":
        why = _harm_short(f"{more_name}'s", more, less, less_name)
    else:
        why = (
            f"{more_name} did not fail {data['failed_share']:.0%} of its customers more than {less_name},"
            " as a share or in number"
        )
    then = "; the waits and pressures decide" if not few_sides(data) else ""
    return f" Neither failed clearly more: {why}{then}."


def _harm_short(whose: str, named: SideEvidence, other: SideEvidence, other_name: str) -> str:
    """``its harm (...) is 1.80 times collecting's, where ... are needed``: the harm test, fallen short of."""
    ratio = named.harm / other.harm if other.harm else math.inf
    return (
        f"{whose} harm (failed count times failed share, a customer served late counting half) is {ratio:,.2f}"
        f" times {other_name}'s, where 1.5 x 1.5 = 2.25 are needed"
    )


def _short_gap(first: float, second: float, needed: float) -> tuple[str, str]:
    """Two shares whose gap falls short of ``needed``, with one decimal or as many
    more as show it short: 4.96% against 0.0% read "5.0% against 0.0%, where 5%
    more are needed" (a trial)."""
    shown = fewest_decimals(first * 100, second * 100, lambda mine, theirs: (mine - theirs) / 100 < needed, least=1)
    return f"{shown[0]}%", f"{shown[1]}%"


def _failures_short_note(data: DayData) -> str:
    """Why a side that failed more than the bar (share and count) is not named
    for it, when the other side did not (``_both_failing`` covers both): the
    test it falls short of, in the rule's weighing. A trial read "65 (6.9%)"
    failed against none, every condition it saw printed met, and the side named
    for its waits: the 65 were served late, which count half."""
    if data["named_for_failures"] is not None or _both_fail_many(data) or few_sides(data):
        return ""
    for name in SIDE_NAMES:
        side = side_data(data["sides"], name)
        if side["failed"] < MIN_FAILED or share(side["failed"], side["arrived"]) <= data["failed_share"]:
            continue
        _, other_side, other_name = _named_and_other(data, name)
        named, other = evidence(side), evidence(other_side)
        short = short_of_clearly_more_failed(named, other, data["failed_share"])
        decide = _decided_instead(data, name)
        if short == "harm":
            return (
                f"\n{name.capitalize()} failed {_failed_text(data, name)}, but not clearly more than {other_name},"
                f" which failed {_failed_text(data, other_name)}: {_harm_short('its', named, other, other_name)};"
                f" {decide}"
            )
        # The margin. "8.1% against 0.0%, but not clearly more" read as nonsense (a trial):
        # say first how many were served late, which weighs half.
        late = side["failed"] - side["lost"]
        served_late = (
            ""
            if late < 0.05
            else f", all of them served after waiting over {data['long_wait_minutes']:g} min"
            if late >= side["failed"]
            else f", {format_number(late, 'count')} of them served after waiting over {data['long_wait_minutes']:g} min"
        )
        mine, theirs = _short_gap(named.weighed_share, other.weighed_share, data["failed_share"])
        others = f"{other_name} none" if not other_side["failed"] else f"{other_name} {_failed_text(data, other_name)}"
        against = "" if not other_side["failed"] else f" against {theirs}"
        # None served late (all lost): nothing weighs half, and the shares themselves fall short.
        weighed = "Served late counts half: weighed, that is" if served_late else "That is"
        return (
            f"\n{name.capitalize()} failed {_failed_text(data, name)}{served_late}, and {others}. {weighed}"
            f" {mine} of its customers{against}, short of the {data['failed_share']:.0%} more that names a side for"
            f" its failures alone; {decide}"
        )
    return ""


def _decided_instead(data: DayData, name: str) -> str:
    """How a day not named for a side's failures was decided, said of side ``name``."""
    if named_side(data) != name:
        return "the waits and pressures decide."
    return f"its {'waits name' if _waits_decide(data) else 'pressure names'} it instead."


def _which_decided(data: DayData) -> str:
    """When the waits and pressures decided a day both sides failed on: what they said."""
    if data["verdict"] == Verdict.BALANCED.value or few_sides(data):
        return ""
    side = "selling" if data["verdict"] == Verdict.SELLING.value else "collecting"
    if _waits_decide(data):
        return f" {side.capitalize()}'s customers waited clearly longer ({_p95_waits(data, side)})."
    shown, other_shown = _shown_pressures(data, side)
    return (
        f" {side.capitalize()} met the higher pressure ({shown} against {other_shown}),"
        f" and its customers waited longer ({_p95_waits(data, side)})."
    )


def _both_failing(data: DayData) -> str:
    """A warning when both sides fail many customers, or both are swamped, whatever the verdict."""
    sides = data["sides"]
    if _both_fail_many(data):
        # As the summary prints them (over replications, the mean of each day's share).
        shares = (sides["selling"]["failed_share"], sides["collecting"]["failed_share"])
        first = (
            "; the verdict names the side to open counters on first"
            if data["verdict"] != Verdict.BALANCED.value
            else ""
            if few_sides(data)  # the note on the handful says why
            else "; neither waited clearly longer nor met clearly more pressure"
        )
        return (
            f"\nBoth sides failed more than {data['failed_share']:.0%} of their customers (selling {shares[0]:.1%},"
            f" collecting {shares[1]:.1%}): both need more counters{first}."
            + ("" if data["named_for_failures"] else _harm_ratio_text(data) + _which_decided(data))
        )
    lower = min(sides["selling"]["pressure"], sides["collecting"]["pressure"])
    # A handful's pressure is one long service in a short window, not a side
    # short of counters: its own note says what to look at.
    if data["verdict"] != Verdict.BALANCED.value or lower < 1 or few_sides(data):
        return ""
    return (
        "\nBoth sides' customers met more demand than their counters could serve (pressures above 1):"
        " balanced, but both need more counters."
    )


def _closed_while_failing(data: DayData) -> str:
    """For each side whose failed customers came partly while its schedule kept
    it closed, how many, unless the note naming it says so (``_open_first``):
    said of a side not named, and on a Balanced day too (a trial's closure failed
    15 holders, all of them then, and no line said so)."""
    advises = data["named_for_failures"] or (data["named_for_waits"] and not few_sides(data))
    advised = named_side(data) if advises else None
    said = ""
    for side in SIDE_NAMES:
        closure = failed_while_closed(data, side) if side != advised else None
        if closure is None:
            continue
        came, failed, spans = closure
        said += (
            f"\nOf {side}'s {format_number(failed, 'count')} failed customers, {format_number(came, 'count')} came"
            f" while it was closed ({spans}): {_whatever_the_counters(data)}"
            + ("; shorten or move the closure first." if 2 * came >= failed else ".")
        )
    return said


def _whatever_the_counters(data: DayData) -> str:
    """Who among those who came while a side was closed no counters could have
    helped: those who came longer before it reopened than the long wait (a
    trial's 12 counters at the reopening saved 6 of 31 who came in a closed
    hour, where the note had said no number of counters helps them)."""
    return f"those who came over {data['long_wait_minutes']:g} min before it reopened failed whatever the counters"


def _open_first(data: DayData, side: str) -> str:
    """The advice that closes a note naming ``side``: its counters, unless the
    collectors' trouble is the lag between the models (``projection_notes.projection_note`` says what to do),
    or most of the side's failed customers came while its schedule kept it closed."""
    if side == "collecting" and lag_is_the_trouble(data):
        return " Most of it comes from the lag between the models (see below)."
    closure = failed_while_closed(data, side)
    if closure is None:
        return f" Open {side} counters first."
    came, failed, spans = closure
    said = (
        f" {format_number(came, 'count')} of its {format_number(failed, 'count')} failed customers came while it was"
        f" closed ({spans}): {_whatever_the_counters(data)}"
    )
    if 2 * came >= failed:
        return f"{said}; shorten or move the closure first (more counters after it only clear its line sooner)."
    return f"{said}. Open {side} counters first."
