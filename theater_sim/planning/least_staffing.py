"""The least staffing that meets a target, found by search.

"How many sellers so that 95% of buyers wait under ten minutes?" Waits fall
as counters rise (on the same customers), so the answer is found by
galloping (1, 2, 4, 8, ... counters) until the target is met and then
bisecting, a handful of evaluations instead of one per count. Each side is
searched on its own, because an unlinked side's results do not depend on
the other side at all; in a linked day the selling side is searched first,
since its sales are what the collectors see. A side with a counter schedule
gets the least count per period, period by period, then checked as a whole:
customers belong to the period they arrive in, and each period must meet the
targets on its own. A side the scenario autoscales is searched with fixed
counts all day (the answer replaces the autoscaler), and the answer says so.

A linked day with projection clerks has a third axis: ``max_stale_share``
bounds the share of holders who reach a counter before their sale is listed.
Stale reads fall as clerks rise, but they also depend on the collectors
(holders served sooner reach the list sooner) and stale reads that retry
load the collectors in turn; so the clerks are searched at the scenario's
counters, the sides are searched with those clerks, and the clerks are
searched again at the staffing found, until neither moves (a few rounds).

By default a target is met when the mean over the replications meets it;
with ``confidence`` (for planners who need a guarantee) the upper end of a
one-sided Student-t interval at that confidence must meet it instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from statistics import fmean
from typing import TypedDict, TypeVar

from theater_sim.analysis.contract import DayData, Interval, ProjectionData, SideData, side_data
from theater_sim.analysis.erlang import least_counters_for_wait
from theater_sim.analysis.verdict import MIN_CUSTOMERS
from theater_sim.model.distributions import Exponential, Fixed, Uniform
from theater_sim.model.errors import EndlessReturns, ScenarioError
from theater_sim.model.projection import MAX_PROJECTORS
from theater_sim.model.scenario import MAX_COUNTERS_PER_SIDE, Scenario, SideName
from theater_sim.model.timetable import profile_periods
from theater_sim.planning.execution import Runner
from theater_sim.planning.intervals import confidence_interval, interval_shown, upper_bound
from theater_sim.planning.tasks import Staffing, Task
from theater_sim.planning.unmet_targets import (
    met,
    stopped_to_the_end,
    unless_endless,
    why_no_clerks_suffice,
    why_no_counters_suffice,
)

__all__ = [
    "TARGET_FORMATS",
    "AsWritten",
    "FailedBound",
    "PeriodAnswer",
    "ProjectorAnswer",
    "SideAnswer",
    "Summary",
    "Targets",
    "erlang_c_answer",
    "erlang_c_per_period",
    "interval_text",
    "search_projectors",
    "search_staffing",
    "with_failed_bound",
]


@dataclass(frozen=True)
class Targets:
    """What every side must meet (None: no target of that kind).

    ``confidence`` None: the mean over replications must meet the targets;
    a share (0.9): the upper end of the one-sided interval at that confidence.
    """

    max_p95_wait: float | None = None
    max_abandon_rate: float | None = None
    confidence: float | None = None
    max_failed_share: float | None = None
    max_stale_share: float | None = None

    @property
    def for_counters(self) -> bool:
        """Whether any target bounds the counters (not only the projector)."""
        return any(t is not None for t in (self.max_p95_wait, self.max_abandon_rate, self.max_failed_share))

    def describe(self) -> str:
        parts = []
        if self.max_p95_wait is not None:
            parts.append(f"p95 wait <= {self.max_p95_wait:g} min")
        if self.max_abandon_rate is not None:
            parts.append(f"abandon rate <= {self.max_abandon_rate:.1%}")
        if self.max_failed_share is not None:
            parts.append(f"failed customers <= {self.max_failed_share:.1%}")
        if self.max_stale_share is not None:
            parts.append(f"stale reads <= {self.max_stale_share:.1%} of holders")
        text = " and ".join(parts)
        if self.confidence is not None:
            text += f", met with {self.confidence * 100:g}% confidence"
        return text


class Summary(TypedDict):
    """The targets' metrics over the replications at one staffing, and the
    customers they are measured on (the mean arrivals a day: with none, the
    metrics are zeros that mean nothing)."""

    p95_wait: Interval
    abandon_rate: Interval
    failed_share: Interval
    arrived: float


# "from" is a Python keyword, so this TypedDict is declared the functional way.
PeriodAnswer = TypedDict(
    "PeriodAnswer",
    {
        "from": str,
        "counters": int,
        "p95_wait": Interval,
        "abandon_rate": Interval,
        "failed_share": Interval,
        "arrived": float,
        # Erlang C's count for the period where its arrivals are steady (erlang_c_per_period), else None.
        "erlang_c": int | None,
        "one_fewer": Summary | None,
        # The periods (their "from", this one's too) that miss the targets with one counter fewer in this one.
        "one_fewer_misses": list[str],
    },
)


@dataclass(frozen=True)
class SideAnswer:
    """A side's least staffing, the metrics there and with one counter fewer."""

    side: str
    staffing: int | tuple[int, ...]
    at_answer: Summary
    one_fewer: Summary | None
    erlang_c: int | None
    evaluations: int
    periods: list[PeriodAnswer] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    as_written: AsWritten | None = None
    failed_bound: FailedBound | None = None

    @property
    def closes(self) -> bool:
        """Whether the answer keeps a period closed (count 0)."""
        return any(not row["counters"] for row in self.periods)

    @property
    def open_failed_share(self) -> float:
        """The failed share a --max-failed-share would bound: a closed period's
        customers wait for the reopening whatever the counts, and no target is
        held against them, so only the open periods' count (a lunch closure's
        14.5%, nearly all its lunch-time buyers, against 2% in the open periods)."""
        if not self.closes:
            return self.at_answer["failed_share"]["mean"]
        open_rows = [row for row in self.periods if row["counters"]]
        arrived = math.fsum(row["arrived"] for row in open_rows)
        failed = math.fsum(row["failed_share"]["mean"] * row["arrived"] for row in open_rows)
        return failed / arrived if arrived else 0.0


