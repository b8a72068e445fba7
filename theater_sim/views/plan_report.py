"""How sweeps and staffing searches are shown: grids, answers, JSON and CSV.

Part of the reporting edge (with ``report``): it formats, and nothing else
does. A sweep is a grid of (sellers, collectors) cells, each with its
coloured verdict and the chosen metric per side; a staffing answer is a
table per side beside Erlang C's answer, followed by the resulting day.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from theater_sim.analysis.contract import DayData, Interval
from theater_sim.analysis.verdict import MIN_FAILED
from theater_sim.model.scenario import SIDE_NAMES, Scenario, SideName
from theater_sim.planning.intervals import against_target, interval_shown
from theater_sim.planning.least_staffing import (
    TARGET_FORMATS,
    PeriodAnswer,
    ProjectorAnswer,
    SideAnswer,
    Summary,
    Targets,
    interval_text,
)
from theater_sim.planning.sweep import SURE_SHARE, SweepCell
from theater_sim.planning.tasks import plain_staffing
from theater_sim.views.formatting import VERDICT_STYLES, fitted, safe, staffing_text
from theater_sim.views.sweep_export import as_run_text

__all__ = [
    "render_clerks_sweep",
    "render_staffing",
    "render_sweep",
    "score_table",
    "staffing_data",
]

_SHORT_VERDICT = {
    "Balanced": "Balanced",
    "Greater demand for selling tickets": "Selling",
    "Greater demand for collecting tickets": "Collecting",
}


#: Metrics that count customers or people in line: one day's value is a whole number.
_COUNT_METRICS = frozenset(
    {"arrived", "served", "balked", "reneged", "max_line", "in_line_at_close", "missed_starts", "failed"}
)


def _side_value(cell: SweepCell, side: str, metric: str) -> str:
    """A side's metric in a sweep cell; buyers have no film start to miss, so "-" there."""
    if side == "selling" and metric in {"missed_starts", "stale_share"}:
        return "-"
    if metric.endswith("_wait") and not cell.sides[side]["served"]["mean"]:
        return "-"  # nobody was served: there is no wait to report (as run's summary says)
    return _value(cell.sides[side][metric], metric)


def _value(interval: Interval, metric: str, target: float | None = None) -> str:
    """A mean, ± its 95% half-width when there is an interval (one day has none),
    and the one-sided upper end a confident staffing search judged by.

    With a ``target``, the mean and the upper end get as many decimals as it
    takes to read on the same side of the target as the real numbers (a p95 of
    5.0003 against a target of 5 shows as 5.0003, not a 5.00 that seems to meet it).
    """
    percent = metric in {"abandon_rate", "utilisation", "failed_share", "stale_share"}
    if metric in _COUNT_METRICS and not interval["half_width"] and float(interval["mean"]).is_integer():
        return f"{interval['mean']:,.0f}"  # one day's count, not a mean
    spec = ",.1%" if percent else ",.2f"
    text = interval_shown(interval, spec, separator="±", target=target)
    if "upper" in interval:
        text += f" (≤{against_target(interval['upper'], spec, target)})"
    return text


def render_sweep(cells: list[SweepCell], metric: str, scenario: Scenario, replications: int, console: Console) -> None:
    """The grid (sellers down, collectors across), or a long table when the grid
    would not fit the terminal: verdict and metric per staffing."""
    sellers = list(dict.fromkeys(cell.sellers for cell in cells))
    collectors = list(dict.fromkeys(cell.collectors for cell in cells))
    by_point = {(cell.sellers, cell.collectors): cell for cell in cells}
    days = f"{replications} replications each" if replications > 1 else "one day each"
    title = safe(f"{scenario.name}: verdict and {metric} (selling / collecting) per staffing, {days}")
    texts = {point: _cell_text(cell, metric, replications) for point, cell in by_point.items()}
    widest = max(len(line) for text in texts.values() for line in text.plain.splitlines())
    if 24 + len(collectors) * (widest + 3) > console.width:
        swept = [axis for axis, counts in (("sellers", sellers), ("collectors", collectors)) if len(counts) > 1]
        for axis, counts in (("sellers", sellers), ("collectors", collectors)):
            if axis not in swept:  # one value for every row: said once, in the title
                side: SideName = "selling" if axis == "sellers" else "collecting"
                title.append(f" ({axis}: {as_run_text(counts[0], scenario, side)})")
        table = _long_sweep_table(cells, metric, title, swept, replications)
    else:
        table = Table(title=title, title_justify="left", show_lines=True)
        table.add_column("sellers \\ collectors", justify="right", no_wrap=True)
        for c in collectors:
            table.add_column(as_run_text(c, scenario, "collecting"), justify="center", no_wrap=True)
        for s in sellers:
            table.add_row(as_run_text(s, scenario, "selling"), *(texts[(s, c)] for c in collectors))
    _caption(table, cells, replications)
    console.print(fitted(table, console))


