"""The live dashboard of ``theater-sim watch``: rich ``Live`` on a terminal,
plain periodic lines elsewhere.

It draws what ``live.play`` reports: both lines as bars, each side's
counters busy and idle, the clock, waits so far and the verdict so far. It
is part of the command line's edge; the day itself comes from the domain.
"""

from __future__ import annotations

import dataclasses
import math
import select
import shutil
from typing import TextIO

from rich import box
from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from theater_sim.analysis.live import LiveStatus, SideStatus
from theater_sim.analysis.verdict import shown_evidence
from theater_sim.model.scenario import SIDE_NAMES
from theater_sim.views.folding import fold
from theater_sim.views.formatting import VERDICT_STYLES, one_line, safe
from theater_sim.views.keyboard import LEGEND

__all__ = ["Dashboard", "PlainTicker", "fitting_status", "plain_status", "status_table"]

SIDE_COLOURS = {"selling": "dark_orange3", "collecting": "dodger_blue2"}
MANAGER_LOG_LINES = 5
BAR_WIDTH = 20
NARROW_COLUMNS, NARROW_BAR_WIDTH = 100, 8
MAX_COUNTER_MARKS = 8


def nice_scale(longest: int) -> int:
    """The bars' full length in people: 10, 20, 50, 100, 200, 500, ... at least ``longest``."""
    scale = 10
    while scale < longest:
        scale = scale * 5 // 2 if str(scale).startswith("2") else scale * 2
    return scale


def _line_bar(status: SideStatus, scale: int, colour: str, width: int = BAR_WIDTH) -> Text:
    filled = min(width, round(width * status.line / scale))
    return Text.assemble(("█" * filled, colour), ("·" * (width - filled), "grey50"))


def _counter_marks(status: SideStatus, marks: bool = True) -> Text:
    shown = max(status.open, status.busy)
    if shown > MAX_COUNTER_MARKS or not marks:
        return Text(_busy_of_open(status))
    busy = min(status.busy, shown)
    return Text.assemble(("■" * busy, "bold"), ("□" * (shown - busy), "grey50"), f" {_busy_of_open(status)}")


def _oldest_text(status: SideStatus) -> str:
    """The first in line's wait so far, or ``-`` with nobody in line."""
    return f"{status.oldest_wait_minutes:,.1f}" if status.line else "-"


def _busy_of_open(status: SideStatus) -> str:
    """``2/3``: counters busy of those open; a side its schedule closes says so."""
    return f"{status.busy:,}/{status.open:,}" + (" closed" if not status.open else "")


def status_table(
    status: LiveStatus, title: str, scale: int | None = None, bar_width: int = BAR_WIDTH, compact: bool = False
) -> Table:
    """The dashboard (and the summary printed when watching is stopped early).

    ``scale``: people a full bar stands for (default: fitted to the lines now);
    ``bar_width``: the bars' width in characters (0: no bars);
    ``compact``: busy counters as numbers only, and lighter borders.
    """
    scale = scale or nice_scale(max(status.selling.line, status.collecting.line))
    table = Table(
        title=safe(title),
        title_justify="left",
        expand=False,
        box=box.SIMPLE_HEAD if compact else box.HEAVY_HEAD,
        # Compact: one space between columns, none at the edges, so that 80 columns
        # hold the numbers and the oldest wait (they fell back to plain lines).
        pad_edge=not compact,
        collapse_padding=compact,
    )
    table.add_column("side", no_wrap=True)
    if bar_width:
        table.add_column("line", no_wrap=True)
    for column in ("now", "oldest", "busy", "came", "served", "wait", "failed", "press."):
        table.add_column(column, justify="left" if column == "busy" else "right", no_wrap=True)
    pressures = dict(zip(SIDE_NAMES, _shown_pressures(status), strict=True))
    for name in SIDE_NAMES:
        side = status.side(name)
        bar = [_line_bar(side, scale, SIDE_COLOURS[name], bar_width)] if bar_width else []
        table.add_row(
            Text(name, style=SIDE_COLOURS[name]),
            *bar,
            f"{side.line:,}",
            _oldest_text(side),
            _counter_marks(side, marks=not compact),
            f"{side.arrived:,}",
            f"{side.served:,}",
            f"{side.mean_wait_minutes:,.2f}",
            f"{side.failed:,}",
            pressures[name],
        )
    doors = "doors open" if status.doors_open else "doors closed, serving those still in line"
    table.caption = Text.assemble(
        f"{status.clock} ({doors}); "
        + (f"bar: {scale:,} people; " if bar_width else "")
        + "now: in line;\noldest: minutes the first in line has waited;\nwait: mean minutes so far of those served;\n"
        "failed: walked away, waited too long or missed their film so far\n"
        + _models_text(status)
        + "verdict so far: ",
        (status.verdict.value, VERDICT_STYLES[status.verdict.value]),
    )
    table.caption_justify = "left"
    return table


