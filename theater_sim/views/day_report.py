"""How a day is shown: rich tables for people, JSON for tools.

The only module that formats numbers. It renders a day's plain data (see
``summary``): one simulated day, or the mean of several with a 95%
confidence interval beside each number. The summary puts the two kinds of
counter side by side (selling is the command side, collecting the query
side), then the day hour by hour with the side under pressure in each hour,
then counter changes, showings and tickets where the day has them, and last
the verdict on a line of its own.
"""

from __future__ import annotations

import itertools
import math
import re
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from theater_sim.analysis.contract import DayData, HourRow, Interval, ProjectionData, side_data
from theater_sim.analysis.day_data import (
    SIDE_METRICS,
    both_short_hours,
    closed_spells,
    shown_day_pressures,
    verdicts_at_interval_ends,
)
from theater_sim.analysis.verdict import MIN_FAILED, Verdict
from theater_sim.model.clock import clock_label
from theater_sim.model.scenario import SIDE_NAMES, Scenario, SideName
from theater_sim.planning.intervals import interval_shown
from theater_sim.views.formatting import (
    VERDICT_STYLES,
    counters_text,
    doors_open,
    fitted,
    format_number,
    one_line,
    plain,
    safe,
    sparkline,
)
from theater_sim.views.projection_notes import consistency_line, projection_section
from theater_sim.views.verdict_notes import pressure_hours_line, pressure_line, window_minutes_shown

__all__ = ["render_day"]

_SIDE_TITLES = {"selling": "Selling (commands)", "collecting": "Collecting (queries)"}
_HOUR_MARKS = {Verdict.BALANCED.value: "", Verdict.SELLING.value: "sell", Verdict.COLLECTING.value: "coll"}
MAX_CHANGES_SHOWN = 40
_PATH_TO_METRIC = {path: short for short, path in SIDE_METRICS.items()}


#: The sparkline's steps above an empty hour (``sparkline``'s seven blocks).
_SPARK_STEPS = 7


def _sparklines(data: DayData) -> list[str]:
    """Both sides on one scale and one grouping of hours, left-aligned, so they compare."""
    rows = {name: [r["max_queue"] for r in side_data(data["sides"], name)["hourly"]] for name in SIDE_NAMES}
    longest = max(len(values) for values in rows.values())
    group = max(1, math.ceil(longest / 24))
    # One step a person up to a line of seven: scaled to the longest alone, a quiet
    # day's lines of one drew full blocks, read as a rush (a trial).
    top = max(_SPARK_STEPS, *(max(values, default=0) for values in rows.values()))
    lines = []
    for name in SIDE_NAMES:
        line = sparkline(rows[name], top=top, group=group).ljust(math.ceil(longest / group))
        hourly = side_data(data["sides"], name)["hourly"]
        # A last row that holds every later hour of a long overtime (a trial read "3 h each" of it).
        said = [f"{group} h each"] if group > 1 else []
        if hourly and hourly[-1].get("until_end"):
            said.append("the last with the rest of the overtime")
        lines.append(line + (f" ({', '.join(said)})" if said else ""))
    return lines


