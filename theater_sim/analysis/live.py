"""The day as it happens: stepping the SimPy clock for a live view.

``play`` advances a prepared day in small slices of simulated time from an
asyncio loop, sleeping between slices so a day can be watched in scaled real
time, and hands a ``LiveStatus`` (the clock, each line, the counters busy
and open, waits and pressures so far, the verdict so far) to whoever draws
it. It processes exactly the events a plain run does, in the same order, so
the finished day is the same day.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from theater_sim.analysis.failures import failed_by, lost_by
from theater_sim.analysis.managed import ManagedDay
from theater_sim.analysis.measured_day import summarise_day
from theater_sim.analysis.metrics import weighed_wait
from theater_sim.analysis.pressure import side_pressure
from theater_sim.analysis.verdict import Rule, SideEvidence, Verdict, judge, side_evidence
from theater_sim.engine.day_plan import compile_day
from theater_sim.engine.simulation import SideRun
from theater_sim.engine.theater import DayModel, DayRecords, prepare_day
from theater_sim.model.clock import MINUTES_PER_DAY, MINUTES_PER_HOUR, clock_label, parse_clock_minutes
from theater_sim.model.scenario import SIDE_NAMES, Scenario, SideName

__all__ = [
    "COMMANDS",
    "LiveStatus",
    "ManagerSession",
    "ModelsStatus",
    "SideStatus",
    "live_status",
    "play",
    "play_managed",
]


@dataclass(frozen=True)
class SideStatus:
    """One side right now."""

    line: int
    busy: int
    open: int
    arrived: int
    served: int
    mean_wait_minutes: float
    p95_wait_minutes: float
    pressure: float
    failed: int = 0
    lost: int = 0
    #: How long the first in line has waited so far (0: nobody in line). The
    #: mean wait counts those served only, so it stands still while a line
    #: builds (a side closed for lunch read 2.19 beside a line of 58).
    oldest_wait_minutes: float = 0.0
    #: The wait the verdict weighs (``metrics.weighed_wait``): the p95, no longer than five waited.
    weighed_wait_minutes: float = 0.0

    def evidence(self) -> SideEvidence:
        """What the verdict so far weighs about this side."""
        return side_evidence(
            self.pressure, self.weighed_wait_minutes, self.failed, self.arrived, self.lost, self.p95_wait_minutes
        )


@dataclass(frozen=True)
class ModelsStatus:
    """Between the models right now: sales in the ledger not yet on the
    collectors' list, and holders who reached a counter before theirs was."""

    unlisted: int
    stale_reads: int


@dataclass(frozen=True)
class LiveStatus:
    """The whole theater right now; ``finished`` once every customer is done."""

    minute: float
    clock: str
    doors_open: bool
    selling: SideStatus
    collecting: SideStatus
    verdict: Verdict
    finished: bool
    rule: Rule  # so the pressures can be printed to read as the verdict
    between_models: ModelsStatus | None = None  # a day with a projection

    def side(self, side_name: SideName) -> SideStatus:
        status: SideStatus = getattr(self, side_name)
        return status


def _failed_so_far(run: SideRun, arrivals: np.ndarray, minute: float, scenario: Scenario) -> tuple[int, int]:
    """Customers failed by ``minute`` (``failures``, as far as the day has shown it):
    walked away, waited past ``long_wait_minutes`` (served or still in line),
    or still in line when their film began; and how many of them were lost
    (walked away or missed their film)."""
    came = ~np.isnan(arrivals) & (arrivals <= minute)
    left_line = np.frombuffer(run.left_line, dtype=np.float64)
    outcome = np.frombuffer(run.outcome, dtype=np.int8)
    starts = scenario.showings().starts_at_minute if scenario.showtimes else ()
    failed = failed_by(
        minute, arrivals, left_line, outcome, scenario.verdict.long_wait_minutes, run.plan.showing, starts
    )
    lost = lost_by(minute, arrivals, left_line, outcome, run.plan.showing, starts)
    return int((failed & came).sum()), int((lost & came).sum())


def _oldest_wait(run: SideRun, arrivals: np.ndarray, minute: float) -> float:
    """Minutes the first customer in line has waited since they came (0 with nobody in line)."""
    visit = run.bank.first_in_line()
    return 0.0 if visit is None else float(minute - arrivals[run.customer_of(visit)])


