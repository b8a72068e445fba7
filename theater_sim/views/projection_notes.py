"""The lines about the lag between the models: "Between the models" (how
the collectors' list lagged behind the ledger) and, under the verdict, what a
day whose read model fell behind should fix first."""

from __future__ import annotations

from rich.text import Text

from theater_sim.analysis.contract import DayData, Interval, ProjectionData, side_data
from theater_sim.analysis.projection import why_clerks_are_too_late
from theater_sim.analysis.verdict import Verdict
from theater_sim.planning.intervals import interval_shown
from theater_sim.views.closure_notes import failed_while_closed
from theater_sim.views.formatting import format_number

__all__ = ["consistency_line", "lag_is_the_trouble", "projection_note", "projection_section"]


def projection_section(projection: ProjectionData, intervals: dict[str, Interval] | None = None) -> Text:
    """'Between the models': how the collectors' list lagged behind the ledger, and what it cost;
    with ``intervals`` (replications), the 95% half-widths of its main numbers."""
    lag = projection["lag_minutes"]
    busy = "" if projection["utilisation"] is None else f"; projector busy {projection['utilisation']:.0%}"
    cost = (
        f"{format_number(projection['retries'], 'count')} turned away to come back"
        if projection["policy"] == "retry"
        else f"{projection['extra_counter_minutes']:,.1f} extra counter-minutes checking the ledger"
    )
    return Text(
        f"Between the models (ledger -> projector, {projection['projector']} -> collectors' list):"
        f" {format_number(projection['sales'], 'count')} sales; projection lag mean {lag['mean']:,.1f},"
        f" p50 {lag['p50']:,.1f}, p95 {lag['p95']:,.1f}, max {lag['max']:,.1f} min{busy}; longest backlog"
        f" {format_number(projection['max_backlog'], 'count')} sales"
        # Over replications the moment is a mean of each day's, which no day may have had.
        + ("" if intervals else f" at {projection['max_backlog_clock']}")
        + "."
        f" Stale reads (a holder at a counter before their sale was listed):"
        f" {format_number(projection['stale_reads'], 'count')} by {format_number(projection['stale_holders'], 'count')}"
        f" of {format_number(projection['holders'], 'count')} parties of holders ({projection['stale_share']:.1%});"
        f" {cost}; {format_number(projection['missed_start_after_stale'], 'count')} missed their film's start"
        " after one." + _theory_text(projection) + _intervals_text(intervals)
    )


def _intervals_text(intervals: dict[str, Interval] | None) -> str:
    """The projection's numbers over the replications, each ± its 95% half-width."""
    if not intervals:
        return ""

    def shown(name: str, spec: str) -> str:
        return interval_shown(intervals[name], spec, separator="±")

    return (
        f" Means of the days ± 95% half-widths: lag mean {shown('lag_mean', ',.2f')} and p95 {shown('lag_p95', ',.2f')}"
        f" min; longest backlog {shown('max_backlog', ',.1f')} sales; {shown('stale_reads', ',.1f')} stale reads"
        f" ({shown('stale_share', '.1%')} of holders); {shown('missed_start_after_stale', ',.1f')} missed their"
        " film after one."
    )


def _theory_text(projection: ProjectionData) -> str:
    """The M/M/c cross-check, where the projector is clerks with exponential work."""
    theory = projection["theory"]
    if theory is None:
        return ""

    def at(rate: float, lag: float | None) -> str:
        sales = f"{rate:,.1f} sales an hour"
        return f"{sales}, mean lag {lag:,.2f} min" if lag is not None else f"{sales}, more than the clerks can list"

    day = at(theory["sales_per_hour"], theory["mean_lag_minutes"])
    busiest = at(theory["busiest_hour_sales_per_hour"], theory["busiest_hour_mean_lag_minutes"])
    return (
        f" Theory ({theory['model']}, steady Poisson sales): at the day's mean rate {day}; at its busiest hour's"
        f" {busiest}; simulated mean lag {projection['lag_minutes']['mean']:,.2f} min."
    )


def consistency_line(projection: ProjectionData) -> str:
    """The line under the verdict: did the read model keep up (at most 1% of holders met a stale read)?"""
    lag = f"p95 lag {projection['lag_minutes']['p95']:,.1f} min"
    reads = _counted(projection["stale_reads"], "stale read")
    if projection["kept_up"]:
        return f"Read model kept up: {lag}, {reads}"
    found = "found no ticket" if projection["policy"] == "retry" else "needed a ledger check"
    parties = _counted(projection["stale_holders"], "party")
    return (
        f"Read model fell behind: {lag}, {projection['stale_share']:.1%} of parties of holders {found}"
        f" ({reads} by {parties.replace('partys', 'parties')})"
    )


def _counted(count: float, noun: str) -> str:
    """``1 stale read``, ``321 stale reads`` (a mean of several days keeps its decimals)."""
    return f"{format_number(count, 'count')} {noun}{'' if count == 1 else 's'}"


def lag_is_the_trouble(data: DayData) -> bool:
    """The read model fell behind, and the stale reads explain at least half of the
    holders collecting failed (or it failed too few for the counters to be short)."""
    projection = data["projection"]
    if projection is None or projection["kept_up"]:
        return False
    collecting = side_data(data["sides"], "collecting")
    failed = collecting["failed"]
    # Under read_your_writes the stale reads cost counter time instead: when the
    # ledger checks are a quarter of the collectors' work or more, the collectors
    # are short because of the lag, whoever then waits.
    checks = projection["extra_counter_minutes"] >= 0.25 * collecting["service_minutes_demanded"]
    # Any failure of a holder who met a stale read counts: a holder turned away
    # again and again may wait too long without missing the film.
    return failed < 5 or checks or projection["failed_after_stale"] >= failed / 2


