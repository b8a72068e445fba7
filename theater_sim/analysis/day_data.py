"""A measured day as plain data: the form results are printed, stored and sent in.

``day_data`` turns a ``DayResult`` into nested dicts, lists, numbers and
strings (the ``run --json`` contract). Plain data crosses process and machine
boundaries, sits in a results store, and averages over replications; the
report renders it. ``SIDE_METRICS`` names the per-side numbers that sweeps,
searches and confidence intervals talk about.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from typing import Any, cast

from theater_sim.analysis.contract import (
    DayData,
    HourRow,
    PressureHours,
    ProjectionData,
    ShowingData,
    SideData,
    TicketData,
    WindowData,
    side_data,
)
from theater_sim.analysis.measured_day import DayResult
from theater_sim.analysis.metric_names import SIDE_METRICS, metric_bounds
from theater_sim.analysis.metrics import SideMetrics
from theater_sim.analysis.plain import plain
from theater_sim.analysis.projection import KEPT_UP_STALE_SHARE
from theater_sim.analysis.verdict import (
    MIN_FAILED,
    Rule,
    SideEvidence,
    Verdict,
    decide_between,
    decided_by,
    handful_veto,
    hourly_verdicts,
    judge,
    named_not_for_pressure,
    shown_evidence,
    side_evidence,
)
from theater_sim.model.clock import clock_label
from theater_sim.model.scenario import SIDE_NAMES, Scenario, SideName

__all__ = [
    "SIDE_METRICS",
    "both_short_hours",
    "both_short_spans",
    "closed_spells",
    "day_data",
    "decided_by_day",
    "evidence",
    "few_sides",
    "hourly_day_verdicts",
    "judge_day",
    "metric_bounds",
    "metric_value",
    "metric_values",
    "named_for_failures",
    "named_for_waits",
    "named_side",
    "pressure_hours",
    "projection_data",
    "rule_of",
    "shown_day_pressures",
    "verdicts_at_interval_ends",
    "vetoed_by_handful",
    "weighing_matters",
    "window_data",
]


def metric_value(side: SideData, path: str) -> float:
    """The number at a dotted ``path`` in a side's data."""
    return _number_at(side, path.split("."))


_METRIC_KEYS = [path.split(".") for path in SIDE_METRICS.values()]


def metric_values(side: SideData) -> tuple[float, ...]:
    """Every ``SIDE_METRICS`` number of a side's data, in that order (``metric_value`` of each)."""
    return tuple(_number_at(side, keys) for keys in _METRIC_KEYS)


def _number_at(side: SideData, keys: list[str]) -> float:
    node: Any = side
    for key in keys:
        node = node[key]
    return float(node)


def day_data(result: DayResult) -> DayData:
    """The ``run --json`` object: contract keys first, extra keys beside them."""
    scenario = result.scenario
    verdicts = [verdict.value for verdict in result.hourly_verdicts]
    data: DayData = {
        "scenario": scenario.name,
        "seed": scenario.seed,
        "hours": scenario.hours,
        "verdict": result.verdict.value,
        "tolerance": scenario.verdict.tolerance,
        "calm_below": scenario.verdict.calm_below,
        "calm_wait_minutes": scenario.verdict.calm_wait_minutes,
        "failed_share": scenario.verdict.failed_share,
        "long_wait_minutes": scenario.verdict.long_wait_minutes,
        "window_minutes": scenario.verdict.window_minutes,
        "opens": scenario.opens,
        "sides": {
            "selling": _side_data(result.selling, scenario, "selling"),
            "collecting": _side_data(
                result.collecting,
                scenario,
                "collecting",
                stale_share=0.0 if result.projection is None else result.projection.stale_share,
            ),
        },
        "hourly_verdicts": [
            {"hour": hour, "clock": clock_label(hour * 60.0, scenario.opens), "verdict": verdict}
            for hour, verdict in enumerate(verdicts)
        ],
        "pressure_hours": pressure_hours(verdicts, scenario.opens),
        "showings": [cast(ShowingData, plain(showing)) for showing in result.showings],
        "tickets": None if result.tickets is None else cast(TicketData, plain(result.tickets)),
        "projection": None if result.projection is None else projection_data(plain(result.projection), scenario.opens),
        "named_for_waits": None,
        "named_for_failures": None,
    }
    data["named_for_waits"] = named_for_waits(data)
    data["named_for_failures"] = named_for_failures(data)
    data["pressure_hours"]["both"] = both_short_spans(data)
    return data


def evidence(side: SideData, *, by_p95: bool = False) -> SideEvidence:
    """What the verdict weighs about a side, from its data (one day's, or the
    means); ``by_p95``: as if its weighed wait were its p95 (``weighing_matters``)."""
    waits, failed = side["wait_minutes"], side["failed"]
    weighed = waits["p95"] if by_p95 else waits["weighed"]
    return side_evidence(side["pressure"], weighed, failed, side["arrived"], side["lost"], waits["p95"])