def render_clerks_sweep(
    grids: list[tuple[int, SweepCell]],
    metric: str,
    scenario: Scenario,
    replications: int,
    console: Console,
) -> None:
    """A sweep of projector clerks alone (the counters as the scenario has them):
    one table, a row per clerks count, rather than a one-cell grid for each."""
    days = f"{replications} replications each" if replications > 1 else "one day each"
    title = safe(f"{scenario.name}: verdict and {metric} (selling / collecting) per projector clerks, {days}")
    first = grids[0][1]
    title.append(
        f" (sellers: {as_run_text(first.sellers, scenario, 'selling')},"
        f" collectors: {as_run_text(first.collectors, scenario, 'collecting')})"
    )
    table = Table(title=title, title_justify="left")
    for column in ("projectors", "verdict", f"selling {metric}", f"collecting {metric}"):
        table.add_column(column, justify="left" if column == "verdict" else "right", no_wrap=True)
    cells = [cell for _, cell in grids]
    for clerks, cell in grids:
        table.add_row(
            str(clerks),
            _verdict_text(cell, replications),
            _side_value(cell, "selling", metric),
            _side_value(cell, "collecting", metric),
        )
    _caption(table, cells, replications)
    console.print(fitted(table, console))


def _caption(table: Table, cells: list[SweepCell], replications: int) -> None:
    table.caption = "Same customers at every point (common random numbers); " + (
        "± is a 95% confidence half-width; [a to b]: the interval's ends where it stops at 0 or 100%."
        if replications > 1
        else "one day per point, so no confidence interval (add --replications for one)."
    )
    if any(cell.named_for_waits for cell in cells):
        table.caption += (
            "\n*: named for the customers it failed or for its waits, not its pressure; run that staffing to see why."
        )
    if any(cell.both_short for cell in cells):
        table.caption += (
            "\n!: both sides failed more than the verdict's share of their customers (and at least"
            f" {MIN_FAILED} each): both need more counters, whatever the verdict."
        )
    unsure = [cell.verdict_agreement for cell in cells if cell.unsure(replications)]
    if unsure:
        table.caption += (
            f"\n({unsure[0]}/{replications}): only {unsure[0]} of the {replications} days gave the verdict shown (that"
            f" of the means); under {SURE_SHARE:.0%} of them, it is within the days' luck: add --replications before"
            " acting on it."
        )
    table.caption_justify = "left"


def _verdict_text(cell: SweepCell, replications: int) -> Text:
    """The cell's verdict, starred when it names a side for its failed customers or
    waits, not its pressure, marked ``!`` when both sides fail many of theirs,
    and with its days' count when few of them gave it (a trial read a 5-of-10
    cell as firm)."""
    unsure = f" ({cell.verdict_agreement}/{replications})" if cell.unsure(replications) else ""
    return Text(_SHORT_VERDICT[cell.verdict] + cell.marks + unsure, style=VERDICT_STYLES[cell.verdict])


def _cell_text(cell: SweepCell, metric: str, replications: int) -> Text:
    text = _verdict_text(cell, replications)
    text.append(f"\n{_side_value(cell, 'selling', metric)} / {_side_value(cell, 'collecting', metric)}")
    return text