class _Cells:
    """Formats a side's numbers, with their confidence interval when replicated."""

    def __init__(self, data: DayData) -> None:
        self.data = data
        self.intervals: dict[str, dict[str, Interval]] = data.get("intervals", {})

    def __call__(self, side: str, path: str, spec: str) -> str:
        if path.startswith("wait_minutes.") and not side_data(self.data["sides"], side)["served"]:
            return "-"  # nobody was served: there is no wait to report
        node: Any = side_data(self.data["sides"], side)
        for key in path.split("."):
            node = node[key]
        metric = _PATH_TO_METRIC.get(path)
        interval = self.intervals.get(side, {}).get(metric) if metric else None
        if interval is None or not interval["half_width"]:
            return format_number(node, spec)
        # A mean of counts over days: one decimal for the mean and its half-width alike
        # (a whole mean had printed as "10 ± 2.7" beside "12.2 ± 1.6").
        shown = ",.1f" if spec == "count" else spec
        # The day data's own mean (the interval's, but for one stored before it changed).
        return interval_shown(
            interval, shown, show_mean=None if node == interval["mean"] else lambda _: format(node, shown)
        )

    def pressures(self) -> list[str]:
        """Both sides' pressures, with enough decimals to read as the verdict they give."""
        shown = shown_day_pressures(self.data)
        cells = []
        for name, text in zip(SIDE_NAMES, shown, strict=True):
            interval = self.intervals.get(name, {}).get("pressure")
            if interval is None:
                cells.append(text)
                continue

            def as_shown(_mean: float, text: str = text) -> str:
                return text  # the decimals that keep the verdict

            cells.append(interval_shown(interval, ",.2f", show_mean=as_shown))
        return cells

    def failed(self) -> list[str]:
        """Each side's failed customers and their share of its arrivals (the
        verdict's first measure); over replications, the mean of each day's
        share, as ``--json`` and ``staff`` give it (the share of the mean
        counts differs a little when arrivals vary by day)."""
        cells = []
        for name in SIDE_NAMES:
            side = side_data(self.data["sides"], name)
            share = f"{side['failed_share']:.1%}" if side["arrived"] else "-"
            cells.append(f"{self(name, 'failed', 'count')} ({share})")
        return cells

    def busiest(self, side: str) -> str:
        """The busiest window; over replications, the mean day's (the highest mean
        pressure), then the mean of each day's own busiest, which a day's rush at
        varying times makes higher: both, so neither reads as the other."""
        window = side_data(self.data["sides"], side)["busiest_window"]
        if not window["arrived"]:
            return "-"
        text = f"{window['clock']}: {window['pressure']:,.2f}"
        if any(
            window["from_minute"] <= start < window["to_minute"]
            for start, _ in closed_spells(side_data(self.data["sides"], side))
        ):
            text += "\n(closed, then reopened)"
        if window["arrived"] == 1:
            # One customer's own work: the pressure met counts only others' (a handful's
            # "pressure met 0.00" beside "busiest window 3.80" read as a slip, a trial).
            text += "\n(one customer's own service)"
        each_day = self.intervals.get(side, {}).get("busiest_pressure")
        if each_day is not None and each_day["half_width"] is not None:
            text += f"\nper day: {interval_shown(each_day, ',.2f')}"
        return text


_HINT = re.compile(r"--(sellers|collectors|projectors)[ =](\d+)(?!\d)")


def _without_taken_hints(description: str, scenario: Scenario) -> str:
    """The description without lines whose hint (``--sellers 5``) the day shown already follows."""
    staffing = {
        "sellers": scenario.selling.counters if scenario.selling.autoscale is None else None,
        "collectors": scenario.collecting.counters if scenario.collecting.autoscale is None else None,
        "projectors": None if scenario.projection is None else scenario.projection.clerks,
    }
    kept = []
    for line in description.splitlines():
        hints = _HINT.findall(line)
        if not hints or any(staffing[option] != int(count) for option, count in hints):
            kept.append(line)
    return "\n".join(kept)


def render_day(data: DayData, scenario: Scenario, console: Console, source: str, engine: str | None = None) -> None:
    """Print the summary, the hourly table, changes, showings and the verdict.

    ``engine``: which engine simulated the days, said in the heading of one day
    (when asked for) or beside the replications' footer.
    """
    replicated = data.get("replications", 1) > 1
    seeds = f"{data['replications']} replications from seed {scenario.seed}" if replicated else f"seed {scenario.seed}"
    console.print(
        Text.assemble(
            (one_line(scenario.name), "bold"),
            f"  ({one_line(source)}, {seeds}, {doors_open(scenario)}, {scenario.hours:g} h"
            + (f", simulated by {engine})" if engine and not replicated else ")"),
        )
    )
    if scenario.description:
        # Indented, so no line of it (as written, or as wrapped) can read as the verdict line.
        description = Text(plain(_without_taken_hints(scenario.description.strip(), scenario)), style="dim")
        for line in description.wrap(console, max(20, console.width - 2)):
            line.rstrip()
            console.print(Text("  ") + line)
    for renderable in _sections(data, scenario, console.width):
        console.print(fitted(renderable, console) if isinstance(renderable, Table) else renderable)
    if replicated:
        turned = verdicts_at_interval_ends(data)
        luck = (
            f" At the ends of their intervals (one side's numbers high, the other's low) the day would read"
            f" {' or '.join(repr(verdict) for verdict in turned)}: the verdict is within the days' luck; add"
            " replications before acting on it."
            if turned
            else ""
        )
        console.print(
            Text(
                f"Numbers are means over {data['replications']} days"
                + (f" (simulated by {engine})" if engine else "")
                + ", ± the half-width of their 95% confidence"
                " interval (or, in square brackets, its ends, where it stops at 0 or 100%)."
                f"{luck} {data['verdict_agreement']} of {data['replications']} days gave the verdict of"
                " the means:",
                style="dim",
            )
        )
    console.print(Text(data["verdict"], style=VERDICT_STYLES[data["verdict"]]))
    if data["projection"] is not None:
        console.print(Text(consistency_line(data["projection"])))


