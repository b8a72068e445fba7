"""The JSON contract's types (``analysis.contract``) say exactly what a day holds.

Every key a real day has is declared, every declared key is there (the
replication-only keys exactly when replicated), and every value has the
declared type, recursively, for days with every feature on. A key added to
``day_data`` but not to the contract, or the other way round, fails here.
"""

from __future__ import annotations

import json
import types
import typing
from typing import Any, NotRequired, Union, get_args, get_origin, get_type_hints, is_typeddict

import pytest

from theater_sim.analysis import contract
from theater_sim.analysis.day_data import day_data
from theater_sim.analysis.measured_day import run_day
from theater_sim.input.loading import bundled_scenarios, load_scenario
from theater_sim.planning.execution import Runner, replicated_day


def _problems(value: Any, declared: Any, where: str) -> list[str]:
    """Where ``value`` does not have the ``declared`` type."""
    origin = get_origin(declared)
    if origin is NotRequired:
        return _problems(value, get_args(declared)[0], where)
    if origin in (Union, types.UnionType):
        options = [_problems(value, option, where) for option in get_args(declared)]
        return [] if any(not found for found in options) else min(options, key=len)
    if declared is type(None):
        return [] if value is None else [f"{where}: {value!r} is not None"]
    if is_typeddict(declared):
        if not isinstance(value, dict):
            return [f"{where}: not an object"]
        hints = get_type_hints(declared, include_extras=True)
        required = declared.__required_keys__
        found = [f"{where}.{key}: not in the contract" for key in value if key not in hints]
        found += [f"{where}.{key}: missing" for key in required if key not in value]
        for key, item in value.items():
            if key in hints:
                found += _problems(item, hints[key], f"{where}.{key}")
        return found
    if origin is list:
        if not isinstance(value, list | tuple):
            return [f"{where}: not a list"]
        return [p for i, item in enumerate(value) for p in _problems(item, get_args(declared)[0], f"{where}[{i}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: not an object"]
        return [p for key, item in value.items() for p in _problems(item, get_args(declared)[1], f"{where}.{key}")]
    if declared is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{where}: {value!r} is not a number"]
    if declared is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{where}: {value!r} is not an integer"]
    if declared in (str, bool):
        return [] if isinstance(value, declared) else [f"{where}: {value!r} is not {declared.__name__}"]
    raise AssertionError(f"{where}: the checker does not know {declared!r}")


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_a_day_has_exactly_the_contracts_keys_and_types(name: str) -> None:
    scenario, _ = load_scenario(name)
    data = day_data(run_day(scenario))
    assert _problems(data, contract.DayData, "day") == []
    assert _problems(json.loads(json.dumps(data)), contract.DayData, "day") == []
    assert not {"replications", "seeds", "verdict_agreement", "intervals"} & set(data)


@pytest.mark.parametrize("name", ["opening-weekend", "autoscale"])
def test_a_replicated_day_has_the_contract_and_the_replication_keys(name: str) -> None:
    scenario, _ = load_scenario(name)
    data = replicated_day(Runner(), scenario, 3)
    assert _problems(data, contract.DayData, "day") == []
    assert {"replications", "seeds", "verdict_agreement", "intervals"} <= set(data)


def _json_shapes(value: Any, where: str = "day") -> list[str]:
    """Where ``value`` is not what ``json.loads`` gives back: a tuple, a key
    that is not a string, a number type of numpy's."""
    if isinstance(value, dict):
        found = [f"{where}.{key!r}: key not a string" for key in value if type(key) is not str]
        return found + [p for key, item in value.items() for p in _json_shapes(item, f"{where}.{key}")]
    if type(value) is list:
        return [p for i, item in enumerate(value) for p in _json_shapes(item, f"{where}[{i}]")]
    return [] if type(value) in (str, int, float, bool, type(None)) else [f"{where}: a {type(value).__name__}"]


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_a_day_is_already_what_json_gives_back(name: str) -> None:
    """Tasks send a day's data as it is (no trip through JSON): it must read the
    same as the stored day, whether it ran here, in a worker or last week."""
    scenario, _ = load_scenario(name)
    for staffed in (scenario, scenario.overridden(sellers=1, collectors=1)):
        data = day_data(run_day(staffed, engine="auto"))
        assert _json_shapes(data) == []
        assert data == json.loads(json.dumps(data))


def test_the_json_shape_check_can_fail() -> None:
    assert _json_shapes({"a": (1,), 2: [1.5, {"b": {1}}]}) == [
        "day.2: key not a string",
        "day.a: a tuple",
        "day.2[1].b: a set",
    ]


def test_the_checker_can_fail() -> None:
    """A stray key, a missing key and a wrong type are each found."""
    scenario, _ = load_scenario("balanced-day")
    data: Any = json.loads(json.dumps(day_data(run_day(scenario))))
    data["stray"] = 1
    del data["sides"]["selling"]["pressure"]
    data["sides"]["collecting"]["wait_minutes"]["p95"] = "long"
    assert sorted(_problems(data, contract.DayData, "day")) == [
        "day.sides.collecting.wait_minutes.p95: 'long' is not a number",
        "day.sides.selling.pressure: missing",
        "day.stray: not in the contract",
    ]


def test_every_contract_type_is_exported() -> None:
    declared = {name for name, value in vars(contract).items() if typing.is_typeddict(value)}
    assert declared <= set(contract.__all__)
