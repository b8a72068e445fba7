"""How a day is shown: rich tables for people, JSON for tools.

The only module that formats numbers. The summary puts the two kinds of
counter side by side (selling is the command side, collecting the query side),
then the day hour by hour with the side under pressure in each hour, then
counter changes, showings and tickets where the day has them, and last the
verdict on a line of its own.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict
from typing import Any

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from theater_sim.clock import clock_label
from theater_sim.day import DayResult
from theater_sim.metrics import SideMetrics
from theater_sim.scenario import SIDE_NAMES, Scenario
from theater_sim.verdict import Verdict, pressure_spans

__all__ = ["render_day", "render_scenario_list", "render_validated", "to_json", "to_json_dict"]

_SIDE_TITLES = {"selling": "Selling (commands)", "collecting": "Collecting (queries)"}
_VERDICT_STYLES = {
    Verdict.BALANCED: "bold green",
    Verdict.SELLING: "bold yellow",
    Verdict.COLLECTING: "bold magenta",
}
_HOUR_MARKS = {Verdict.BALANCED: "", Verdict.SELLING: "selling", Verdict.COLLECTING: "collecting"}
MAX_CHANGES_SHOWN = 40


def _plain(text: str) -> str:
    """User text with control and bidi-override characters made visible, so a
    scenario name cannot move the cursor, recolour or reverse the terminal."""
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in {"Cc", "Cf"} and c != "\n" else c for c in text)


def to_json_dict(result: DayResult) -> dict[str, Any]:
    """The ``run --json`` object: contract keys first, extra keys beside them."""
    scenario = result.scenario
    return {
        "scenario": scenario.name,
        "seed": scenario.seed,
        "hours": scenario.hours,
        "verdict": result.verdict.value,
        "tolerance": scenario.verdict.tolerance,
        "calm_below": scenario.verdict.calm_below,
        "opens": scenario.opens,
        "sides": {name: _side_json(result.side(name), scenario, name) for name in SIDE_NAMES},
        "hourly_verdicts": [
            {"hour": hour, "clock": clock_label(hour * 60.0, scenario.opens), "verdict": verdict.value}
            for hour, verdict in enumerate(result.hourly_verdicts)
        ],
        "pressure_hours": {
            name: _spans(result, verdict)
            for name, verdict in (("selling", Verdict.SELLING), ("collecting", Verdict.COLLECTING))
        },
        "showings": [asdict(showing) for showing in result.showings],
        "tickets": None if result.tickets is None else asdict(result.tickets),
    }


def _side_json(metrics: SideMetrics, scenario: Scenario, side_name: str) -> dict[str, Any]:
    data = asdict(metrics)
    side = scenario.side(side_name)  # type: ignore[arg-type]
    data["service_minutes_distribution"] = repr(side.service_minutes)
    data["capacity_changes"] = [
        {**change, "clock": clock_label(change["at_minute"], scenario.opens)} for change in data["capacity_changes"]
    ]
    return data


def _spans(result: DayResult, verdict: Verdict) -> list[str]:
    opens = result.scenario.opens
    return [
        f"{clock_label(first * 60.0, opens)}-{clock_label(end * 60.0, opens)}"
        for first, end in pressure_spans(list(result.hourly_verdicts), verdict)
    ]


def to_json(result: DayResult) -> str:
    """``to_json_dict`` as one line of JSON (deterministic for a given day)."""
    return json.dumps(to_json_dict(result), allow_nan=False)


def render_day(result: DayResult, console: Console, source: str) -> None:
    """Print the summary, the hourly table, changes, showings and the verdict."""
    scenario = result.scenario
    closes = clock_label(scenario.open_minutes, scenario.opens)
    console.print(
        Text.assemble(
            (_plain(scenario.name), "bold"),
            f"  ({source}, seed {scenario.seed}, doors open {scenario.opens} to {closes}, {scenario.hours:g} h)",
        )
    )
    if scenario.description:
        console.print(Text(_plain(scenario.description.strip()), style="dim"))
    for renderable in _sections(result):
        console.print(renderable)
    console.print(Text(result.verdict.value, style=_VERDICT_STYLES[result.verdict]))


def _sections(result: DayResult) -> list[RenderableType]:
    sections: list[RenderableType] = [_summary_table(result), _hourly_table(result)]
    if any(len(result.side(name).capacity_changes) > 1 for name in SIDE_NAMES):
        sections.append(_changes_table(result))
    if result.showings:
        sections.append(_showings_table(result))
    if result.tickets is not None:
        tickets = result.tickets
        sections.append(
            Text(
                f"Tickets: {tickets.tickets_sold:,} sold ({tickets.tickets_sold_online:,} online) to"
                f" {tickets.buyers:,} would-be buyers ({tickets.buyers_online:,} online);"
                f" {tickets.turned_away:,} turned away because their showings were full or had started."
            )
        )
    sections.extend([_pressure_hours_line(result), _pressure_line(result)])
    return sections


def _summary_table(result: DayResult) -> Table:
    table = Table(title="Day summary", title_justify="left")
    table.add_column("metric")
    for name in SIDE_NAMES:
        table.add_column(_SIDE_TITLES[name], justify="right")
    sides = [result.side(name) for name in SIDE_NAMES]
    for label, cells in _summary_rows(result, sides):
        table.add_row(label, *cells)
    return table


def _summary_rows(result: DayResult, sides: list[SideMetrics]) -> list[tuple[str, list[str]]]:
    scenario = result.scenario
    rows: list[tuple[str, list[str]]] = [
        ("counters", [_counters_cell(scenario, name, s) for name, s in zip(SIDE_NAMES, sides, strict=True)]),
        ("service time", [repr(scenario.side(n).service_minutes) for n in SIDE_NAMES]),
        ("arrived", [f"{s.arrived:,}" for s in sides]),
        ("served", [f"{s.served:,}" for s in sides]),
    ]
    if any(scenario.side(n).balk_at_line is not None or scenario.side(n).patience_minutes for n in SIDE_NAMES):
        rows.append(("walked away: balked / reneged", [f"{s.balked:,} / {s.reneged:,}" for s in sides]))
    rows += [
        ("wait mean (min)", [f"{s.wait_minutes.mean:.2f}" for s in sides]),
        ("wait p50 (min)", [f"{s.wait_minutes.p50:.2f}" for s in sides]),
        ("wait p95 (min)", [f"{s.wait_minutes.p95:.2f}" for s in sides]),
        ("wait p99 (min)", [f"{s.wait_minutes.p99:.2f}" for s in sides]),
        ("wait max (min)", [f"{s.wait_minutes.max:.2f}" for s in sides]),
        ("line length mean / max", [f"{s.queue_length.mean:.2f} / {s.queue_length.max:,}" for s in sides]),
        ("in line at closing", [f"{s.in_line_at_close:,}" for s in sides]),
    ]
    if result.showings:
        rows.append(("missed showtime start", ["-", f"{sides[1].missed_showtime_start:,}"]))
    rows += [
        ("counter utilisation", [f"{s.utilisation:.1%}" for s in sides]),
        ("counter-hours on duty", [f"{s.counter_hours:,.1f}" for s in sides]),
        ("demand ratio (pressure)", [f"{s.demand_ratio:.2f}" for s in sides]),
        ("overtime (min)", [f"{s.overtime_minutes:.1f}" for s in sides]),
    ]
    return rows


def _counters_cell(scenario: Scenario, side_name: str, metrics: SideMetrics) -> str:
    side = scenario.side(side_name)  # type: ignore[arg-type]
    if side.autoscale is not None:
        scale = side.autoscale
        return f"autoscaled {scale.min_counters}-{scale.max_counters} (start {metrics.counters})"
    if isinstance(side.counters, list):
        return "schedule: " + ", ".join(f"{p.count} from {p.from_clock}" for p in side.counters)
    return str(metrics.counters)


def _hourly_table(result: DayResult) -> Table:
    table = Table(
        title="Hour by hour: arrived, served, mean wait (min) of that hour's arrivals, longest line, counters on duty",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
    )
    table.add_column("hour", justify="right", no_wrap=True, min_width=5)
    walkaways = any(result.side(n).balked or result.side(n).reneged for n in SIDE_NAMES)
    labels = ["arrived", "served", "wait", "line", "ctrs"] + (["gone"] if walkaways else [])
    for name in SIDE_NAMES:
        for label in labels:
            # Fold rather than cut numbers when the terminal is narrow: no digit is lost.
            table.add_column(f"{name[:4]}\n{label}", justify="right", overflow="fold")
    table.add_column("pressure\npoint", no_wrap=True)
    hours = max(len(result.selling.hourly), len(result.collecting.hourly))
    opens = result.scenario.opens
    for hour in range(hours):
        overtime = hour * 60 >= result.scenario.open_minutes
        cells = [f"{clock_label(hour * 60.0, opens)}{_overtime_mark(result, hour) if overtime else ''}"]
        for name in SIDE_NAMES:
            cells.extend(_hour_cells(result.side(name), hour, walkaways))
        mark = _HOUR_MARKS[result.hourly_verdicts[hour]] if hour < len(result.hourly_verdicts) else ""
        cells.append(mark)
        table.add_row(*cells, style="dim" if overtime else None)
    table.caption = (
        "'+' marks overtime after the doors closed ('++': that hour and all later ones); 'gone' = balked + reneged"
    )
    table.caption_justify = "left"
    return table


def _overtime_mark(result: DayResult, hour: int) -> str:
    rows = [result.side(name).hourly for name in SIDE_NAMES]
    return " ++" if any(hour < len(r) and r[hour].until_end for r in rows) else " +"


def _hour_cells(metrics: SideMetrics, hour: int, walkaways: bool) -> list[str]:
    width = 6 if walkaways else 5
    if hour >= len(metrics.hourly):
        return [""] * width
    row = metrics.hourly[hour]
    wait = f"{row.mean_wait_minutes:.2f}" if row.arrived else "-"
    cells = [f"{row.arrived:,}", f"{row.served:,}", wait, f"{row.max_queue:,}", f"{row.counters_on_duty:.1f}"]
    if walkaways:
        cells.append(f"{row.balked + row.reneged:,}")
    return cells


def _changes_table(result: DayResult) -> Table:
    table = Table(title="Counter changes", title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1))
    for column in ("time", "side", "counters", "why"):
        table.add_column(column, no_wrap=True)
    changes = sorted(
        (change.at_minute, name, change) for name in SIDE_NAMES for change in result.side(name).capacity_changes[1:]
    )
    for at_minute, name, change in changes[:MAX_CHANGES_SHOWN]:
        table.add_row(clock_label(at_minute, result.scenario.opens), name, str(change.counters), change.reason)
    if len(changes) > MAX_CHANGES_SHOWN:
        table.caption = f"... and {len(changes) - MAX_CHANGES_SHOWN} more (all of them are in --json)"
    return table


def _showings_table(result: DayResult) -> Table:
    table = Table(title="Showings", title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1))
    for column in ("starts", "film", "seats", "sold (online)", "holders", "admitted", "missed start"):
        table.add_column(column, justify="left" if column == "film" else "right", no_wrap=column != "film")
    for showing in result.showings:
        sold = "-" if showing.sold is None else f"{showing.sold:,} ({showing.sold_online:,})"
        table.add_row(
            showing.starts,
            _plain(showing.film),
            f"{showing.seats:,}",
            sold,
            f"{showing.holders:,}",
            f"{showing.admitted:,}",
            f"{showing.missed_start:,}",
        )
    return table


def _pressure_hours_line(result: DayResult) -> Text:
    parts = []
    for name, verdict in (("selling", Verdict.SELLING), ("collecting", Verdict.COLLECTING)):
        spans = _spans(result, verdict)
        parts.append(f"{name} in {', '.join(spans)}" if spans else f"{name} in no hour")
    return Text("Pressure point by hour: " + "; ".join(parts) + ".")


def _pressure_line(result: DayResult) -> Text:
    settings = result.scenario.verdict
    return Text(
        f"Pressure (service minutes asked / counter-minutes open): selling {result.selling.demand_ratio:.2f},"
        f" collecting {result.collecting.demand_ratio:.2f}.\nBalanced when within {settings.tolerance:.0%}"
        f" of the higher pressure, or when both are below {settings.calm_below:g}.",
        style="dim",
    )


def render_validated(scenario: Scenario, source: str, console: Console) -> None:
    """Confirm a scenario is valid and say what it holds."""
    console.print(Text.assemble(("valid", "bold green"), f": {source}: {_plain(scenario.name)}"))
    for name in SIDE_NAMES:
        side = scenario.side(name)
        console.print(
            f"  {name}: counters {side.counters if isinstance(side.counters, int) else 'on a schedule'}"
            f"{' (autoscaled)' if side.autoscale else ''}, arrivals {_arrivals_text(scenario, name)},"
            f" service {side.service_minutes!r}"
        )
    if scenario.showtimes:
        console.print(f"  {len(scenario.showtimes)} showing(s){', linked to sales' if scenario.linked else ''}")


def _arrivals_text(scenario: Scenario, side_name: str) -> str:
    arrivals = scenario.side(side_name).arrivals  # type: ignore[arg-type]
    if arrivals is None:
        return "from ticket sales (linked)"
    if arrivals.total is not None:
        return f"{arrivals.total:,} customers"
    if arrivals.rate_per_hour is not None:
        return f"Poisson {arrivals.rate_per_hour:g}/hour"
    if arrivals.profile is not None:
        return f"profile of {len(arrivals.profile)} period(s)"
    if arrivals.trace is not None:
        return f"trace {arrivals.trace} ({len(arrivals.trace_at_minute or ()):,} timestamps)"
    return "by showtime"


def render_scenario_list(entries: list[tuple[str, Scenario | str]], console: Console) -> None:
    """The bundled scenarios: name, title and first line of the description."""
    table = Table(title="Bundled scenarios (run with: theater-sim run NAME)", title_justify="left")
    table.add_column("name", style="bold")
    table.add_column("title")
    table.add_column("what it shows")
    for name, scenario in entries:
        if isinstance(scenario, str):
            table.add_row(name, Text("invalid", style="red"), Text(scenario))
        else:
            first_line = scenario.description.strip().splitlines()[0] if scenario.description.strip() else ""
            table.add_row(name, _plain(scenario.name), _plain(first_line))
    console.print(table)
