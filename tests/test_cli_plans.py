"""The sweep, staff and replicated-run commands end to end."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from theater_sim.cli import app


def _ok(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_run_replications_reports_intervals(runner: CliRunner) -> None:
    data = json.loads(_ok(runner, "run", "balanced-day", "--replications", "5", "--json", "--workers", "1"))
    assert data["replications"] == 5
    assert len(data["seeds"]) == 5
    assert data["seeds"][0] == 42
    interval = data["intervals"]["selling"]["p95_wait"]
    assert interval["low"] <= data["sides"]["selling"]["wait_minutes"]["p95"] <= interval["high"]
    assert data["verdict"] == "Balanced"
    table = _ok(runner, "run", "balanced-day", "--replications", "5", "--workers", "1")
    assert "±" in table
    assert "of 5 days gave the verdict of the means" in table


def test_run_through_a_store_equals_plain_run(runner: CliRunner, tmp_path: Path) -> None:
    """One day run as a stored task prints exactly what a plain run prints, fresh and from the store."""
    plain = _ok(runner, "run", "premiere-night", "--json")
    store = str(tmp_path / "r.sqlite")
    assert _ok(runner, "run", "premiere-night", "--json", "--store", store) == plain
    assert _ok(runner, "run", "premiere-night", "--json", "--store", store) == plain


def test_sweep_table_json_and_csv(runner: CliRunner, tmp_path: Path) -> None:
    table = _ok(runner, "sweep", "tarantino-announced", "--sellers", "1:8", "--workers", "1")
    assert "Balanced" in table
    assert "Selling" in table
    out = tmp_path / "cells.csv"
    data = json.loads(
        _ok(runner, "sweep", "tarantino-announced", "--sellers", "1:8", "--json", "--csv", str(out), "--workers", "1")
    )
    assert [cell["sellers"] for cell in data["cells"]] == list(range(1, 9))
    assert data["cells"][4]["verdict"] == "Balanced"
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 8
    assert float(rows[0]["selling_p95_wait"]) == data["cells"][0]["sides"]["selling"]["p95_wait"]["mean"]
    refused = runner.invoke(app, ["sweep", "tarantino-announced", "--sellers", "1:2", "--csv", str(out)])
    assert refused.exit_code == 2
    assert "already exists" in refused.stderr
    assert (
        runner.invoke(app, ["sweep", "tarantino-announced", "--sellers", "1:2", "--csv", str(out), "--force"]).exit_code
        == 0
    )


def test_sweep_output_does_not_depend_on_workers(runner: CliRunner) -> None:
    args = ["sweep", "opening-weekend", "--sellers", "1:3", "--collectors", "1,2", "--replications", "2", "--json"]
    assert _ok(runner, *args, "--workers", "1") == _ok(runner, *args, "--workers", "2")


def test_staff_names_counters_and_erlang_c(runner: CliRunner) -> None:
    data = json.loads(_ok(runner, "staff", "tarantino-announced", "--max-p95-wait", "10", "--json", "--workers", "1"))
    assert data["sides"]["selling"]["staffing"] == 3
    assert data["sides"]["selling"]["erlang_c"] == 3
    assert data["day"]["sides"]["selling"]["counters"] == 3
    table = _ok(runner, "staff", "tarantino-announced", "--max-p95-wait", "10", "--workers", "1")
    assert "Least staffing" in table
    assert "staffed as found" in table


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["sweep", "balanced-day", "--sellers", "3:1"], "ends before it starts"),
        (["sweep", "balanced-day", "--sellers", "a:b"], "write a range"),
        (["sweep", "balanced-day", "--sellers", "0:4"], "within 1..10,000"),
        (["sweep", "balanced-day", "--sellers", "1:200", "--collectors", "1:200"], "above the limit"),
        (["sweep", "balanced-day"], "give --sellers, --collectors or both"),
        (["sweep", "balanced-day", "--sellers", "1:2", "--metric", "happiness"], "--metric happiness: unknown"),
        (["sweep", "balanced-day", "--sellers", "1:2", "--csv", "/no/such/folder/x.csv"], "does not exist"),
        (["sweep", "balanced-day", "--sellers", "1:2", "--store", "/no/such/folder/r.sqlite"], "results store"),
        (["sweep", "balanced-day", "--sellers", "1:2", "--scheduler", "tcp://127.0.0.1:9"], "cannot reach"),
        (["staff", "balanced-day"], "give a target"),
        (["staff", "balanced-day", "--max-p95-wait", "-1"], "--max-p95-wait"),
        (["staff", "balanced-day", "--max-abandon-rate", "2"], "--max-abandon-rate"),
        (["run", "balanced-day", "--replications", "0"], "--replications"),
        (["run", "balanced-day", "--workers", "0"], "--workers"),
    ],
)
def test_plan_bad_input_exits_2(runner: CliRunner, args: list[str], fragment: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr or fragment in result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_staff_unmeetable_target_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "crowd.csv").write_text("at_minute\n" + "0\n" * 12_000, encoding="utf-8")
    scenario = tmp_path / "crowd.yaml"
    scenario.write_text(
        "name: crowd\nselling: {arrivals: {trace: crowd.csv}, service_minutes: {distribution: fixed, value: 1}}\n"
        "collecting: {arrivals: {total: 10}, service_minutes: {distribution: fixed, value: 1}}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["staff", str(scenario), "--max-p95-wait", "0", "--workers", "1"])
    assert result.exit_code == 2
    assert "selling: no staffing up to 10,000 counters" in result.stderr


def test_replicated_json_keeps_identifiers_as_integers(runner: CliRunner) -> None:
    """Means replace measurements, but hours, clocks, counters and seats stay what they were."""
    data = json.loads(_ok(runner, "run", "opening-weekend", "--replications", "3", "--json", "--workers", "1"))
    assert data["hours"] == 14
    assert isinstance(data["sides"]["selling"]["counters"], int)
    rows = data["sides"]["collecting"]["hourly"]
    assert [row["hour"] for row in rows] == list(range(len(rows)))
    assert all(isinstance(row["hour"], int) for row in data["hourly_verdicts"])
    assert all(isinstance(showing["seats"], int) for showing in data["showings"])
    for side in data["intervals"].values():
        assert 0.0 <= side["utilisation"]["low"] <= side["utilisation"]["high"] <= 1.0
        assert side["p95_wait"]["low"] >= 0.0


def test_replicated_overtime_hours_average_over_every_day(runner: CliRunner) -> None:
    """A day that ended earlier counts as quiet (zeros) in later overtime hours."""
    data = json.loads(_ok(runner, "run", "tarantino-announced", "--replications", "3", "--json", "--workers", "1"))
    last = data["sides"]["selling"]["hourly"][-1]
    assert last["counters_on_duty"] <= 1.0
    assert sum(row["served"] for row in data["sides"]["selling"]["hourly"]) == pytest.approx(5000)


def test_store_is_shared_by_runs_with_other_counters_and_sweeps(runner: CliRunner, tmp_path: Path) -> None:
    store = str(tmp_path / "shared.sqlite")
    _ok(runner, "sweep", "balanced-day", "--sellers", "1:2", "--store", store, "--json", "--workers", "1")
    ran = _ok(runner, "run", "balanced-day", "--sellers", "2", "--store", store, "--json")
    assert ran == _ok(runner, "run", "balanced-day", "--sellers", "2", "--json")
    refused = runner.invoke(app, ["run", "balanced-day", "--seed", "7", "--store", store])
    assert refused.exit_code == 2
    assert "another scenario, seed or theater-sim version" in refused.stderr


@pytest.mark.parametrize("address", ["foo", "http://127.0.0.1:8786", "inproc://x", ""])
def test_malformed_scheduler_address_exits_2(runner: CliRunner, address: str) -> None:
    result = runner.invoke(app, ["sweep", "balanced-day", "--sellers", "1:2", "--scheduler", address])
    assert result.exit_code == 2
    assert "tcp://HOST:PORT" in result.stderr


@pytest.mark.parametrize("path", ["", "/proc/no-such-thing/x.csv"])
def test_unusable_csv_path_is_refused_before_the_work(runner: CliRunner, path: str) -> None:
    result = runner.invoke(app, ["sweep", "balanced-day", "--sellers", "1:2", "--csv", path])
    assert result.exit_code == 2
    assert "--csv" in result.stderr


def test_staff_warns_when_walkaways_meet_the_wait_target(runner: CliRunner) -> None:
    data = json.loads(_ok(runner, "staff", "opening-weekend", "--max-p95-wait", "10", "--json", "--workers", "1"))
    assert any("walk away" in note for note in data["notes"])


def test_empty_sweep_axis_is_an_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["sweep", "balanced-day", "--sellers", ""])
    assert result.exit_code == 2
    assert "write a range" in result.stderr