def weighing_matters(data: DayData) -> bool:
    """Whether weighing the waits (``metrics.weighed_wait``) rather than taking
    the p95s changed the day's verdict or the rule that decided it: only then
    must a report speak of weighed waits (a review: notes spoke of them, and
    switched their labels, over 9.82 against a p95 of 9.83)."""
    sides, rule = data["sides"], rule_of(data)
    as_weighed = (evidence(sides["selling"]), evidence(sides["collecting"]))
    as_p95 = (evidence(sides["selling"], by_p95=True), evidence(sides["collecting"], by_p95=True))
    # The notes also say what waits and pressures alone would give (a day named for its failures).
    return any(
        (judge(*as_weighed, rule, failures=failures), decided_by(*as_weighed, rule, failures=failures))
        != (judge(*as_p95, rule, failures=failures), decided_by(*as_p95, rule, failures=failures))
        for failures in (True, False)
    )


def rule_of(data: DayData) -> Rule:
    """The verdict's settings a day's data carries."""
    return Rule(data["tolerance"], data["calm_below"], data["calm_wait_minutes"], data["failed_share"])


def judge_day(data: DayData, *, failures: bool = True, waits_first: bool = True) -> Verdict:
    """``verdict.judge`` on a day's data (one day's, or the means of several)."""
    sides = data["sides"]
    return judge(
        evidence(sides["selling"]),
        evidence(sides["collecting"]),
        rule_of(data),
        failures=failures,
        waits_first=waits_first,
    )


def hourly_day_verdicts(data: DayData) -> list[Verdict]:
    """``verdict.hourly_verdicts`` on a day's data (one day's, or the means of
    several), for the hours its ``hourly_verdicts`` cover."""
    selling, collecting = data["sides"]["selling"]["hourly"], data["sides"]["collecting"]["hourly"]
    hours = range(len(data["hourly_verdicts"]))

    def hours_evidence(rows: list[HourRow]) -> list[SideEvidence]:
        return [
            side_evidence(
                rows[h]["pressure"],
                rows[h]["in_line_mean_wait_minutes"],
                rows[h]["in_line_failed"],
                rows[h]["in_line"],
                rows[h]["in_line_lost"],
            )
            for h in hours
        ]

    return hourly_verdicts(hours_evidence(selling), hours_evidence(collecting), rule_of(data))


def shown_day_pressures(data: DayData) -> tuple[str, str]:
    """A day's two pressures, printed with enough decimals to read as its verdict."""
    sides = data["sides"]
    return shown_evidence(evidence(sides["selling"]), evidence(sides["collecting"]), rule_of(data))


def named_for_waits(data: DayData) -> str | None:
    """The side the day's verdict names for its waits, not its pressure: the waits
    rule decided (the failures rule, which comes first, did not), and the
    pressures alone would have said otherwise."""
    sides = data["sides"]
    used = named_not_for_pressure(evidence(sides["selling"]), evidence(sides["collecting"]), rule_of(data))
    return named_side(data) if used == "waits" else None


def named_for_failures(data: DayData) -> str | None:
    """The side the day's verdict names by the first rule: it failed clearly
    more of its customers (walked away, waited too long, missed their film),
    whether or not its waits or pressure would have named it too."""
    return named_side(data) if decided_by_day(data) == "failures" else None


def closed_spells(side: SideData) -> list[tuple[float, float]]:
    """``(from_minute, to_minute)`` of each spell a side's schedule kept it closed
    (no counter open); a schedule reopens the side before closing time."""
    spells: list[tuple[float, float]] = []
    for change, following in pairwise(side["capacity_changes"]):
        if change["counters"] != 0:
            continue
        if spells and spells[-1][1] == change["at_minute"]:  # closed again from where it was: one spell
            spells[-1] = (spells[-1][0], following["at_minute"])
        else:
            spells.append((change["at_minute"], following["at_minute"]))
    return spells


def few_sides(data: DayData) -> list[str]:
    """The sides of fewer than ``MIN_CUSTOMERS`` customers: the waits and
    pressures rules took them for calm, so a report must not read their
    numbers (a pressure of 2 from one 30-minute service in a 15-minute
    window) against the other side's."""
    return [name for name in SIDE_NAMES if evidence(side_data(data["sides"], name)).few]


#: The numbers the verdict weighs, by their interval's name.
_WEIGHED = ("pressure", "weighed_wait", "p95_wait", "failed", "lost")


def verdicts_at_interval_ends(data: DayData) -> list[str]:
    """The verdicts of a replicated day's means with one side's weighed numbers
    (pressure, weighed and p95 wait, failed, lost) at the top of their 95% intervals and
    the other's at the bottom, each way round, where they differ from the
    verdict of the means: a verdict the days' luck could turn (empty: none,
    or no intervals)."""
    intervals = data.get("intervals")
    if not intervals:
        return []
    turned = []
    for high in SIDE_NAMES:
        evidences = []
        for name in SIDE_NAMES:
            side = data["sides"][name]
            end = "high" if name == high else "low"
            value = {key: intervals[name][key][end] for key in _WEIGHED}  # type: ignore[literal-required]
            evidences.append(
                side_evidence(
                    value["pressure"],
                    value["weighed_wait"],
                    value["failed"],
                    side["arrived"],
                    value["lost"],
                    value["p95_wait"],
                )
            )
        verdict = judge(evidences[0], evidences[1], rule_of(data)).value
        if verdict != data["verdict"] and verdict not in turned:
            turned.append(verdict)
    return turned