@dataclass(frozen=True)
class FailedBound:
    """A side whose answer fails more of its customers than the verdict's
    share, searched again with that share as a target too
    (``with_failed_bound``): ``staffing`` None where no staffing up to the
    limit meets it."""

    max_failed_share: float
    staffing: Staffing
    at_answer: Summary | None
    #: ``SideAnswer.open_failed_share`` there (None where no staffing keeps to it)
    failed_share: float | None = None


@dataclass(frozen=True)
class AsWritten:
    """A side the scenario autoscales, run as written on the search's days:
    whether its autoscaler meets the targets, and its counter-hours a day
    against those of the answer (which replaces it with a fixed count)."""

    meets: bool
    at_scenario: Summary
    counter_hours: Interval
    answer_counter_hours: Interval


@dataclass(frozen=True)
class ProjectorAnswer:
    """The least projection clerks for the stale-read target, at the sides' staffing.

    ``stale_share``: holders with a stale read / holders at the collecting
    side; ``lag_p95_minutes``: the p95 projection lag; ``one_fewer``: the
    stale share with one clerk fewer (None at one clerk).
    """

    clerks: int
    stale_share: Interval
    lag_p95_minutes: Interval
    one_fewer: Interval | None
    evaluations: int


_Day = TypeVar("_Day", SideData, ProjectionData)


class _Evaluator:
    """Runs (and remembers) a side's days at a given staffing."""

    def __init__(
        self,
        scenario: Scenario,
        side: SideName,
        other: Staffing,
        replications: int,
        runner: Runner,
        projectors: int | None = None,
    ) -> None:
        self.scenario, self.side, self.other = scenario, side, other
        self.replications, self.runner, self.projectors = replications, runner, projectors
        self.cache: dict[Staffing, list[SideData]] = {}

    def __call__(self, staffing: Staffing) -> list[SideData]:
        if staffing not in self.cache:
            tasks = [self._task(staffing, r) for r in range(self.replications)]
            results = self.runner.run(self.scenario, tasks)
            self.cache[staffing] = [side_data(results[task]["sides"], self.side) for task in tasks]
        return self.cache[staffing]

    def _task(self, staffing: Staffing, replication: int) -> Task:
        if self.side == "selling":
            return Task(staffing, self.other, replication, self.projectors)
        return Task(self.other, staffing, replication, self.projectors)


def _interval(days: list[_Day], get: Callable[[_Day], float], confidence: float | None) -> Interval:
    values = [get(day) for day in days]
    interval = confidence_interval(values)
    if confidence is not None:
        interval["upper"] = upper_bound(values, confidence)
    return interval


def _summary(days: list[SideData], confidence: float | None, period: int | None = None) -> Summary:
    if period is None:
        return {
            "p95_wait": _interval(days, lambda d: d["wait_minutes"]["p95"], confidence),
            "abandon_rate": _interval(days, lambda d: d["abandon_rate"], confidence),
            "failed_share": _interval(days, lambda d: d["failed_share"], confidence),
            "arrived": fmean(day["arrived"] for day in days),
        }
    return {
        "p95_wait": _interval(days, lambda d: d["periods"][period]["p95_wait_minutes"], confidence),
        "abandon_rate": _interval(days, lambda d: d["periods"][period]["abandon_rate"], confidence),
        "failed_share": _interval(days, lambda d: d["periods"][period]["failed_share"], confidence),
        "arrived": fmean(day["periods"][period]["arrived"] for day in days),
    }


def _judged(interval: Interval, targets: Targets) -> float:
    """What a target is checked against: the mean, or the confident upper end."""
    return interval["mean"] if targets.confidence is None else interval["upper"]


def _meets(summary: Summary, targets: Targets) -> bool:
    def judged(interval: Interval) -> float:
        return _judged(interval, targets)

    if targets.max_p95_wait is not None and judged(summary["p95_wait"]) > targets.max_p95_wait:
        return False
    if targets.max_failed_share is not None and judged(summary["failed_share"]) > targets.max_failed_share:
        return False
    return targets.max_abandon_rate is None or judged(summary["abandon_rate"]) <= targets.max_abandon_rate


def _least(meets_at: Callable[[int], bool], limit: int = MAX_COUNTERS_PER_SIDE, guess: int = 1) -> int | None:
    """Fewest counters in 1..limit that meet, if meeting is monotone in counters:
    galloping from ``guess`` (down while it meets, else up), then bisecting.
    A good guess saves the tries from one counter up, each a batch of days
    (a day of a million customers took 65 s to search from 1 to its 522)."""
    guess = min(max(1, guess), limit)
    if meets_at(guess):
        failing, meeting, step = 0, guess, 1
        while meeting - step >= 1:
            if not meets_at(meeting - step):
                failing = meeting - step
                break
            meeting, step = meeting - step, step * 2
        else:
            failing = 0
    else:
        failing, meeting = guess, min(guess * 2, limit)
        while not meets_at(meeting):
            if meeting >= limit:
                return None
            failing, meeting = meeting, min(meeting * 2, limit)
    while meeting - failing > 1:
        middle = (failing + meeting) // 2
        failing, meeting = (failing, middle) if meets_at(middle) else (middle, meeting)
    return meeting


