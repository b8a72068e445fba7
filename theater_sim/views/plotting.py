"""Figures of a day and of a sweep (matplotlib, the optional ``plot`` extra).

The day: three panels over the clock, sharing their time axis: people
waiting in line, each customer's wait by arrival time, and counters on duty
(a day with a projection adds a fourth: the sales not yet on the
collectors' list, and the stale reads as they happen),
selling always in vermillion and collecting always in blue (Okabe-Ito
colours, safe for colour-blind readers), overtime shaded, the verdict in the
title. A sweep: the swept metric as a heat map per side with the cells'
verdicts written in and the verdict boundary drawn, or, for one swept axis,
both sides' metric as lines over shaded verdict bands. Part of the
reporting edge.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from theater_sim.analysis.contract import DayData, SideData
from theater_sim.analysis.day_data import closed_spells, shown_day_pressures
from theater_sim.analysis.hourly import line_at
from theater_sim.engine.records import SideRecords
from theater_sim.engine.theater import DayRecords, TicketRecords
from theater_sim.model.clock import MINUTES_PER_HOUR, clock_label, parse_clock_minutes
from theater_sim.model.errors import ScenarioError
from theater_sim.model.scenario import SIDE_NAMES, Scenario, SideName
from theater_sim.planning.tasks import as_run
from theater_sim.views.formatting import doors_open, figure_text, staffing_text
from theater_sim.views.output_files import write_atomically

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from theater_sim.planning.sweep import SweepCell

__all__ = ["SIDE_COLOURS", "plot_day", "plot_sweep"]

SIDE_COLOURS = {"selling": "#D55E00", "collecting": "#0072B2"}
SIDE_LABELS = {"selling": "selling (commands)", "collecting": "collecting (queries)"}
VERDICT_COLOURS = {"Balanced": "#009E73", "Selling": "#D55E00", "Collecting": "#0072B2"}
SHORT = {
    "Balanced": "Balanced",
    "Greater demand for selling tickets": "Selling",
    "Greater demand for collecting tickets": "Collecting",
}
MAX_POINTS = 6000


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ScenarioError(
            "--plot needs matplotlib: pip install 'theater-sim[plot]' (in a source checkout: pip install '.[plot]')"
        ) from None
    return plt


def _span_minutes(records: DayRecords, open_minutes: float) -> float:
    ends = [open_minutes]
    for name in SIDE_NAMES:
        departures = records.side(name).departure_at_minute
        if len(departures):
            ends.append(float(departures.max()))
    return max(ends)


def _clock_axis(axes: Axes, span_minutes: float, scenario: Scenario) -> None:
    hours = span_minutes / 60
    # Steps that divide a day (or whole days), so equal labels mean equal times.
    every = next((step for step in (1, 2, 3, 4, 6, 12, 24) if hours / step <= 12), 24 * math.ceil(hours / 24 / 12))
    ticks = np.arange(0, hours + 1e-9, every)
    axes.set_xticks(ticks)
    axes.set_xticklabels([_clock_with_day(t * 60, scenario.opens) for t in ticks])
    axes.set_xlim(0, hours)
    axes.set_xlabel(f"clock time ({doors_open(scenario)})")


def _clock_with_day(minute: float, opens: str) -> str:
    """``HH:MM``, with ``+Nd`` once the clock has passed midnight N times since opening."""
    days = int((parse_clock_minutes(opens) + minute) // 1440)
    return clock_label(minute, opens) + (f"\n+{days}d" if days else "")


def plot_day(records: DayRecords, data: DayData, scenario: Scenario, path: Path, replications: int = 1) -> None:
    """Write the day's figure (PNG, or any format matplotlib knows from the suffix)."""
    plt = _pyplot()
    span = _span_minutes(records, scenario.open_minutes)
    tickets = records.tickets
    between = tickets is not None and tickets.sold_at is not None and tickets.listed_at is not None
    figure, panels = plt.subplots(
        4 if between else 3, 1, figsize=(11, 11.5 if between else 9), sharex=True, layout="constrained"
    )
    lines, waits, counters = panels[0], panels[1], panels[-1]
    if between:
        assert tickets is not None
        _between_models(panels[2], tickets, records.collecting, span)
    moments = np.linspace(0.0, span, 2000)
    for name in SIDE_NAMES:
        side = records.side(name)
        colour, label = SIDE_COLOURS[name], SIDE_LABELS[name]
        lines.step(moments / 60, line_at(side, moments), where="post", color=colour, label=label)
        served = side.served_mask
        arrivals, waited = side.arrival_at_minute[served], side.wait_minutes
        count = min(len(arrivals), MAX_POINTS)
        pick: np.ndarray = np.linspace(0, max(len(arrivals) - 1, 0), count).astype(int)
        waits.scatter(
            arrivals[pick] / 60,
            waited[pick],
            s=4,
            alpha=0.35,
            color=colour,
            linewidths=0,
            label=f"{name}: each customer",
        )
        rows = data["sides"][name]["hourly"]
        # One bar per hour with served arrivals (whose waits it averages): none across an
        # empty hour, nor at 0 for an hour whose arrivals all walked away (a closure read
        # as "no waiting while closed", a trial). The last row holds any later hours.
        served_hours = set(np.minimum(arrivals // MINUTES_PER_HOUR, len(rows) - 1).astype(int).tolist())
        hourly = [row for row in rows if row["hour"] in served_hours]
        if hourly:
            waits.hlines(
                [row["mean_wait_minutes"] for row in hourly],
                [row["hour"] for row in hourly],
                [row["hour"] + 1 for row in hourly],
                color=colour,
                linewidth=2.5,
                label=f"{name}: mean wait of each hour's served arrivals",
            )
        own_end = max(scenario.open_minutes, float(side.departure_at_minute.max()) if side.served else 0.0)
        _counters_step(counters, side, own_end, colour, label, offset=0.04 if name == "selling" else -0.04)
        _mark_closures(lines, data["sides"][name], colour, name)
    for axes in panels:
        axes.axvspan(scenario.open_minutes / 60, span / 60, color="0.9", zorder=0)
        axes.grid(alpha=0.3)
    lines.set_ylabel("people waiting in line\n(tint: hour's pressure point)")
    lines.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    if span - scenario.open_minutes > 0.05 * span:  # label only an overtime wide enough to hold it
        counters.text(
            scenario.open_minutes / 60, 0.03, " overtime", transform=counters.get_xaxis_transform(), color="0.4"
        )
    _mark_showings(lines, scenario, data)
    _shade_pressure_hours(lines, data)
    waits.set_ylabel("wait (minutes)\nby arrival time")
    waits.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, markerscale=3)
    counters.set_ylabel("counters open\n(lines nudged apart)")
    most = max(c.counters for name in SIDE_NAMES for c in records.side(name).capacity_changes)
    counters.set_ylim(0, most + 0.6)
    counters.yaxis.get_major_locator().set_params(integer=True)
    _clock_axis(counters, span, scenario)
    selling, collecting = shown_day_pressures(data)
    figure.suptitle(
        f"{figure_text(scenario.name)}: {data['verdict']}\n"
        f"pressure met selling {selling}, collecting {collecting} (seed {scenario.seed}"
        + (f", the first of {replications} replications)" if replications > 1 else ")"),
        fontsize=13,
    )
    _save(figure, path, plt)


#: Okabe-Ito reddish purple: the projector, neither side.
PROJECTOR_COLOUR = "#CC79A7"


def _between_models(axes: Axes, tickets: TicketRecords, collecting: SideRecords, span: float) -> None:
    """Sales in the ledger not yet on the collectors' list over the day, and each
    holder turned away by a stale read (retry) as a tick at the foot."""
    assert tickets.sold_at is not None
    assert tickets.listed_at is not None
    sold = np.sort(tickets.sold_at[~np.isnan(tickets.sold_at)])
    listed = np.sort(tickets.listed_at[~np.isnan(tickets.sold_at)])
    moments = np.union1d(np.linspace(0.0, span, 2000), np.concatenate([sold, listed[np.isfinite(listed)]]))
    backlog = np.searchsorted(sold, moments, side="right") - np.searchsorted(listed, moments, side="right")
    axes.step(moments / 60, backlog, where="post", color=PROJECTOR_COLOUR, label="sales not yet on the list")
    away = collecting.away_at_minute
    if len(away):
        axes.plot(
            away / 60,
            np.zeros(len(away)),
            "|",
            color=SIDE_COLOURS["collecting"],
            markersize=12,
            label=f"holder turned away (stale read): {len(away):,}",
        )
    axes.set_ylabel("between the models:\nunlisted sales")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)


