"""The least staffing that meets a target, found by search.

"How many sellers so that 95% of buyers wait under ten minutes?" Waits fall
as counters rise (on the same customers), so the answer is found by
galloping (1, 2, 4, 8, ... counters) until the target is met and then
bisecting, a handful of evaluations instead of one per count. Each side is
searched on its own, because an unlinked side's results do not depend on
the other side at all; in a linked day the selling side is searched first,
since its sales are what the collectors see. A side with a counter schedule
gets the least count per period, period by period, then checked as a whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from theater_sim.distributions import Exponential
from theater_sim.erlang import least_counters_for_wait
from theater_sim.errors import ScenarioError
from theater_sim.execution import Runner
from theater_sim.replication import confidence_interval
from theater_sim.scenario import MAX_COUNTERS_PER_SIDE, Scenario, SideName
from theater_sim.tasks import Staffing, Task

__all__ = ["SideAnswer", "Targets", "answer_notes", "erlang_c_answer", "search_staffing"]


@dataclass(frozen=True)
class Targets:
    """What every side must meet (None: no target of that kind); means over replications."""

    max_p95_wait: float | None = None
    max_abandon_rate: float | None = None

    def describe(self) -> str:
        parts = []
        if self.max_p95_wait is not None:
            parts.append(f"p95 wait <= {self.max_p95_wait:g} min")
        if self.max_abandon_rate is not None:
            parts.append(f"abandon rate <= {self.max_abandon_rate:.1%}")
        return " and ".join(parts)


@dataclass(frozen=True)
class SideAnswer:
    """A side's least staffing, the metrics there and with one counter fewer."""

    side: str
    staffing: int | tuple[int, ...]
    at_answer: dict[str, dict[str, float]]
    one_fewer: dict[str, dict[str, float]] | None
    erlang_c: int | None
    evaluations: int
    periods: list[dict[str, Any]] = field(default_factory=list)


class _Evaluator:
    """Runs (and remembers) a side's days at a given staffing."""

    def __init__(self, scenario: Scenario, side: SideName, other: Staffing, replications: int, runner: Runner) -> None:
        self.scenario, self.side, self.other = scenario, side, other
        self.replications, self.runner = replications, runner
        self.cache: dict[Staffing, list[dict[str, Any]]] = {}

    def __call__(self, staffing: Staffing) -> list[dict[str, Any]]:
        if staffing not in self.cache:
            tasks = [self._task(staffing, r) for r in range(self.replications)]
            results = self.runner.run(self.scenario, tasks)
            self.cache[staffing] = [results[task]["sides"][self.side] for task in tasks]
        return self.cache[staffing]

    def _task(self, staffing: Staffing, replication: int) -> Task:
        if self.side == "selling":
            return Task(staffing, self.other, replication)
        return Task(self.other, staffing, replication)


def _mean(days: list[dict[str, Any]], get: Callable[[dict[str, Any]], float]) -> dict[str, float]:
    return confidence_interval([get(day) for day in days])


def _summary(days: list[dict[str, Any]], period: int | None = None) -> dict[str, dict[str, float]]:
    if period is None:
        return {
            "p95_wait": _mean(days, lambda d: d["wait_minutes"]["p95"]),
            "abandon_rate": _mean(days, lambda d: d["abandon_rate"]),
        }
    return {
        "p95_wait": _mean(days, lambda d: d["periods"][period]["p95_wait_minutes"]),
        "abandon_rate": _mean(days, lambda d: d["periods"][period]["abandon_rate"]),
    }


def _meets(summary: dict[str, dict[str, float]], targets: Targets) -> bool:
    if targets.max_p95_wait is not None and summary["p95_wait"]["mean"] > targets.max_p95_wait:
        return False
    return targets.max_abandon_rate is None or summary["abandon_rate"]["mean"] <= targets.max_abandon_rate


def _least(meets_at: Callable[[int], bool], limit: int = MAX_COUNTERS_PER_SIDE) -> int | None:
    """Fewest counters in 1..limit that meet, if meeting is monotone in counters."""
    if meets_at(1):
        return 1
    failing, trying = 1, 2
    while not meets_at(trying):
        if trying >= limit:
            return None
        failing, trying = trying, min(trying * 2, limit)
    while trying - failing > 1:
        middle = (failing + trying) // 2
        failing, trying = (failing, middle) if meets_at(middle) else (middle, trying)
    return trying


