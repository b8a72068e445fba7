"""Why a staffing search found nothing, and what a search does with days that stop.

A search counts a staffing whose days turned holders away without end
(``EndlessReturns``) as missing its target, and says so when even its last
try stopped; when no count meets the target it says why more counters or
clerks cannot help and what can (a walk, a shorter trip to the list, the
ledger check).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, TypeVar

from theater_sim.model.errors import EndlessReturns
from theater_sim.model.scenario import Scenario, SideName

if TYPE_CHECKING:
    from theater_sim.planning.least_staffing import Targets

__all__ = ["met", "stopped_to_the_end", "unless_endless", "why_no_clerks_suffice", "why_no_counters_suffice"]

_T = TypeVar("_T")


def unless_endless(measure: Callable[[int], _T], count: int) -> _T | None:
    """``measure(count)``, or None when that count's days turned holders away without end."""
    try:
        return measure(count)
    except EndlessReturns:
        return None


def met(check: Callable[[], bool], stopped: list[EndlessReturns] | None = None) -> bool:
    """``check()``, or False for a staffing whose days turned holders away
    without end: holders who only walk to and fro meet no target. ``stopped``
    keeps the error of this try only (what the search's last try met)."""
    if stopped is not None:
        stopped.clear()
    try:
        return check()
    except EndlessReturns as error:
        if stopped is not None:
            stopped.append(error)
        return False


def stopped_to_the_end(stopped: list[EndlessReturns], what: str) -> None:
    """A search that found nothing because even its last try's days stopped
    says so (more counters or clerks cannot help), not that the target is out of reach."""
    if stopped:
        last = stopped[-1]
        raise type(last)(f"{last}. The search stopped there: {what} could be measured against the target") from None


def why_no_counters_suffice(scenario: Scenario, side: SideName, targets: Targets) -> str:
    """Why more counters cannot meet the target: on the collecting side of a day
    with a projection the lag between the models is in the holders' waits
    (turned away until their sale is listed, or a ledger check at the counter)."""
    if side == "collecting" and scenario.projection is not None and targets.max_stale_share is None:
        if scenario.projection.clerks is None:  # batches: no clerks to search or set
            return (
                " (holders wait for their sales to reach the collectors' list, which no number of counters"
                " shortens; refresh it more often: projection.every_minutes)"
            )
        if _clerks_too_late(scenario) is not None:
            return (
                " (holders wait for their sales to reach the collectors' list, which no number of counters"
                f" shortens, nor of clerks: {why_no_clerks_suffice(scenario)})"
            )
        return (
            " (holders wait for their sales to reach the collectors' list, which no number of counters"
            " shortens; add --max-stale-share to size the projector too, or try --projectors)"
        )
    return " (the side's customers could not be served so fast; check its service times and impatience)"


def _clerks_too_late(scenario: Scenario) -> Literal["no walk", "trip"] | None:
    """``why_clerks_are_too_late`` for ``scenario``'s projection and walk."""
    from theater_sim.analysis.projection import why_clerks_are_too_late  # with the engines: not every search needs it

    assert scenario.projection is not None
    walk = scenario.linked.walk_minutes if scenario.linked is not None else 0.0
    return why_clerks_are_too_late(scenario.projection.delay_minutes, walk)


def why_no_clerks_suffice(scenario: Scenario) -> str:
    """Why listing stays slower than holders however many clerks there are."""
    assert scenario.projection is not None
    walk = scenario.linked.walk_minutes if scenario.linked is not None else 0.0
    delay = scenario.projection.delay_minutes
    late = _clerks_too_late(scenario)
    if late == "no walk":
        why = (
            "holders reach the counters the moment they buy (linked.walk_minutes: 0), before any clerk can have"
            " listed their sale, and no number of clerks lists a sale at once"
        )
    elif late == "trip":
        why = (
            f"the trip to the list (projection.delay_minutes: {delay:g}) is at least a holder's walk from buying to"
            f" the counters (linked.walk_minutes: {walk:g}), and no number of clerks shortens it"
        )
    else:
        why = (
            f"listing one sale (projection.minutes_per_sale) can take longer than the {walk:g}-minute walk from buying"
            " to the counters (linked.walk_minutes), and more clerks cannot list one sale faster"
        )
    fixes = ["lower the target"]
    if late == "no walk":
        fixes.append("give holders a walk to the counters (linked.walk_minutes)")
    elif late == "trip":
        fixes.append(f"shorten the trip to the list (projection.delay_minutes under {walk:g})")
    if scenario.projection.stale_reads != "read_your_writes":
        fixes.append("let collectors check the ledger (stale_reads: read_your_writes)")
    return f"{why}; {', '.join(fixes[:-1])} or {fixes[-1]}" if len(fixes) > 1 else f"{why}; {fixes[0]}"
