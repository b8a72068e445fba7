"""A day the manager changes while it plays, and the schedule that replays it exactly.

``ManagedDay`` wraps the same SimPy day ``live.play`` steps. The manager asks
for one counter more or fewer on a side (``request``); the change takes effect
at the next whole second of simulated time after the moment shown (a clock
time a scenario can hold, ``HH:MM:SS``), through the same ``set_counters``
a counter schedule uses, before any customer event of that instant: exactly
where a schedule step created when the day began would run. Changes asked
within one second on one side are merged, since a schedule holds one count
per moment. So ``schedules()`` (the scenario's own steps and the manager's,
merged) written into the scenario replays the played day to the last bit.

Changes are allowed while the doors are open (a schedule's periods lie
inside opening hours); a side that autoscales is not the manager's to
change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import simpy

from theater_sim.engine.day_plan import compile_day
from theater_sim.engine.theater import DayModel, prepare_day
from theater_sim.model.clock import MINUTES_PER_DAY, minutes_after_opening, parse_clock_minutes
from theater_sim.model.limits import MAX_COUNTERS_PER_SIDE
from theater_sim.model.scenario import SIDE_NAMES, Scenario, SideName

__all__ = ["ManagedDay", "ManagerAction", "manage_problem"]


@dataclass(frozen=True)
class ManagerAction:
    """One change the manager made: ``counters`` on ``side`` from ``clock`` (``minute`` after opening)."""

    minute: float
    clock: str
    side: SideName
    counters: int


def manage_problem(scenario: Scenario) -> str | None:
    """Why the manager cannot run ``scenario``'s counters, or None."""
    for name in SIDE_NAMES:
        if scenario.side(name).autoscale is not None:
            return f"{name} autoscales; give --{'sellers' if name == 'selling' else 'collectors'} N to manage it"
    return None


class ManagedDay:
    """``scenario``'s day, ready to play, with a manager's hand on the counters.

    Raises:
        ValueError: ``manage_problem(scenario)``.
    """

    def __init__(self, scenario: Scenario) -> None:
        problem = manage_problem(scenario)
        if problem is not None:
            raise ValueError(problem)
        self.scenario = scenario
        self.model: DayModel = prepare_day(compile_day(scenario))
        self.env: simpy.Environment = self.model.env
        self.actions: list[ManagerAction] = []
        self._pending: dict[tuple[float, SideName], ManagerAction] = {}
        self._scheduled = {name: {minute for minute, _ in scenario.counter_schedule(name)} for name in SIDE_NAMES}

    def planned_counters(self, side: SideName) -> int:
        """The counters ``side`` will have once the changes asked so far take effect."""
        pending = [action for (_, name), action in self._pending.items() if name == side]
        if pending:
            return max(pending, key=lambda action: action.minute).counters
        return int(self.model.side(side).bank.capacity)

    def request(self, side: SideName, change: int, shown_minute: float) -> str:
        """Ask for ``change`` (+1 or -1) counters on ``side`` at the moment shown; a line for the log."""
        minute, clock = self._next_second(side, max(shown_minute, self.env.now))
        if minute >= self.scenario.open_minutes:
            return f"{side}: the doors are closed; counters change only while they are open"
        counters = self.planned_counters(side) + change
        if not 1 <= counters <= MAX_COUNTERS_PER_SIDE:
            return f"{side}: stays at {counters - change} (1 .. {MAX_COUNTERS_PER_SIDE:,} counters)"
        action = ManagerAction(minute, clock, side, counters)
        self._pending[(minute, side)] = action
        return f"{clock} {side}: {counters} counter{'s' if counters != 1 else ''}"

    def advance(self, until_minute: float) -> None:
        """Run the day up to ``until_minute``, applying the manager's changes due by then."""
        env = self.env
        for key in sorted(key for key in self._pending if key[0] <= until_minute):
            action = self._pending.pop(key)
            while env.peek() < action.minute:
                env.step()
            # The change runs at its own minute before the events of that instant, as a
            # schedule step created when the day began would (SimPy's clock is set
            # directly: stepping to it would need an event of our own, out of order).
            env._now = action.minute
            self.model.side(action.side).set_counters(action.counters, "schedule")
            self.actions.append(action)
        while env.peek() <= until_minute and env.peek() != math.inf:
            env.step()

    @property
    def finished(self) -> bool:
        return self.env.peek() == math.inf and not self._pending

    @property
    def asked(self) -> list[ManagerAction]:
        """Changes asked for whose moment the day has not reached yet (the next
        whole second): a manager who stops the day there still asked for them."""
        return sorted(self._pending.values(), key=lambda action: action.minute)

    def schedules(self) -> dict[str, list[tuple[str, int]]]:
        """Each changed side's counter schedule, the scenario's steps and the manager's
        (taken effect, or asked for and not yet due) merged in time order, as
        ``(clock, count)``: ready for a scenario file."""
        merged: dict[str, list[tuple[str, int]]] = {}
        for name in SIDE_NAMES:
            mine = [action for action in [*self.actions, *self.asked] if action.side == name]
            if not mine:
                continue
            steps = [(minute, self._clock(minute), count) for minute, count in self.scenario.counter_schedule(name)]
            steps += [(action.minute, action.clock, action.counters) for action in mine]
            steps.sort(key=lambda step: step[0])
            merged[name] = [(clock, count) for _, clock, count in steps]
        return merged

    def _next_second(self, side: SideName, after_minute: float) -> tuple[float, str]:
        """The first whole second of wall-clock time strictly after ``after_minute``
        (and not on one of the scenario's own schedule steps for ``side``)."""
        opens = parse_clock_minutes(self.scenario.opens)
        second = math.floor((opens + after_minute) * 60) + 1
        while True:
            clock = _clock_with_seconds(second)
            minute = minutes_after_opening(clock, self.scenario.opens)
            if minute > after_minute and minute not in self._scheduled[side]:
                return minute, clock
            second += 1

    def _clock(self, minute: float) -> str:
        opens = parse_clock_minutes(self.scenario.opens)
        return _clock_with_seconds(round((opens + minute) * 60))


def _clock_with_seconds(second: int) -> str:
    second %= MINUTES_PER_DAY * 60
    return f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