def _mark_showings(axes: Axes, scenario: Scenario, data: DayData) -> None:
    """Dotted lines at each showing's start, labelled with its clock time and
    the tickets whose holders were still in line when it began."""
    plan = scenario.showings()
    late = [showing["missed_start"] for showing in data["showings"]]
    left, right = axes.get_xlim()
    near = 0.06 * (right - left)  # hours: labels closer than this would overlap ("19:00 129 late218 late", a trial)
    previous, height = -math.inf, 0.0
    for start, missed in zip(plan.starts_at_minute, late or [0] * len(plan.starts_at_minute), strict=True):
        axes.axvline(start / 60, color="0.35", linestyle=":", linewidth=1)
        # The clock with its day past midnight, as the axis has it (a trial read a showing at 01:00 as the first day's).
        label = _clock_with_day(start, scenario.opens) + (f"\n{missed:,.0f} late" if missed else "")
        # Close to the one before: above it, by its lines (a trial's 3-line labels 25 min apart still met).
        height = height if start / 60 - previous < near else 0.0
        previous = start / 60
        axes.text(
            start / 60,
            1.0 + height,
            label,
            transform=axes.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=7,
        )
        height = height + _LABEL_LINE * (label.count("\n") + 1) if height < _LABEL_TOP else 0.0


