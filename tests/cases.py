"""Bad scenario files, shared by the loading tests and the CLI tests.

Each case is (id, file text, fragments the error message must contain, other
files to write beside it). The message must also name the file; the CLI must
exit 2 without a traceback.
"""

from __future__ import annotations

import yaml
from helpers import DELETE, scenario_dict


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

CORE_BAD_FILES: list[tuple[str, str, list[str]]] = [
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
    ("counters-string", _dump(**{"selling.counters": "two"}), ["selling.counters", "whole number", "(got 'two')"]),
    ("counters-float", _dump(**{"selling.counters": 1.5}), ["selling.counters", "whole number", "(got 1.5)"]),
    ("counters-bool", _dump(**{"selling.counters": True}), ["selling.counters"]),
    (
        "counters-zero",
        _dump(**{"selling.counters": 0}),
        ["selling.counters: a side needs at least one counter (got 0)", "a period of count 0"],
    ),
    ("counters-negative", _dump(**{"collecting.counters": -3}), ["collecting.counters"]),
    ("counters-too-many", _dump(**{"selling.counters": 10_001}), ["selling.counters", "10,000 (got 10001)"]),
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
        # The two kinds are the news: one of them is to go, bad value or not.
        "total-negative-beside-rate",
        _dump(**{"selling.arrivals": {"total": -1, "rate_per_hour": 5}}),
        ["selling.arrivals: give exactly one of", "(got total, rate_per_hour)"],
    ),
    (
        "total-too-many",
        _dump(**{"selling.arrivals.total": 10_000_001}),
        ["selling.arrivals.total", "10,000,000 (got 10000001)"],
    ),
    (
        # Every whole-day check's problem at once (a file with three took three runs to put right).
        "day-problems-all-said",
        _dump(
            hours=2,
            verdict={"window_minutes": 200},
            **{
                "selling.counters": [{"from": "08:00", "count": 1}, {"from": "12:00", "count": 2}],
                "collecting.arrivals": {"rate_per_hour": 1e9},
            },
        ),
        [
            "verdict.window_minutes: 200 is longer than the day (120 minutes)",
            "selling.counters[1]: 12:00 is after closing (10:00)",
            "collecting.arrivals: expects 2,000,000,000 customers",
        ],
    ),
    (
        # A misspelt distribution gets the name it was meant to be; "normal" is not taken for "lognormal".
        "distribution-misspelt",
        _dump(**{"selling.service_minutes": {"distribution": "exponentail", "mean": 1}}),
        ["selling.service_minutes: unknown distribution 'exponentail'; did you mean 'exponential'? use one of"],
    ),
    (
        "distribution-normal",
        _dump(**{"selling.service_minutes": {"distribution": "normal", "mean": 1}}),
        ["selling.service_minutes: unknown distribution 'normal'; use one of"],
    ),
    (
        # Every period of a list is checked: the second mistake in one list came only once the first was fixed.
        "list-problems-all-said",
        _dump(
            hours=8,
            **{
                "selling.counters": [
                    {"from": "08:30", "count": 1},
                    {"from": "12:00", "count": 2},
                    {"from": "10:00", "count": 3},
                ],
                "selling.arrivals": {
                    "profile": [
                        {"from": "08:00", "to": "10:00", "rate_per_hour": 5},
                        {"from": "09:00", "to": "11:00", "rate_per_hour": 5},
                        {"from": "15:00", "to": "17:00", "rate_per_hour": 5},
                    ]
                },
            },
        ),
        [
            "selling.counters[0]: the first period must start when the doors open (08:00)",
            "selling.counters[2]: 10:00 must come after the previous period's start",
            "selling.arrivals.profile[1]: starts at 09:00, before the previous period ends (10:00)",
            "selling.arrivals.profile[2]: lies outside opening hours (08:00 to 16:00)",
        ],
    ),
    (
        # Every showing outside the hours is said (a trial found only the first, then the next).
        "showings-outside-all-said",
        _dump(
            hours=8,
            showtimes=[
                {"film": "A", "starts": "07:00", "seats": 5},
                {"film": "B", "starts": "12:00", "seats": 5},
                {"film": "C", "starts": "21:00", "seats": 5},
            ],
        ),
        [
            "showtimes[0]: 'A' starts at 07:00, outside opening hours (08:00 to 16:00)",
            "showtimes[2]: 'C' starts at 21:00, outside opening hours (08:00 to 16:00)",
        ],
    ),
    (
        # Both sides over the limit: both said (validate had named the first only).
        "both-sides-too-many",
        _dump(
            hours=16,
            **{"selling.arrivals": {"rate_per_hour": 900_000.0}, "collecting.arrivals.rate_per_hour": 900_000.0},
        ),
        ["selling.arrivals: expects 14,400,000", "\n", "collecting.arrivals: expects 14,400,000"],
    ),
    (
        # An astronomic rate echoed a 300-digit count; beyond a float, "expects inf customers".
        "rate-astronomic",
        _dump(hours=16, **{"selling.arrivals": {"rate_per_hour": 1e300}, "collecting.arrivals.rate_per_hour": 1e308}),
        ["selling.arrivals: expects about 1.6e301 customers", "collecting.arrivals: expects more than 1e308 customers"],
    ),
    (
        "rate-too-many",
        _dump(**{"collecting.arrivals.rate_per_hour": 1_000_000.0, "hours": 16}),
        ["collecting.arrivals", "limit"],
    ),
    ("hours-zero", _dump(hours=0), ["hours: must be at least one minute, 1/60 of an hour (got 0)"]),
    (
        "counters-list-of-numbers",
        _dump(**{"selling.counters": [1, 2]}),
        # One line for the list, not one per item, with the schedule's example.
        ["selling.counters[0] (and 1 more item): must be a mapping of keys, e.g. counters: 2, or counters: [{from:"],
    ),
    (
        "counters-and-service-both-wrong",
        _dump(**{"selling.counters": "2", "selling.service_minutes": {"distribution": "fixed", "value": -1}}),
        ["selling.counters: must be a whole number or a list (got '2')", "selling.service_minutes.value"],
    ),
    (
        "several-mistakes-each-said",
        _dump(
            **{
                "collecting.counters": [{"from": "08:00", "count": -1}, 3],
                "verdict": {"tolerance": 2, "late_share": 0.1},
            }
        ),
        [
            "collecting.counters[0].count: Input should be greater than or equal to 0",
            "collecting.counters[1]: must be a mapping of keys",
            "verdict.tolerance",
            "verdict.late_share: 'late_share' is now 'failed_share'",
        ],
    ),
    (
        "counters-as-text",
        _dump(**{"selling.counters": "2"}),
        ["selling.counters: must be a whole number or a list (got '2'), e.g. counters: 2, or counters: [{from:"],
    ),
    ("hours-tiny", _dump(hours=1e-320), ["hours"]),
    ("hours-negative", _dump(hours=-2), ["hours"]),
    ("name-blank", _dump(name="   "), ["name"]),
    ("side-not-mapping", _dump(selling=5), ["selling", "mapping"]),
    ("duplicate-key", "name: a\nname: b\n", ["given twice", "line 1"]),
    ("hours-too-long", _dump(hours=25), ["hours", "24"]),
    ("hours-nan", _dump(hours=float("nan")), ["hours", "finite"]),
    ("seed-negative", _dump(seed=-1), ["seed"]),
    ("tolerance-one", _dump(verdict={"tolerance": 1}), ["verdict.tolerance"]),
    ("window-zero", _dump(verdict={"window_minutes": 0}), ["verdict.window_minutes", "greater than 0"]),
    ("window-negative", _dump(verdict={"window_minutes": -15}), ["verdict.window_minutes"]),
    (
        "window-longer-than-day",
        _dump(verdict={"window_minutes": 180}),
        ["verdict.window_minutes", "longer than the day"],
    ),
    ("window-not-whole-seconds", _dump(verdict={"window_minutes": 0.251}), ["verdict.window_minutes", "whole number"]),
    ("window-below-a-second", _dump(verdict={"window_minutes": 1e-9}), ["verdict.window_minutes", "one second"]),
    ("window-string", _dump(verdict={"window_minutes": "15m"}), ["verdict.window_minutes"]),
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


