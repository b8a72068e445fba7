"""The one family of errors a theater manager can cause.

A manager who hands the box office a scenario with a typo, a missing file or a
queue of ten billion people gets a one-sentence answer that names the file, the
key and the limit; the command line turns these into exit status 2.
"""

from __future__ import annotations

__all__ = ["ScenarioError"]


class ScenarioError(Exception):
    """A scenario (file, key or option) that cannot be run, with why.

    Args:
        message: One or a few lines, each naming where and what is wrong.
    """
