"""How numbers, names and verdicts look on screen: the one place that formats.

Shared by the day report, the plan report and the live dashboard.
"""

from __future__ import annotations

import io
import math
import re
import sys
import unicodedata
from typing import TYPE_CHECKING, Any, TextIO

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from theater_sim.analysis.verdict import Verdict
from theater_sim.model.clock import clock_label, parse_clock_minutes

if TYPE_CHECKING:
    from theater_sim.model.scenario import Scenario, Side

__all__ = [
    "VERDICT_STYLES",
    "OutputConsole",
    "counters_text",
    "doors_open",
    "figure_text",
    "fitted",
    "format_number",
    "one_line",
    "plain",
    "safe",
    "sparkline",
    "staffing_text",
]

VERDICT_STYLES = {
    Verdict.BALANCED.value: "bold green",
    Verdict.SELLING.value: "bold yellow",
    Verdict.COLLECTING.value: "bold magenta",
}


def plain(text: str) -> str:
    """User text with control and bidi-override characters made visible, so a
    scenario name cannot move the cursor, recolour or reverse the terminal."""
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in _HIDDEN and c != "\n" else c for c in text)


def one_line(text: str) -> str:
    """``plain`` for a name: a line break shows as ``\\n`` (a name must not fake a line of output)."""
    return plain(text).replace("\n", "\\n")


#: Control, format (bidi overrides) and line/paragraph separator characters.
_HIDDEN = {"Cc", "Cf", "Zl", "Zp"}


class OutputConsole(Console):
    """The console every command prints its report with.

    rich ends the process with exit status 1 when standard output is a pipe
    that was closed (``| head``); here a closed pipe is a ``BrokenPipeError``
    instead, which the command line turns into a quiet exit 0, as Unix tools do.
    When the output is not a terminal (a pipe, a file), rich's padding of titles,
    captions and table rows to the table's width is taken off each line's end.
    """

    def __init__(self, **kwargs: Any) -> None:
        if "file" not in kwargs and not sys.stdout.isatty():
            kwargs["file"] = _LineEndsTrimmed(sys.stdout)
        super().__init__(**kwargs)

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