def _first_guess(scenario: Scenario, side: SideName, erlang: int | None) -> int:
    """Where a side's search starts: Erlang C's answer (``erlang``) where it applies,
    else the counters the day's average load keeps busy (at least one)."""
    if erlang is not None:
        return erlang
    return max(1, min(MAX_COUNTERS_PER_SIDE, math.ceil(_average_load(scenario, side))))


def _average_load(scenario: Scenario, side: SideName) -> float:
    """The day's offered load: counters' worth of work the expected customers
    at the counters bring, on average over the open day (lambda E[S])."""
    customers = scenario.expected_arrivals(side) * scenario.counter_share(side)
    return customers * scenario.side(side).service_minutes.mean / scenario.open_minutes


def _overloaded_note(scenario: Scenario, side: SideName, counters: int) -> list[str]:
    """A fixed count at or under the day's average load: no steady state (rho >= 1),
    so the line grows (or walk-aways hold it), and a wait target is met only
    because the day ends. A trial's 9 counters for 9.0 counters' worth of work
    "met" p95 30 min with 13% failed and 102 in line at closing."""
    load = _average_load(scenario, side)
    if counters > load or load <= 0:
        return []
    held = (
        "only the customers who walk away keep it from growing"
        if _can_walk_away(scenario, side)
        else "the line grows until the doors close"
    )
    return [
        f"{side}: {counters:,} counter{'s' if counters != 1 else ''} for {load:,.2f} counters' worth of work on"
        f" average (load {load / counters:,.2f} a counter, no steady state): {held}, and the target is met because"
        f" the day ends, not because the counters keep up; {math.floor(load) + 1:,} or more keep up on average"
    ]


def search_staffing(
    scenario: Scenario, targets: Targets, replications: int, runner: Runner, projectors: int | None = None
) -> dict[str, SideAnswer]:
    """Each side's least staffing meeting ``targets`` (with ``projectors``
    clerks, or the scenario's; see ``search_projectors`` for the clerks).

    Raises:
        ScenarioError: a side that no staffing up to the counter limit can meet.
    """
    for side in ("selling", "collecting"):  # before any search, so nothing runs for a refused target
        _check_abandon_target(scenario, side, targets)
    answers: dict[str, SideAnswer] = {}
    selling = _search_side(scenario, "selling", None, targets, replications, runner, projectors)
    answers["selling"] = selling
    other = selling.staffing if scenario.linked is not None else None
    answers["collecting"] = _search_side(scenario, "collecting", other, targets, replications, runner, projectors)
    return answers


def with_failed_bound(
    scenario: Scenario,
    targets: Targets,
    answers: dict[str, SideAnswer],
    replications: int,
    runner: Runner,
    projectors: int | None = None,
) -> dict[str, SideAnswer]:
    """``answers``, where one fails more of its customers than the verdict's
    ``failed_share`` and no target bounds that, with the least staffing that
    also keeps them to it (``SideAnswer.failed_bound``). A wait target alone
    can be met because customers walk away: two new users read "one seller"
    beside 14% of buyers leaving, and the staffed day's own verdict saying to
    open selling counters first. The answer itself stays what was asked.
    ``projectors``: the clerks the answers were found with (a search of them)."""
    limit = scenario.verdict.failed_share
    over = [name for name, answer in answers.items() if answer.open_failed_share > limit]
    if targets.max_failed_share is not None or not targets.for_counters or not over:
        return answers
    bounded_targets = replace(targets, max_failed_share=limit)
    found = dict(answers)
    for name in over:
        # Each side on its own, the other as answered (a linked day's holders come from
        # the sellers answered): searching both again doubled staff's time.
        other = answers["selling"].staffing if name == "collecting" and scenario.linked is not None else None
        staffing = answers[name].staffing
        at_least = max(staffing) if isinstance(staffing, tuple) else staffing  # a bound only adds counters
        try:
            side: SideName = "selling" if name == "selling" else "collecting"
            bounded = _search_side(
                scenario, side, other, bounded_targets, replications, runner, projectors, guess=at_least
            )
            bound = FailedBound(limit, bounded.staffing, bounded.at_answer, bounded.open_failed_share)
        except ScenarioError:  # no staffing up to the limit keeps to it
            bound = FailedBound(limit, None, None)
        found[name] = replace(answers[name], failed_bound=bound)
    return found


#: Rounds of "clerks, then sides, then clerks again" before the answer is taken as it stands.
_PROJECTOR_ROUNDS = 4


def search_projectors(
    scenario: Scenario, targets: Targets, replications: int, runner: Runner
) -> tuple[dict[str, SideAnswer] | None, ProjectorAnswer]:
    """The least projection clerks for ``targets.max_stale_share`` and, if
    ``targets`` bound the counters too, each side's least staffing with them
    (None: the sides keep the scenario's staffing). See the module docstring.

    Raises:
        ScenarioError: the scenario has no projection clerks, or no count up
            to the limit meets the target.
    """
    if scenario.projection is not None and scenario.projection.every_minutes is not None:
        raise ScenarioError(
            f"--max-stale-share searches projection clerks, and {scenario.name} lists its sales in batches"
            f" (every_minutes: {scenario.projection.every_minutes:g}); give its projection clerks and"
            " minutes_per_sale instead"
        )
    if scenario.projection is None or scenario.projection.clerks is None:
        raise ScenarioError(
            f"--max-stale-share searches projection clerks, and {scenario.name} has none"
            " (a linked day's projection: {clerks: N, minutes_per_sale: ...})"
        )
    answers: dict[str, SideAnswer] | None = None
    sides: tuple[Staffing, Staffing] = (None, None)
    clerks = _least_clerks(scenario, targets, replications, runner, sides)
    for _ in range(_PROJECTOR_ROUNDS):
        if not targets.for_counters:
            break
        answers = search_staffing(scenario, targets, replications, runner, clerks.clerks)
        sides = (answers["selling"].staffing, answers["collecting"].staffing)
        again = _least_clerks(scenario, targets, replications, runner, sides)
        moved = again.clerks != clerks.clerks
        clerks = again  # measured at the counters found, even when the count did not move
        if not moved:
            break
    return answers, clerks


