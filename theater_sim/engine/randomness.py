"""Where the theater's luck comes from.

One seed opens the day. From it each side gets its own named streams, one for
when customers arrive, one for how long they take, one for their patience
(and, for linked days, one for the tickets and one for lead times), so opening a fifth
selling counter never changes who walks up to the collecting counters, nor which
buyers come (common random numbers). No global random state is touched.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from theater_sim.model.sides import SIDE_NAMES, SideName

__all__ = ["Purpose", "stream"]

Purpose = Literal["arrivals", "service", "patience", "tickets", "lead", "projection"]
# Append only: a purpose's position is part of its stream's identity.
_PURPOSES: tuple[Purpose, ...] = ("arrivals", "service", "patience", "tickets", "lead", "projection")


def stream(seed: int, side: SideName, purpose: Purpose) -> np.random.Generator:
    """The generator for one side and purpose, determined by ``seed`` alone.

    Args:
        seed: The day's seed (a non-negative integer).
        side: ``"selling"`` or ``"collecting"``.
        purpose: ``"arrivals"``, ``"service"``, ``"patience"``, ``"tickets"``
            (who buys online, party sizes, preferred showings) or ``"lead"``
            (how early holders come before their showing) or ``"projection"``
            (how long a projector clerk takes to list each sale).

    Returns:
        A fresh PCG64 generator; the same arguments give the same numbers.
    """
    spawn_key = (SIDE_NAMES.index(side), _PURPOSES.index(purpose))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=spawn_key)))
