"""Which kind of counter is under pressure.

The theater compares, for each side, the service minutes its customers asked
for with the counter-minutes it had open: the pressure, measured in short
windows and averaged over the customers who met it (see ``pressure``). If
the two pressures are within ``tolerance`` of the larger one, or both sides
are calm (pressure below ``calm_below``: counters idle half the time or more),
the day is ``Balanced``; otherwise the side with the higher pressure has the
greater demand, unless that side's customers hardly waited (95% of them
waited at most ``calm_wait_minutes``): a side nobody queued at is never the
one to add counters to, so the day is then ``Balanced``.

Two rules come before the pressures (``judge``): a side that failed clearly
more of its customers (walked away, waited longer than ``long_wait_minutes``
or missed their film's start; more than ``failed_share`` of them) is named
first, then the side whose customers waited clearly longer. Nor is the side
with the higher pressure named when its customers waited less than the
other side's. The hours are judged by the same rule on the customers who
left the line in each hour, whenever they came (their mean wait in place of
the p95). A side (or an hour of it) with fewer than ``MIN_CUSTOMERS``
customers is named only for its failures; its few customers' waits still
keep the other side from being named for its pressure alone when they
clearly waited longer (``handful_veto``).
Opening counters on a side divides its pressure, so scaling the side under
pressure moves the verdict toward ``Balanced``.

A gap exactly at ``tolerance`` is ``Balanced``. Pressures are binary floats,
so "exactly" allows a relative rounding slack of ``TIE_SLACK``: 0.5 against
0.4 at a tolerance of 0.2 is a tie, whatever the last bits of 0.4 say.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from theater_sim.model.scenario import VerdictSettings

__all__ = [
    "FAILED_RATIO",
    "MIN_CUSTOMERS",
    "MIN_FAILED",
    "TIE_SLACK",
    "WAIT_GAP_MINUTES",
    "WAIT_RATIO",
    "Rule",
    "SideEvidence",
    "Verdict",
    "both_fail_many",
    "clearly_longer",
    "clearly_more_failed",
    "decide",
    "decide_between",
    "decided_by",
    "fewest_decimals",
    "handful_veto",
    "hourly_verdicts",
    "judge",
    "named_not_for_pressure",
    "share",
    "short_of_clearly_more_failed",
    "shown_evidence",
    "shown_pressures",
    "side_evidence",
    "unnamed_rush",
]

#: Relative slack for ties at the tolerance (far below anything a day can measure).
TIE_SLACK = 1e-12

#: A side waits "clearly longer" when its p95 wait is at least this many times
#: the other side's ...
WAIT_RATIO = 1.5
#: ... and at least this many minutes longer (so 2.3 against 0.2 min is no news).
WAIT_GAP_MINUTES = 3.0
#: A side failed "clearly more" of its customers when its share is at least
#: this many times the other side's (and ``failed_share`` points more) ...
FAILED_RATIO = 1.5
#: ... and it failed at least this many customers (one walk-away among nine
#: buyers in a quiet hour is no news).
MIN_FAILED = 5
#: A side (or an hour of it) with fewer customers than this is named only for
#: the customers it failed: the p95 wait or the pressure of a handful of
#: people (three slow buyers at 12:00) is their luck, not the side's demand.
MIN_CUSTOMERS = 20


class Verdict(StrEnum):
    """The three things the theater can say about its day."""

    BALANCED = "Balanced"
    SELLING = "Greater demand for selling tickets"
    COLLECTING = "Greater demand for collecting tickets"


_SIDE_VERDICT = {"selling": Verdict.SELLING, "collecting": Verdict.COLLECTING}


@dataclass(frozen=True)
class SideEvidence:
    """What the verdict weighs about one side of a day.

    Attributes:
        pressure: The pressure its customers met (``pressure.side_pressure``).
        wait_minutes: Its customers' wait: the p95 for a day, the mean for an hour.
        failed_share: The share of its customers it failed (``failures``).
        failed: How many customers that is.
        customers: How many customers the evidence is about (fewer than
            ``MIN_CUSTOMERS``: judged only by its failures).
        lost: How many of the failed walked away or missed their film (None:
            all); the others were served late, and weigh half (``harm``).
        p95_wait_minutes: A day's p95 wait, where ``wait_minutes`` is its
            weighed wait (``metrics.weighed_wait``), shorter for a side of
            fewer than 81 customers; None: as ``wait_minutes``. A handful's
            veto reads it (``handful_veto``).
    """

    pressure: float
    wait_minutes: float
    failed_share: float = 0.0
    failed: float = 0.0
    customers: float = math.inf
    lost: float | None = None
    p95_wait_minutes: float | None = None

    @property
    def p95(self) -> float:
        """The p95 wait (``wait_minutes`` where none is given apart)."""
        return self.wait_minutes if self.p95_wait_minutes is None else self.p95_wait_minutes

    @property
    def harm(self) -> float:
        """The failed customers weighed by count and share together: the failed
        count times the failed share, each customer served late (after
        ``long_wait_minutes``) counting half, since they got what they came for."""
        return self.weighed_failed * self.weighed_share

    @property
    def weighed_failed(self) -> float:
        """The failed customers, each served late counting half."""
        lost = self.failed if self.lost is None else min(self.lost, self.failed)
        return lost + (self.failed - lost) / 2

    @property
    def weighed_share(self) -> float:
        """The failed share, each customer served late counting half."""
        return self.failed_share * self.weighed_failed / self.failed if self.failed else 0.0

    @property
    def customer_count(self) -> float:
        """How many customers the evidence is about (from the failed share if not given)."""
        if math.isfinite(self.customers):
            return self.customers
        return self.failed / self.failed_share if self.failed_share else math.inf

    @property
    def few(self) -> bool:
        """Fewer than ``MIN_CUSTOMERS`` customers: too few for their waits or pressure to name the side."""
        return self.customers < MIN_CUSTOMERS

    def weighed(self) -> SideEvidence:
        """The evidence the waits and pressures rules weigh: calm (no wait, no
        pressure) for fewer than ``MIN_CUSTOMERS`` customers."""
        return replace(self, pressure=0.0, wait_minutes=0.0) if self.few else self


def side_evidence(
    pressure: float,
    wait_minutes: float,
    failed: float,
    arrived: float,
    lost: float | None = None,
    p95_wait_minutes: float | None = None,
) -> SideEvidence:
    """What the verdict weighs about one side: of a day (its weighed wait, and
    its p95) or an hour (its mean wait); ``lost``: the failed who walked away
    or missed their film (None: all of them)."""
    return SideEvidence(pressure, wait_minutes, share(failed, arrived), failed, arrived, lost, p95_wait_minutes)


def both_fail_many(selling: SideEvidence, collecting: SideEvidence, limit: float) -> bool:
    """Whether both sides failed more than ``limit`` of their customers (as the
    verdict weighs it: of the counts), and at least ``MIN_FAILED`` each (the bar
    for naming a side for its failures): both need more counters, whatever the
    verdict (run's note, a sweep cell's ``!``)."""
    return all(side.failed_share > limit and side.failed >= MIN_FAILED for side in (selling, collecting))


def share(count: float, arrived: float) -> float:
    """``count`` as a share of a side's arrivals (0 when nobody came)."""
    return count / arrived if arrived else 0.0


