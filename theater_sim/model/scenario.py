"""What a theater manager writes down about one day.

A scenario names the day, when the doors open and for how long, and for each
kind of counter (``selling`` for buyers, the command side; ``collecting`` for
ticket holders, the query side) how many counters are open and when, how
customers arrive, how long each takes, and how patient they are. It may list
the day's showings and link the sides: holders are then the buyers. These
pydantic models validate it, fill in the defaults and refuse unknown keys;
nothing here reads a file.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from theater_sim.model.arrivals import MAX_ARRIVALS_PER_SIDE, Arrivals
from theater_sim.model.clock import ClockTime, minutes_after_opening
from theater_sim.model.counter_settings import MAX_COUNTERS_PER_SIDE, Autoscale, CounterCount, CounterPeriod
from theater_sim.model.distributions import ServiceDistribution
from theater_sim.model.limits import MAX_SEED
from theater_sim.model.projection import Projection
from theater_sim.model.showtimes import MAX_SHOWINGS, Linked, Showing
from theater_sim.model.sides import SIDE_NAMES, SideName
from theater_sim.model.timetable import ShowingPlan, counter_schedule, profile_periods, showing_plan, trace_problem

__all__ = [
    "DEFAULT_CALM_BELOW",
    "DEFAULT_HOURS",
    "DEFAULT_OPENS",
    "DEFAULT_SEED",
    "DEFAULT_TOLERANCE",
    "DEFAULT_WINDOW_MINUTES",
    "MAX_ARRIVALS_PER_SIDE",
    "MAX_COUNTERS_PER_SIDE",
    "MAX_HOURS",
    "MAX_SEED",
    "SIDE_NAMES",
    "Scenario",
    "Side",
    "SideName",
    "VerdictSettings",
    "arrival_source_problems",
    "scenario_json_schema",
    "scenario_keys",
]

DEFAULT_SEED = 42
DEFAULT_HOURS = 16.0
DEFAULT_OPENS = "08:00"
DEFAULT_TOLERANCE = 0.2
DEFAULT_CALM_BELOW = 0.5
DEFAULT_CALM_WAIT_MINUTES = 1.0
DEFAULT_FAILED_SHARE = 0.05
DEFAULT_LONG_WAIT_MINUTES = 15.0
DEFAULT_WINDOW_MINUTES = 15.0
MAX_HOURS = 24.0
MIN_HOURS = 1 / 60  # one minute


_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False, defer_build=True)


class Side(BaseModel):
    """One kind of counter: how many are open, who comes, how long they take,
    and how long they are willing to wait."""

    model_config = _STRICT

    counters: CounterCount | Annotated[list[CounterPeriod], Field(min_length=1, max_length=500)] = 1
    autoscale: Autoscale | None = None
    arrivals: Arrivals | None = None
    service_minutes: ServiceDistribution
    balk_at_line: Annotated[int, Field(ge=0, le=MAX_ARRIVALS_PER_SIDE)] | None = None
    patience_minutes: ServiceDistribution | None = None

    @model_validator(mode="after")
    def _staffing_consistent(self) -> Side:
        if self.autoscale is None:
            return self
        if not isinstance(self.counters, int):
            closed = next((period.from_clock for period in self.counters if period.count == 0), None)
            if closed is not None:  # a side closed for a while: the autoscaler could reopen it
                raise ValueError(
                    f"a side has either a counter schedule or autoscale, not both: an autoscaled side cannot"
                    f" close (count 0 from {closed}); to close it, give the schedule alone"
                )
            raise ValueError("a side has either a counter schedule or autoscale, not both")
        low, high = self.autoscale.min_counters, self.autoscale.max_counters
        if not low <= self.counters <= high:
            raise ValueError(f"counters ({self.counters}) must lie within autoscale min..max ({low}..{high})")
        return self

    @property
    def closures(self) -> list[tuple[int, str]]:
        """The schedule periods that close the side (count 0), as (index, ``from`` clock)."""
        if isinstance(self.counters, int):
            return []
        return [(k, period.from_clock) for k, period in enumerate(self.counters) if period.count == 0]

    @property
    def initial_counters(self) -> int:
        """Counters open when the doors open."""
        return self.counters if isinstance(self.counters, int) else self.counters[0].count


class VerdictSettings(BaseModel):
    """How far apart the two sides' pressures may be and still be ``Balanced``,
    below which pressure a side is calm (never the pressure point), up to
    which p95 wait (no more than the fifth-longest time in line) a side's
    customers hardly waited (never named by the day's verdict), above which
    wait a customer was failed, above which share of failed customers a side
    is named first, and how long the windows are in which pressure is
    measured as customers meet it."""

    model_config = _STRICT

    tolerance: Annotated[float, Field(ge=0, lt=1)] = DEFAULT_TOLERANCE
    calm_below: Annotated[float, Field(ge=0, le=10)] = DEFAULT_CALM_BELOW
    calm_wait_minutes: Annotated[float, Field(ge=0, le=MAX_HOURS * 60)] = DEFAULT_CALM_WAIT_MINUTES
    failed_share: Annotated[float, Field(ge=0, le=1)] = DEFAULT_FAILED_SHARE
    long_wait_minutes: Annotated[float, Field(gt=0, le=MAX_HOURS * 60)] = DEFAULT_LONG_WAIT_MINUTES
    window_minutes: Annotated[float, Field(gt=0, le=MAX_HOURS * 60)] = DEFAULT_WINDOW_MINUTES

    @field_validator("window_minutes")
    @classmethod
    def _whole_seconds(cls, minutes: float) -> float:
        seconds = minutes * 60
        if seconds < 1 - 1e-9:
            raise ValueError(f"{minutes:g} minutes is shorter than one second (the shortest window)")
        if abs(seconds - round(seconds)) > 1e-6:
            raise ValueError(f"{minutes:g} minutes is not a whole number of seconds (e.g. 15, 7.5 or 0.25)")
        return minutes


def arrival_source_problems(
    *, linked: bool, showtimes: bool, selling: bool | None, collecting: bool | None
) -> list[str]:
    """Where each side's customers come from, checked across keys: ``selling``
    and ``collecting`` are None where the side has no ``arrivals``, else whether
    they come by showtime. Also run on a file's raw keys when other keys fail
    (pydantic checks across keys only once every key is valid, and a file with
    three mistakes took three runs to put right: a trial)."""
    problems = []
    if selling is None:
        problems.append("selling.arrivals: required key is missing")
    if linked:
        if not showtimes:
            problems.append("linked: needs showtimes to sell tickets for")
        if collecting is not None:
            problems.append("collecting.arrivals: leave it out when 'linked' is set (holders are the buyers)")
    elif collecting is None:
        problems.append("collecting.arrivals: required key is missing (or set 'linked')")
    if selling:
        problems.append("selling.arrivals.showtimes: only ticket holders arrive by showtime (collecting side)")
    if collecting and not showtimes:
        problems.append("collecting.arrivals.showtimes: the scenario lists no showtimes")
    return problems


class Scenario(BaseModel):
    """One day at the theater: both sides, the hours, the showings and the seed."""

    model_config = _STRICT

    name: Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]
    description: Annotated[str, Field(max_length=10_000)] = ""
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] = DEFAULT_SEED
    opens: ClockTime = DEFAULT_OPENS
    hours: Annotated[float, Field(ge=MIN_HOURS, le=MAX_HOURS)] = DEFAULT_HOURS
    showtimes: Annotated[list[Showing], Field(max_length=MAX_SHOWINGS)] = []
    linked: Linked | None = None
    projection: Projection | None = None
    selling: Side
    collecting: Side
    verdict: VerdictSettings = VerdictSettings()

    @field_validator("opens")
    @classmethod
    def _opens_within_day(cls, opens: str) -> str:
        if opens.startswith("24"):
            raise ValueError("'24:00' is the end of a day; a day that opens at midnight opens at '00:00'")
        return opens

    @model_validator(mode="after")
    def _day_is_possible(self) -> Scenario:
        # Every check's problem is said at once, a line each (one at a time, a file with
        # three mistakes took three runs to put right).
        checks: list[Callable[[], object]] = [self._check_window, self._check_arrival_sources]
        # Showings outside opening hours are refused even where unused (the note says so), not found later.
        checks += [
            self._check_projection,
            functools.partial(showing_plan, self.showtimes, self.opens, self.open_minutes),
        ]
        for side_name in SIDE_NAMES:
            arrivals = self.side(side_name).arrivals
            checks.append(functools.partial(self.counter_schedule, side_name))
            if arrivals is not None:
                checks.append(functools.partial(self._check_arrivals, side_name, arrivals))
        problems = []
        for check in checks:
            try:
                check()
            except ValueError as problem:
                problems.append(str(problem))
        if problems:
            raise ValueError("\n".join(dict.fromkeys(problems)))
        return self

    def _check_window(self) -> None:
        # The default window on a day shorter than it is the whole day (``pressure.window_edges``);
        # a window the user asked for that does not fit is a mistake to point out.
        asked = "window_minutes" in self.verdict.model_fields_set
        if asked and self.verdict.window_minutes > self.open_minutes:
            raise ValueError(
                f"verdict.window_minutes: {self.verdict.window_minutes:g} is longer than the day"
                f" ({self.open_minutes:g} minutes)"
            )

    def _check_arrival_sources(self) -> None:
        selling, collecting = self.selling.arrivals, self.collecting.arrivals
        problems = arrival_source_problems(
            linked=self.linked is not None,
            showtimes=bool(self.showtimes),
            selling=None if selling is None else selling.showtimes is not None,
            collecting=None if collecting is None else collecting.showtimes is not None,
        )
        if problems:
            raise ValueError("\n".join(problems))

    def _check_projection(self) -> None:
        projection = self.projection
        if projection is None:
            return
        if self.linked is None:
            raise ValueError("projection: needs 'linked' (it carries the linked day's sales to the collectors' list)")
        for key in ("every_minutes", "retry_minutes", "delay_minutes"):
            value = getattr(projection, key)
            if value is not None and value > self.open_minutes:
                raise ValueError(f"projection.{key}: {value:g} is longer than the day ({self.open_minutes:g} minutes)")

    def _check_arrivals(self, side_name: SideName, arrivals: Arrivals) -> None:
        where = f"{side_name}.arrivals"
        if arrivals.profile is not None:
            profile_periods(arrivals.profile, self.opens, self.open_minutes, f"{where}.profile")
        if arrivals.trace_at_minute is not None:
            problem = trace_problem(arrivals.trace_at_minute, self.open_minutes, self.opens)
            if problem:
                raise ValueError(f"{where}.trace: {arrivals.trace}: {problem}")
        expected = self.expected_arrivals(side_name)
        if expected > MAX_ARRIVALS_PER_SIDE:
            raise ValueError(
                f"{where}: expects {_count_words(expected)} customers, above the limit of {MAX_ARRIVALS_PER_SIDE:,}"
                " a side"
            )

    def _side_notes(self, side_name: SideName) -> list[str]:
        """A side's settings that undo each other, and a profile's gaps."""
        notes = []
        side = self.side(side_name)
        scale = side.autoscale
        if scale is not None and side.balk_at_line is not None and side.balk_at_line <= scale.open_when_line_over:
            # Customers who find balk_at_line waiting walk away, so the line never passes it.
            notes.append(
                f"{side_name}: customers balk at a line of {side.balk_at_line}, so it never grows past"
                f" autoscale.open_when_line_over ({scale.open_when_line_over:g}): the autoscaler never opens a"
                f" counter; set open_when_line_over below {side.balk_at_line}"
            )
        notes += self._seconds_as_minutes_notes(side_name) or self._endless_overtime_notes(side_name)
        profile = side.arrivals.profile if side.arrivals is not None else None
        if profile:
            for before, after in itertools.pairwise(profile):
                end = minutes_after_opening(before.to_clock, self.opens, is_end=True)
                if minutes_after_opening(after.from_clock, self.opens) > end:
                    notes.append(
                        f"{side_name}.arrivals.profile: nobody arrives from {before.to_clock} to {after.from_clock}"
                        " (between two periods); if that is a slip, make the periods meet"
                    )
        return notes

    def _seconds_as_minutes_notes(self, side_name: SideName) -> list[str]:
        """Services of many minutes that swamp the side's counters: seconds written
        as minutes, likely (``mean: 45`` meant 45 seconds: a trial's day ran a week
        of overtime and staff asked 30 sellers for 30 buyers an hour)."""
        side = self.side(side_name)
        mean = side.service_minutes.mean
        most = max(count for _, count in self.counter_schedule(side_name))
        counters = most if side.autoscale is None else side.autoscale.max_counters
        work = self.expected_arrivals(side_name) * self.counter_share(side_name) * mean
        if mean < _LONG_SERVICE_MINUTES or work <= _SWAMPED * counters * self.open_minutes:
            return []
        return [
            f"{side_name}.service_minutes: a service of {mean:g} minutes on average, and"
            f" {_about(work / self.open_minutes)} counters' worth of work against {counters:,}: service_minutes is"
            f" in minutes; if {mean:g} seconds was"
            f" meant, write {mean / 60:.3g}"
        ]

    def _endless_overtime_notes(self, side_name: SideName) -> list[str]:
        """A side whose customers all wait (nobody walks away) for counters that
        cannot serve them in a week of overtime: a trial's 10 million buyers at
        one counter ran 19 years of it (128 s, 1.9 GB) without a word."""
        side = self.side(side_name)
        if side.patience_minutes is not None or side.balk_at_line is not None:
            return []  # those who would wait that long walk away: the line is bounded
        most = max(count for _, count in self.counter_schedule(side_name))
        counters = most if side.autoscale is None else side.autoscale.max_counters
        work = self.expected_arrivals(side_name) * self.counter_share(side_name) * side.service_minutes.mean
        overtime_days = (work / counters - self.open_minutes) / (24 * 60)
        if overtime_days <= _ENDLESS_OVERTIME_DAYS:
            return []
        return [
            f"{side_name}: about {_about(work / self.open_minutes)} counters' worth of work against {counters:,},"
            f" and nobody walks away: the last customers would be served about {_count_words(overtime_days)} days"
            " after closing (the day runs all of it, slowly); more counters, patience_minutes or balk_at_line"
            " make it a day"
        ]

    def notes(self) -> list[str]:
        """Things that are allowed but probably not what the author meant."""
        notes = []
        collecting = self.collecting.arrivals
        if self.showtimes and not self.showtimes_used:
            notes.append("showtimes are listed but unused: set 'linked' or collecting.arrivals.showtimes")
        if self.linked is not None and self.showtimes:
            largest = max(s.seats for s in self.showtimes)
            too_big = sorted(size for size in self.linked.party_sizes if size > largest)
            if too_big:
                notes.append(
                    f"linked.party_sizes: parties of {too_big} are larger than any showing ({largest} seats)"
                    " and will always be turned away"
                )
        if collecting is not None and collecting.showtimes is not None:
            notes += self._early_showing_notes(collecting.showtimes.lead_minutes.mean)
        if self.linked is not None:
            notes += self._unsellable_showing_notes()
        for side_name in SIDE_NAMES:
            notes += self._side_notes(side_name)
        projection = self.projection
        if projection is not None:
            unused = "retry_minutes" if projection.stale_reads == "read_your_writes" else "ledger_check_minutes"
            if unused in projection.model_fields_set:
                notes.append(
                    f"projection.{unused} is unused: stale_reads is {projection.stale_reads}"
                    + (" (no holder is turned away)" if unused == "retry_minutes" else " (no ledger check is made)")
                )
        return notes

    def _unsellable_showing_notes(self) -> list[str]:
        """Showings that start as the doors open on a linked day: their tickets
        are sold from the opening, and no showing sells once it started, so they
        sell none (a trial's film at 10:00 showed "sold 0" without a word)."""
        return [
            f"showtimes[{index}]: {showing.film!r} at {showing.starts} starts as the doors open, and on a linked"
            " day tickets are sold from the opening, none once a showing started: it sells none (its buyers take"
            " a later showing)"
            for index, showing in enumerate(self.showtimes)
            if minutes_after_opening(showing.starts, self.opens) <= 0
        ]

    def _early_showing_notes(self, lead_mean_minutes: float) -> list[str]:
        """Showings so soon after opening that most of their holders would come
        before the doors open: they arrive as the doors open instead."""
        plan = self.showings()
        early = [
            f"{film!r} at {clock}"
            for film, clock, start in zip(plan.films, plan.clocks, plan.starts_at_minute, strict=True)
            if start < lead_mean_minutes
        ]
        if not early:
            return []
        starts = "starts" if len(early) == 1 else "start"
        return [
            f"collecting.arrivals.showtimes: {', '.join(early)} {starts} within {lead_mean_minutes:g} min of the"
            f" doors opening, and holders come {lead_mean_minutes:g} min before their showing on average"
            f" (lead_minutes): those due before {self.opens} arrive as the doors open"
        ]

    @property
    def open_minutes(self) -> float:
        """How long the doors are open to new arrivals, in minutes."""
        return self.hours * 60.0

    def side(self, side_name: SideName) -> Side:
        """The settings of one side by name."""
        side: Side = getattr(self, side_name)
        return side

    def expected_arrivals(self, side_name: SideName) -> float:
        """The expected number of customers reaching a side in a day."""
        arrivals = self.side(side_name).arrivals
        if arrivals is None:  # linked holders: at most one party per buyer
            return self.expected_arrivals("selling")
        if arrivals.total is not None:
            return float(arrivals.total)
        if arrivals.rate_per_hour is not None:
            return arrivals.rate_per_hour * self.hours
        if arrivals.profile is not None:
            periods = profile_periods(arrivals.profile, self.opens, self.open_minutes, "profile")
            return sum((end - start) * rate for start, end, rate in periods)
        if arrivals.trace_at_minute is not None:
            return float(len(arrivals.trace_at_minute))
        assert arrivals.showtimes is not None
        return sum(round(s.seats * arrivals.showtimes.occupancy) for s in self.showtimes)

    def counter_share(self, side_name: SideName) -> float:
        """The share of a side's customers who reach its counters: on a linked
        day, buyers who buy online never do."""
        if side_name == "selling" and self.linked is not None:
            return 1.0 - self.linked.online_share
        return 1.0

    def counter_schedule(self, side_name: SideName) -> list[tuple[float, int]]:
        """``(from_minute, counters)`` steps for a side; one step for a fixed count."""
        counters = self.side(side_name).counters
        if isinstance(counters, int):
            return [(0.0, counters)]
        return counter_schedule(counters, self.opens, self.open_minutes, f"{side_name}.counters")

    @property
    def showtimes_used(self) -> bool:
        """Whether anything in the day follows the showtimes: linked sales, or holders arriving by showtime."""
        collecting = self.collecting.arrivals
        return self.linked is not None or (collecting is not None and collecting.showtimes is not None)

    def showings(self) -> ShowingPlan:
        """The day's showings in start order, in minutes after opening; none
        where the day does not use its showtimes (its holders have no film, so
        no film start to miss: a trial saw a "missed film start" row and
        "parties of holders" on such a day)."""
        return showing_plan(self.showtimes if self.showtimes_used else [], self.opens, self.open_minutes)

    def overridden(
        self,
        *,
        sellers: int | tuple[int, ...] | None = None,
        collectors: int | tuple[int, ...] | None = None,
        seed: int | None = None,
        projectors: int | None = None,
    ) -> Scenario:
        """The same day with another seed or other staffing.

        A number fixes a side at that many counters all day (replacing its
        schedule or autoscaling); a tuple gives new counts to the periods of
        the side's schedule, keeping their times.

        ``projectors`` sets the projection's clerks.

        Raises:
            pydantic.ValidationError: if a value is outside its documented range.
            ValueError: a tuple for a side without a schedule of that length, or
                projectors for a day without projection clerks.
        """
        updates: dict[str, object] = {}
        if seed is not None:
            updates["seed"] = seed
        if projectors is not None:
            if self.projection is None or self.projection.clerks is None:
                raise ValueError("the scenario has no projection clerks to set (projection: {clerks: N, ...})")
            updates["projection"] = Projection.model_validate({**self.projection.__dict__, "clerks": projectors})
        for side_name, count in (("selling", sellers), ("collecting", collectors)):
            if count is not None:
                side: Side = getattr(self, side_name)
                counters = count if isinstance(count, int) else _rescheduled(side, side_name, count)
                updates[side_name] = Side.model_validate({**side.__dict__, "counters": counters, "autoscale": None})
        return Scenario.model_validate({**self.__dict__, **updates})


#: A mean service this long (in minutes) that swamps the counters ``_SWAMPED`` times over is
#: likely seconds written as minutes (a group booking of 45 minutes at a desk it keeps busy is not).
_LONG_SERVICE_MINUTES, _SWAMPED = 10.0, 3.0
#: Overtime (days) past which a side's line is noted as probably not meant (premiere-night's is about one).
_ENDLESS_OVERTIME_DAYS = 7.0


def _count_words(count: float) -> str:
    """A count as a message gives it: whole up to a trillion, else in powers of ten
    (``rate_per_hour: 1e300`` echoed 300 digits; 1e308 over a day is beyond a float)."""
    if count < 1e12:
        return f"{count:,.0f}"
    return f"about {count:.2g}".replace("e+", "e") if math.isfinite(count) else "more than 1e308"


def _about(amount: float) -> str:
    """An amount as a note gives it: three figures below 100, grouped whole ones above (60,000, not 6e+04)."""
    return f"{amount:.3g}" if amount < 100 else _count_words(amount)


def _rescheduled(side: Side, side_name: str, counts: tuple[int, ...]) -> list[CounterPeriod]:
    if isinstance(side.counters, int) or len(side.counters) != len(counts):
        raise ValueError(f"{side_name}: {len(counts)} period counts given, but the side has no such schedule")
    return [CounterPeriod(from_clock=p.from_clock, count=c) for p, c in zip(side.counters, counts, strict=True)]


def scenario_json_schema() -> dict[str, object]:
    """The JSON Schema of the scenario format, as editors want it."""
    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "theater-sim scenario"
    return schema


def scenario_keys() -> frozenset[str]:
    """Every key a scenario file may write, at any level (to suggest one for a misspelt key)."""
    keys: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(properties, dict):
                keys.update(properties)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(scenario_json_schema())
    return frozenset(keys)