def _least_clerks(
    scenario: Scenario,
    targets: Targets,
    replications: int,
    runner: Runner,
    sides: tuple[Staffing, Staffing],
) -> ProjectorAnswer:
    limit = targets.max_stale_share
    assert limit is not None
    cache: dict[int, list[ProjectionData]] = {}

    def days(clerks: int) -> list[ProjectionData]:
        if clerks not in cache:
            tasks = [Task(sides[0], sides[1], r, clerks) for r in range(replications)]
            results = runner.run(scenario, tasks)
            cache[clerks] = [_projection_of(results[task]) for task in tasks]
        return cache[clerks]

    def share(clerks: int) -> Interval:
        return _interval(days(clerks), lambda d: d["stale_share"], targets.confidence)

    stopped: list[EndlessReturns] = []

    def meets(clerks: int) -> bool:  # so few clerks that holders only walk to and fro: not met
        return met(lambda: _judged(share(clerks), targets) <= limit, stopped)

    least = _least(meets, limit=MAX_PROJECTORS)
    if least is None:
        stopped_to_the_end(stopped, f"no count up to {MAX_PROJECTORS:,} projection clerks")
        raise ScenarioError(
            f"projection: no count up to {MAX_PROJECTORS:,} clerks meets {targets.describe()}: "
            + why_no_clerks_suffice(scenario)
        )
    return ProjectorAnswer(
        clerks=least,
        stale_share=share(least),
        lag_p95_minutes=_interval(days(least), lambda d: d["lag_minutes"]["p95"], targets.confidence),
        one_fewer=unless_endless(share, least - 1) if least > 1 else None,
        evaluations=len(cache),
    )


def _projection_of(data: DayData) -> ProjectionData:
    projection = data["projection"]
    assert projection is not None
    return projection


def _search_side(
    scenario: Scenario,
    side: SideName,
    other: Staffing,
    targets: Targets,
    replications: int,
    runner: Runner,
    projectors: int | None = None,
    guess: int | None = None,
) -> SideAnswer:
    if not targets.for_counters:
        raise ScenarioError("give a target for the counters: --max-p95-wait, --max-abandon-rate or --max-failed-share")
    evaluate = _Evaluator(scenario, side, other, replications, runner, projectors)
    confidence = targets.confidence
    stopped: list[EndlessReturns] = []

    def meets(count: int) -> bool:
        return met(lambda: _meets(_summary(evaluate(count), confidence), targets), stopped)

    erlang = erlang_c_answer(scenario, side, targets)
    flat = _least(meets, guess=guess or _first_guess(scenario, side, erlang))
    if flat is None:
        stopped_to_the_end(stopped, f"no {side} staffing up to {MAX_COUNTERS_PER_SIDE:,} counters")
        raise ScenarioError(
            f"{side}: no staffing up to {MAX_COUNTERS_PER_SIDE:,} counters meets {targets.describe()}"
            + why_no_counters_suffice(scenario, side, targets)
        )
    settings = scenario.side(side)
    if isinstance(settings.counters, list) and len(settings.counters) > 1:  # one period: a count all day
        return _search_schedule(side, len(settings.counters), flat, evaluate, targets)
    notes = []
    customers = scenario.expected_arrivals(side) * scenario.counter_share(side)
    if customers <= 0:
        notes.append(f"{side}: no customers are expected: one counter, the fewest a side can have, has no one to serve")
    elif customers < MIN_CUSTOMERS:
        notes.append(
            f"{side}: about {customers:,.0f} customers a day: the p95 wait of so few is one or two customers' wait,"
            " so the answer moves with the days drawn"
            + (
                "; give more --replications (40 or more) before acting on it"
                if replications < _FEW_CUSTOMERS_REPLICATIONS
                else f", even over {replications} days"
            )
        )
    as_written = None
    if settings.autoscale is not None:
        as_written = unless_endless(lambda count: _as_written(evaluate, count, targets), flat)
        notes.append(_autoscaler_note(scenario, side, flat, as_written, targets))
    at_answer = _summary(evaluate(flat), confidence)
    one_fewer = unless_endless(lambda count: _summary(evaluate(count), confidence), flat - 1) if flat > 1 else None
    notes += _flat_margin_note(scenario, side, targets, at_answer, one_fewer)
    notes += _overloaded_note(scenario, side, flat)
    return SideAnswer(
        side=side,
        staffing=flat,
        at_answer=at_answer,
        one_fewer=one_fewer,
        erlang_c=erlang,
        evaluations=len(evaluate.cache),
        notes=notes,
        as_written=as_written,
    )


def _as_written(evaluate: _Evaluator, answer: int, targets: Targets) -> AsWritten:
    """The side as the scenario staffs it (its autoscaler), on the search's days."""
    scenario_days, answer_days = evaluate(None), evaluate(answer)
    at_scenario = _summary(scenario_days, targets.confidence)
    return AsWritten(
        meets=_meets(at_scenario, targets),
        at_scenario=at_scenario,
        counter_hours=_interval(scenario_days, lambda d: d["counter_hours"], None),
        answer_counter_hours=_interval(answer_days, lambda d: d["counter_hours"], None),
    )


