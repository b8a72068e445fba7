"""Scenarios themselves on screen: ``validate``'s confirmation and the bundled list."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from theater_sim.model.scenario import SIDE_NAMES, Scenario, SideName
from theater_sim.views.formatting import counters_text, fitted, format_number, one_line, safe

__all__ = ["render_scenario_list", "render_validated"]


def render_validated(scenario: Scenario, source: str, console: Console) -> None:
    """Confirm a scenario is valid and say what it holds."""
    console.print(Text.assemble(("valid", "bold green"), f": {one_line(source)}: {one_line(scenario.name)}"))
    for name in SIDE_NAMES:
        side = scenario.side(name)
        _item(
            console,
            f"{name}: counters {counters_text(side).removeprefix('schedule: ')}, arrivals"
            f" {_arrivals_text(scenario, name)},"
            f" service {side.service_minutes!r}",
        )
    if scenario.showtimes:
        linked = ", linked to sales" if scenario.linked else ""
        _item(console, f"{_counted(len(scenario.showtimes), 'showing')}{linked}")
    projection = scenario.projection
    if projection is not None:
        projector = (
            f"{_counted(projection.clerks, 'clerk')}, {projection.minutes_per_sale!r} a sale"
            if projection.clerks is not None
            else f"a refresh every {projection.every_minutes:g} min"
        )
        delay = f", {projection.delay_minutes:g} min trip" if projection.delay_minutes else ""
        _item(console, f"projection: {projector}{delay}; stale reads: {projection.stale_reads}")


def _item(console: Console, text: str) -> None:
    """One line of the summary, indented, its folds indented further (so no fold reads as a new item)."""
    lines = safe(text).wrap(console, max(20, console.width - 4))
    for index, line in enumerate(lines):
        line.rstrip()
        console.print(Text("  " if index == 0 else "    ") + line)


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _arrivals_text(scenario: Scenario, side_name: SideName) -> str:
    arrivals = scenario.side(side_name).arrivals
    if arrivals is None:
        return "from ticket sales (linked)"
    if arrivals.total is not None:
        return f"{arrivals.total:,} customers"
    if arrivals.rate_per_hour is not None:
        return f"Poisson {format_number(arrivals.rate_per_hour, 'count')}/hour"  # 2,000,000, not 2e+06
    if arrivals.profile is not None:
        return f"profile of {_counted(len(arrivals.profile), 'period')}"
    if arrivals.trace is not None:
        stamps = len(arrivals.trace_at_minute or ())
        return f"trace {arrivals.trace} ({stamps:,} timestamp{'' if stamps == 1 else 's'})"
    return "by showtime"


def render_scenario_list(entries: list[tuple[str, Scenario | str]], console: Console) -> None:
    """The bundled scenarios: name, title and first line of the description."""
    table = Table(title="Bundled scenarios (run with: theater-sim run NAME)", title_justify="left")
    table.add_column("name", style="bold")
    table.add_column("title")
    table.add_column("what it shows")
    for name, scenario in entries:
        if isinstance(scenario, str):
            table.add_row(name, Text("invalid", style="red"), safe(scenario))
        else:
            first_line = scenario.description.strip().splitlines()[0] if scenario.description.strip() else ""
            table.add_row(name, safe(scenario.name), safe(first_line))
    console.print(fitted(table, console))