def search_staffing(scenario: Scenario, targets: Targets, replications: int, runner: Runner) -> dict[str, SideAnswer]:
    """Each side's least staffing meeting ``targets``.

    Raises:
        ScenarioError: a side that no staffing up to the counter limit can meet.
    """
    answers: dict[str, SideAnswer] = {}
    selling = _search_side(scenario, "selling", None, targets, replications, runner)
    answers["selling"] = selling
    other = selling.staffing if scenario.linked is not None else None
    answers["collecting"] = _search_side(scenario, "collecting", other, targets, replications, runner)
    return answers


def _search_side(
    scenario: Scenario, side: SideName, other: Staffing, targets: Targets, replications: int, runner: Runner
) -> SideAnswer:
    evaluate = _Evaluator(scenario, side, other, replications, runner)
    flat = _least(lambda count: _meets(_summary(evaluate(count)), targets))
    if flat is None:
        raise ScenarioError(
            f"{side}: no staffing up to {MAX_COUNTERS_PER_SIDE:,} counters meets {targets.describe()}"
            " (the side's customers could not be served so fast; check its service times and impatience)"
        )
    counters = scenario.side(side).counters
    if isinstance(counters, list):
        return _search_schedule(side, len(counters), flat, evaluate, targets)
    return SideAnswer(
        side=side,
        staffing=flat,
        at_answer=_summary(evaluate(flat)),
        one_fewer=_summary(evaluate(flat - 1)) if flat > 1 else None,
        erlang_c=erlang_c_answer(scenario, side, targets),
        evaluations=len(evaluate.cache),
    )


def _search_schedule(side: str, periods: int, flat: int, evaluate: _Evaluator, targets: Targets) -> SideAnswer:
    """Least count per period, earlier periods first (later ones held at the flat answer)."""
    counts = [flat] * periods
    for k in range(periods):

        def meets_at(count: int, k: int = k) -> bool:
            trial = (*counts[:k], count, *counts[k + 1 :])
            return _meets(_summary(evaluate(trial), k), targets)

        counts[k] = _least(meets_at, limit=flat) or flat
    # Lowering later periods can lengthen the waits of earlier customers still in line: check and repair.
    for _ in range(periods * flat):
        days = evaluate(tuple(counts))
        failing = [k for k in range(periods) if not _meets(_summary(days, k), targets)]
        if not failing:
            break
        for k in failing:
            counts[k] += 1
    days = evaluate(tuple(counts))
    rows = [
        {"from": day_row["clock"], "counters": counts[k], **_summary(days, k)}
        for k, day_row in enumerate(days[0]["periods"])
    ]
    return SideAnswer(
        side=side,
        staffing=tuple(counts),
        at_answer=_summary(days),
        one_fewer=None,
        erlang_c=None,
        evaluations=len(evaluate.cache),
        periods=rows,
    )


def erlang_c_answer(scenario: Scenario, side: SideName, targets: Targets) -> int | None:
    """Erlang C's least counters for the p95 target, where the side is an M/M/c queue
    (steady Poisson or uniformly spread arrivals, exponential service, fixed
    counters, no impatience, not fed by linked sales); else None."""
    settings = scenario.side(side)
    arrivals = settings.arrivals
    if (
        targets.max_p95_wait is None
        or arrivals is None
        or not isinstance(settings.service_minutes, Exponential)
        or settings.patience_minutes is not None
        or settings.balk_at_line is not None
    ):
        return None
    if arrivals.rate_per_hour is not None:
        per_minute = arrivals.rate_per_hour / 60.0
    elif arrivals.total is not None:
        per_minute = arrivals.total / scenario.open_minutes
    else:
        return None
    return least_counters_for_wait(
        per_minute, settings.service_minutes.mean, 0.95, targets.max_p95_wait, MAX_COUNTERS_PER_SIDE
    )


def answer_notes(answers: dict[str, SideAnswer], targets: Targets) -> list[str]:
    """Warnings about answers that meet the targets in a way a planner may not want."""
    notes = []
    for name, answer in answers.items():
        abandon = answer.at_answer["abandon_rate"]["mean"]
        p95 = answer.at_answer["p95_wait"]["mean"]
        if targets.max_abandon_rate is None and abandon > 0.01:
            notes.append(
                f"{name}: the wait target is met partly because {abandon:.1%} of customers walk away;"
                " add --max-abandon-rate to bound that"
            )
        if targets.max_p95_wait is None and p95 > 30:
            notes.append(f"{name}: 95% of customers wait up to {p95:.0f} min; add --max-p95-wait to bound that")
    return notes