def _linked_dump(**changes: object) -> str:
    data = scenario_dict(
        showtimes=[{"film": "A", "starts": "09:00", "seats": 100}],
        linked={"online_share": 0.5},
        **changes,
    )
    data["collecting"].pop("arrivals", None)
    return yaml.safe_dump(data, sort_keys=False)


def _profile(*periods: tuple[str, str, float]) -> dict[str, object]:
    return {"profile": [{"from": a, "to": b, "rate_per_hour": r} for a, b, r in periods]}


_SCALE = {"min": 1, "max": 4}
_SHOW = [{"film": "A", "starts": "09:00", "seats": 100}]
_TRACE_SIDE = {"selling.arrivals": {"trace": "trace.csv"}}

DAY_BAD_FILES: list[tuple[str, str, list[str]]] = [
    ("opens-bad-clock", _dump(opens="8am"), ["opens", "not a clock time"]),
    (
        "profile-overlap",
        _dump(**{"selling.arrivals": _profile(("08:00", "09:00", 5), ("08:30", "09:30", 5))}),
        ["selling.arrivals.profile[1]", "overlap"],
    ),
    (
        "profile-unordered",
        _dump(**{"selling.arrivals": _profile(("09:00", "09:30", 5), ("08:00", "08:30", 5))}),
        ["selling.arrivals.profile[1]", "in order"],
    ),
    (
        "profile-outside-hours",
        _dump(**{"selling.arrivals": _profile(("09:00", "11:00", 5))}),
        ["selling.arrivals.profile[0]", "outside opening hours", "08:00 to 10:00"],
    ),
    (
        "profile-to-before-from",
        _dump(**{"selling.arrivals": _profile(("09:00", "08:30", 5))}),
        ["selling.arrivals.profile[0]", "must be after"],
    ),
    ("profile-bad-clock", _dump(**{"selling.arrivals": _profile(("08:00", "25:00", 5))}), ["to", "clock time"]),
    ("profile-negative-rate", _dump(**{"selling.arrivals": _profile(("08:00", "09:00", -1))}), ["rate_per_hour"]),
    ("profile-empty", _dump(**{"selling.arrivals": {"profile": []}}), ["selling.arrivals.profile"]),
    (
        "patience-negative",
        _dump(**{"selling.patience_minutes": {"distribution": "exponential", "mean": -2}}),
        ["selling.patience_minutes.mean"],
    ),
    ("balk-negative", _dump(**{"collecting.balk_at_line": -1}), ["collecting.balk_at_line"]),
    ("showing-no-seats", _dump(showtimes=[{"film": "A", "starts": "09:00", "seats": 0}]), ["showtimes[0].seats"]),
    ("showing-missing-seats", _dump(showtimes=[{"film": "A", "starts": "09:00"}]), ["showtimes[0].seats", "required"]),
    (
        "showing-outside-hours",
        _dump(showtimes=[{"film": "A", "starts": "19:00", "seats": 5}]),
        ["showtimes[0]", "outside opening hours"],
    ),
    (
        "autoscale-max-below-min",
        _dump(**{"selling.autoscale": {"min": 3, "max": 2}}),
        ["selling.autoscale", "below min"],
    ),
    (
        # An autoscaler reacting to every instant opened and closed counters millions of times (a trial).
        "autoscale-reacts-too-fast",
        _dump(**{"selling.autoscale": {**_SCALE, "for_minutes": 1e-6, "close_when_idle_minutes": 0.05}}),
        [
            "selling.autoscale.for_minutes: Input should be greater than or equal to 0.1 (got 1e-06)",
            "selling.autoscale.close_when_idle_minutes: Input should be greater than or equal to 0.1 (got 0.05)",
        ],
    ),
    (
        "autoscale-with-schedule",
        _dump(**{"selling.autoscale": _SCALE, "selling.counters": [{"from": "08:00", "count": 1}]}),
        ["selling", "not both"],
    ),
    (
        # A manager autoscaling a side that closes for lunch read only the generic message (a trial).
        "autoscale-with-closure",
        _dump(
            **{
                "selling.autoscale": _SCALE,
                "selling.counters": [
                    {"from": "08:00", "count": 1},
                    {"from": "12:00", "count": 0},
                    {"from": "13:00", "count": 1},
                ],
            }
        ),
        [
            "selling",
            "not both: an autoscaled side cannot close (count 0 from 12:00); to close it, give the schedule alone",
        ],
    ),
    (
        "autoscale-start-outside-range",
        _dump(**{"selling.autoscale": {"min": 2, "max": 4}, "selling.counters": 1}),
        ["selling", "within autoscale"],
    ),
    (
        "schedule-not-at-opening",
        _dump(**{"selling.counters": [{"from": "09:00", "count": 1}]}),
        ["selling.counters[0]", "when the doors open"],
    ),
    (
        "schedule-unordered",
        _dump(
            **{
                "selling.counters": [
                    {"from": "08:00", "count": 1},
                    {"from": "09:30", "count": 2},
                    {"from": "09:00", "count": 1},
                ]
            }
        ),
        ["selling.counters[2]", "after the previous"],
    ),
    (
        "schedule-closed-all-day",
        _dump(**{"selling.counters": [{"from": "08:00", "count": 0}]}),
        ["selling.counters[0]: the side is closed from 08:00 to closing (10:00)", "needs at least one counter"],
    ),
    (
        "schedule-closed-at-closing",
        _dump(**{"selling.counters": [{"from": "08:00", "count": 2}, {"from": "09:00", "count": 0}]}),
        ["selling.counters[1]: the side is closed from 09:00 to closing", "everyone in line at closing"],
    ),
    (
        "schedule-closed-twice-to-closing",
        _dump(
            **{
                "selling.counters": [
                    {"from": "08:00", "count": 2},
                    {"from": "08:30", "count": 0},
                    {"from": "09:00", "count": 0},
                ]
            }
        ),
        ["selling.counters[2]: the side is closed from 08:30 to closing"],
    ),
    (
        "schedule-count-negative",
        _dump(**{"selling.counters": [{"from": "08:00", "count": 2}, {"from": "09:00", "count": -1}]}),
        ["selling.counters[1].count", "greater than or equal to 0"],
    ),
    (
        "schedule-at-closing",
        _dump(**{"selling.counters": [{"from": "08:00", "count": 2}, {"from": "10:00", "count": 1}]}),
        ["selling.counters[1]: 10:00 is when the doors close; a period must start before"],
    ),
    ("late-share-elsewhere", _dump(**{"selling.late_share": 0.1}), ["selling.late_share: unknown key"]),
    (
        "schedule-before-opening",
        _dump(**{"selling.counters": [{"from": "08:00", "count": 2}, {"from": "07:00", "count": 1}]}),
        ["selling.counters[1]: 07:00 is before the doors open (08:00), or the next day's, after closing (10:00)"],
    ),
    ("linked-without-showtimes", _dump(linked={"online_share": 0.5}), ["linked", "showtimes"]),
    ("linked-with-collecting-arrivals", _dump(showtimes=_SHOW, linked={}), ["collecting.arrivals", "leave it out"]),
    ("linked-online-share-above-1", _linked_dump(**{"linked.online_share": 1.5}), ["linked.online_share"]),
    ("linked-party-size-zero", _linked_dump(**{"linked.party_sizes": {0: 1.0}}), ["linked.party_sizes"]),
    ("linked-party-weight-zero", _linked_dump(**{"linked.party_sizes": {2: 0}}), ["linked.party_sizes"]),
    (
        "showtime-arrivals-without-showtimes",
        _dump(**{"collecting.arrivals": {"showtimes": {"occupancy": 0.5}}}),
        ["collecting.arrivals.showtimes", "no showtimes"],
    ),
    (
        "showtime-arrivals-on-selling",
        _dump(showtimes=_SHOW, **{"selling.arrivals": {"showtimes": {}}}),
        ["selling.arrivals.showtimes"],
    ),
    ("missing-collecting-arrivals", _dump(**{"collecting.arrivals": DELETE}), ["collecting.arrivals", "required"]),
]