def vetoed_by_handful(data: DayData) -> bool:
    """Whether waits and pressures (failures aside) would name a side against a
    handful taken for calm, but the handful's clearly longer waits keep it
    from being named (``verdict.handful_veto``): Balanced."""
    sides, rule = data["sides"], rule_of(data)
    selling, collecting = evidence(sides["selling"]), evidence(sides["collecting"])
    before = decide_between(selling.weighed(), collecting.weighed(), rule)
    return handful_veto(selling, collecting, rule, before) is not None


def decided_by_day(data: DayData, *, failures: bool = True) -> str | None:
    """``verdict.decided_by`` on a day's data: the rule that named its side."""
    sides = data["sides"]
    return decided_by(evidence(sides["selling"]), evidence(sides["collecting"]), rule_of(data), failures=failures)


def named_side(data: DayData) -> str | None:
    """The side the day's verdict names (None: Balanced)."""
    verdict = Verdict(data["verdict"])
    return None if verdict is Verdict.BALANCED else "selling" if verdict is Verdict.SELLING else "collecting"


def _side_data(metrics: SideMetrics, scenario: Scenario, side_name: SideName, stale_share: float = 0.0) -> SideData:
    """A side's data; ``stale_share``: the share of its parties that met a stale
    read (collecting, on a day with a projection), so sweeps can show it."""
    data = plain(metrics)
    side = scenario.side(side_name)
    data["abandon_rate"] = metrics.abandon_rate
    data["failed_share"] = metrics.failed_share
    data["stale_share"] = stale_share
    data["service_minutes_distribution"] = repr(side.service_minutes)
    data["capacity_changes"] = [
        {**change, "clock": clock_label(change["at_minute"], scenario.opens)} for change in data["capacity_changes"]
    ]
    data["busiest_window"] = window_data(data["busiest_window"], scenario.opens)
    return cast(SideData, data)


def projection_data(projection: Mapping[str, Any], opens: str) -> ProjectionData:
    """The projection's data with the clock of its largest backlog; ``kept_up`` follows
    ``stale_share`` (so the mean of several days is judged by its mean share)."""
    return cast(
        ProjectionData,
        {
            **projection,
            "max_backlog_clock": clock_label(projection["max_backlog_at_minute"], opens),
            "kept_up": projection["stale_share"] <= KEPT_UP_STALE_SHARE,
        },
    )


def window_data(window: Mapping[str, Any], opens: str) -> WindowData:
    """A window's data with its clock span (``"11:00-11:15"``) beside its minutes."""
    clocks = f"{clock_label(window['from_minute'], opens)}-{clock_label(window['to_minute'], opens)}"
    return cast(WindowData, {**window, "clock": clocks})


def pressure_hours(verdicts: list[str], opens: str) -> PressureHours:
    """Clock spans (``"11:00-13:00"``) when each side was the pressure point
    (``both``, left empty here, is ``both_short_spans``: it needs the day)."""
    return {
        "selling": _clock_spans([verdict == Verdict.SELLING.value for verdict in verdicts], opens),
        "collecting": _clock_spans([verdict == Verdict.COLLECTING.value for verdict in verdicts], opens),
        "both": [],
    }


def _clock_spans(hours: list[bool], opens: str) -> list[str]:
    """The runs of consecutive hours marked in ``hours`` as clock spans, ``"11:00-13:00"``."""
    runs: list[tuple[int, int]] = []  # (first, last + 1)
    for hour, marked in enumerate(hours):
        if marked and runs and runs[-1][1] == hour:
            runs[-1] = (runs[-1][0], hour + 1)
        elif marked:
            runs.append((hour, hour + 1))
    # A span of a whole 24-hour day would read "08:00-08:00": it is "all day".
    return [
        "all day" if end - first >= 24 else f"{clock_label(first * 60.0, opens)}-{clock_label(end * 60.0, opens)}"
        for first, end in runs
    ]


def both_short_hours(data: DayData) -> list[bool]:
    """For each hour with a point: whether it is Balanced though both sides
    failed many of those in line (a share above the verdict's, and at least
    ``MIN_FAILED`` each, as the day's 'both need more counters' asks): both
    short of counters, which none of the three verdicts says."""
    sides = [side_data(data["sides"], name)["hourly"] for name in SIDE_NAMES]
    return [
        row["verdict"] == Verdict.BALANCED.value
        and all(
            hour < len(rows)
            and rows[hour]["in_line_failed"] >= MIN_FAILED
            and rows[hour]["in_line_failed"] > data["failed_share"] * rows[hour]["in_line"]
            for rows in sides
        )
        for hour, row in enumerate(data["hourly_verdicts"])
    ]


def both_short_spans(data: DayData) -> list[str]:
    """``both_short_hours`` as clock spans (``"08:00-12:00"``)."""
    return _clock_spans(both_short_hours(data), data["opens"])