def _autoscaler_note(
    scenario: Scenario, side: SideName, answer: int, as_written: AsWritten | None, targets: Targets
) -> str:
    """That the answer replaces the side's autoscaler, and what the autoscaler
    as written gives on the same days: a manager weighs its counter-hours
    against the answer's before giving it up."""
    autoscale = scenario.side(side).autoscale
    assert autoscale is not None
    low, high = autoscale.min_counters, autoscale.max_counters
    text = (
        f"{side}: the scenario autoscales this side ({low}-{high} counters); the search tried fixed counts"
        f" all day instead, and the answer replaces the autoscaler"
        + (f" (its max of {high} is below the answer)" if high < answer else "")
    )
    if as_written is None:
        return text + " (as written, its days turned holders away without end)"
    hours = f"{as_written.counter_hours['mean']:,.1f} counter-hours a day"
    answer_hours = f"{as_written.answer_counter_hours['mean']:,.1f} for the answer's {answer} all day"
    if not as_written.meets:
        return (
            f"{text}. As written, on the same days, it misses the targets ({_measured(as_written, targets)}), on"
            f" {hours} against {answer_hours}"
        )
    cheaper = as_written.counter_hours["mean"] < as_written.answer_counter_hours["mean"]
    return (
        f"{text}. As written, on the same days, it meets the targets too ({_measured(as_written, targets)}), on"
        f" {hours} against {answer_hours}" + (": keeping the autoscaler costs fewer counter-hours" if cheaper else "")
    )


def _measured(as_written: AsWritten, targets: Targets) -> str:
    """The side's numbers for each target given: ``p95 wait 18.30 ± 2.10 min``."""
    shown = []
    for key, (option, _, label) in TARGET_FORMATS.items():
        target = getattr(targets, option)
        if target is not None:
            shown.append(f"{label} {interval_text(as_written.at_scenario[key], key, target)}")  # type: ignore[literal-required]
    return ", ".join(shown)


#: The targets a staffing search judges, by their key in a Summary: the option, how a value prints, its label.
TARGET_FORMATS = {
    "p95_wait": ("max_p95_wait", "{:,.2f}", "p95 wait"),
    "abandon_rate": ("max_abandon_rate", "{:.1%}", "abandon rate"),
    "failed_share": ("max_failed_share", "{:.1%}", "failed share"),
}


def interval_text(interval: Interval, key: str, target: float) -> str:
    """``4.74 ± 0.45 min`` (no ± over one day): the mean with as many decimals as
    keep it on its side of the target (5.0004 is not "5.00"), as the table shows
    it (the note had read 5.0003 ± 0.9200 beside the table's 5.0003±0.92)."""
    spec = TARGET_FORMATS[key][1].removeprefix("{:").removesuffix("}")
    return interval_shown(interval, spec, target=target) + (" min" if key == "p95_wait" else "")


#: Replications a side of fewer than ``MIN_CUSTOMERS`` customers is asked for.
_FEW_CUSTOMERS_REPLICATIONS = 40


def _flat_margin_note(
    scenario: Scenario, side: SideName, targets: Targets, at_answer: Summary, one_fewer: Summary | None
) -> list[str]:
    """A note when one counter fewer hardly moves the p95 wait: something other
    than the counters holds it near the target (a trial's holders turned away by
    stale reads waited the 5-minute retry, so the p95 crept down to exactly 5
    and the search answered 19 collectors, one fewer reading 5.0004)."""
    target = targets.max_p95_wait
    if target is None or target <= 0 or one_fewer is None:
        return []
    fewer, at = one_fewer["p95_wait"]["mean"], at_answer["p95_wait"]["mean"]
    if not 0 <= fewer - at < 0.01 * target:
        return []
    note = (
        f"{side}: one counter fewer moves the p95 wait by only {fewer - at:,.4f} min ({fewer:,.4f} against"
        f" {at:,.4f}): near this target the counters hardly set it, so the answer may be many more counters than help"
    )
    projection = scenario.projection
    if side == "collecting" and projection is not None and projection.stale_reads == "retry":
        fix = "--max-stale-share, or --projectors" if projection.clerks is not None else "projection.every_minutes"
        note += (
            f"; holders turned away by a stale read come back {projection.retry_minutes:g} min later"
            f" (projection.retry_minutes), which no counter shortens: size the projection ({fix}), or set the"
            f" target clear of {projection.retry_minutes:g} min"
        )
    return [note]


def _check_abandon_target(scenario: Scenario, side: SideName, targets: Targets) -> None:
    """Refuse an abandon-rate target alone on a side nobody can walk away from."""
    alone = targets.max_abandon_rate is not None and targets.max_p95_wait is None and targets.max_failed_share is None
    if alone and not _can_walk_away(scenario, side):
        raise ScenarioError(
            f"--max-abandon-rate: nobody on the {side} side walks away (it has no balk_at_line or"
            " patience_minutes), so one counter meets it however long the line; give --max-p95-wait or"
            " --max-failed-share too"
        )


def _can_walk_away(scenario: Scenario, side: SideName) -> bool:
    """Whether a side's customers can walk away: they balk or lose patience, or
    (holders turned away by a stale read) leave once their film has begun."""
    settings = scenario.side(side)
    if settings.balk_at_line is not None or settings.patience_minutes is not None:
        return True
    projection = scenario.projection
    return side == "collecting" and projection is not None and projection.stale_reads == "retry"


