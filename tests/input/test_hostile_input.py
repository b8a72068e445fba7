"""Every hostile input is answered in bounded time with one named line (exit 2).

Broken trace CSVs (bare carriage returns, oversized fields), values echoed
in messages (cut to about 60 characters), documents too large (refused while
parsing, in well under a second), traces past the arrivals limit (refused at
the row that passes it), and a fuzzer that mutates a valid scenario with
hostile values: every outcome is exit 0 or one line on stderr with exit 2.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import BASE_SCENARIO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from theater_sim.analysis.measured_day import run_day
from theater_sim.input import traces
from theater_sim.input.loading import load_scenario
from theater_sim.model.errors import ScenarioError
from theater_sim.views.cli import app


def _trace_scenario(folder: Path, trace: str) -> Path:
    data = copy.deepcopy(BASE_SCENARIO)
    data["selling"]["arrivals"] = {"trace": trace}
    path = folder / "day.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"at_minute\r1\r2\n", "line 1: not a readable CSV row"),
        (b'at_minute\n"1' + b"x" * 200_000 + b'"\n', "line 2: not a readable CSV row (field larger than field limit"),
        (b"at_minute\n" + b"9" * 5000 + b"z\n", "is not a valid time"),
        (b"when," + b"w" * 5000 + b"\n1,2\n", "needs a column named 'at' or 'at_minute'"),
    ],
)
def test_broken_traces_give_one_named_line(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "t.csv").write_bytes(content)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(_trace_scenario(tmp_path, "t.csv")))
    text = str(caught.value)
    assert message in text
    assert "t.csv" in text
    assert len(text.splitlines()) == 1
    assert len(text) < 400  # the offending value is cut, not echoed whole


def test_a_trace_past_the_limit_is_refused_at_that_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(traces, "MAX_ARRIVALS_PER_SIDE", 100)
    (tmp_path / "t.csv").write_text("at_minute\n" + "1\n" * 1000, encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"line 102: more than 100 arrivals"):
        load_scenario(str(_trace_scenario(tmp_path, "t.csv")))


def test_a_huge_value_is_not_echoed_whole(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE_SCENARIO)
    data["selling"]["service_minutes"] = {"distribution": "y" * 900_000}
    path = tmp_path / "day.yaml"
    path.write_text(yaml.safe_dump(data, width=10**7), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(path))
    assert "unknown distribution" in str(caught.value)
    assert len(str(caught.value)) < 300


def test_an_oversized_document_is_refused_while_parsing(tmp_path: Path) -> None:
    """A 1 MB flow list used to take 22 s and 392 MB before it was refused."""
    path = tmp_path / "big.yaml"
    path.write_text("name: x\nflow: [" + ",".join(["1"] * 450_000) + "]\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(ScenarioError, match="holds more than 10,000 values"):
        load_scenario(str(path))
    assert time.monotonic() - started < 1.0


HOSTILE = st.sampled_from(
    [
        -1,
        0,
        0.5,
        3,
        10**9,
        float("nan"),
        float("inf"),
        True,
        None,
        "",
        "x",
        "19:30",
        "25:00",
        "[/b] $x$",
        "\x1b[31m",
        [],
        [1, 2],
        {},
        {"distribution": "fixed", "value": 1},
        "y" * 5000,
    ]
)
PATHS = [
    "name",
    "seed",
    "hours",
    "opens",
    "selling.counters",
    "selling.arrivals",
    "selling.arrivals.total",
    "selling.service_minutes",
    "selling.service_minutes.mean",
    "selling.patience_minutes",
    "selling.balk_at_line",
    "selling.autoscale",
    "collecting.arrivals.rate_per_hour",
    "collecting.service_minutes.value",
    "showtimes",
    "linked",
    "verdict",
    "verdict.window_minutes",
    "verdict.tolerance",
    "unknown_key",
]


def _mutated(changes: list[tuple[str, Any]]) -> dict[str, Any]:
    data = copy.deepcopy(BASE_SCENARIO)
    for dotted, value in changes:
        *parents, last = dotted.split(".")
        node: Any = data
        for key in parents:
            if not isinstance(node, dict):
                break
            node = node.setdefault(key, {})
        if isinstance(node, dict):
            node[last] = value
    return data


@settings(
    max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=st.lists(st.tuples(st.sampled_from(PATHS), HOSTILE), min_size=1, max_size=3))
def test_fuzzed_scenarios_end_in_a_result_or_one_line(tmp_path: Path, changes: list[tuple[str, Any]]) -> None:
    """Whatever the mutation: exit 0 with a verdict, or exit 2 with one line on stderr, within 10 s."""
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(_mutated(changes), allow_unicode=True), encoding="utf-8")
    started = time.monotonic()
    result = CliRunner().invoke(app, ["run", str(path), "--json", "--quiet"])
    assert time.monotonic() - started < 10, changes
    assert result.exit_code in {0, 2}, (changes, result.output)
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert lines, changes
        assert all(line.startswith("theater-sim: error: ") for line in lines), (changes, result.stderr)
        assert "Traceback" not in result.stderr
        assert all(len(line) < 500 for line in lines), changes
    else:
        assert '"verdict"' in result.stdout


def test_an_unclosed_quote_in_a_trace_is_named_not_swallowed(tmp_path: Path) -> None:
    """One unclosed quote used to swallow the rest of a 1,000-row trace silently."""
    rows = ["at_minute,notes"] + [f"{i},ok" for i in range(1000)]
    rows[500] = '499.5,"walk-in'
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"line 501: a quoted field runs on to line 1001 \(an unclosed quote\?\)"):
        load_scenario(str(_trace_scenario(tmp_path, "t.csv")))


def test_a_number_of_thousands_of_digits_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "day.yaml"
    data = yaml.safe_dump(BASE_SCENARIO).replace("total: 100", "total: 1" + "0" * 5000)
    path.write_text(data, encoding="utf-8")
    with pytest.raises(ScenarioError, match="invalid YAML"):
        load_scenario(str(path))


def test_an_unknown_key_is_named_even_with_a_dash_and_cut(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE_SCENARIO)
    data["selling"]["service-minutes"] = 3
    data["k" * 5000] = 1
    path = tmp_path / "day.yaml"
    path.write_text(yaml.safe_dump(data, width=10**6), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(path))
    message = str(caught.value)
    assert "selling.service-minutes: unknown key" in message
    assert len(message) < 400


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"showtimes": [{"film": "F", "starts": 1080, "seats": 10}]}, 'write "18:00" (unquoted, YAML reads 18:00'),
        ({"selling.patience_minutes": 15}, "e.g. patience_minutes: {distribution: exponential, mean: 15}"),
        ({"collecting.service_minutes": 0.5}, "e.g. service_minutes: {distribution: exponential, mean: 0.5}"),
    ],
)
def test_messages_point_at_the_fix(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    data = _mutated(list(change.items()))
    path = tmp_path / "day.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(path))
    assert message in str(caught.value)


@pytest.mark.parametrize("ending", ["", "\n", "\n\n"])
def test_an_unclosed_quote_on_the_last_row_is_named(tmp_path: Path, ending: str) -> None:
    """On the last row an unclosed quote runs to the end of the file, where the csv
    module ends the field quietly: the row is named, not half read."""
    (tmp_path / "t.csv").write_text('at_minute,notes\n1,ok\n2,"walk-in' + ending, encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"line 3: a quoted field (is never closed|runs on to line 4)"):
        load_scenario(str(_trace_scenario(tmp_path, "t.csv")))


def test_quotes_that_close_on_the_last_row_are_fine(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text('at_minute,notes\n1,ok\n2,"a ""quoted"" note"\n', encoding="utf-8")
    scenario, _ = load_scenario(str(_trace_scenario(tmp_path, "t.csv")))
    assert scenario.selling.arrivals is not None
    assert scenario.selling.arrivals.trace_at_minute == (1.0, 2.0)


def test_a_timestamp_exactly_at_closing_is_let_in(tmp_path: Path) -> None:
    """README: '24:00 is the end of the day'; a moment exactly at closing is the
    last the doors let in (and one past it is refused)."""
    (tmp_path / "t.csv").write_text("at_minute\n0\n120\n", encoding="utf-8")
    scenario, _ = load_scenario(str(_trace_scenario(tmp_path, "t.csv")))
    assert scenario.open_minutes == 120
    assert run_day(scenario).selling.arrived == 2
    (tmp_path / "t.csv").write_text("at_minute\n0\n120.5\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"line 3: minute 120\.5 after opening \(\d\d:\d\d\) is after closing"):
        load_scenario(str(_trace_scenario(tmp_path, "t.csv")))


def test_a_long_trace_reports_its_reading_progress(tmp_path: Path) -> None:
    """A trace of millions of rows takes seconds to read: every 100,000 rows the
    reader says how many lines it has read of how many the file has."""
    rows = 250_000
    (tmp_path / "t.csv").write_text(
        "at_minute\n" + "".join(f"{i * 100 / rows:.6f}\n" for i in range(rows)), encoding="utf-8"
    )
    seen: list[tuple[int, int]] = []
    scenario, _ = load_scenario(
        str(_trace_scenario(tmp_path, "t.csv")), on_rows=lambda done, total: seen.append((done, total))
    )
    assert scenario.selling.arrivals is not None
    assert len(scenario.selling.arrivals.trace_at_minute or ()) == rows
    assert seen == [(100_001, rows + 1), (200_001, rows + 1)]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("linked:\n", "linked"),
        ("projection: null\n", "projection"),
        ("description: ~\n", "description"),
    ],
)
def test_a_key_left_empty_is_named_not_taken_for_its_default(tmp_path: Path, text: str, where: str) -> None:
    """``linked:`` left empty used to read as "not linked" (and the error blamed
    collecting.arrivals); an empty ``projection:`` ran a day without one."""
    path = tmp_path / "day.yaml"
    path.write_text(
        "name: x\n"
        + text
        + "selling: {counters: 1, arrivals: {total: 10}, service_minutes: {distribution: fixed, value: 1},"
        " patience_minutes: }\ncollecting: {counters: 1, service_minutes: {distribution: fixed, value: 1}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(path))
    assert f"day.yaml: {where}: has no value; give it one, or leave the key out for its default" in str(caught.value)


def test_an_empty_distribution_is_said_once_with_the_names_to_give(tmp_path: Path) -> None:
    """``distribution:`` left empty was said twice: as empty, then as an unknown
    distribution 'None'; and a distribution has no default to fall back on."""
    path = tmp_path / "day.yaml"
    path.write_text(
        "name: x\nselling: {counters: 1, arrivals: {total: 10}, service_minutes: {distribution: , mean: 1}}\n"
        "collecting: {counters: 1, arrivals: {total: 10}, service_minutes: {distribution: fixed, value: 1}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(path))
    assert str(caught.value) == (
        f"{path}: selling.service_minutes.distribution: has no value;"
        " give one of exponential, fixed, uniform, lognormal or gamma"
    )


def test_one_complaint_twice_at_one_key_is_said_once_without_more_items() -> None:
    """Merging a list's items' complaints must not count two identical complaints
    at one key (no item number) as "(and 1 more item)" (a review)."""
    from pydantic_core import PydanticCustomError, ValidationError

    from theater_sim.model.errors import format_validation_error

    twice = [
        {"type": PydanticCustomError("value_error", "bad thing"), "loc": ("selling", "arrivals"), "input": 1},
        {"type": PydanticCustomError("value_error", "bad thing"), "loc": ("selling", "arrivals"), "input": 1},
        {"type": PydanticCustomError("value_error", "bad item"), "loc": ("selling", "counters", 0), "input": 1},
        {"type": PydanticCustomError("value_error", "bad item"), "loc": ("selling", "counters", 2), "input": 1},
    ]
    error = ValidationError.from_exception_data("Scenario", twice)  # type: ignore[arg-type]
    assert format_validation_error(error, "f.yaml").splitlines() == [
        "f.yaml: selling.arrivals: bad thing (got 1)",
        "f.yaml: selling.counters[0] (and 1 more item): bad item (got 1)",
    ]


def test_a_limit_with_many_float_digits_is_shown_short() -> None:
    """pydantic prints a bound with all its float digits (1/3: 0.3333333333333333);
    the message shows six significant ones."""
    from pydantic import BaseModel, Field, ValidationError

    from theater_sim.model.errors import format_validation_error

    class Share(BaseModel):
        share: float = Field(ge=1 / 3)

    with pytest.raises(ValidationError) as caught:
        Share.model_validate({"share": 0.1})
    assert format_validation_error(caught.value, "day.yaml") == (
        "day.yaml: share: Input should be greater than or equal to 0.333333 (got 0.1)"
    )


def test_after_midnight_rows_out_of_order_are_not_called_before_the_doors_open(tmp_path: Path) -> None:
    """On a day from 20:00 to 04:00, 02:00 then 01:00 are both that night's:
    the rows are only out of order. 09:30 then 10:05 on a day opening at
    10:00: 09:30 reads as the next day's, and the message says so."""
    (tmp_path / "t.csv").write_text("at\n23:00\n02:00\n01:00\n", encoding="utf-8")
    night = tmp_path / "night.yaml"
    night.write_text(
        'name: night\nopens: "20:00"\nhours: 8\n'
        "selling: {counters: 1, arrivals: {trace: t.csv}, service_minutes: {distribution: fixed, value: 1}}\n"
        "collecting: {counters: 1, arrivals: {total: 5}, service_minutes: {distribution: fixed, value: 1}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match=r"line 4: 01:00 is earlier than the row before; sort the trace by time"):
        load_scenario(str(night))
    (tmp_path / "t.csv").write_text("at\n09:30\n10:05\n", encoding="utf-8")
    night.write_text(night.read_text(encoding="utf-8").replace('"20:00"', '"10:00"'), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"line 3: 10:05 is earlier than 09:30 on line 2, which reads as the next"):
        load_scenario(str(night))


@pytest.mark.parametrize(
    ("change", "said", "not_said"),
    [
        # A misspelt required key was two lines, "required key is missing" first.
        (
            {"selling": {"countres": 1}},
            ["selling.countres: unknown key: did you mean 'counters'?"],
            ["required key"],
        ),
        (
            {"collecting": {"service_minuts": {"distribution": "fixed", "value": 1}}},
            ["collecting.service_minuts: unknown key: did you mean 'service_minutes', which is required?"],
            ["collecting.service_minutes: required key is missing"],
        ),
        ({"verdict": {"tolerence": 0.2}}, ["verdict.tolerence: unknown key: did you mean 'tolerance'?"], []),
        # Nothing close: no guess; a key of another level is not "corrected" to itself.
        ({"selling": {"zzz": 1}}, ["selling.zzz: unknown key"], ["did you mean"]),
        ({"selling": {"rate_per_hour": 5}}, ["selling.rate_per_hour: unknown key"], ["did you mean"]),
    ],
)
def test_a_misspelt_key_gets_the_key_it_was_meant_to_be(
    tmp_path: Path, change: dict[str, dict[str, object]], said: list[str], not_said: list[str]
) -> None:
    data = copy.deepcopy(BASE_SCENARIO)
    for side, keys in change.items():
        section = data.setdefault(side, {})
        for key, value in keys.items():
            section.pop(key.replace("countres", "counters").replace("service_minuts", "service_minutes"), None)
            section[key] = value
    path = tmp_path / "day.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(path))
    message = str(caught.value)
    for words in said:
        assert words in message
    for words in not_said:
        assert words not in message
