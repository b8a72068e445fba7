"""Shared test helpers: a small valid scenario as a dict, with dotted-path edits."""

from __future__ import annotations

import copy
from typing import Any

BASE_SCENARIO: dict[str, Any] = {
    "name": "Test day",
    "seed": 7,
    "hours": 2,
    "selling": {
        "counters": 1,
        "arrivals": {"total": 100},
        "service_minutes": {"distribution": "exponential", "mean": 0.5},
    },
    "collecting": {
        "counters": 1,
        "arrivals": {"rate_per_hour": 60},
        "service_minutes": {"distribution": "fixed", "value": 0.5},
    },
}


def scenario_dict(**changes: Any) -> dict[str, Any]:
    """A deep copy of ``BASE_SCENARIO`` with dotted-path keys replaced.

    ``scenario_dict(**{"selling.counters": 3})`` sets one nested key;
    a value of ``DELETE`` removes the key.
    """
    data = copy.deepcopy(BASE_SCENARIO)
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        node = data
        for key in parents:
            node = node[key]
        if value is DELETE:
            del node[last]
        else:
            node[last] = value
    return data


DELETE = object()
