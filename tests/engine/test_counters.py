"""The counters' SimPy edge: the private internals ``engine.counters`` relies on.

``CounterBank`` subclasses ``simpy.Resource`` and touches a few private names;
if a SimPy release renames or changes any of them, these tests fail loudly
instead of the day quietly changing.
"""

from __future__ import annotations

from importlib.metadata import version

import simpy
from simpy.events import Event, EventPriority

from theater_sim.engine.counters import PENDING, CounterBank, Customer, payload, schedule_after_everything


def test_simpy_is_a_release_we_know() -> None:
    major = int(version("simpy").split(".")[0])
    assert major == 4, "pyproject pins simpy<5: check engine/counters.py against the new release"


def test_the_private_internals_we_use_exist() -> None:
    env = simpy.Environment()
    bank = CounterBank(env, 2)
    assert bank._capacity == 2
    assert callable(bank._trigger_put)
    assert hasattr(bank, "put_queue")
    assert hasattr(bank, "users")
    event = Event(env)
    assert event._value is PENDING
    event.succeed()
    assert event._ok is True  # schedule_after_everything sets these two by hand
    assert event._value is None
    assert int(EventPriority(2)) == 2


def test_a_customer_waits_then_reaches_a_counter_and_frees_it() -> None:
    env = simpy.Environment()
    bank = CounterBank(env, 1)
    first, second = Customer(bank, 0), Customer(bank, 1)
    env.run()
    assert payload(first) is not PENDING
    assert payload(second) is PENDING
    assert bank.line_length == 1
    bank.release_now(first)
    env.run()
    assert payload(second) is not PENDING
    assert bank.line_length == 0


def test_a_customer_who_gave_up_is_skipped() -> None:
    env = simpy.Environment()
    bank = CounterBank(env, 1)
    first, gone, third = Customer(bank, 0), Customer(bank, 1), Customer(bank, 2)
    env.run()
    bank.leave_line(gone)
    assert bank.line_length == 1
    bank.release_now(first)
    env.run()
    assert payload(gone) is PENDING
    assert payload(third) is not PENDING


def test_closing_counters_finish_their_customer_and_opening_ones_serve_the_line() -> None:
    env = simpy.Environment()
    bank = CounterBank(env, 2)
    customers = [Customer(bank, index) for index in range(4)]
    env.run()
    bank.set_counters(1)
    assert bank.count == 2  # nobody is interrupted
    bank.release_now(customers[0])
    env.run()
    assert payload(customers[2]) is PENDING  # one counter now, still busy
    bank.set_counters(3)
    env.run()
    assert payload(customers[2]) is not PENDING
    assert payload(customers[3]) is not PENDING


def test_after_everything_runs_last_at_its_moment() -> None:
    env = simpy.Environment()
    seen: list[str] = []
    schedule_after_everything(env, 5.0, lambda _event: seen.append("last"))
    simpy.events.Timeout(env, 5.0).callbacks.append(lambda _event: seen.append("timeout"))
    env.run()
    assert seen == ["timeout", "last"]
