"""The counters' SimPy edge: the private internals ``engine.counters`` relies on,
and the bank's line.

``CounterBank`` grants a visit by a zero-delay ``Timeout`` and touches a few
private names of SimPy's events; if a SimPy release renames or changes any
of them, these tests fail loudly instead of the day quietly changing.
"""

from __future__ import annotations

from importlib.metadata import version

import simpy
from simpy.events import Event, EventPriority

from theater_sim.engine.counters import PENDING, CounterBank, payload, schedule_after_everything


def test_simpy_is_a_release_we_know() -> None:
    major = int(version("simpy").split(".")[0])
    assert major == 4, "pyproject pins simpy<5: check engine/counters.py against the new release"


def test_the_private_internals_we_use_exist() -> None:
    env = simpy.Environment()
    event = Event(env)
    assert event._value is PENDING
    event.succeed()
    assert event._ok is True  # schedule_after_everything sets these two by hand
    assert event._value is None
    assert payload(simpy.events.Timeout(env, 1.0, 7)) == 7
    assert int(EventPriority(2)) == 2


def _bank(counters: int) -> tuple[simpy.Environment, CounterBank, list[int]]:
    """A bank whose grants are noted (in the order SimPy runs them)."""
    env = simpy.Environment()
    bank = CounterBank(env, counters)
    reached: list[int] = []
    bank.on_grant = lambda event: reached.append(payload(event))
    return env, bank, reached


def test_a_customer_waits_then_reaches_a_counter_and_frees_it() -> None:
    env, bank, reached = _bank(1)
    bank.join(0)
    bank.join(1)
    assert bank.granted(0)
    assert not bank.granted(1)
    env.run()
    assert reached == [0]
    assert bank.line_length == 1
    bank.release()
    env.run()
    assert reached == [0, 1]
    assert bank.line_length == 0


def test_a_customer_who_gave_up_is_skipped() -> None:
    env, bank, reached = _bank(1)
    for visit in range(3):
        bank.join(visit)
    env.run()
    bank.leave_line(1)
    assert bank.line_length == 1
    bank.release()
    env.run()
    assert reached == [0, 2]
    assert not bank.granted(1)


def test_closing_counters_finish_their_customer_and_opening_ones_serve_the_line() -> None:
    env, bank, reached = _bank(2)
    for visit in range(4):
        bank.join(visit)
    env.run()
    bank.set_counters(1)
    assert bank.count == 2  # nobody is interrupted
    bank.release()
    env.run()
    assert reached == [0, 1]  # one counter now, still busy
    bank.set_counters(3)
    env.run()
    assert reached == [0, 1, 2, 3]


def test_every_change_is_reported_to_a_watching_policy() -> None:
    _env, bank, _ = _bank(1)
    seen: list[tuple[int, int]] = []
    bank.on_change = lambda: seen.append((bank.line_length, bank.count))
    bank.join(0)
    bank.join(1)
    bank.leave_line(1)
    bank.set_counters(2)
    bank.release()
    assert seen == [(0, 1), (1, 1), (0, 1), (0, 1), (0, 0)]


def test_after_everything_runs_last_at_its_moment() -> None:
    env = simpy.Environment()
    seen: list[str] = []
    schedule_after_everything(env, 5.0, lambda _event: seen.append("last"))
    simpy.events.Timeout(env, 5.0).callbacks.append(lambda _event: seen.append("timeout"))
    env.run()
    assert seen == ["timeout", "last"]
