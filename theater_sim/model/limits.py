"""The scenario format's hard limits, in a module of plain numbers.

Kept apart from the pydantic models so the command line can name them in
its help without loading pydantic (start-up time).
"""

from __future__ import annotations

__all__ = ["MAX_COUNTERS_PER_SIDE", "MAX_PROJECTORS", "MAX_SEED"]

MAX_COUNTERS_PER_SIDE = 10_000
MAX_PROJECTORS = 1_000
MAX_SEED = 2**63 - 1
