"""Keeping Python's cyclic garbage collector out of long stretches of allocation.

Both a simulated day and a planning run build millions of small objects that
stay alive (a day's waiting customers and events; a sweep's results, some
2,500 objects a day), and each of the collector's full passes rescans them
all: time grows faster than the work. Neither creates reference cycles that
must be freed meanwhile (what they drop goes by reference counting), so the
collector waits until they are done, and is restored after.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (as it was after: on or off)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