def _long_sweep_table(cells: list[SweepCell], metric: str, title: Text, swept: list[str], replications: int) -> Table:
    """One row per staffing: the ``swept`` axes' counts, the verdict and the metric."""
    table = Table(title=title, title_justify="left")
    for column in (*swept, "verdict", f"selling {metric}", f"collecting {metric}"):
        table.add_column(column, justify="left" if column == "verdict" else "right", no_wrap=True)
    for cell in cells:
        counts = {"sellers": cell.sellers, "collectors": cell.collectors}
        table.add_row(
            *(staffing_text(counts[axis]) for axis in swept),
            _verdict_text(cell, replications),
            _side_value(cell, "selling", metric),
            _side_value(cell, "collecting", metric),
        )
    return table


def render_staffing(
    answers: dict[str, SideAnswer] | None,
    clerks: ProjectorAnswer | None,
    targets: Targets,
    replications: int,
    console: Console,
) -> None:
    """Each side's least staffing, with one counter fewer and Erlang C beside it,
    and the least projection clerks (None: not searched)."""
    days = f"means of {replications} days" if replications > 1 else "one day, so no interval"
    if answers is not None:
        _render_sides(answers, targets, days, console)
    if clerks is not None:
        _render_clerks(clerks, targets, days, console, answers is not None)


