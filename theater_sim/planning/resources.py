"""Will the run fit the machine? A memory estimate made before any day runs.

A day's peak memory grows with its customers: their drawn plans and records
(a few dozen bytes each), and, on an overloaded side, the line of everyone
still waiting at once. Measured (2026-11-27) when the whole day queues at
once: 10 million arrivals at one counter peaked at 1,098 MiB on the SimPy
engine (971 MiB exact), about 107 bytes a customer over the interpreter and
libraries; a linked day (sales, seats, holders, a projector) about 270 bytes
a customer it may see (340,000 buyers and their holders, at three
collectors: 233 MiB). On a side whose customers may give up (patience), the
SimPy engine keeps a timer for everyone waiting: 2 million customers in line
at once with patience peaked at 854 MiB, about 300 bytes a customer more.
The estimate takes those worst cases with half as much again for every
customer, so it errs on the safe side without refusing days that fit; days
that run at once (worker processes) add up. A day whose
projector turns holders away to come back adds the most turns it may make
before it stops (``model.limits``), at about 64 bytes a turn.
"""

from __future__ import annotations

import math
import os

from theater_sim.model.errors import ScenarioError, shorten
from theater_sim.model.limits import MAX_TURNED_AWAY, TURNED_AWAY_PER_HOLDER
from theater_sim.model.scenario import SIDE_NAMES, Scenario

__all__ = [
    "BASE_BYTES",
    "BYTES_PER_CUSTOMER",
    "BYTES_PER_LINKED_CUSTOMER",
    "BYTES_PER_PATIENT_CUSTOMER",
    "DEFAULT_MEMORY_SHARE",
    "check_memory",
    "day_bytes",
    "parse_bytes",
    "physical_memory_bytes",
]

BYTES_PER_CUSTOMER = 160
BYTES_PER_LINKED_CUSTOMER = 420
#: Added for each customer of a side with patience_minutes (a pending timer while in line).
BYTES_PER_PATIENT_CUSTOMER = 450
BYTES_PER_TURN_AWAY = 64
BASE_BYTES = 120 * 2**20
#: The share of physical memory a run may plan to use unless told otherwise.
DEFAULT_MEMORY_SHARE = 0.5
_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "kib": 2**10, "m": 10**6, "mb": 10**6, "mib": 2**20}
_UNITS |= {"g": 10**9, "gb": 10**9, "gib": 2**30, "t": 10**12, "tb": 10**12, "tib": 2**40}


def day_bytes(scenario: Scenario) -> int:
    """A safe estimate of one day's peak memory, in bytes."""
    customers = sum(scenario.expected_arrivals(name) for name in SIDE_NAMES)
    turns = 0.0
    if scenario.projection is not None and scenario.projection.stale_reads == "retry":
        turns = min(float(MAX_TURNED_AWAY), TURNED_AWAY_PER_HOLDER * scenario.expected_arrivals("selling"))
    per_customer = BYTES_PER_CUSTOMER if scenario.linked is None else BYTES_PER_LINKED_CUSTOMER
    patient = sum(
        scenario.expected_arrivals(name) for name in SIDE_NAMES if scenario.side(name).patience_minutes is not None
    )
    return int(
        BASE_BYTES + per_customer * customers + BYTES_PER_PATIENT_CUSTOMER * patient + BYTES_PER_TURN_AWAY * turns
    )


def physical_memory_bytes() -> int | None:
    """This machine's physical memory, if the system says."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return None


def parse_bytes(text: str) -> int:
    """``"2GiB"``, ``"500MB"``, ``"4g"`` or a plain number of bytes.

    Raises:
        ScenarioError: anything else, or not positive.
    """
    spec = text.strip().lower().replace(" ", "")
    number = spec.rstrip("kmgtib")
    unit = spec[len(number) :]
    try:
        value = float(number) * _UNITS[unit]
    except (ValueError, KeyError):
        raise ScenarioError(f"{shorten(repr(text))}: write a size such as 2GiB, 500MB or 4G") from None
    if not (math.isfinite(value) and value >= 1):
        raise ScenarioError(f"{shorten(repr(text))}: must be a positive, finite size")
    return int(value)


def check_memory(scenario: Scenario, days_at_once: int, limit_bytes: int) -> None:
    """Refuse a run whose estimated peak memory is over ``limit_bytes``.

    Raises:
        ScenarioError: naming the estimate, the limit and what to change.
    """
    need = day_bytes(scenario) * max(1, days_at_once)
    if need > limit_bytes:
        at_once = f" ({days_at_once} days at once)" if days_at_once > 1 else ""
        raise ScenarioError(
            f"this run may need about {_gib(need)} of memory{at_once}, over the limit of {_gib(limit_bytes)}:"
            " lower the arrivals, use fewer workers, or raise the limit if the machine has the memory"
        )


def _gib(size: int) -> str:
    if size >= 2**30:
        return f"{size / 2**30:.1f} GiB"
    if size >= 2**20:
        return f"{size / 2**20:.0f} MiB"
    return f"{size / 2**10:.1f} KiB" if size >= 2**10 else f"{size:,} bytes"
