"""Bad scenario files, shared by the loading tests and the CLI tests.

Each case is (id, file text, fragments the error message must contain). The
message must also name the file; the CLI must exit 2 without a traceback.
"""

from __future__ import annotations

import yaml
from conftest import DELETE, scenario_dict


def _dump(**changes: object) -> str:
    return yaml.safe_dump(scenario_dict(**changes), sort_keys=False)


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

BAD_FILES: list[tuple[str, str, list[str]]] = [
    ("empty", "", ["is empty"]),
    ("only-comment", "# nothing here\n", ["is empty"]),
    ("invalid-yaml", "name: [unclosed\n", ["invalid YAML", "line"]),
    ("tab-indent", "name: x\nselling:\n\tcounters: 1\n", ["invalid YAML"]),
    ("root-list", "- 1\n- 2\n", ["top level must be a mapping", "list"]),
    ("root-string", "just words\n", ["top level must be a mapping", "string"]),
    ("unknown-top-key", _dump(colour="red"), ["colour", "unknown key"]),
    ("unknown-side-key", _dump(**{"selling.windows": 2}), ["selling.windows", "unknown key"]),
    ("missing-side", _dump(collecting=DELETE), ["collecting", "required"]),
    ("missing-name", _dump(name=DELETE), ["name", "required"]),
    ("counters-string", _dump(**{"selling.counters": "two"}), ["selling.counters", "integer"]),
    ("counters-float", _dump(**{"selling.counters": 1.5}), ["selling.counters", "integer"]),
    ("counters-bool", _dump(**{"selling.counters": True}), ["selling.counters"]),
    ("counters-zero", _dump(**{"selling.counters": 0}), ["selling.counters", "greater than or equal to 1"]),
    ("counters-negative", _dump(**{"collecting.counters": -3}), ["collecting.counters"]),
    ("counters-too-many", _dump(**{"selling.counters": 10_001}), ["selling.counters", "10000"]),
    ("rate-zero", _dump(**{"collecting.arrivals.rate_per_hour": 0}), ["collecting.arrivals.rate_per_hour"]),
    (
        "rate-negative",
        _dump(**{"collecting.arrivals.rate_per_hour": -5}),
        ["collecting.arrivals.rate_per_hour"],
    ),
    ("rate-nan", _dump(**{"collecting.arrivals.rate_per_hour": float("nan")}), ["rate_per_hour", "finite"]),
    ("rate-inf", _dump(**{"collecting.arrivals.rate_per_hour": float("inf")}), ["rate_per_hour", "finite"]),
    ("mean-zero", _dump(**{"selling.service_minutes.mean": 0}), ["selling.service_minutes.mean"]),
    ("mean-negative", _dump(**{"selling.service_minutes.mean": -1}), ["selling.service_minutes.mean"]),
    (
        "mean-nan",
        _dump(**{"selling.service_minutes.mean": float("nan")}),
        ["selling.service_minutes.mean", "finite"],
    ),
    ("mean-inf", _dump(**{"selling.service_minutes.mean": float("-inf")}), ["selling.service_minutes.mean"]),
    (
        "both-total-and-rate",
        _dump(**{"selling.arrivals": {"total": 5, "rate_per_hour": 5}}),
        ["selling.arrivals", "exactly one"],
    ),
    ("neither-total-nor-rate", _dump(**{"selling.arrivals": {}}), ["selling.arrivals", "exactly one"]),
    ("total-negative", _dump(**{"selling.arrivals.total": -1}), ["selling.arrivals.total"]),
    (
        "total-too-many",
        _dump(**{"selling.arrivals.total": 10_000_001}),
        ["selling.arrivals.total", "10000000"],
    ),
    (
        "rate-too-many",
        _dump(**{"collecting.arrivals.rate_per_hour": 1_000_000.0, "hours": 16}),
        ["collecting.arrivals", "limit"],
    ),
    ("hours-zero", _dump(hours=0), ["hours", "greater than 0"]),
    ("hours-negative", _dump(hours=-2), ["hours"]),
    ("hours-too-long", _dump(hours=25), ["hours", "24"]),
    ("hours-nan", _dump(hours=float("nan")), ["hours", "finite"]),
    ("seed-negative", _dump(seed=-1), ["seed"]),
    ("tolerance-one", _dump(verdict={"tolerance": 1}), ["verdict.tolerance"]),
    ("distribution-unknown", _dump(**{"selling.service_minutes": {"distribution": "weibull"}}), ["weibull"]),
    ("distribution-missing", _dump(**{"selling.service_minutes": {"mean": 1}}), ["selling.service_minutes"]),
    (
        "uniform-reversed",
        _dump(**{"selling.service_minutes": {"distribution": "uniform", "low": 3, "high": 1}}),
        ["selling.service_minutes", "greater than low"],
    ),
    ("billion-laughs", BILLION_LAUGHS, ["aliases"]),
    ("python-object", "!!python/object/apply:os.system ['echo hacked']\n", ["invalid YAML"]),
    ("deep-nesting", "a: " + "[" * 5000 + "]" * 5000 + "\n", ["invalid YAML"]),
]