# Trace cases: (id, scenario text, fragments, {file name: content}).
TRACE_BAD_FILES: list[tuple[str, str, list[str], dict[str, str]]] = [
    ("trace-missing-file", _dump(**_TRACE_SIDE), ["trace.csv", "cannot be read"], {}),
    ("trace-unsorted", _dump(**_TRACE_SIDE), ["trace.csv", "line 3", "sort"], {"trace.csv": "at\n08:10\n08:05\n"}),
    ("trace-bad-value", _dump(**_TRACE_SIDE), ["trace.csv", "line 2", "not a valid time"], {"trace.csv": "at\nsoon\n"}),
    ("trace-no-column", _dump(**_TRACE_SIDE), ["trace.csv", "'at' or 'at_minute'"], {"trace.csv": "when\n08:10\n"}),
    ("trace-empty", _dump(**_TRACE_SIDE), ["trace.csv", "empty"], {"trace.csv": ""}),
    (
        "trace-outside-hours",
        _dump(**_TRACE_SIDE),
        ["selling.arrivals.trace: trace.csv: line 3: minute 200 after opening (11:20) is after closing (10:00)"],
        {"trace.csv": "at_minute\n5\n200\n"},
    ),
    (
        "trace-before-opening",
        _dump(**_TRACE_SIDE),
        [
            "trace.csv: line 2: minute 1385 after opening (07:05 the next day) is after closing (10:00); a clock"
            " time before the doors open (08:00) reads as the next day's: leave such rows out"
        ],
        {"trace.csv": "at\n07:05\n"},
    ),
    (
        "trace-minutes-past-closing",
        _dump(**_TRACE_SIDE),
        ["trace.csv: line 2: minute 200 after opening (11:20) is after closing (10:00)"],
        {"trace.csv": "at_minute\n200\n"},
    ),
    (
        "trace-before-opening-then-open",
        _dump(**_TRACE_SIDE),
        ["trace.csv: line 3: 08:05 is earlier than 07:55 on line 2, which reads as the next day's", "leave out"],
        {"trace.csv": "at\n07:55\n08:05\n"},
    ),
    (
        "trace-just-after-closing",
        _dump(**_TRACE_SIDE),
        ["trace.csv: line 3: minute 120.0001 after opening (10:00) is after closing (10:00)"],
        {"trace.csv": "at_minute\n5\n120.0001\n"},
    ),
    (
        "trace-negative-minute",
        _dump(**_TRACE_SIDE),
        ["trace.csv: line 2: minute -1 is before the doors open (08:00); 2 timestamps in all are outside"],
        {"trace.csv": "at_minute\n-1\n500\n"},
    ),
    ("trace-nan", _dump(**_TRACE_SIDE), ["trace.csv", "line 2"], {"trace.csv": "at_minute\nnan\n"}),
    (
        # Blank lines are skipped: the model's "data row 2" was line 5.
        "trace-outside-after-blank-lines",
        _dump(**_TRACE_SIDE),
        ["trace.csv: line 5: minute 200 after opening (11:20) is after closing (10:00); 2 timestamps in all"],
        {"trace.csv": "at_minute\n5\n\n\n200\n\n300\n"},
    ),
    (
        # Outside opening hours comes first, then the order it also breaks.
        "trace-outside-then-unsorted",
        _dump(**_TRACE_SIDE),
        ["trace.csv: line 3: minute 200 after opening (11:20) is after closing (10:00)"],
        {"trace.csv": "at_minute\n5\n200\n7\n"},
    ),
]