@dataclass(frozen=True)
class Rule:
    """The verdict's settings (``model.scenario.VerdictSettings``, as numbers)."""

    tolerance: float
    calm_below: float
    calm_wait_minutes: float
    failed_share: float

    @classmethod
    def of(cls, settings: VerdictSettings) -> Rule:
        return cls(settings.tolerance, settings.calm_below, settings.calm_wait_minutes, settings.failed_share)


def judge(
    selling: SideEvidence,
    collecting: SideEvidence,
    rule: Rule,
    *,
    failures: bool = True,
    waits_first: bool = True,
) -> Verdict:
    """The verdict: failed customers first, then waits, then the pressures (a side
    of fewer than ``MIN_CUSTOMERS`` customers is named only for its failures,
    and keeps the other from being named for pressure alone when its few
    customers clearly waited longer: ``handful_veto``).

    ``failures`` / ``waits_first`` False leave that rule out (to tell which
    rule decided a day).
    """
    if failures:
        failed = clearly_more_failed(selling, collecting, rule.failed_share)
        if failed is not None:
            return _SIDE_VERDICT[failed]
    verdict = decide_between(selling.weighed(), collecting.weighed(), rule, waits_first)
    return Verdict.BALANCED if handful_veto(selling, collecting, rule, verdict, waits_first) else verdict