def _search_schedule(side: str, periods: int, flat: int, evaluate: _Evaluator, targets: Targets) -> SideAnswer:
    """Least count per period: earlier periods first (later ones held at the flat
    answer), then repaired and lowered again until no period can lose a counter.

    Periods reach into each other: a rush's line, left at the next period's
    start, is served by the next period's counters, and fewer of them make the
    rush's customers wait longer. So a count that fails is raised where its
    period fails, and a count raised there may let another period's count fall
    (a rush period given one counter more leaves less of a line to the next);
    each period's count is the least with which every period meets the target.
    """
    # A period the scenario closes (count 0: shut for lunch) stays closed: the manager chose it. Its
    # customers wait for the reopening whatever the counts, so the targets are not held against them;
    # the periods after it are, and may need more counters to clear what it left waiting.
    closed = _closed_periods(evaluate)
    searched = [k for k in range(periods) if k not in closed]
    counts = [0 if k in closed else flat for k in range(periods)]
    confidence = targets.confidence

    def least_in(k: int, guess: int) -> int:
        """Period ``k``'s least count with which it meets the targets, the other periods as
        they are (a rush period may need more than the whole day's count: up to the limit)."""

        def meets_at(count: int) -> bool:
            trial = (*counts[:k], count, *counts[k + 1 :])
            return met(lambda: _meets(_summary(evaluate(trial), confidence, k), targets))

        least = _least(meets_at, guess=guess)
        if least is None:
            raise _period_out_of_reach(side, k, evaluate, targets)
        return least

    for k in searched:
        counts[k] = least_in(k, 1)

    def failing(trial: tuple[int, ...]) -> list[int]:
        """The open periods that miss the targets at ``trial`` (every one, for days that stopped)."""
        try:
            days = evaluate(trial)
        except EndlessReturns:
            return searched
        return [k for k in searched if not _meets(_summary(days, confidence, k), targets)]

    for _ in range(_SCHEDULE_ROUNDS):  # each round raises or lowers counts; the bound only guards
        missing = failing(tuple(counts))
        if missing:
            for k in missing:  # it misses at its count, so its least is above it
                counts[k] = least_in(k, min(counts[k] + 1, MAX_COUNTERS_PER_SIDE))
            continue
        if not _lower_one_period(counts, failing):
            break
    if failing(tuple(counts)):  # the rounds ran out raising and lowering: never say a miss meets
        raise ScenarioError(
            f"{side}: the schedule search did not settle on counts with which every period meets"
            f" {targets.describe()} (last tried {'/'.join(map(str, counts))}); try fewer periods or a looser target"
        )
    unstaffed = _close_empty_periods(counts, searched, evaluate, failing)
    days = evaluate(tuple(counts))
    erlang = erlang_c_per_period(evaluate.scenario, evaluate.side, targets)
    rows: list[PeriodAnswer] = []
    for k, day_row in enumerate(days[0]["periods"]):
        summary = _summary(days, confidence, k)
        rows.append(
            {
                "from": day_row["clock"],
                "counters": counts[k],
                "p95_wait": summary["p95_wait"],
                "abandon_rate": summary["abandon_rate"],
                "failed_share": summary["failed_share"],
                "arrived": summary["arrived"],
                "erlang_c": None if k in closed else erlang[k],
                "one_fewer": _one_fewer_in_period(counts, k, evaluate, confidence),
                "one_fewer_misses": [
                    days[0]["periods"][other]["clock"]
                    for other in (failing((*counts[:k], counts[k] - 1, *counts[k + 1 :])) if counts[k] > 1 else [])
                ],
            }
        )
    return SideAnswer(
        side=side,
        staffing=tuple(counts),
        at_answer=_summary(days, confidence),
        one_fewer=None,
        erlang_c=None,
        evaluations=len(evaluate.cache),
        periods=rows,
        notes=[
            f"{side}: each schedule period must meet the targets on its own (its customers are those arriving in it);"
            " the side's row gives the whole day, whose p95 may be over the target when one period's customers"
            " wait longest",
            _schedule_hours_note(side, days, flat, evaluate),
            *_closed_note(side, closed, rows, evaluate),
            *_unstaffed_note(side, unstaffed, rows),
        ],
    )


def _close_empty_periods(
    counts: list[int], searched: list[int], evaluate: _Evaluator, failing: Callable[[tuple[int, ...]], list[int]]
) -> list[int]:
    """Close (count 0) each period the scenario sends nobody to, where every
    period still meets the targets: a manager would not pay a counter to wait
    for no one (a trial's rota kept one open in three empty periods). Nobody
    is expected (``_nobody_expected``), not merely no one drawn on the
    search's days (a rare customer would then wait for the reopening). Not
    the last period (the line at closing needs a counter), nor one whose
    counters still serve a line left from before it (closing it then makes
    those customers miss), nor one after a period the scenario closes (not
    ``searched``: its customers, not held to the targets, would wait longer)."""
    scenario, side = evaluate.scenario, evaluate.side
    schedule = scenario.counter_schedule(side)
    ends = [start for start, _ in schedule[1:]] + [scenario.open_minutes]
    closed = []
    for k in searched:
        start, _ = schedule[k]
        if k == len(counts) - 1 or (k > 0 and k - 1 not in searched):
            continue
        if not _nobody_expected(scenario, side, start, ends[k]):
            continue
        trial = (*counts[:k], 0, *counts[k + 1 :])
        if not failing(trial):
            counts[k] = 0
            closed.append(k)
    return closed


