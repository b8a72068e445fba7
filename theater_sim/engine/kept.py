"""What a process that runs many days keeps between them, within a budget.

A sweep or a staffing search runs each replication at many staffings: the
same customers (``planning.tasks``), and on the exact engine the same
command side and its measures at every collecting staffing (``exact``,
``analysis.measured_day``). ``Kept`` holds such values, the least recently
used leaving first once their customers pass ``KEPT_CUSTOMERS``, so a
search's hundred replications of a small day stay, while a value larger than
the whole budget (a day of ten million customers) is not kept at all: it
would hold its memory through the next day's. Written by hand: ``functools.lru_cache``
bounds entries, not their size, and cannot take unhashable arrays as keys.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, Generic, TypeVar
from weakref import WeakSet

__all__ = ["KEPT_CUSTOMERS", "Kept", "forget_everything"]

#: Customers (summed over the entries) a ``Kept`` holds before it lets go of
#: the least recently used: about 50-100 MB of a process's memory.
KEPT_CUSTOMERS = 500_000

Value = TypeVar("Value")

_EVERY: WeakSet[Kept[Any]] = WeakSet()


def forget_everything() -> None:
    """Empty every ``Kept`` of this process (benchmarks time days from scratch)."""
    for kept in list(_EVERY):
        kept.clear()


class Kept(Generic[Value]):
    """Values by key, least recently used out first beyond ``budget`` customers
    (a value larger than ``budget`` alone is not kept). Safe to share between
    threads (a Dask worker runs several tasks at once)."""

    def __init__(self, budget: int = KEPT_CUSTOMERS) -> None:
        self.budget = budget
        self.customers = 0
        self._entries: OrderedDict[Hashable, tuple[Value, int]] = OrderedDict()
        self._lock = threading.Lock()
        _EVERY.add(self)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Value | None:
        """The value kept for ``key`` (now the most recently used), or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value: Value, customers: int) -> None:
        """Keep ``value`` (about ``customers`` customers' worth) for ``key``."""
        if customers > self.budget:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.customers -= old[1]
            self._entries[key] = (value, customers)
            self.customers += customers
            while self.customers > self.budget:
                _key, (_value, size) = self._entries.popitem(last=False)
                self.customers -= size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.customers = 0