def handful_veto(
    selling: SideEvidence, collecting: SideEvidence, rule: Rule, verdict: Verdict, waits_first: bool = True
) -> str | None:
    """The side of a handful of customers that keeps ``verdict`` (reached with
    that handful taken for calm) from naming the other side, or None.

    A side of fewer than ``MIN_CUSTOMERS`` customers is taken for calm: their
    waits and pressure are their luck, not the side's demand. But that
    makes no case for the other side when the handful clearly waited
    longer (``clearly_longer`` on their own p95 waits) and the other side
    is named only for its pressure, not for clear waits of its own: five
    group buyers who waited 26 minutes at one slow counter do not make 800
    holders served within two minutes the side short of counters. Holders
    waiting 13.6 minutes are named whatever three slow buyers met.
    (``waits_first`` False, the pressures alone: no veto, as no waits.)
    """
    if verdict is Verdict.BALANCED or not waits_first:
        return None
    named, few_name, few = (
        ("selling", "collecting", collecting) if verdict is Verdict.SELLING else ("collecting", "selling", selling)
    )
    if not few.few or clearly_longer((selling.weighed().wait_minutes, collecting.weighed().wait_minutes)) == named:
        return None
    # The handful's own p95: a veto names no side, and five group buyers of whom two
    # waited (31 min behind a 45-minute service) still make no case for the other side.
    return few_name if clearly_longer((selling.p95, collecting.p95)) == few_name else None


def decide_between(selling: SideEvidence, collecting: SideEvidence, rule: Rule, waits_first: bool = True) -> Verdict:
    """``decide`` on two sides' evidence as given (waits, then pressures; no failures, nothing set aside)."""
    return decide(
        selling.pressure,
        collecting.pressure,
        rule.tolerance,
        rule.calm_below,
        p95_waits=(selling.wait_minutes, collecting.wait_minutes),
        calm_wait_minutes=rule.calm_wait_minutes,
        waits_first=waits_first,
    )


def decided_by(selling: SideEvidence, collecting: SideEvidence, rule: Rule, *, failures: bool = True) -> str | None:
    """Which of ``judge``'s rules named the side it names: ``"failures"``,
    ``"waits"`` or ``"pressure"``; None for a Balanced day. (``failures`` False:
    the same, the failures rule left out.)"""
    if judge(selling, collecting, rule, failures=failures) is Verdict.BALANCED:
        return None
    if failures and clearly_more_failed(selling, collecting, rule.failed_share) is not None:
        return "failures"
    waits = (selling.weighed().wait_minutes, collecting.weighed().wait_minutes)
    return "waits" if clearly_longer(waits) is not None else "pressure"


def named_not_for_pressure(selling: SideEvidence, collecting: SideEvidence, rule: Rule) -> str | None:
    """``"failures"`` or ``"waits"`` when the verdict names its side for the
    customers it failed or for its waits, and the pressures alone would not
    name it; None otherwise (the pressures name it too, or Balanced). What a
    sweep marks as 'not its pressure' (failures marked though the pressures
    agreed starred nearly every busy cell, and the caption said otherwise: a trial)."""
    used = decided_by(selling, collecting, rule)
    if used not in ("failures", "waits"):
        return None
    alone = judge(selling, collecting, rule, failures=False, waits_first=False)
    return None if alone is judge(selling, collecting, rule) else used


