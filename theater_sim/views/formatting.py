"""How numbers, names and verdicts look on screen: the one place that formats.

Shared by the day report, the plan report and the live dashboard.
"""

from __future__ import annotations

import json
import math
import re
import sys
import unicodedata
from collections.abc import Mapping
from typing import Any, TextIO

from rich.console import Console
from rich.text import Text

from theater_sim.analysis.verdict import Verdict

__all__ = [
    "VERDICT_STYLES",
    "OutputConsole",
    "figure_text",
    "format_number",
    "one_line",
    "plain",
    "safe",
    "sparkline",
    "to_json",
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


def to_json(data: Mapping[str, object]) -> str:
    """A day's data as one line of JSON (deterministic for a given day)."""
    return json.dumps(data, allow_nan=False)


def format_number(value: float, spec: str) -> str:
    if spec == "count":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return format(value, spec)