BAD_FILES: list[tuple[str, str, list[str], dict[str, str]]] = [
    *((case_id, text, fragments, {}) for case_id, text, fragments in CORE_BAD_FILES + DAY_BAD_FILES),
    *TRACE_BAD_FILES,
]

DAY_BAD_FILES += [
    ("autoscale-for-zero", _dump(**{"selling.autoscale": {"min": 1, "max": 3, "for_minutes": 0}}), ["for_minutes"]),
    ("opens-24", _dump(opens="24:00"), ["opens", "00:00"]),
    ("clock-unquoted", _dump(opens=600), ["opens", "in quotes"]),
    # An hour written as a number: "08:00" first (it said only "00:08", what 0:08 unquoted reads as).
    ("clock-an-hour", _dump(opens=8), ['opens: must be a clock time in quotes: write "08:00" for 8 o\'clock']),
]
TRACE_BAD_FILES += [
    (
        "trace-both-columns",
        _dump(**_TRACE_SIDE),
        ["trace.csv", "both 'at' and 'at_minute'"],
        {"trace.csv": "at_minute,at\n5,08:05\n"},
    ),
    (
        "trace-two-at-columns",
        _dump(**_TRACE_SIDE),
        ["trace.csv", "line 1: has 2 'at' columns; keep one"],
        {"trace.csv": "at,at\n08:05,09:00\n"},
    ),
]
BAD_FILES = [
    *((case_id, text, fragments, {}) for case_id, text, fragments in CORE_BAD_FILES + DAY_BAD_FILES),
    *TRACE_BAD_FILES,
]
