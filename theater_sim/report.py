"""How a day is shown: rich tables for people, JSON for tools.

The only module that formats numbers. The summary puts the two kinds of
counter side by side (selling is the command side, collecting the query side),
then the day hour by hour, then the verdict on a line of its own.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from theater_sim.day import DayResult
from theater_sim.metrics import SideMetrics
from theater_sim.scenario import SIDE_NAMES, Scenario
from theater_sim.verdict import Verdict

__all__ = ["render_day", "render_scenario_list", "render_validated", "to_json", "to_json_dict"]

_SIDE_TITLES = {"selling": "Selling (commands)", "collecting": "Collecting (queries)"}
_VERDICT_STYLES = {
    Verdict.BALANCED: "bold green",
    Verdict.SELLING: "bold yellow",
    Verdict.COLLECTING: "bold magenta",
}


def to_json_dict(result: DayResult) -> dict[str, Any]:
    """The ``run --json`` object: contract keys first, extra keys beside them."""
    scenario = result.scenario
    return {
        "scenario": scenario.name,
        "seed": scenario.seed,
        "hours": scenario.hours,
        "verdict": result.verdict.value,
        "tolerance": scenario.verdict.tolerance,
        "sides": {name: _side_json(result.side(name), scenario, name) for name in SIDE_NAMES},
    }


def _side_json(metrics: SideMetrics, scenario: Scenario, side_name: str) -> dict[str, Any]:
    data = asdict(metrics)
    side = scenario.side(side_name)  # type: ignore[arg-type]
    data["service_minutes_distribution"] = repr(side.service_minutes)
    data["hourly"] = [dict(row) for row in data["hourly"]]
    return data


def to_json(result: DayResult) -> str:
    """``to_json_dict`` as one line of JSON (deterministic for a given day)."""
    return json.dumps(to_json_dict(result), allow_nan=False)


def render_day(result: DayResult, console: Console, source: str) -> None:
    """Print the summary, the hourly table and the verdict."""
    scenario = result.scenario
    console.print(
        Text.assemble(
            (scenario.name, "bold"),
            f"  ({source}, seed {scenario.seed}, doors open {scenario.hours:g} h)",
        )
    )
    if scenario.description:
        console.print(Text(scenario.description.strip(), style="dim"))
    console.print(_summary_table(result))
    console.print(_hourly_table(result))
    console.print(_pressure_line(result))
    console.print(Text(result.verdict.value, style=_VERDICT_STYLES[result.verdict]))


def _summary_table(result: DayResult) -> Table:
    table = Table(title="Day summary", title_justify="left")
    table.add_column("metric")
    for name in SIDE_NAMES:
        table.add_column(_SIDE_TITLES[name], justify="right")
    sides = [result.side(name) for name in SIDE_NAMES]
    rows: list[tuple[str, list[str]]] = [
        ("counters", [str(s.counters) for s in sides]),
        ("service time", [repr(result.scenario.side(n).service_minutes) for n in SIDE_NAMES]),
        ("arrived", [f"{s.arrived:,}" for s in sides]),
        ("served", [f"{s.served:,}" for s in sides]),
        ("wait mean (min)", [f"{s.wait_minutes.mean:.2f}" for s in sides]),
        ("wait p50 (min)", [f"{s.wait_minutes.p50:.2f}" for s in sides]),
        ("wait p95 (min)", [f"{s.wait_minutes.p95:.2f}" for s in sides]),
        ("wait p99 (min)", [f"{s.wait_minutes.p99:.2f}" for s in sides]),
        ("wait max (min)", [f"{s.wait_minutes.max:.2f}" for s in sides]),
        ("line length mean / max", [f"{s.queue_length.mean:.2f} / {s.queue_length.max:,}" for s in sides]),
        ("in line at closing", [f"{s.in_line_at_close:,}" for s in sides]),
        ("counter utilisation", [f"{s.utilisation:.1%}" for s in sides]),
        ("demand ratio (pressure)", [f"{s.demand_ratio:.2f}" for s in sides]),
        ("overtime (min)", [f"{s.overtime_minutes:.1f}" for s in sides]),
    ]
    for label, cells in rows:
        table.add_row(label, *cells)
    return table


def _hourly_table(result: DayResult) -> Table:
    table = Table(
        title="Hour by hour: arrived, served, mean wait (min) of that hour's arrivals, longest line",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
    )
    table.add_column("hour", justify="right", no_wrap=True)
    for name in SIDE_NAMES:
        for label in ("arrived", "served", "wait", "line"):
            table.add_column(f"{name[:4]}\n{label}", justify="right", no_wrap=True)
    hours = max(len(result.selling.hourly), len(result.collecting.hourly))
    for hour in range(hours):
        overtime = hour * 60 >= result.scenario.open_minutes
        cells = [f"{hour}{' +' if overtime else ''}"]
        for name in SIDE_NAMES:
            cells.extend(_hour_cells(result.side(name), hour))
        table.add_row(*cells, style="dim" if overtime else None)
    table.caption = "hour 0 is the first hour after opening; '+' marks overtime after the doors closed"
    return table


def _hour_cells(metrics: SideMetrics, hour: int) -> list[str]:
    if hour >= len(metrics.hourly):
        return ["", "", "", ""]
    row = metrics.hourly[hour]
    wait = f"{row.mean_wait_minutes:.2f}" if row.arrived else "-"
    return [f"{row.arrived:,}", f"{row.served:,}", wait, f"{row.max_queue:,}"]


def _pressure_line(result: DayResult) -> Text:
    tolerance = result.scenario.verdict.tolerance
    return Text(
        f"Pressure (service minutes demanded / counter-minutes open): selling "
        f"{result.selling.demand_ratio:.2f}, collecting {result.collecting.demand_ratio:.2f};"
        f" balanced when within {tolerance:.0%} of the higher.",
        style="dim",
    )


def render_validated(scenario: Scenario, source: str, console: Console) -> None:
    """Confirm a scenario is valid and say what it holds."""
    console.print(Text.assemble(("valid", "bold green"), f": {source}: {scenario.name}"))
    for name in SIDE_NAMES:
        side = scenario.side(name)
        arrivals = (
            f"{side.arrivals.total:,} customers"
            if side.arrivals.total is not None
            else f"Poisson {side.arrivals.rate_per_hour:g}/hour"
        )
        console.print(f"  {name}: {side.counters} counter(s), {arrivals}, service {side.service_minutes!r}")


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
            table.add_row(name, scenario.name, first_line)
    console.print(table)