def _projection_fix(projection: ProjectionData) -> str:
    """What would shorten the lag: more clerks, a faster refresh, or a shorter trip
    (or, where holders are turned away, letting collectors check the ledger)."""
    delay, p95, walk = projection["delay_minutes"], projection["lag_minutes"]["p95"], projection["walk_minutes"]
    ledger = (
        " or let collectors check the ledger (stale_reads: read_your_writes)" if projection["policy"] == "retry" else ""
    )
    late = why_clerks_are_too_late(delay, walk) if projection["clerks"] is not None else None
    if late == "no walk":
        return (
            "give holders a walk to the counters (linked.walk_minutes: 0, so a holder can reach a counter the moment"
            f" they buy, before any number of clerks lists the sale){ledger}"
        )
    if late == "trip":
        return (
            f"shorten the trip to the list (delay_minutes: {delay:g}, at least the holders' {walk:g}-minute walk:"
            f" a holder who comes straight from buying is at a counter before any number of clerks lists the"
            f" sale){ledger}"
        )
    if delay and delay >= p95 / 2:
        return (
            f"shorten the trip to the list (delay_minutes: {delay:g}, most of the lag, which more clerks do not"
            f" shorten){ledger}"
        )
    if projection["every_minutes"] is not None:
        every = projection["every_minutes"]
        return f"refresh the list more often than every {every:g} min (projection.every_minutes){ledger}"
    return "scale the projector (--projectors)"


def _collectors_capacity(data: DayData) -> str:
    """How close the collectors came to their capacity, by their busiest window (a day's
    average utilisation hides a rush)."""
    busiest = side_data(data["sides"], "collecting")["busiest_window"]
    if busiest["pressure"] <= 1:
        return (
            f", while even in their busiest window ({busiest['clock']}) the collectors were asked for"
            f" {busiest['pressure']:,.2f} of what they could serve. "
        )
    projection = data["projection"]
    extra = " (the ledger checks included)" if projection and projection["extra_counter_minutes"] else ""
    return (
        f"; in their busiest window ({busiest['clock']}) the collectors were asked for {busiest['pressure']:,.2f}"
        f" times what they could serve{extra}, so they are short then too. "
    )


def projection_note(data: DayData) -> str:
    """When the read model fell behind and collecting is named: whether the fix is
    the projection (and which part of it) or the counters too."""
    projection = data["projection"]
    if projection is None or projection["kept_up"] or data["verdict"] != Verdict.COLLECTING.value:
        return ""
    late = projection["missed_start_after_stale"]
    stale = (
        f" {format_number(projection['stale_holders'], 'count')}"
        f" {'party' if projection['stale_holders'] == 1 else 'parties'} of holders reached a counter before their"
        " sale was listed"
    )
    if not lag_is_the_trouble(data):
        failed = side_data(data["sides"], "collecting")["failed"]
        after_stale = projection["failed_after_stale"]
        closure = failed_while_closed(data, "collecting")
        closed = (
            ""
            if closure is None
            else f" ({format_number(closure[0], 'count')} of them came while collecting was closed, {closure[2]}:"
            " counters do not help those; shorten or move the closure)"
        )
        if not after_stale:  # the stale reads cost counter time (ledger checks) or returns, not customers
            return (
                f"\nThe read model fell behind ({stale.strip()}), but none of the {format_number(failed, 'count')}"
                f" holders the collectors failed had met a stale read{closed}: the collecting counters are short,"
                " not the projection. Open collecting counters first."
                f" {_projection_fix(projection).capitalize()} for the stale reads if their cost matters:"
                f" {_stale_cost(projection)}."
            )
        return (
            f"\nThe read model fell behind ({stale.strip()}), but most of the holders collecting failed"
            f" ({format_number(failed - after_stale, 'count')} of {format_number(failed, 'count')}) had no stale"
            f" read{closed}: the collecting counters are short too. Open collecting counters, and"
            f" {_projection_fix(projection)} for the stale reads."
        )
    return (
        "\nCollecting's trouble comes from the lag between the models:"
        + stale
        + _failed_after_stale(projection, late)
        + _collectors_capacity(data)
        + _projection_fix(projection).capitalize()
        + " before adding collecting counters."
    )


def _stale_cost(projection: ProjectionData) -> str:
    """What the stale reads cost: the ledger checks' counter-minutes, or the holders' returns."""
    if projection["policy"] == "retry":
        return f"{format_number(projection['retries'], 'count')} trips back to the line"
    return f"{projection['extra_counter_minutes']:,.1f} counter-minutes of ledger checks"


def _failed_after_stale(projection: ProjectionData, late: float) -> str:
    """How many of the stale holders the collectors then failed, and how many of those missed their film."""
    failed = projection["failed_after_stale"]
    if not failed:
        return ""
    if late >= failed:
        return f" ({format_number(late, 'count')} then missed their film)"
    if not late:
        return f" ({format_number(failed, 'count')} then failed: waited too long or gave up)"
    return (
        f" ({format_number(failed, 'count')} then failed: {format_number(late, 'count')} missed their film,"
        " the others waited too long or gave up)"
    )
