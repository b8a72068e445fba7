"""Plain text folded to the terminal's width, for output rich does not lay out.

Errors on stderr and ``watch``'s piped lines are plain text: a line wider
than the terminal would be cut mid-word by the terminal itself. Folded here
at spaces, its folds indented so none reads as a new line of its own.
(Without rich: the command line's error path must stay quick to load.)
"""

from __future__ import annotations

import shutil
import textwrap

__all__ = ["fold"]


def fold(line: str, indent: int, width: int | None = None) -> list[str]:
    """``line`` in pieces of at most ``width`` columns (default: the terminal's),
    folded at spaces, the folds indented by ``indent``; words are never broken."""
    width = max(width or shutil.get_terminal_size().columns, 30)
    if len(line) <= width:
        return [line]
    return textwrap.wrap(
        line, width=width, subsequent_indent=" " * indent, break_long_words=False, break_on_hyphens=False
    ) or [line]