def _sections(data: DayData, scenario: Scenario, width: int) -> list[RenderableType]:
    sections: list[RenderableType] = [_summary_table(data, scenario, width), _hourly_table(data, scenario, width)]
    if any(len(data["sides"][name]["capacity_changes"]) > 1 for name in SIDE_NAMES):
        sections.append(_changes_table(data, scenario))
    if data["showings"]:
        sections.append(_showings_section(data, width))
    tickets = data["tickets"]
    if tickets is not None:
        sections.append(
            Text(
                f"Tickets: {format_number(tickets['tickets_sold'], 'count')} sold"
                f" ({format_number(tickets['tickets_sold_online'], 'count')} online) to"
                f" {format_number(tickets['buyers'], 'count')} would-be buyers, each buying for a party"
                f" ({format_number(tickets['buyers_online'], 'count')} online);"
                f" {format_number(tickets['turned_away'], 'count')} of them turned away because their showings were"
                " full or had started."
            )
        )
    if data["projection"] is not None:
        sections.append(projection_section(data["projection"], data.get("intervals", {}).get("projection")))
    sections.extend([pressure_hours_line(data), pressure_line(data)])
    return sections


def _summary_table(data: DayData, scenario: Scenario, width: int) -> Table:
    table = Table(title="Day summary", title_justify="left")
    # Labels whole from 80 columns on (the values fold at their spaces); below that the
    # labels fold too, or the values would be cut.
    table.add_column("metric", no_wrap=width >= 80)
    for name in SIDE_NAMES:
        table.add_column(_SIDE_TITLES[name], justify="right")
    for label, cells in _summary_rows(data, scenario, narrow=width < 80):
        # A sparkline has no spaces to fold at: in a narrow column it folds onto a second line.
        table.add_row(label, *(Text(cell, overflow="fold") for cell in cells))
    return table


def _distribution_text(text: str, narrow: bool) -> str:
    """``LogNormal(mean=1.2, sd=0.6)``; below 80 columns the name on a line of its
    own (``LogNormal`` / ``mean=1.2, sd=0.6``), so a narrow column folds it at spaces."""
    name, _, rest = text.partition("(")
    return f"{name}\n{rest.removesuffix(')')}" if narrow and rest else text


