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

from theater_sim.engine.counters import PENDING, CounterBank, call_in_turn, payload, schedule_after_everything


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


def _order_of(start_arrivals) -> list[tuple[float, str]]:  # type: ignore[no-untyped-def]
    """What happens when, on a day whose arrivals tie with other events at
    every moment: timeouts made before (each making a zero-delay one when it
    runs) and after the arrivals start, an urgent event at 0, and each
    arrival making a zero-delay timeout of its own."""
    env = simpy.Environment()
    happened: list[tuple[float, str]] = []

    def note(name: str):  # type: ignore[no-untyped-def]
        return lambda _event: happened.append((env.now, name))

    def note_and_echo(name: str):  # type: ignore[no-untyped-def]
        def noted(_event: Event) -> None:
            happened.append((env.now, name))
            simpy.events.Timeout(env, 0.0).callbacks.append(note(f"echo of {name}"))

        return noted

    for moment in (0.0, 1.0, 2.0):
        simpy.events.Timeout(env, moment).callbacks.append(note_and_echo(f"before@{moment}"))

    def arrive(index: int) -> None:
        happened.append((env.now, f"arrival {index}"))
        simpy.events.Timeout(env, 0.0).callbacks.append(note(f"after arrival {index}"))

    start_arrivals(env, [0.0, 1.0, 0.0, 1.0], arrive)
    for moment in (0.0, 1.0, 2.0):
        simpy.events.Timeout(env, moment).callbacks.append(note(f"later@{moment}"))
    urgent = Event(env)
    urgent.callbacks.append(note("urgent"))
    urgent._ok, urgent._value = True, None
    env.schedule(urgent, EventPriority(0))
    env.run()
    return happened


def test_calls_in_turn_keep_a_process_s_order_of_events() -> None:
    """``call_in_turn`` replaces the arrival process: SimPy must order every
    event of a day exactly as it did with the process (ties included)."""

    def as_a_process(env, delays, callback):  # type: ignore[no-untyped-def]
        def process():  # type: ignore[no-untyped-def]
            for index, delay in enumerate(delays):
                yield env.timeout(delay)
                callback(index)

        env.process(process())  # type: ignore[no-untyped-call]

    expected = _order_of(as_a_process)
    assert [name for _, name in expected].count("after arrival 3") == 1
    assert _order_of(call_in_turn) == expected