#: A 7-point label line's height as a share of the line panel's, and the highest a label starts.
_LABEL_LINE, _LABEL_TOP = 0.055, 0.3


def _shade_pressure_hours(axes: Axes, data: DayData) -> None:
    """Tint each open hour with the colour of the side that was its pressure point."""
    colours = {"Greater demand for selling tickets": SIDE_COLOURS["selling"]}
    colours["Greater demand for collecting tickets"] = SIDE_COLOURS["collecting"]
    for row in data["hourly_verdicts"]:
        colour = colours.get(row["verdict"])
        if colour is not None:
            axes.axvspan(row["hour"], row["hour"] + 1, color=colour, alpha=0.08, zorder=0, linewidth=0)


def _mark_closures(axes: Axes, side: SideData, colour: str, name: str) -> None:
    """Hatch the spells in which a side was closed, in its colour, and name them:
    a line that grows there is waiting for the reopening, not for busy counters."""
    for start, end in closed_spells(side):
        axes.axvspan(start / 60, end / 60, facecolor="none", edgecolor=colour, hatch="//", alpha=0.5, linewidth=0)
        axes.text(
            (start + end) / 120,
            0.97,
            f"{name}\nclosed",
            transform=axes.get_xaxis_transform(),
            ha="center",
            va="top",
            fontsize=8,
            color=colour,
        )


def _counters_step(axes: Axes, side: SideRecords, span: float, colour: str, label: str, offset: float) -> None:
    times = [change.at_minute / 60 for change in side.capacity_changes] + [span / 60]
    counts = [change.counters + offset for change in side.capacity_changes]
    counts.append(counts[-1])
    axes.step(times, counts, where="post", color=colour, label=label, linewidth=2)


def _save(figure: Any, path: Path, plt: Any) -> None:
    """Write the figure whole or not at all (the format is the target's suffix)."""
    kind = path.suffix.lower().lstrip(".") or "png"
    try:
        write_atomically(path, lambda temporary: figure.savefig(temporary, dpi=100, format=kind))
    except ValueError as error:
        raise ScenarioError(f"--plot {path}: cannot be written ({error})") from None
    finally:
        plt.close(figure)


_SIDE_OF: dict[str, SideName] = {"sellers": "selling", "collectors": "collecting"}