def _render_clerks(clerks: ProjectorAnswer, targets: Targets, days: str, console: Console, after_sides: bool) -> None:
    table = Table(
        title=f"Least projection clerks for stale reads <= {targets.max_stale_share:.1%} of holders ({days})",
        title_justify="left",
    )
    for column in ("clerks", "holders stale", "p95 lag (min)", "one clerk fewer"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_row(
        str(clerks.clerks),
        _value(clerks.stale_share, "stale_share", targets.max_stale_share),
        _value(clerks.lag_p95_minutes, "lag"),
        "-" if clerks.one_fewer is None else _value(clerks.one_fewer, "stale_share", targets.max_stale_share),
    )
    table.caption = (
        "holders stale: the share of holders who reached a collecting counter before their sale was on the list"
        " (a stale read)."
    ) + (" Searched at the counters found above." if after_sides else " Searched at the scenario's counters.")
    table.caption_justify = "left"
    console.print(fitted(table, console))
    for note in clerks_notes(clerks, targets):
        console.print(Text(f"Note: {note}.", style="dim"))


def clerks_notes(clerks: ProjectorAnswer, targets: Targets) -> list[str]:
    """Where the days' 95% interval of the stale share straddles its target, at the
    answer or one clerk fewer: the last clerk is the days' luck as much as the
    projection's (as ``_within_noise`` says of counters). Not under --confidence."""
    target = targets.max_stale_share
    if target is None or targets.confidence is not None:
        return []
    at, fewer = clerks.stale_share, clerks.one_fewer
    over, under = _straddles(at, fewer, target)
    said = []
    if over:
        said.append(
            f"its stale share, {at['mean']:.1%} ± {at['half_width']:.1%}, reaches over the target: more days may need"
            " a clerk more"
        )
    if under and fewer is not None:
        said.append(
            f"one clerk fewer ({fewer['mean']:.1%} ± {fewer['half_width']:.1%}) reaches under the target: more days"
            " may find it enough"
        )
    return _luck_note("projection clerks", said, "clerk")


def _period_summary(row: PeriodAnswer) -> Summary:
    return {
        "p95_wait": row["p95_wait"],
        "abandon_rate": row["abandon_rate"],
        "failed_share": row["failed_share"],
        "arrived": row["arrived"],
    }


def _render_sides(answers: dict[str, SideAnswer], targets: Targets, days: str, console: Console) -> None:
    table = Table(title=f"Least staffing for {targets.describe()} ({days})", title_justify="left")
    for column in ("side", "counters", "p95 wait (min)", "abandon rate", "failed", "Erlang C"):
        table.add_column(column, justify="right" if column != "side" else "left", no_wrap=column == "side")
    for name in SIDE_NAMES:
        answer = answers[name]
        fewer = answer.one_fewer
        staffing = answer.staffing
        erlang = _erlang_text(answer)
        # A schedule's row is its whole day, a closed period's customers too: its p95 may be
        # over the target that each period meets (lunch-closure: 41.7 under "<= 5", a trial).
        label = f"{name} (whole day)" if isinstance(staffing, tuple) else name
        rows: list[_Row] = [(label, staffing_text(staffing), answer.at_answer, erlang)]
        if fewer is not None and isinstance(staffing, int):
            rows.append(("  one fewer", staffing_text(staffing - 1), fewer, ""))
        _add_summary_rows(table, rows, targets)
    scheduled = any(isinstance(answers[name].staffing, tuple) for name in SIDE_NAMES)
    table.caption = (
        "one fewer: the same days with one counter fewer (the margin; per period for a schedule, below)."
        + (
            "\nwhole day: a schedule's customers of every period, closed ones too; the target is each"
            " period's (its table below)."
            if scheduled
            else ""
        )
        + "\nfailed: customers who walked away, waited too long or missed their film (the verdict's first measure)."
        "\nErlang C: the M/M/c steady-state answer for a steady Poisson stream with exponential service"
        " (shown where it applies); a day is finite and starts empty, so it may need another count."
        + (
            "\n± is a 95% confidence half-width; [a to b]: the interval's ends where it stops at 0 or 100%."
            if days.startswith("means")
            else ""
        )
        + (
            f"\n(≤x): the upper end of a one-sided {targets.confidence * 100:g}% interval; it had to meet the target."
            if targets.confidence is not None
            else ""
        )
    )
    table.caption_justify = "left"
    console.print(fitted(table, console))
    for note in answer_notes(answers, targets):
        console.print(Text(f"Note: {note}.", style="yellow"))
    for name in SIDE_NAMES:
        if answers[name].periods:
            _render_periods(answers[name], targets, console)


#: A table row: label, counters, the metrics, and the Erlang C cell (sides' table only).
_Row = tuple[str, str, Summary] | tuple[str, str, Summary, str]


def _add_summary_rows(table: Table, rows: list[_Row], targets: Targets) -> None:
    """A row for the answer, then (dim) its margin, then a line under the group.
    Each row: label, counters, the summary, and any further cells."""
    for k, (label, counters, summary, *more) in enumerate(rows):  # more: the Erlang C cell, if any
        measured = [
            _value(summary["p95_wait"], "p95_wait", targets.max_p95_wait),
            _value(summary["abandon_rate"], "abandon_rate", targets.max_abandon_rate),
            _value(summary["failed_share"], "failed_share", targets.max_failed_share),
        ]
        table.add_row(
            label,
            counters,
            *(measured if summary["arrived"] else ["-"] * len(measured)),  # no customers: nothing measured (as run)
            *more,
            style="dim" if k else None,
            end_section=k == len(rows) - 1,
        )


def _erlang_text(answer: SideAnswer) -> str:
    """The sides table's Erlang C cell: the count, or a schedule's per period
    (``-`` for a period whose arrivals are not steady), or ``-``."""
    if answer.erlang_c is not None:
        return str(answer.erlang_c)
    counts = [row["erlang_c"] for row in answer.periods]
    if not any(count is not None for count in counts):
        return "-"
    return "/".join(_count_or_dash(count) for count in counts)


def _count_or_dash(count: int | None) -> str:
    return "-" if count is None else str(count)


def _render_periods(answer: SideAnswer, targets: Targets, console: Console) -> None:
    table = Table(title=f"{answer.side}: least counters per schedule period", title_justify="left")
    erlang = any(row["erlang_c"] is not None for row in answer.periods)
    columns = ("from", "counters", "p95 wait (min)", "abandon rate", "failed", *(("Erlang C",) if erlang else ()))
    for column in columns:
        table.add_column(column, justify="right" if column != "from" else "left", no_wrap=column == "from")

    def table_row(label: str, counters: int, summary: Summary, erlang_cell: str) -> _Row:
        shown = str(counters) if counters else "closed"  # kept as the scenario closes it
        return (label, shown, summary, erlang_cell) if erlang else (label, shown, summary)

    for row in answer.periods:
        fewer = row["one_fewer"]
        rows = [table_row(row["from"], row["counters"], _period_summary(row), _count_or_dash(row["erlang_c"]))]
        if fewer is not None:
            rows.append(table_row("  one fewer", row["counters"] - 1, fewer, ""))
        _add_summary_rows(table, rows, targets)
    table.caption = (
        "one fewer: one counter fewer in that period alone (the margin). Each period must meet the target on"
        " its own: its customers are those who arrive in it, and its numbers are theirs."
    )
    if erlang:
        table.caption += (
            "\nErlang C: the M/M/c answer at the period's arrival rate, where it is steady all through the period"
            " (- where not); a period begins with the line the one before left, so it may need another count."
        )
    for row in answer.periods:
        missing = row["one_fewer_misses"]
        if any(clock != row["from"] for clock in missing):  # the margin row shows only its own period
            periods = " and ".join(
                "that period" if clock == row["from"] else f"the period from {clock}" for clock in missing
            )
            table.caption += (
                f"\nWith one fewer from {row['from']}, {periods} miss{'es' if len(missing) == 1 else ''} the"
                " target: a line left at a period's end is served by the next period's counters, before its own"
                " customers."
            )
    table.caption_justify = "left"
    console.print(fitted(table, console))


def staffing_data(
    answers: dict[str, SideAnswer] | None, clerks: ProjectorAnswer | None, targets: Targets, day: DayData
) -> dict[str, Any]:
    """The search's answer as plain data (``staff --json``), with the resulting day.
    ``sides`` is empty when only the projection clerks were searched; ``projectors``
    is null unless they were."""
    return {
        "targets": asdict(targets),
        "notes": ([] if answers is None else answer_notes(answers, targets))
        + ([] if clerks is None else clerks_notes(clerks, targets)),
        "sides": {
            name: {**asdict(answer), "staffing": plain_staffing(answer.staffing)}
            for name, answer in (answers or {}).items()
        },
        "projectors": None if clerks is None else asdict(clerks),
        "day": day,
    }


def answer_notes(answers: dict[str, SideAnswer], targets: Targets) -> list[str]:
    """Warnings about answers that meet the targets in a way a planner may not want."""
    notes = [note for answer in answers.values() for note in answer.notes]
    for name, answer in answers.items():
        abandon = answer.at_answer["abandon_rate"]["mean"]
        p95 = answer.at_answer["p95_wait"]["mean"]
        # Walk-aways shorten the waits of those who stay: worth a word when no target
        # bounds them (--max-failed-share counts them too).
        unbounded = targets.max_abandon_rate is None and targets.max_failed_share is None
        if unbounded and abandon > 0.01:
            notes.append(
                f"{name}: the wait target is met partly because {abandon:.1%} of customers walk away;"
                " add --max-abandon-rate to bound that"
            )
        if targets.max_p95_wait is None and p95 > 30:
            notes.append(f"{name}: 95% of customers wait up to {p95:,.0f} min; add --max-p95-wait to bound that")
        notes += _failed_note(name, answer, targets)
        notes += _within_noise(name, answer, targets)
    return notes


def _failed_note(name: str, answer: SideAnswer, targets: Targets) -> list[str]:
    """A side whose answer fails more than the verdict's share of its customers
    (of its open periods, where a closure's are not held to targets), with the
    staffing that keeps to it (``least_staffing.with_failed_bound``)."""
    bound = answer.failed_bound
    if targets.max_failed_share is not None or bound is None:
        return []
    whose = "its open periods' " if answer.closes else ""
    said = (
        f"{name}: {answer.open_failed_share:.1%} of {whose}customers are failed there (walked away, waited too long"
        " or missed their film), which the verdict counts first"
    )
    option = f"--max-failed-share {bound.max_failed_share:g}"
    if bound.staffing is None or bound.at_answer is None or bound.failed_share is None:
        return [f"{said}; no staffing up to the limit keeps them to {bound.max_failed_share:.0%} ({option})"]
    # The share the bound holds, as said above: of the open periods' customers where the side closes.
    return [
        f"{said}; with {option} as well, it needs {staffing_text(bound.staffing)}"
        f" ({bound.failed_share:.1%} of {whose}customers failed, p95 wait {bound.at_answer['p95_wait']['mean']:,.2f}"
        " min)"
    ]


def _within_noise(name: str, answer: SideAnswer, targets: Targets) -> list[str]:
    """Where the days' 95% interval straddles a target, at the answer (more days
    may need one counter more) or one fewer (more days may find it enough): the
    last counter is then the days' luck as much as the staffing's. Not said
    under --confidence, whose bound already takes the interval's upper end."""
    if targets.confidence is not None:
        return []
    checks: list[tuple[str, Summary, Summary | None]] = [("", answer.at_answer, answer.one_fewer)]
    if answer.periods:
        # One fewer that makes another period miss is not enough, whatever its own period's numbers.
        checks = [
            (
                f" from {row['from']}",
                _period_summary(row),
                None if set(row["one_fewer_misses"]) - {row["from"]} else row["one_fewer"],
            )
            for row in answer.periods
            if row["counters"]  # a closed period is kept closed: no counter more or fewer is asked of it
        ]
    staffing, erlang = answer.staffing, answer.erlang_c
    theory = (
        f" (Erlang C's steady state needs {erlang})"
        if isinstance(staffing, int) and erlang is not None and erlang > staffing
        else ""
    )
    over, under = [], []
    for where, at, fewer in checks:
        for key, (option, _, label) in TARGET_FORMATS.items():
            target = getattr(targets, option)
            if target is None:
                continue
            at_key = at[key]  # type: ignore[literal-required]
            fewer_key = None if fewer is None else fewer[key]  # type: ignore[literal-required]
            reaches_over, reaches_under = _straddles(at_key, fewer_key, target)
            if reaches_over:
                value = interval_text(at_key, key, target)
                over.append(
                    f"its {label}{where}, {value}, reaches over the target: more days may need a counter more{theory}"
                )
            if reaches_under and fewer_key is not None:
                value = interval_text(fewer_key, key, target)
                under.append(
                    f"one fewer{where} ({label} {value}) reaches under the target: more days may find it enough"
                )
    return _luck_note(name, over + under, "counter")


def _straddles(at: Interval, fewer: Interval | None, target: float) -> tuple[bool, bool]:
    """Whether the answer's 95% interval reaches over ``target`` though its mean meets
    it, and whether one fewer's reaches under it though its mean misses."""
    over = at["half_width"] is not None and at["mean"] <= target < at["high"]
    under = fewer is not None and fewer["half_width"] is not None and fewer["low"] <= target < fewer["mean"]
    return over, under


def _luck_note(name: str, said: list[str], last: str) -> list[str]:
    """The note on a last counter (or clerk) within the days' luck, if anything was said."""
    if not said:
        return []
    return [
        f"{name}: {'; '.join(said)}. The last {last} is within the days' luck: give more --replications"
        " before acting on it, or --confidence 0.9 for a bound"
    ]


def score_table(yours: DayData, others: list[tuple[str, DayData]]) -> Table:
    """The manager's score: the day as managed beside other staffings of the same
    customers (same seed): what the counters cost and what customers met."""
    table = Table(title="Your day against other staffing of the same customers", title_justify="left")
    for column in ("", "counter-hours", "p95 wait (min)", "failed", "verdict"):
        table.add_column(column, justify="left" if column in ("", "verdict") else "right", no_wrap=True)
    for label, data in [("you", yours), *others]:
        sides = [data["sides"][name] for name in SIDE_NAMES]
        table.add_row(
            label,
            " / ".join(f"{side['counter_hours']:,.1f}" for side in sides),
            " / ".join(f"{side['wait_minutes']['p95']:,.2f}" for side in sides),
            " / ".join(f"{side['failed']:,.0f}" for side in sides),
            _SHORT_VERDICT[data["verdict"]],
        )
    staffed = any(label.startswith("staff") for label, _ in others)
    table.caption = (
        "selling / collecting; scenario: its own counters;"
        + (" staff S/C: the least fixed counters meeting --max-p95-wait;" if staffed else "")
        + " failed: walked away, waited too long or missed their film"
    )
    table.caption_justify = "left"
    return table