def clearly_more_failed(selling: SideEvidence, collecting: SideEvidence, limit: float) -> str | None:
    """The side that failed clearly more: more than ``limit`` of its customers
    and at least ``MIN_FAILED`` of them, and ``FAILED_RATIO`` times the other
    side on count and share together: its *harm* (``SideEvidence.harm``, the
    failed count times the failed share, a customer served late counting
    half) at least ``FAILED_RATIO`` squared times the other side's, and
    ``limit`` more than the other side either as a share of customers or in
    number (as a share of its own customers), weighed alike: the luck of one
    day, or of a few, moves two identical sides apart by less. The rule is
    monotone: more failures on the other side never make this side easier to
    name.

    Count and share both weigh: 632 holders (26%) missing their film outweigh
    9 of 14 buyers (64%) kept waiting; 3,882 buyers (66%) walking away
    outweigh 1,969 holders (51%) doing the same; 135 of 258 buyers (52%)
    walking away outweigh 234 of 1,415 holders (16.5%) served after a long
    wait; 28 of 36 buyers walking away outweigh 39 of 3,371 holders (1.2%).
    But 41 of 526 buyers (7.8%) walking away against 36 of 671 parties (5.4%)
    missing their film is not clearly more (1.65 times): the waits decide.

    A customer who walked away, waited past ``long_wait_minutes`` or missed
    their film is the harm a manager counts first: 70% of holders missing
    their film outweighs buyers who waited a while and were served, and a
    side that turns its customers away is not "fast" for the few it served.
    """
    for side, named, other in (("selling", selling, collecting), ("collecting", collecting, selling)):
        if short_of_clearly_more_failed(named, other, limit) is None:
            return side
    return None


def short_of_clearly_more_failed(named: SideEvidence, other: SideEvidence, limit: float) -> str | None:
    """Which test of ``clearly_more_failed`` keeps ``named`` from being named
    for its failures against ``other``: ``"share"`` (it failed at most
    ``limit`` of its customers), ``"count"`` (fewer than ``MIN_FAILED``),
    ``"harm"`` (under ``FAILED_RATIO`` squared times the other's) or
    ``"margin"`` (not ``limit`` more than the other, by share or in number);
    None when it is named."""
    if named.failed_share <= limit:
        return "share"
    if named.failed < MIN_FAILED:
        return "count"
    if named.harm < FAILED_RATIO**2 * other.harm:
        return "harm"
    # Clearly more, not by luck: ``limit`` more of its customers failed (weighed) than
    # the other side's share, or ``limit`` of its customers more failed in number; two
    # identical sides differ by less on most days (and their means over days, by less still).
    by_share = named.weighed_share - other.weighed_share >= limit
    by_count = named.weighed_failed - other.weighed_failed >= limit * named.customer_count
    return None if by_share or by_count else "margin"


def decide(
    selling_pressure: float,
    collecting_pressure: float,
    tolerance: float,
    calm_below: float = 0.0,
    *,
    p95_waits: tuple[float, float] | None = None,
    calm_wait_minutes: float | None = None,
    waits_first: bool = False,
) -> Verdict:
    """The verdict for two sides' pressures (demand ratios), and their waits if given.

    Args:
        selling_pressure: Service minutes demanded / counter-minutes available, selling.
        collecting_pressure: The same for collecting.
        tolerance: Largest gap, as a share of the higher pressure, still ``Balanced``.
        calm_below: A pressure below this is calm; two calm sides are ``Balanced``.
        p95_waits: Each side's wait (selling, collecting), in minutes: the
            p95 for a day, the mean for an hour; None: judge by pressure alone.
        calm_wait_minutes: A side whose wait is at most this is never named
            for its pressure.
        waits_first: With ``p95_waits``, the side whose customers waited clearly
            longer (``clearly_longer``) is named, whatever the pressures.

    Returns:
        The side that waited clearly longer (see ``waits_first``); else
        ``BALANCED`` when ``|s - c| <= tolerance * max(s, c)``, when both are
        below ``calm_below``, or when the side with the higher pressure hardly
        waited or waited less than the other side; else that side.
    """
    longer = clearly_longer(p95_waits) if waits_first and p95_waits is not None else None
    if longer is not None:
        return _SIDE_VERDICT[longer]
    if any(_pressures_balanced(selling_pressure, collecting_pressure, tolerance, calm_below)):
        return Verdict.BALANCED
    named = Verdict.SELLING if selling_pressure > collecting_pressure else Verdict.COLLECTING
    if p95_waits is None:
        return named
    wait, other_wait = p95_waits if named is Verdict.SELLING else p95_waits[::-1]
    # A side nobody queued at, or whose customers waited less than the other
    # side's, is not where a manager opens counters first.
    hardly_waited = calm_wait_minutes is not None and wait <= calm_wait_minutes
    return Verdict.BALANCED if hardly_waited or wait < other_wait else named


