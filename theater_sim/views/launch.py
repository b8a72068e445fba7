"""The ``theater-sim`` console script: the command line, loaded under a guard.

Loading the command line (Typer, rich) takes a tenth of a second; a Ctrl-C
in that time landed in an import and printed a Python traceback. Here it
ends quietly, as a Ctrl-C does once the command runs (exit status 130).
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> None:
    """Load the command line and run it; a Ctrl-C while loading is one line."""
    try:
        from theater_sim.views.cli import main as command_line

        command_line()
    except KeyboardInterrupt:  # while loading, or anywhere a command's own guard does not reach
        sys.stderr.write("theater-sim: interrupted\n")
        raise SystemExit(130) from None