class Dashboard:
    """A rich ``Live`` view refreshed at every frame."""

    def __init__(self, console: Console, title: str) -> None:
        self.title = title
        self.live = Live(Group(Text("starting...")), console=console, auto_refresh=False, transient=False)
        self.last: LiveStatus | None = None
        self.scale = 10

    def __enter__(self) -> Dashboard:
        self.live.start()
        return self

    def __call__(self, status: LiveStatus) -> None:
        self.last = status
        # The scale only grows, so a growing line visibly fills its bar.
        self.scale = max(self.scale, nice_scale(max(status.selling.line, status.collecting.line)))
        self.live.update(self.table(status), refresh=True)

    def table(self, status: LiveStatus, title: str | None = None) -> RenderableType:
        """The widest layout whose every number stays whole in the terminal: full
        bars, short ones, no bars, then busy counters as numbers with light
        borders; in a terminal narrower still, the plain lines (which fold)."""
        return fitting_status(status, title or self.title, self.live.console, self.scale)

    def managed(self, status: LiveStatus, log: list[str], paused: bool, minutes_per_second: float) -> None:
        """A frame of ``watch --manage``: the table, the keys and speed, and the manager's last changes."""
        self.last = status
        self.scale = max(self.scale, nice_scale(max(status.selling.line, status.collecting.line)))
        recent = log[-MANAGER_LOG_LINES:]
        speed = "PAUSED" if paused else f"x{minutes_per_second * 60:g}"
        self.live.update(
            Group(
                self.table(status),
                Text(f"{speed}  {LEGEND}", style="bold" if paused else "dim"),
                Text("\n".join(one_line(line) for line in recent) if recent else "no changes yet", style="dim"),
            ),
            refresh=True,
        )

    def __exit__(self, *_exc: object) -> None:
        self.live.stop()