def _nobody_expected(scenario: Scenario, side: SideName, start: float, end: float) -> bool:
    """Whether no customer can come to ``side`` between ``start`` and ``end``
    (minutes after opening): a profile's rate of 0 (or its gap) all through, or
    holders of showings whose lead before the film is bounded (uniform or fixed)
    and none of whose windows reach into the span; on a linked day too (a
    trial's rota kept a collector in two empty evening periods before a
    midnight premiere). Any other stream or an unbounded lead may come at any time."""
    arrivals = scenario.side(side).arrivals
    linked = scenario.linked if arrivals is None else None
    if linked is not None:
        lead = linked.lead_minutes
    elif arrivals is not None and arrivals.showtimes is not None:
        lead = arrivals.showtimes.lead_minutes
    else:
        return arrivals is not None and arrivals.profile is not None and _steady_rate(scenario, side, start, end) == 0.0
    if isinstance(lead, Fixed):
        low = high = lead.value
    elif isinstance(lead, Uniform):
        low, high = lead.low, lead.high
    else:
        return False
    plan = scenario.showings()
    for starts, seats in zip(plan.starts_at_minute, plan.seats, strict=True):
        if linked is not None:
            # A party comes at the later of lead before its film and a walk after buying
            # (from the opening, and before the film starts): within these.
            first, last = max(linked.walk_minutes, starts - high), starts + linked.walk_minutes
        elif round(seats * arrivals.showtimes.occupancy):  # type: ignore[union-attr]
            # Holders come between these (those due before the opening as the doors open).
            first, last = max(0.0, starts - high), max(0.0, starts - low)
        else:
            continue
        if (start <= first < end) if first == last else (first < end and last > start):
            return False
    return True


def _unstaffed_note(side: str, unstaffed: list[int], rows: list[PeriodAnswer]) -> list[str]:
    if not unstaffed:
        return []
    clocks = ", ".join(rows[k]["from"] for k in unstaffed)
    periods = "the period" if len(unstaffed) == 1 else "the periods"
    return [f"{side}: nobody comes in {periods} from {clocks}, so the answer closes its counters then (count 0)"]


def _closed_periods(evaluate: _Evaluator) -> set[int]:
    """The periods of the side's schedule that the scenario closes (count 0)."""
    return {k for k, _ in evaluate.scenario.side(evaluate.side).closures}


#: A period after a closure longer than this, needing more counters than the one before, gets the
#: catch-up advice (a half-hour catch-up halved a lunch closure's afternoon cost, 29 to 17 counter-hours).
_CATCH_UP_AFTER_MINUTES = 45.0


def _closed_note(side: str, closed: set[int], rows: list[PeriodAnswer], evaluate: _Evaluator) -> list[str]:
    """What the search did with the periods the scenario closes, and what they cost their customers."""
    if not closed:
        return []
    spells = "; ".join(
        f"from {rows[k]['from']}, {rows[k]['arrived']:,.0f} customers a day, p95 wait"
        f" {interval_shown(rows[k]['p95_wait'], ',.2f')} min"  # as the period's table row shows it
        for k in sorted(closed)
    )
    notes = [
        f"{side}: kept closed as the scenario has it ({spells}): their customers wait for the reopening whatever"
        " the counts, so the targets are not held against them; the periods after a closure are, with the line it"
        " left. To search a closed period, give it a count in the scenario"
    ]
    starts = [start for start, _ in evaluate.scenario.counter_schedule(evaluate.side)]
    ends = [*starts[1:], evaluate.scenario.open_minutes]
    for k in sorted(closed):
        after = k + 1
        while after < len(rows) and after in closed:
            after += 1
        before = rows[k - 1]["counters"] if k > 0 and k - 1 not in closed else None
        if (
            after < len(rows)
            and ends[after] - starts[after] > _CATCH_UP_AFTER_MINUTES
            and (before is None or rows[after]["counters"] > before)
        ):
            than = "" if before is None else f", against {before} before the closure"
            notes.append(
                f"{side}: the period from {rows[after]['from']} needs {rows[after]['counters']} counters to clear the"
                f" line the closure left{than}: a short catch-up period at the reopening (say half an hour) may let"
                " the rest of it run on fewer; add it to the schedule and search again"
            )
    return notes


def _schedule_hours_note(side: str, days: list[SideData], flat: int, evaluate: _Evaluator) -> str:
    """What the counts per period cost against the least count all day (found
    first, on the same days): the reason to staff by period at all."""
    hours = fmean(day["counter_hours"] for day in days)
    flat_hours = fmean(day["counter_hours"] for day in evaluate(flat))
    closures = bool(_closed_periods(evaluate))
    through = ", open through its closures" if closures else ""
    why = (
        ": clearing the line a closure leaves asks more than a side that never closes"
        if closures
        else ": each period meeting the targets on its own asks more than the whole day's numbers do"
    )
    return (
        f"{side}: these counts take {hours:,.1f} counter-hours a day (overtime included), against"
        f" {flat_hours:,.1f} for the least count all day ({flat}{through})" + (why if hours > flat_hours + 1e-9 else "")
    )


#: Rounds of raising the periods that miss and lowering those that can lose a counter.
_SCHEDULE_ROUNDS = 200


def _period_out_of_reach(side: str, k: int, evaluate: _Evaluator, targets: Targets) -> ScenarioError:
    """The error for a period no count up to the limit makes meet the targets."""
    schedule = evaluate.scenario.side(evaluate.side).counters
    clock = schedule[k].from_clock if isinstance(schedule, list) else "the start"
    return ScenarioError(
        f"{side}: no count up to {MAX_COUNTERS_PER_SIDE:,} counters makes the period from {clock} meet"
        f" {targets.describe()}" + why_no_counters_suffice(evaluate.scenario, evaluate.side, targets)
    )