def _side_status(run: SideRun, minute: float, scenario: Scenario) -> SideStatus:
    """One side at ``minute``; its pressure is the one the verdict uses, over the customers so far."""
    starts = np.frombuffer(run.starts, dtype=np.float64)
    arrivals = run.plan.arrival_at_minute
    if arrivals is None:
        arrivals = np.frombuffer(run.dynamic_arrivals, dtype=np.float64)  # type: ignore[arg-type]
    started = ~np.isnan(starts)
    waits = starts[started] - arrivals[started]
    came = np.flatnonzero(~np.isnan(arrivals) & (arrivals <= minute))
    came = came[np.argsort(arrivals[came], kind="stable")]
    met = side_pressure(
        arrivals[came],
        run.plan.service_minutes[came],
        [(change.at_minute, change.counters) for change in run.changes]
        + [(at_minute, counters) for at_minute, counters in run.plan.schedule if at_minute > minute],
        scenario.open_minutes,
        scenario.verdict.window_minutes,
        until_minute=minute,
    )
    failed, lost = _failed_so_far(run, arrivals, minute, scenario)
    p95 = float(np.quantile(waits, 0.95)) if len(waits) else 0.0
    return SideStatus(
        line=run.bank.line_length,
        busy=run.bank.count,
        open=int(run.bank.capacity),
        arrived=run.tally[0],
        served=run.tally[1],
        mean_wait_minutes=float(waits.mean()) if len(waits) else 0.0,
        p95_wait_minutes=p95,
        weighed_wait_minutes=weighed_wait(p95, np.frombuffer(run.left_line, dtype=np.float64) - arrivals),
        pressure=met.pressure,
        failed=failed,
        lost=lost,
        oldest_wait_minutes=_oldest_wait(run, arrivals, minute),
    )


def live_status(model: DayModel, scenario: Scenario, minute: float) -> LiveStatus:
    """The theater's state at the simulated ``minute`` (at or after the last event)."""
    sides = {name: _side_status(model.side(name), minute, scenario) for name in SIDE_NAMES}
    rule = Rule.of(scenario.verdict)
    verdict = judge(sides["selling"].evidence(), sides["collecting"].evidence(), rule)
    finished = model.env.peek() == math.inf
    if finished:  # the whole day: its verdict, missed starts included, is run's
        verdict = summarise_day(scenario, model.records()).verdict
    return LiveStatus(
        minute=minute,
        clock=_clock_with_day(minute, scenario.opens),
        doors_open=minute < scenario.open_minutes,
        selling=sides["selling"],
        collecting=sides["collecting"],
        verdict=verdict,
        finished=finished,
        rule=rule,
        between_models=_between_models(model, minute),
    )


def _between_models(model: DayModel, minute: float) -> ModelsStatus | None:
    projector = model.projector
    if projector is None:
        return None
    sold = projector.sold_at <= minute  # NaN (no sale) compares False
    return ModelsStatus(
        unlisted=int((sold & (projector.listed_at > minute)).sum()),
        stale_reads=int(projector.stale_reads.sum()),
    )