class PlainTicker:
    """For output that is not a terminal: one plain line per simulated hour."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.next_minute = 0.0
        self.last: LiveStatus | None = None
        self.printed_clock = ""

    def __enter__(self) -> PlainTicker:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stream.flush()

    def __call__(self, status: LiveStatus) -> None:
        finished_before = self.last is not None and self.last.finished
        self.last = status
        if finished_before or (status.minute < self.next_minute and not status.finished):
            if _reader_gone(self.stream):  # '| head -3' has read its lines: stop now, not at the next hour
                raise BrokenPipeError
            return
        self.next_minute = (math.floor(status.minute / 60) + 1) * 60
        if status.finished and status.clock == self.printed_clock:
            # The day ended within the minute of the line before (the doors closed at 00:00 and the
            # last customer left at 00:00:40): two lines read "00:00 +1d" with other numbers (a trial).
            status = dataclasses.replace(status, clock="day over")
        self.printed_clock = status.clock
        self.stream.write(plain_status(status) + "\n")
        self.stream.flush()


_UNLIMITED = 10_000
#: The dashboard's layouts, widest first: (bar width, compact).
_LAYOUTS = ((BAR_WIDTH, False), (NARROW_BAR_WIDTH, False), (0, False), (0, True))


def fitting_status(status: LiveStatus, title: str, console: Console, scale: int | None = None) -> RenderableType:
    """``status_table`` in the first layout of ``_LAYOUTS`` that fits ``console``
    (rich would cut a number that does not: ``1,9…``), else ``plain_status``."""
    for bar_width, compact in _LAYOUTS:
        table = status_table(status, title, scale, bar_width, compact)
        # Measured without the terminal's limit (which rich's measure applies): the width it wants.
        wanted = Measurement.get(console, console.options.update_width(_UNLIMITED), table).maximum
        if wanted <= console.width:
            return table
    return Group(safe(title), Text(plain_status(status, console.width)))


def _reader_gone(stream: TextIO) -> bool:
    """Whether ``stream`` is a pipe whose reader has closed it (poll says POLLERR):
    a line is written once a simulated hour, which at ``--speed 60`` is a real minute."""
    if not hasattr(select, "poll"):  # not on this platform: found at the next write instead
        return False
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (a test's buffer)
        return False
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(events & select.POLLERR for _, events in poller.poll(0))


def _models_text(status: LiveStatus) -> str:
    """Between the models (a day with a projection): the backlog now and stale reads so far."""
    models = status.between_models
    if models is None:
        return ""
    return (
        f"between the models: {models.unlisted:,} sales not yet on the collectors' list;"
        f" {models.stale_reads:,} stale reads so far\n"
    )


def _shown_pressures(status: LiveStatus) -> tuple[str, str]:
    return shown_evidence(status.selling.evidence(), status.collecting.evidence(), status.rule)


def plain_status(status: LiveStatus, width: int | None = None) -> str:
    """The theater's state in three short lines (a clock and each side, then the
    customers each side failed, selling / collecting, and the verdict so far),
    for output that is not a terminal: they fit 80 columns, and fold under the
    clock (at a space) in a narrower ``width`` (default: the terminal's). While
    a side has a line, the third says how long each side's first in line has
    waited (``oldest``; the verdict then goes on a line of its own)."""
    lines = []
    for k, (name, pressure) in enumerate(zip(SIDE_NAMES, _shown_pressures(status), strict=True)):
        s = status.side(name)
        pairs = (
            ("line", f"{s.line:,}"),
            ("busy", _busy_of_open(s)),
            ("served", f"{s.served:,}"),
            ("wait", f"{s.mean_wait_minutes:,.2f}"),
            ("pressure", pressure),
        )
        # A fold falls between pairs, never between a name and its number (no-break spaces, made spaces after).
        lines.append(
            f"{status.clock if k == 0 else '':<10}{name:<11}"
            + " ".join(f"{a}{_KEEP}{b.replace(' ', _KEEP)}" for a, b in pairs)
        )
    failed = f"failed sell/coll{_KEEP}{status.selling.failed:,}/{status.collecting.failed:,}"
    if status.selling.line or status.collecting.line:
        failed += f"; oldest{_KEEP}{_oldest_text(status.selling)}/{_oldest_text(status.collecting)}{_KEEP}min"
    models = status.between_models
    if models is not None:
        lines.append(f"{'':<10}unlisted sales {models.unlisted:,}; stale reads {models.stale_reads:,}")
    verdict = f"so far: {status.verdict.value}"
    last = f"{'':<10}{failed}; {verdict}"
    # Too long for 80 columns or the width: the verdict on a line of its own, whole, so
    # 'grep "so far:"' finds all of it.
    fits = len(last) <= min(80, max(width or shutil.get_terminal_size().columns, 30))  # as fold measures
    lines += [last] if fits else [f"{'':<10}{failed};", f"{'':<10}{verdict}"]
    return "\n".join(folded.replace(_KEEP, " ") for line in lines for folded in fold(line, 12, width))


#: What joins a name to its number in ``plain_status``'s lines while they are folded.
_KEEP = "\u00a0"