def _lower_one_period(counts: list[int], failing: Callable[[tuple[int, ...]], list[int]]) -> bool:
    """Lower the first period whose count can fall with every period still meeting
    the targets, as far as it can; False when none can."""
    for k, count in enumerate(counts):

        def all_meet(fewer: int, k: int = k) -> bool:
            return not failing((*counts[:k], fewer, *counts[k + 1 :]))

        if count > 1 and all_meet(count - 1):
            counts[k] = _least(all_meet, limit=count - 1) or count - 1
            return True
    return False


def _one_fewer_in_period(counts: list[int], k: int, evaluate: _Evaluator, confidence: float | None) -> Summary | None:
    """Period ``k``'s own metrics with one counter fewer in it alone (the margin), or None at one counter."""
    if counts[k] <= 1:
        return None

    def in_period(count: int) -> Summary:
        return _summary(evaluate((*counts[:k], count, *counts[k + 1 :])), confidence, k)

    return unless_endless(in_period, counts[k] - 1)


def erlang_c_answer(scenario: Scenario, side: SideName, targets: Targets) -> int | None:
    """Erlang C's least counters for the wait targets, where the side is an M/M/c
    queue (steady Poisson or uniformly spread arrivals, exponential service,
    fixed counters, no impatience, not fed by linked sales); else None.

    The p95 target bounds P(W > t) at 5%; a failed-share target, on such a side
    (nobody walks away, no film to miss), bounds P(W > long_wait_minutes) at
    the share. With both, the larger count. On a linked day the counters see
    the buyers who do not buy online. A day starts empty, so its customers
    wait less than the steady state's: Erlang C's answer is an upper guide.
    """
    if not _queues_as_mmc(scenario, side):
        return None
    per_minute = _stream_rate(scenario, side)
    return None if per_minute is None else _erlang_c_least(scenario, side, targets, per_minute)


def erlang_c_per_period(scenario: Scenario, side: SideName, targets: Targets) -> list[int | None]:
    """Erlang C's least counters for each period of a side's counter schedule
    where its arrivals are steady (one rate all through the period: a steady
    stream, or a profile whose rate does not change within it), else None for
    the period. A period is finite and begins with the line the one before left,
    so, as for a day, the answer is a guide, not the period's own."""
    schedule = scenario.counter_schedule(side)
    ends = [start for start, _ in schedule[1:]] + [scenario.open_minutes]
    if not _queues_as_mmc(scenario, side):
        return [None] * len(schedule)
    answers: list[int | None] = []
    for (start, _), end in zip(schedule, ends, strict=True):
        rate = _steady_rate(scenario, side, start, end)
        answers.append(None if rate is None else _erlang_c_least(scenario, side, targets, rate))
    return answers


def _queues_as_mmc(scenario: Scenario, side: SideName) -> bool:
    """Whether a side's counters are an M/M/c queue but for their arrival rate:
    exponential service, nobody who balks or gives up, not fed by linked sales."""
    settings = scenario.side(side)
    return (
        settings.arrivals is not None
        and isinstance(settings.service_minutes, Exponential)
        and settings.patience_minutes is None
        and settings.balk_at_line is None
    )


def _steady_rate(scenario: Scenario, side: SideName, start: float, end: float) -> float | None:
    """The side's arrivals a minute at its counters between ``start`` and ``end``
    if one rate holds all through, else None (a trace, showtimes, a profile
    whose rate changes within)."""
    arrivals = scenario.side(side).arrivals
    assert arrivals is not None
    stream = _stream_rate(scenario, side)
    if stream is not None or arrivals.profile is None:
        return stream
    share = scenario.counter_share(side)
    pieces = profile_periods(arrivals.profile, scenario.opens, scenario.open_minutes, f"{side}.arrivals.profile")
    rates = {rate for low, high, rate in pieces if low < end and high > start}
    covered = sum(min(high, end) - max(low, start) for low, high, _ in pieces if low < end and high > start)
    if covered < (end - start) * (1 - 1e-12):  # a stretch of the period outside every profile period: no arrivals
        rates.add(0.0)
    return rates.pop() * share if len(rates) == 1 else None


def _stream_rate(scenario: Scenario, side: SideName) -> float | None:
    """A steady stream's arrivals a minute at the side's counters (``rate_per_hour``,
    or ``total`` spread over the day), else None."""
    arrivals = scenario.side(side).arrivals
    if arrivals is None:
        return None
    if arrivals.rate_per_hour is not None:
        per_minute = arrivals.rate_per_hour / 60.0
    elif arrivals.total is not None:
        per_minute = arrivals.total / scenario.open_minutes
    else:
        return None
    return per_minute * scenario.counter_share(side)


def _erlang_c_least(scenario: Scenario, side: SideName, targets: Targets, per_minute: float) -> int | None:
    """Erlang C's least counters for the targets at ``per_minute`` arrivals (see ``erlang_c_answer``)."""
    service = scenario.side(side).service_minutes
    assert isinstance(service, Exponential)
    mean = service.mean
    bounds = []  # (quantile, wait): the quantile of the wait that must be at most the wait
    if targets.max_p95_wait is not None:
        bounds.append((0.95, targets.max_p95_wait))
    if targets.max_failed_share is not None:
        if targets.max_failed_share <= 0:  # no count makes P(W > t) zero: Erlang C has no answer
            return None
        bounds.append((1 - targets.max_failed_share, scenario.verdict.long_wait_minutes))
    if not bounds or per_minute <= 0:
        return None
    counts = [least_counters_for_wait(per_minute, mean, q, wait, MAX_COUNTERS_PER_SIDE) for q, wait in bounds]
    return None if None in counts else max(count for count in counts if count is not None)