class _LineEndsTrimmed:
    """A text stream that drops the spaces before each line's end (rich pads
    lines to a table's width; in a file or a pipe they are only noise)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._held = ""  # spaces at the end of a write, kept until we know a newline follows

    def write(self, text: str) -> int:
        text = self._held + text
        body = text.rstrip(" ")
        self._held = text[len(body) :]
        self._stream.write(_TRAILING_SPACES.sub("\n", body))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._stream.fileno()


_TRAILING_SPACES = re.compile(r" +\n")


def safe(text: str) -> Text:
    """User text as a rich ``Text``: shown as written, never read as markup
    (``Late show [/b]`` or ``[link=...]`` stay text), control characters made visible."""
    return Text(one_line(text))


def figure_text(text: str) -> str:
    """User text for a matplotlib label: shown as written, never read as
    mathtext (``$x$`` stays two dollars and an x), control characters made visible."""
    return one_line(text).replace("$", r"\$")


_BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float], width: int = 24, top: float | None = None, group: int | None = None) -> str:
    """One block character per value (or per ``group`` of values, each its
    largest, to fit ``width``), scaled to ``top`` (default: the largest; ▁ for nothing).

    Written by hand: rich has no sparkline, and eight block characters are all it takes.
    """
    group = group or max(1, math.ceil(len(values) / width))
    values = [max(values[i : i + group]) for i in range(0, len(values), group)]
    top = max(values, default=0) if top is None else top
    if top <= 0:
        return _BLOCKS[0] * len(values)
    return "".join(_BLOCKS[0] if v <= 0 else _BLOCKS[max(1, math.ceil(v / top * 7))] for v in values)


def format_number(value: float, spec: str) -> str:
    if spec == "count":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return format(value, spec)


def fitted(table: Table, console: Console) -> RenderableType:
    """``table``, or its rows as lines of text when even its narrowest layout is
    wider than the console (rich would cut its cells short with "...").

    Each row becomes ``header: value; header: value``, so every number and
    word stays whole and the text folds at its spaces. Written here because
    rich cuts rather than reflows a table that cannot fit. A table that fits
    has its title and caption printed above and below it, folded at the
    console's width rather than the table's (a narrow table cut a long
    scenario name mid-word even in a wide terminal).
    """
    for column in table.columns:
        texts = [cell.plain if isinstance(cell, Text) else str(cell) for cell in column.cells]
        header = column.header.plain if isinstance(column.header, Text) else str(column.header)
        # A cell that may not wrap needs its widest line, and any cell its widest
        # word (a number, a name), header included: rich would cut them short.
        pieces = [part for text in [header, *texts] for part in (text.splitlines() if column.no_wrap else text.split())]
        column.min_width = max([column.min_width or 0, *(cell_len(piece) for piece in pieces)])
    if _fits(table, console):
        return _with_title_and_caption_outside(table)
    # Rich's shrinking can round a column up and overshoot the width by a
    # column or two; asked for a width just under the console's, it lands within.
    for narrower in (console.width - 1, console.width - 2):
        table.width = narrower
        if _fits(table, console):
            return _with_title_and_caption_outside(table)
    table.width = None
    headers = [
        (column.header.plain if isinstance(column.header, Text) else str(column.header)).replace("\n", " ")
        for column in table.columns
    ]
    cells = [list(column.cells) for column in table.columns]
    lines: list[Text] = []
    if table.title is not None:
        lines.append(table.title if isinstance(table.title, Text) else Text(str(table.title)))
    parent = ""  # a row's first cell, which an indented row below it belongs to
    for row in range(table.row_count):
        parts = []
        for index, (header, values) in enumerate(zip(headers, cells, strict=True)):
            value = values[row]
            raw = value.plain if isinstance(value, Text) else str(value)
            text = " ".join(raw.split())
            if index == 0 and text:
                # An indented row ("  one fewer" under "selling") read "side: one fewer" without its indent.
                parent, text = (parent, f"{parent}, {text}") if raw[:1].isspace() and parent else (text, text)
            if text:
                parts.append(f"{header}: {text}" if header else text)
        lines.append(Text("; ".join(parts)))
    if table.caption is not None:
        lines.append(table.caption if isinstance(table.caption, Text) else Text(str(table.caption)))
    return Group(*lines)


def _with_title_and_caption_outside(table: Table) -> RenderableType:
    """``table`` with its title above and its caption below it as text of their own."""
    title, caption = table.title, table.caption
    if title is None and caption is None:
        return table
    table.title = table.caption = None
    parts: list[RenderableType] = []
    if title is not None:
        parts.append(title if isinstance(title, Text) else Text(str(title)))
    parts.append(table)
    if caption is not None:
        parts.append(caption if isinstance(caption, Text) else Text(str(caption), style="dim"))
    return Group(*parts)


def _fits(table: Table, console: Console) -> bool:
    """Whether rich lays ``table`` out within the console's width with every
    cell whole. Tried rather than measured: rich squeezes columns below their
    minimum when it must, and then cuts cells ("...") or lines."""
    probe = Console(file=io.StringIO(), width=console.width, color_system=None, highlight=False)
    probe.print(table, crop=False)
    text: str = probe.file.getvalue()  # type: ignore[attr-defined]
    cells = [column.header for column in table.columns] + [cell for column in table.columns for cell in column.cells]
    written = sum((cell.plain if isinstance(cell, Text) else str(cell)).count("…") for cell in cells)
    return all(cell_len(line) <= console.width for line in text.splitlines()) and text.count("…") <= written


def staffing_text(staffing: int | tuple[int, ...] | None, grouped: bool = True) -> str:
    """A sweep's counters at one point: a count, a schedule's counts (``1/3``), or
    ``as scenario`` (a side not swept that has no one count). ``grouped``: with
    thousands separators as the reports write counts (1,600); a CSV's are plain."""
    if staffing is None:
        return "as scenario"
    counts = staffing if isinstance(staffing, tuple) else (staffing,)
    return "/".join(f"{count:,}" if grouped else str(count) for count in counts)


def counters_text(side: Side) -> str:
    """A side's counters as written: ``2``, ``autoscaled 1-6 (start 2)``, or a schedule
    (``schedule: 2 from 10:00, closed from 12:00, 2 from 13:00``)."""
    if side.autoscale is not None:
        scale = side.autoscale
        return f"autoscaled {scale.min_counters:,}-{scale.max_counters:,} (start {side.counters:,})"
    if isinstance(side.counters, list):
        shown = [
            period
            for k, period in enumerate(side.counters)
            if k == 0 or period.count or side.counters[k - 1].count  # back-to-back closed periods: one
        ]
        return "schedule: " + ", ".join(f"{f'{p.count:,}' if p.count else 'closed'} from {p.from_clock}" for p in shown)
    return f"{side.counters:,}"


def doors_open(scenario: Scenario) -> str:
    """``doors open 10:00 to 18:00``: ``to midnight``, or ``02:00 next day`` past it
    (a 24-hour day from midnight read "00:00 to 00:00")."""
    closing = parse_clock_minutes(scenario.opens) + scenario.open_minutes
    if closing == 24 * 60:
        return f"doors open {scenario.opens} to midnight"
    later = " next day" if closing > 24 * 60 else ""
    return f"doors open {scenario.opens} to {clock_label(scenario.open_minutes, scenario.opens)}{later}"