def plot_sweep(cells: list[SweepCell], metric: str, scenario: Scenario, path: Path, replications: int = 1) -> None:
    """Write the sweep's figure: heat maps with verdicts, or lines over verdict bands;
    the title says when its values are means of ``replications`` days."""
    plt = _pyplot()
    sellers = list(dict.fromkeys(cell.sellers for cell in cells))
    collectors = list(dict.fromkeys(cell.collectors for cell in cells))
    fixed = ""
    if len(sellers) > 1 and len(collectors) > 1:
        figure = _heat_maps(plt, cells, metric, sellers, collectors, replications)
    else:
        axis = "sellers" if len(sellers) > 1 or (len(collectors) == 1 and sellers[0] is not None) else "collectors"
        other = "collectors" if axis == "sellers" else "sellers"
        held = as_run(collectors[0] if axis == "sellers" else sellers[0], scenario, _SIDE_OF[other])
        fixed = f", {other}: {'as in the scenario' if held is None else staffing_text(held)}"
        figure = _metric_lines(plt, cells, metric, axis, replications)
    clerks = None if scenario.projection is None else scenario.projection.clerks
    if clerks is not None:
        fixed += f", {clerks} projector clerk{'s' if clerks != 1 else ''}"
    heat = len(sellers) > 1 and len(collectors) > 1
    note = (
        "letters: verdict (B balanced, S selling, C collecting); black lines: where it changes"
        if heat
        else "verdict above each count; dashed lines: where it changes"
    ) + _marks_note(cells, replications)
    days = f"means of {replications:,} days from " if replications > 1 else ""
    # Folded to the figure's width: a long scenario name ran off both edges (a trial).
    width = int(figure.get_figwidth() * 72 / (12 * 0.62))  # characters of 12 pt in the figure's width
    title = textwrap.fill(
        f"{figure_text(scenario.name)}: {metric} per staffing ({days}seed {scenario.seed}{fixed})", width
    )
    figure.suptitle(f"{title}\n{textwrap.fill(note, width)}", fontsize=12)
    _save(figure, path, plt)


def _marks_note(cells: list[SweepCell], replications: int) -> str:
    """What the marks after a verdict mean, for those the figure shows (as the
    table's caption says them: a trial's figure showed both-short cells as fine)."""
    said = ""
    if any(cell.named_for_waits for cell in cells):
        said += "; *: named for failed customers or waits, not pressure"
    if any(cell.both_short for cell in cells):
        said += "; !: both sides short of counters"
    if any(cell.unsure(replications) for cell in cells):
        said += "; (k/n): only k of n days gave it"
    return said


def _verdict_mark(cell: SweepCell, replications: int, short: bool) -> str:
    """``S*``, ``B!``, ``Collecting (6/10)``: a cell's verdict with the table's marks."""
    verdict = SHORT[cell.verdict]
    unsure = f" ({cell.verdict_agreement}/{replications})" if cell.unsure(replications) else ""
    return (verdict[0] if short else verdict) + cell.marks + unsure


def _heat_maps(
    plt: Any, cells: list[SweepCell], metric: str, sellers: list[Any], collectors: list[Any], replications: int
) -> Any:
    by_point = {(cell.sellers, cell.collectors): cell for cell in cells}
    figure, panels = plt.subplots(
        1, 2, figsize=(6 + 1.1 * len(collectors), 1.8 + 0.6 * len(sellers)), layout="constrained"
    )
    verdicts = np.array([[SHORT[by_point[(s, c)].verdict] for c in collectors] for s in sellers])
    for axes, name, colours in zip(panels, SIDE_NAMES, ("Oranges", "Blues"), strict=True):
        values = np.array([[by_point[(s, c)].sides[name][metric]["mean"] for c in collectors] for s in sellers])
        # Waits span orders of magnitude across a sweep: colour by log10(1 + value), label true values.
        image = axes.imshow(np.log10(1 + np.maximum(values, 0)), cmap=colours, origin="lower", aspect="auto")
        bar = figure.colorbar(image, ax=axes, shrink=0.8)
        top = float(values.max()) if values.size else 1.0
        marks = [v for v in (0, 1, 3, 10, 30, 100, 300, 1000, 3000, 10000) if v <= max(top, 1)]
        bar.set_ticks([math.log10(1 + v) for v in marks], labels=[str(v) for v in marks])
        bar.set_label(_metric_label(metric) + " (log scale)")
        shade = np.log10(1 + np.maximum(values, 0))
        for i in range(len(sellers)):
            for j in range(len(collectors)):
                mark = _verdict_mark(by_point[(sellers[i], collectors[j])], replications, True)
                text = f"{_short_number(values[i, j])}\n{mark}"
                ink = _ink_on(image.cmap(image.norm(shade[i, j])))
                axes.text(j, i, text, ha="center", va="center", fontsize=8, color=ink)
        _verdict_boundary(axes, verdicts)
        axes.set_xticks(range(len(collectors)), [str(c) for c in collectors])
        axes.set_yticks(range(len(sellers)), [str(s) for s in sellers])
        axes.set_xlabel("collecting counters")
        axes.set_ylabel("selling counters")
        axes.set_title(f"{SIDE_LABELS[name]}", color=SIDE_COLOURS[name])
    return figure