def _summary_rows(data: DayData, scenario: Scenario, narrow: bool = False) -> list[tuple[str, list[str]]]:
    cell = _Cells(data)

    def row(label: str, path: str, spec: str) -> tuple[str, list[str]]:
        return label, [cell(name, path, spec) for name in SIDE_NAMES]

    rows: list[tuple[str, list[str]]] = [
        ("counters", [_counters_cell(scenario, name) for name in SIDE_NAMES]),
        ("service time", [_distribution_text(repr(scenario.side(n).service_minutes), narrow) for n in SIDE_NAMES]),
        row("arrived", "arrived", "count"),
        row("served", "served", "count"),
    ]
    # Holders turned away by a stale read may give up too, on a side with no patience of its own.
    walked_away = any(
        side_data(data["sides"], n)["balked"] or side_data(data["sides"], n)["reneged"] for n in SIDE_NAMES
    )
    if walked_away or any(
        scenario.side(n).balk_at_line is not None or scenario.side(n).patience_minutes for n in SIDE_NAMES
    ):
        rows += [row("balked", "balked", "count"), row("reneged", "reneged", "count")]
    rows += [
        row("wait mean (min)", "wait_minutes.mean", ",.2f"),
        row("wait p50 (min)", "wait_minutes.p50", ",.2f"),
        row("wait p95 (min)", "wait_minutes.p95", ",.2f"),
        row("wait p99 (min)", "wait_minutes.p99", ",.2f"),
        row("wait max (min)", "wait_minutes.max", ",.2f"),
        row("line length mean", "queue_length.mean", ",.2f"),
        row("line length max", "queue_length.max", "count"),
        ("line by hour (longest)", _sparklines(data)),
        row("in line at closing", "in_line_at_close", "count"),
    ]
    if data["showings"]:
        # Holders come as parties only where sales bring them (linked); else each is one person (a trial).
        label = "missed film start (parties)" if data["tickets"] is not None else "missed film start"
        rows.append((label, ["-", cell("collecting", "missed_showtime_start", "count")]))
    rows.append(("failed customers", cell.failed()))
    rows += [
        row("counter utilisation", "utilisation", ".1%"),
        row("counter-hours on duty", "counter_hours", ",.1f"),
        ("pressure met (verdict's)", cell.pressures()),
        (f"busiest {window_minutes_shown(data):.3g}-min window", [cell.busiest(name) for name in SIDE_NAMES]),
        row("demand ratio (day average)", "demand_ratio", ",.2f"),
        row("overtime (min)", "overtime_minutes", ",.1f"),
    ]
    return rows


def _counters_cell(scenario: Scenario, side_name: SideName) -> str:
    return counters_text(scenario.side(side_name))


def _hourly_table(data: DayData, scenario: Scenario, width: int) -> Table:
    """One row per hour; columns that do not fit ``width`` are left out (ctr first,
    then fail), never squeezed: a number is never split across lines."""
    sides = {name: side_data(data["sides"], name)["hourly"] for name in SIDE_NAMES}
    # The customers in line each hour the side failed: with the wait, what the hour's point weighs.
    failures = any(r["in_line_failed"] for rows in sides.values() for r in rows)
    replicated_hours = data.get("replications", 1) > 1
    # Over days, counts are means: one decimal throughout (a whole mean had printed "10" beside "11.1").
    counts = ",.1f" if replicated_hours else "count"
    projection = data["projection"]
    labels = ["arr", "wait", "line", "ctr"] + (["fail"] if failures else [])
    verdicts = [row["verdict"] for row in data["hourly_verdicts"]]
    rows: list[list[str]] = []
    overtime_rows: list[bool] = []
    both_short = both_short_hours(data)
    for hour in range(max(len(side_rows) for side_rows in sides.values())):
        overtime = hour * 60 >= scenario.open_minutes
        until_end = any(hour < len(side_rows) and side_rows[hour].get("until_end") for side_rows in sides.values())
        mark = (" ++" if until_end else " +") if overtime else ""
        cells = [f"{clock_label(hour * 60.0, scenario.opens)}{mark}"]
        for name in SIDE_NAMES:
            cells.extend(_hour_cells(sides[name], hour, failures, counts))
        if projection is not None:
            cells.extend(_projection_cells(projection, hour, counts))
        point = _HOUR_MARKS[verdicts[hour]] if hour < len(verdicts) else ""
        cells.append("both" if hour < len(both_short) and both_short[hour] else point)
        rows.append(cells)
        overtime_rows.append(overtime)
    headers = (
        ["hour"]
        + [f"{name[:4]}\n{label}" for name in SIDE_NAMES for label in labels]
        + (["list\nback", "coll\nstale"] if projection is not None else [])
        + ["press.\npoint"]
    )
    shown = _columns_that_fit(headers, rows, width, [f"\n{label}" for label in ("ctr", "fail", "stale", "back")])
    left_out = sorted({headers[k].split("\n")[1] for k in range(len(headers)) if k not in shown})
    table = Table(
        title="Hour by hour (arr: arrivals; wait: mean wait of those in line that hour, min; line: longest"
        + ("" if "ctr" in left_out else "; ctr: counters on duty")
        + (
            "; back: most sales not yet on the collectors' list"
            if projection is not None and "back" not in left_out
            else ""
        )
        + ("; stale: stale reads of the hour's holders" if projection is not None and "stale" not in left_out else "")
        + ")",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
    )
    for k in shown:
        # Fold rather than cut if even the kept columns cannot fit: no digit is ever lost.
        table.add_column(headers[k], justify="left" if k == len(headers) - 1 else "right", overflow="fold")
    for cells, overtime in zip(rows, overtime_rows, strict=True):
        table.add_row(*(cells[k] for k in shown), style="dim" if overtime else None)
    table.caption = (
        "'+': overtime after the doors closed ('++': that hour and all later ones)"
        + (
            "; fail: of those in line that hour, walked away, waited over"
            f" {data['long_wait_minutes']:g} min or were in line when their film began (one in line for"
            " several hours counts in each, so the column may add up to more than the day's failed)"
            if failures and "fail" not in left_out
            else ""
        )
        + "\npoint: the verdict's rule on the customers in line at some moment of that hour, whenever they came"
        + ("; none after the doors closed (the day's verdict weighs those)" if any(overtime_rows) else "")
        + ("; with replications, only where three quarters of the days agree" if replicated_hours else "")
        + (
            f"\nboth: Balanced, but both sides failed more than {data['failed_share']:.0%} of those in line"
            f" (and at least {MIN_FAILED} each): both short of counters that hour"
            if any(both_short)
            else ""
        )
        + (
            f"\n{' and '.join(left_out)} left out to fit {width} columns: --hourly-csv and --json have every column"
            if left_out
            else ""
        )
    )
    table.caption_justify = "left"
    return table