def _clock_with_day(minute: float, opens: str) -> str:
    """The wall clock, marked ``+1d`` once the day has run past midnight (overtime)."""
    days = int((parse_clock_minutes(opens) + minute) // MINUTES_PER_DAY)
    return clock_label(minute, opens) + (f" +{days}d" if days else "")


#: SimPy events run between two chances for a Ctrl-C to land (about 20 ms of a day).
_STEPS_BETWEEN_YIELDS = 5_000


async def play(
    scenario: Scenario,
    minutes_per_second: float,
    on_frame: Callable[[LiveStatus], None],
    frame_seconds: float = 0.1,
) -> DayRecords:
    """Play ``scenario``'s day at ``minutes_per_second`` simulated minutes per real
    second (``math.inf``: as fast as possible, a frame per simulated hour), calling
    ``on_frame`` after each slice."""
    model = prepare_day(compile_day(scenario))
    env = model.env
    step_minutes = minutes_per_second * frame_seconds
    shown = 0.0
    while env.peek() != math.inf:
        frame_began = time.monotonic()
        if math.isinf(step_minutes):  # no waiting between frames: one for each hour
            target = (math.floor(shown / MINUTES_PER_HOUR) + 1) * MINUTES_PER_HOUR
        else:
            target = shown + step_minutes
        steps = 0
        while env.peek() <= target and env.peek() != math.inf:
            env.step()
            steps += 1
            if steps % _STEPS_BETWEEN_YIELDS == 0:
                # Let the loop deliver a Ctrl-C (asyncio cancels the task at an await) within
                # a frame that covers hours of a large day, not only after it.
                await asyncio.sleep(0)
        shown = env.now if env.peek() == math.inf else target
        on_frame(live_status(model, scenario, max(shown, env.now)))
        await asyncio.sleep(0 if math.isinf(step_minutes) else _rest(frame_began, frame_seconds))
    on_frame(live_status(model, scenario, env.now))
    return model.records()


#: What the manager's keys ask for (``views.keyboard`` turns keys into these).
COMMANDS = ("selling+", "selling-", "collecting+", "collecting-", "pause", "faster", "slower", "quit")


@dataclass
class ManagerSession:
    """How a managed day played: its records, the manager's log, and whether it was quit early."""

    records: DayRecords
    log: list[str]
    quit_early: bool
    #: The signal that ended it (a kill, a closed terminal), or None.
    ended_by: int | None = None


async def play_managed(
    day: ManagedDay,
    minutes_per_second: float,
    on_frame: Callable[[LiveStatus, list[str], bool, float], None],
    commands: asyncio.Queue[str],
    frame_seconds: float = 0.1,
) -> ManagerSession:
    """Play ``day`` like ``play``, taking the manager's ``commands`` between frames.

    ``on_frame(status, log, paused, minutes_per_second)``. Pausing stops the simulated clock (the
    result is the same day); faster/slower double or halve the speed; quit
    ends the day where it is (its records are the day so far).
    """
    scenario, env = day.scenario, day.env
    shown, paused = 0.0, False
    log: list[str] = []
    status: LiveStatus | None = None
    while not day.finished:
        frame_began = time.monotonic()
        if not commands.empty():
            status = None  # a command may change what is shown
        while not commands.empty():
            command = commands.get_nowait()
            if command == "quit" or command.startswith("signal:"):
                ended_by = int(command.removeprefix("signal:")) if command != "quit" else None
                return ManagerSession(day.model.records(), log, quit_early=True, ended_by=ended_by)
            if command == "pause":
                paused = not paused
            elif command in ("faster", "slower"):
                changed = minutes_per_second * 2 if command == "faster" else minutes_per_second / 2
                minutes_per_second = min(MAX_MINUTES_PER_SECOND, max(1 / 60, changed))
            else:
                side, sign = command[:-1], command[-1]
                _log(log, day.request(side, 1 if sign == "+" else -1, shown))  # type: ignore[arg-type]
        if not paused:
            shown += minutes_per_second * frame_seconds
            day.advance(shown)
            shown = max(shown, env.now)
            status = None
        if status is None:  # paused, the day stands still: its status is the one already drawn
            status = live_status(day.model, scenario, shown)
        on_frame(status, log, paused, minutes_per_second)
        await asyncio.sleep(_rest(frame_began, frame_seconds))
    on_frame(live_status(day.model, scenario, max(shown, env.now)), log, False, minutes_per_second)
    return ManagerSession(day.model.records(), log, quit_early=False)


def _rest(frame_began: float, frame_seconds: float) -> float:
    """What is left of a frame once it was computed and drawn: a frame's simulated
    minutes are fixed, so resting a whole frame after a slow one played a large
    day about a third slower than its speed (a trial: 13.5 s for 10 s)."""
    return max(0.0, frame_seconds - (time.monotonic() - frame_began))


#: The fastest a managed day plays: a whole day a second.
MAX_MINUTES_PER_SECOND = 24 * 60.0


def _log(log: list[str], line: str) -> None:
    """Add a line to the manager's log; a change to the same side at the same
    second replaces the line before it (the schedule keeps only the last)."""
    key = line[: line.index(": ") + 1] if ": " in line and line[:2].isdigit() else None
    if key is not None and log and log[-1].startswith(key):
        log[-1] = line
    else:
        log.append(line)