def _ink_on(colour: tuple[float, ...]) -> str:
    """Black or white text, whichever reads on ``colour`` (its luma, ITU-R BT.601).
    The cell's own colour, not its value against the panel's largest: the
    colours span the panel's least to largest, so a cell at 60% of the largest
    could be the palest, and its white label unreadable (a trial)."""
    red, green, blue = colour[:3]
    return "white" if 0.299 * red + 0.587 * green + 0.114 * blue < 0.5 else "black"


def _metric_label(metric: str) -> str:
    unit = " (minutes)" if "wait" in metric or metric == "overtime_minutes" else ""
    unit = " (share, 0-1)" if metric in {"utilisation", "abandon_rate", "failed_share", "stale_share"} else unit
    unit = " (people)" if "line" in metric else unit
    return metric.replace("_", " ") + unit


def _short_number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:,.1f}" if value >= 10 else f"{value:.2f}"


def _verdict_boundary(axes: Axes, verdicts: np.ndarray) -> None:
    rows, columns = verdicts.shape
    for i in range(rows):
        for j in range(columns):
            if j + 1 < columns and verdicts[i, j] != verdicts[i, j + 1]:
                axes.plot([j + 0.5, j + 0.5], [i - 0.5, i + 0.5], color="black", linewidth=2.5)
            if i + 1 < rows and verdicts[i, j] != verdicts[i + 1, j]:
                axes.plot([j - 0.5, j + 0.5], [i + 0.5, i + 0.5], color="black", linewidth=2.5)


def _metric_lines(plt: Any, cells: list[SweepCell], metric: str, axis: str, replications: int) -> Any:
    figure, axes = plt.subplots(figsize=(9, 5), layout="constrained")
    counts = [cell.sellers if axis == "sellers" else cell.collectors for cell in cells]
    xs = np.arange(len(cells))
    for k, cell in enumerate(cells):
        short = SHORT[cell.verdict]
        axes.axvspan(k - 0.5, k + 0.5, color=VERDICT_COLOURS[short], alpha=0.12, zorder=0)
        label = _verdict_mark(cell, replications, False)
        axes.text(k, 1.0, label, transform=axes.get_xaxis_transform(), ha="center", va="bottom", fontsize=8)
        if k and cell.verdict != cells[k - 1].verdict:
            axes.axvline(k - 0.5, color="black", linestyle="--", linewidth=1.5)
    for name in SIDE_NAMES:
        means = np.array([cell.sides[name][metric]["mean"] for cell in cells])
        halves = np.array([cell.sides[name][metric]["half_width"] or 0.0 for cell in cells])
        axes.errorbar(xs, means, yerr=halves, color=SIDE_COLOURS[name], marker="o", capsize=3, label=SIDE_LABELS[name])
    if max(cell.sides[n][metric]["mean"] for cell in cells for n in SIDE_NAMES) > 100:
        axes.set_yscale("symlog", linthresh=1.0)
    axes.set_xticks(xs, [str(c) for c in counts])
    axes.set_xlabel(f"{'selling' if axis == 'sellers' else 'collecting'} counters")
    axes.set_ylabel(_metric_label(metric))
    # Below the axes, where no point lies (inside, it hid the last cell's point: a trial).
    figure.legend(loc="outside lower center", ncols=len(SIDE_NAMES))
    axes.grid(alpha=0.3)
    return figure