def _columns_that_fit(headers: list[str], rows: list[list[str]], width: int, droppable: list[str]) -> list[int]:
    """Indices of the columns to show: all, or without the droppable ones (in order) until they fit."""

    def needed(columns: list[int]) -> int:
        widths = [max([len(line) for line in headers[k].split("\n")] + [len(row[k]) for row in rows]) for k in columns]
        # Each column: its padding (one space a side) and a divider; plus the two edges.
        return sum(widths) + 3 * len(columns) + 1

    shown = list(range(len(headers)))
    for suffix in droppable:
        if needed(shown) <= width:
            break
        shown = [k for k in shown if not headers[k].endswith(suffix)]
    return shown


def _projection_cells(projection: ProjectionData, hour: int, counts: str) -> list[str]:
    """The hour's longest backlog of unlisted sales and its holders' stale reads (0 after the last hour)."""
    backlog, stale = projection["backlog_by_hour"], projection["stale_reads_by_hour"]
    return [
        format_number(backlog[hour] if hour < len(backlog) else 0, counts),
        format_number(stale[hour] if hour < len(stale) else 0, counts),
    ]


def _hour_cells(rows: list[HourRow], hour: int, failures: bool, counts: str) -> list[str]:
    """An hour's cells for one side; ``counts``: how counts print (one day's whole, or means)."""
    if hour >= len(rows):  # the side's day ended earlier: nobody came, waited or served
        zero = format_number(0, counts)
        return [zero, "-", zero, "0.0", *([zero] if failures else [])]
    row = rows[hour]
    # The wait of those in line that hour, whenever they came: the customers its point weighs
    # (a mean of several days' means can come out a hair below zero: it is zero).
    wait = f"{max(0.0, row['in_line_mean_wait_minutes']):,.2f}" if row["in_line_served"] else "-"
    cells = [
        format_number(row["arrived"], counts),
        wait,
        format_number(row["max_queue"], counts),
        f"{row['counters_on_duty']:,.1f}",
    ]
    if failures:
        cells.append(format_number(row["in_line_failed"], counts))
    return cells


