"""The scenario format's hard limits, in a module of plain numbers.

Kept apart from the pydantic models so the command line can name them in
its help without loading pydantic (start-up time).
"""

from __future__ import annotations

__all__ = [
    "MAX_COUNTERS_PER_SIDE",
    "MAX_PROJECTORS",
    "MAX_SEED",
    "MAX_TURNED_AWAY",
    "MIN_RETRY_MINUTES",
    "TURNED_AWAY_PER_HOLDER",
]

MAX_COUNTERS_PER_SIDE = 10_000
MAX_PROJECTORS = 1_000
MAX_SEED = 2**63 - 1

#: A holder turned away (a stale read under ``retry``) takes at least this long
#: to come back: six seconds.
MIN_RETRY_MINUTES = 0.1
#: A day stops with an error once its holders were turned away more than this
#: many times each on average (ten returns a minute for 100 minutes), or
#: ``MAX_TURNED_AWAY`` times in all: a projector so far behind its holders'
#: returns only makes them walk to and fro, and the run's time and memory
#: grow with every turn.
TURNED_AWAY_PER_HOLDER, MAX_TURNED_AWAY = 1_000, 5_000_000