def clearly_longer(p95_waits: tuple[float, float]) -> str | None:
    """The side whose p95 wait is at least ``WAIT_RATIO`` times and
    ``WAIT_GAP_MINUTES`` longer than the other side's, if either is.

    Pressure weighs every customer of a side alike: a short rush that only
    some of them met (or a crowd shorter than the verdict's window), or a side
    with fewer counters for its load, can leave its pressure below the other
    side's while its waits are clearly the longer. A manager opens counters
    where customers wait.
    """
    for side, wait, other in (("selling", *p95_waits), ("collecting", p95_waits[1], p95_waits[0])):
        if wait >= WAIT_RATIO * other and wait - other >= WAIT_GAP_MINUTES:
            return side
    return None


def unnamed_rush(verdict: Verdict, p95_waits: tuple[float, float]) -> str | None:
    """The side that waited clearly longer although ``verdict`` does not name it."""
    longer = clearly_longer(p95_waits)
    return longer if longer is not None and _SIDE_VERDICT[longer] is not verdict else None


def _pressures_balanced(selling: float, collecting: float, tolerance: float, calm_below: float) -> tuple[bool, bool]:
    """``decide``'s two reasons for Balanced on pressures: both calm (below
    ``calm_below``), and within ``tolerance`` of the higher (a gap exactly at it
    is a tie, whatever the floats' last bits)."""
    higher = max(selling, collecting)
    return higher < calm_below, abs(selling - collecting) <= (tolerance + TIE_SLACK) * higher


def hourly_verdicts(
    selling_hours: list[SideEvidence], collecting_hours: list[SideEvidence], rule: Rule
) -> list[Verdict]:
    """``judge`` hour by hour: each hour's pressure, and of the customers who left
    the line in it, their mean wait
    (in place of the p95) and the share of them the side failed."""
    return [
        judge(selling, collecting, rule) for selling, collecting in zip(selling_hours, collecting_hours, strict=True)
    ]


def shown_pressures(
    selling_pressure: float, collecting_pressure: float, tolerance: float, calm_below: float
) -> tuple[str, str]:
    """Both pressures with as few decimals (two at least) as keep their verdict.

    Two pressures rounded to two decimals can read as the opposite verdict
    (0.5049 and 0.4039 are "Greater demand for selling", but 0.50 and 0.40
    read as a tie); more decimals are shown until the printed numbers give
    the verdict the real ones do.
    """

    # Which reasons for Balanced hold is kept too, as a note may name them: "both met a pressure
    # below 0.5 (0.50 against 0.46)" was printed of 0.4988.
    def verdict_of(s: float, c: float) -> tuple[Verdict, tuple[bool, bool]]:
        return decide(s, c, tolerance, calm_below), _pressures_balanced(s, c, tolerance, calm_below)

    return fewest_decimals(selling_pressure, collecting_pressure, verdict_of)


def shown_evidence(selling: SideEvidence, collecting: SideEvidence, rule: Rule) -> tuple[str, str]:
    """``shown_pressures`` for a whole day's evidence: as many decimals as keep
    both the verdict ``judge`` gives and what the pressures alone say (a note
    may read "its pressure points the same way": 0.6119 against 0.4891 is
    20.07% apart, not the 19.7% of 0.61 against 0.49)."""

    def verdicts(s: float, c: float) -> tuple[Verdict, Verdict, tuple[bool, bool]]:
        shown_selling, shown_collecting = replace(selling, pressure=s), replace(collecting, pressure=c)
        return (
            judge(shown_selling, shown_collecting, rule),
            judge(shown_selling, shown_collecting, rule, failures=False, waits_first=False),
            _pressures_balanced(s, c, rule.tolerance, rule.calm_below),  # as in shown_pressures
        )

    return fewest_decimals(selling.pressure, collecting.pressure, verdicts)


def fewest_decimals(
    first: float, second: float, verdict_of: Callable[[float, float], object], least: int = 2
) -> tuple[str, str]:
    """Two numbers with ``least`` decimals, or as many more as make the numbers
    shown give what the true ones do (``verdict_of``: a verdict, an order)."""
    verdict = verdict_of(first, second)
    for decimals in range(least, 18):
        shown = (f"{first:,.{decimals}f}", f"{second:,.{decimals}f}")
        if verdict_of(float(shown[0].replace(",", "")), float(shown[1].replace(",", ""))) == verdict:
            return shown
    return repr(first), repr(second)