def _changes_table(data: DayData, scenario: Scenario) -> Table:
    title = "Counter changes" + (" (first replication)" if data.get("replications", 1) > 1 else "")
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1))
    for column in ("time", "side", "counters", "why"):
        table.add_column(column, no_wrap=column != "why")  # the reason folds, the clock and counts stay whole
    changes = sorted(
        (change["at_minute"], name, change)
        for name in SIDE_NAMES
        for previous, change in itertools.pairwise(data["sides"][name]["capacity_changes"])
        if change["counters"] != previous["counters"]  # a schedule step to the same count changes nothing
    )
    for at_minute, name, change in changes[:MAX_CHANGES_SHOWN]:
        table.add_row(clock_label(at_minute, scenario.opens), name, str(change["counters"]), change["reason"])
    if len(changes) > MAX_CHANGES_SHOWN:
        table.caption = f"... and {len(changes) - MAX_CHANGES_SHOWN} more (all of them are in --json)"
    return table


def _showings_section(data: DayData, width: int) -> RenderableType:
    """The showings' table where it fits ``width`` with each film's longest word
    whole, else their lines: rich dropped the film column at 80 columns once an
    "after start" column came in (a trial)."""
    table = _showings_table(data)
    *numbers, film = table.columns
    words = [word for showing in data["showings"] for word in showing["film"].split()]
    film.min_width = max(cell_len(word) for word in ["film", *words])  # its header too
    # Worked out, not measured: rich's measure counts a header that may fold, and
    # then drops the column. Each column has a space either side and one between;
    # the edge one more.
    widest = sum(max(cell_len(str(text)) for text in [column.header, *column.cells]) for column in numbers)
    needed = widest + film.min_width + 3 * len(table.columns) + 1
    return table if needed <= width else _showings_lines(data)


def _showings_lines(data: DayData) -> Text:
    """The showings as lines of text, for a terminal too narrow for their table."""
    after = _came_after(data)
    lines = [_SHOWINGS_TITLE.format(after=_SHOWINGS_AFTER if after else "") + ":"]
    for showing in data["showings"]:
        sold = (
            ""
            if showing["sold"] is None
            else f"{format_number(showing['sold'], 'count')} sold"
            f" ({format_number(showing['sold_online'] or 0, 'count')} online), "
        )
        lines.append(
            f"  {showing['starts']} {one_line(showing['film'])}: {format_number(showing['seats'], 'count')} seats,"
            f" {sold}{format_number(showing['holders'], 'count')} collected,"
            f" {format_number(showing['admitted'], 'count')} admitted,"
            f" {format_number(showing['missed_start'], 'count')} late"
            + (f", {format_number(showing['arrived_after_start'], 'count')} after start" if after else "")
        )
    return Text("\n".join(lines))


_SHOWINGS_TITLE = "Showings (tickets: sold, brought to collection, admitted, and whose holders were late{after})"
#: Holders who reached collection after their film began (a walk from a last-minute sale): not
#: the collectors' failure, so not "late", but a manager counts them (a trial found them nowhere).
_SHOWINGS_AFTER = ": in line when it began, or, after start, reaching collection after it began"


def _came_after(data: DayData) -> bool:
    return any(showing["arrived_after_start"] for showing in data["showings"])


def _showings_table(data: DayData) -> Table:
    after = _came_after(data)
    table = Table(
        title=_SHOWINGS_TITLE.format(after=_SHOWINGS_AFTER if after else ""),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
    )
    columns = ("starts", "seats", "sold (online)", "collected", "admitted", "late") + (
        ("after start",) if after else ()
    )
    for column in (*columns, "film"):
        table.add_column(column, justify="left" if column == "film" else "right", no_wrap=column != "film")
    for showing in data["showings"]:
        sold = (
            "-"
            if showing["sold"] is None
            else f"{format_number(showing['sold'], 'count')} ({format_number(showing['sold_online'] or 0, 'count')})"
        )
        table.add_row(
            showing["starts"],
            format_number(showing["seats"], "count"),
            sold,
            format_number(showing["holders"], "count"),
            format_number(showing["admitted"], "count"),
            format_number(showing["missed_start"], "count"),
            *((format_number(showing["arrived_after_start"], "count"),) if after else ()),
            safe(showing["film"]),
        )
    return table
