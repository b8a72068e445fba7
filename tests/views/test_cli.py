"""The command line end to end, through typer's CliRunner."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from cases import BAD_FILES
from helpers import scenario_dict
from typer.testing import CliRunner

from theater_sim.input.loading import bundled_scenarios, load_scenario
from theater_sim.views.cli import app

CONTRACT_SIDE_KEYS = {
    "counters",
    "arrived",
    "served",
    "wait_minutes",
    "queue_length",
    "utilisation",
    "demand_ratio",
    "overtime_minutes",
    "hourly",
}
VERDICTS = {"Balanced", "Greater demand for selling tickets", "Greater demand for collecting tickets"}


def _json(runner: CliRunner, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["run", *args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_run_prints_table_and_one_verdict_line(runner: CliRunner) -> None:
    result = runner.invoke(app, ["run", "tarantino-announced"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Day summary" in result.stdout
    assert "Selling (commands)" in result.stdout
    assert "Collecting (queries)" in result.stdout
    assert "Hour by hour" in result.stdout
    assert [line for line in lines if line.strip() in VERDICTS] == ["Greater demand for selling tickets"]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["opening-weekend"], None),  # collecting: its waits and its pressure (0.91 against 0.70) name it
        (["announcement-rush", "--sellers", "7", "--collectors", "3"], "selling"),
        (["announcement-rush", "--sellers", "6", "--collectors", "2"], "selling"),
        (["balanced-day"], None),
        (["premiere-night"], None),
    ],
)
def test_a_rush_that_made_one_side_wait_clearly_longer_names_that_side(
    runner: CliRunner, args: list[str], named: str | None
) -> None:
    """A side whose customers clearly waited longer (1.5 times and 3 minutes), in a
    window its counters could not serve, carries the verdict even where the
    pressures alone would not name it; the report says so (and never otherwise)."""
    data = _json(runner, *args)
    result = runner.invoke(app, ["run", *args], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stdout.splitlines() if "is named for its waits" in line]
    assert data["named_for_waits"] == named
    if named is None:
        assert notes == []
    else:
        assert data["verdict"] == f"Greater demand for {named} tickets"
        assert len(notes) == 1
        assert notes[0].startswith(f"{named.capitalize()} is named for its waits, not its pressure")
        waits = {name: data["sides"][name]["wait_minutes"]["p95"] for name in ("selling", "collecting")}
        other = "collecting" if named == "selling" else "selling"
        assert waits[named] >= 1.5 * waits[other]
        assert data["sides"][named]["busiest_window"]["pressure"] > 1


_STEADY_MMC = """\
name: steady
seed: 7
opens: "00:00"
hours: 24
selling: {counters: 6, arrivals: {rate_per_hour: 100}, service_minutes: {distribution: exponential, mean: 3}}
collecting: {counters: 7, arrivals: {rate_per_hour: 100}, service_minutes: {distribution: exponential, mean: 3}}
"""


def test_a_steady_day_named_for_its_waits_is_not_said_to_have_crowds(runner: CliRunner, tmp_path: Path) -> None:
    """M/M/c at 6 and 7 counters (loads 0.83 and 0.71, within 20%: the
    pressures alone read Balanced; Erlang C's p95 waits 7.4 and 2.8 min name
    selling). The day has no crowds, yet the note said "Its crowds were shorter
    than a window, or its counters too few for its load" (a trial). It says the
    pressure was higher too, and why a little more load waits much longer."""
    path = tmp_path / "steady.yaml"
    path.write_text(_STEADY_MMC, encoding="utf-8")
    args = [str(path), "--replications", "20", "--workers", "1", "--quiet"]
    data = _json(runner, *args)
    assert data["named_for_waits"] == "selling"
    assert data["sides"]["selling"]["busiest_window"]["pressure"] <= 1
    said = " ".join(runner.invoke(app, ["run", *args], env={"COLUMNS": "400"}).stdout.split())
    assert "Its pressure was higher too (0.83 against 0.72), though not by enough to name it alone" in said
    assert "crowds" not in said


_GROUP_SALES = """\
name: Group sales desk
hours: 8
selling: {counters: 1, arrivals: {total: 5}, service_minutes: {distribution: fixed, value: 45}}
collecting: {counters: 2, arrivals: {rate_per_hour: 100}, service_minutes: {distribution: exponential, mean: 0.8}}
"""


def test_a_side_of_a_handful_of_customers_is_explained_not_read_against_the_other(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Five group buyers who waited (p95 26 min; each alone in their window, so
    they met nobody else's work there: pressure 0) are too few to
    name selling, and collecting (p95 2 min) is not short of counters: the
    day is Balanced, and the notes say so in those terms. (They had said
    collecting was named for its pressure and waited longer, quoting 2.07
    minutes against 26.18.)"""
    path = tmp_path / "group.yaml"
    path.write_text(_GROUP_SALES, encoding="utf-8")
    result = runner.invoke(app, ["run", str(path)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "Balanced"
    said = " ".join(result.stdout.split())
    assert "Selling had only 5 customers (p95 wait 26.18 min, pressure 0.00, 1 failed): too few (under 20)" in said
    assert "Look at them on their own." in said
    assert "Collecting's pressure (0.66) would name it with selling's handful taken for calm, but its" in said
    assert "customers did not clearly wait (p95 2.07 min) and those few waited clearly longer" in said
    assert "not the side to add counters to" not in result.stdout
    assert "is named for its pressure" not in result.stdout


def test_holders_who_gave_up_after_a_stale_read_have_their_row(runner: CliRunner) -> None:
    """eventual-consistency has no patience or balking, but holders turned away
    by a stale read leave when their film begins: the summary showed 430
    arrived and 380 served with no row saying where 50 went."""
    result = runner.invoke(app, ["run", "eventual-consistency"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line.split("│")[2:4] for line in result.stdout.splitlines() if "│" in line}
    assert [cell.strip() for cell in rows["reneged"]] == ["0", "50"]
    assert [cell.strip() for cell in rows["balked"]] == ["0", "0"]


_BOTH_SWAMPED = """\
name: Both swamped
hours: 3
selling: {counters: 1, arrivals: {rate_per_hour: 200}, service_minutes: {distribution: exponential, mean: 0.5}}
collecting: {counters: 1, arrivals: {rate_per_hour: 200}, service_minutes: {distribution: exponential, mean: 0.5}}
"""


def test_an_hour_both_sides_fail_is_marked_both_not_left_blank(runner: CliRunner, tmp_path: Path) -> None:
    """Two identical sides at 1.67 times their counter: in the last open hour
    each failed over 300 of those in line, the hour's point is Balanced, and
    the column was blank, as for a quiet hour (a trial). It reads 'both',
    with a legend; a day without such an hour has neither."""
    path = tmp_path / "both.yaml"
    path.write_text(_BOTH_SWAMPED, encoding="utf-8")
    result = runner.invoke(app, ["run", str(path)], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    hour = next(line for line in result.stdout.splitlines() if line.strip().startswith("10:00"))
    assert hour.split()[-1] == "both"
    assert "both: Balanced, but both sides failed more than 5% of those in line" in " ".join(result.stdout.split())
    quiet = runner.invoke(app, ["run", "balanced-day"], env={"COLUMNS": "100"})
    assert "both: Balanced" not in quiet.stdout


_QUIET_HANDFUL = """\
name: A quiet handful
seed: 3
hours: 16
selling: {counters: 1, arrivals: {total: 4}, service_minutes: {distribution: fixed, value: 30}}
collecting: {counters: 4, arrivals: {rate_per_hour: 180}, service_minutes: {distribution: exponential, mean: 0.9}}
"""


def test_a_quiet_handful_s_pressure_is_not_quoted_against_the_other_side(runner: CliRunner, tmp_path: Path) -> None:
    """Four buyers who never waited, each a 30-minute service alone in a
    15-minute window (pressure 0.00; 2.00 when one's own work counted):
    collecting (0.70) is named, as the handful counts as calm, and the note
    says so rather than 'named for its pressure: 0.71 against 2.00 (more than
    20% apart)' (a third trial)."""
    path = tmp_path / "quiet.yaml"
    path.write_text(_QUIET_HANDFUL, encoding="utf-8")
    result = runner.invoke(app, ["run", str(path)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "Greater demand for collecting tickets"
    assert "against 0.00" not in result.stdout
    said = " ".join(result.stdout.split())
    assert "Selling had only 4 customers (p95 wait 0.00 min, pressure 0.00)" in said
    assert "Look at them" not in said  # they never waited
    assert "Collecting is named for its pressure (0.70, with selling's handful taken for calm)" in said


_VIP_DESK = """\
name: VIP slow desk
seed: 1
selling: {counters: 3, arrivals: {rate_per_hour: 80}, service_minutes: {distribution: exponential, mean: 2}}
collecting:
  counters: 1
  arrivals: {profile: [{from: "18:00", to: "18:30", rate_per_hour: 10}]}
  service_minutes: {distribution: fixed, value: 40}
"""


def test_a_side_named_for_failures_is_not_compared_with_a_handful_s_waits(runner: CliRunner, tmp_path: Path) -> None:
    """Selling fails a quarter of 1,300 buyers; four VIP holders wait 106
    minutes (p95). Selling is named for its failures; the note had added
    'Its waits point the same way (23.26 min against 106.18)'. The VIPs are
    now said to be too few to weigh, and worth a look on their own."""
    path = tmp_path / "vip.yaml"
    path.write_text(_VIP_DESK, encoding="utf-8")
    result = runner.invoke(app, ["run", str(path)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "Greater demand for selling tickets"
    assert "Selling is named for the customers it failed" in result.stdout
    assert "point the same way" not in result.stdout
    said = " ".join(result.stdout.split())
    assert "Collecting had only 4 customers" in said
    assert "could name it. Look at them on their own." in said


@pytest.mark.parametrize(
    ("name", "verdict"),
    [
        ("balanced-day", "Balanced"),
        ("tarantino-announced", "Greater demand for selling tickets"),
        ("premiere-night", "Greater demand for collecting tickets"),
    ],
)
def test_run_json_bundled_verdicts(runner: CliRunner, name: str, verdict: str) -> None:
    assert _json(runner, name)["verdict"] == verdict


def test_run_json_follows_contract(runner: CliRunner) -> None:
    data = _json(runner, "balanced-day")
    assert {"scenario", "seed", "hours", "verdict", "sides"} <= set(data)
    assert (data["scenario"], data["seed"], data["hours"]) == ("Balanced day", 42, 16)
    for side in ("selling", "collecting"):
        block = data["sides"][side]
        assert set(block) >= CONTRACT_SIDE_KEYS
        assert set(block["wait_minutes"]) >= {"mean", "p50", "p95", "p99", "max"}
        assert set(block["queue_length"]) >= {"mean", "max"}
        assert isinstance(block["queue_length"]["max"], int)
        assert block["arrived"] == block["served"] == 1000
        row = block["hourly"][0]
        assert set(row) >= {"hour", "arrived", "served", "mean_wait_minutes", "max_queue"}
        assert sum(r["arrived"] for r in block["hourly"]) == 1000


def test_run_json_is_byte_identical_for_same_seed(runner: CliRunner) -> None:
    first = runner.invoke(app, ["run", "premiere-night", "--json", "--seed", "9"])
    second = runner.invoke(app, ["run", "premiere-night", "--json", "--seed", "9"])
    assert first.stdout == second.stdout
    third = runner.invoke(app, ["run", "premiere-night", "--json", "--seed", "10"])
    assert third.stdout != first.stdout
    assert json.loads(third.stdout)["seed"] == 10


def test_run_sellers_rescales_selling_only(runner: CliRunner) -> None:
    """--sellers changes the selling block; the collecting block, hourly included, is identical."""
    base = _json(runner, "tarantino-announced")
    scaled = _json(runner, "tarantino-announced", "--sellers", "5")
    assert scaled["sides"]["collecting"] == base["sides"]["collecting"]
    assert scaled["sides"]["selling"]["counters"] == 5
    assert scaled["sides"]["selling"]["arrived"] == base["sides"]["selling"]["arrived"]
    assert scaled["sides"]["selling"]["wait_minutes"]["mean"] < base["sides"]["selling"]["wait_minutes"]["mean"]
    assert scaled["verdict"] == "Balanced"


def test_run_collectors_rescales_collecting_only(runner: CliRunner) -> None:
    base = _json(runner, "premiere-night")
    scaled = _json(runner, "premiere-night", "--collectors", "5")
    assert scaled["sides"]["selling"] == base["sides"]["selling"]
    assert scaled["verdict"] == "Balanced"


def test_run_accepts_a_path(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(scenario_dict()), encoding="utf-8")
    data = _json(runner, str(path))
    assert data["scenario"] == "Test day"


def test_validate_ok(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "premiere-night"])
    assert result.exit_code == 0
    assert result.stdout.startswith("valid: premiere-night: Premiere night")
    assert "invalid" not in result.stdout


@pytest.mark.parametrize(("rows", "said"), [("1\n", "(1 timestamp)"), ("1\n2\n", "(2 timestamps)")])
def test_validate_counts_a_traces_timestamps_in_words(runner: CliRunner, tmp_path: Path, rows: str, said: str) -> None:
    """A trace of one arrival read "(1 timestamps)" (a trial)."""
    (tmp_path / "t.csv").write_text(f"at_minute\n{rows}", encoding="utf-8")
    day = scenario_dict(**{"selling.arrivals": {"trace": "t.csv"}})
    (tmp_path / "day.yaml").write_text(yaml.safe_dump(day), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(tmp_path / "day.yaml")])
    assert result.exit_code == 0, result.output
    assert f"trace t.csv {said}" in " ".join(result.output.split())


def test_a_sparkline_says_its_last_part_holds_the_rest_of_a_long_overtime(runner: CliRunner, tmp_path: Path) -> None:
    """3,000 buyers at one counter in 4 hours: some 100 hours of overtime, whose
    later hours the last hourly row holds. The selling sparkline read "(3 h
    each)" of that last part too (a trial); the collectors' ends with the doors."""
    path = tmp_path / "swamp.yaml"
    day = scenario_dict(**{"selling.arrivals": {"total": 3000}, "selling.service_minutes.mean": 2})
    path.write_text(yaml.safe_dump({**day, "hours": 4}), encoding="utf-8")
    data = _json(runner, str(path))
    assert data["sides"]["selling"]["hourly"][-1]["until_end"]
    result = runner.invoke(app, ["run", str(path)], env={"COLUMNS": "400"})
    (line,) = [row for row in result.stdout.splitlines() if "line by hour" in row]
    _, _, selling, collecting, _ = line.split("│")
    assert "(3 h each, the last with the rest of the overtime)" in selling
    assert collecting.strip().endswith("(3 h each)")


@pytest.mark.parametrize(
    ("collectors_total", "said"),
    [
        (0, "Neither side had customers at its counters: nothing to weigh, so both count as calm."),
        (5, "Both sides had only a handful of customers (selling none; collecting 5: p95 wait"),
    ],
)
def test_a_side_without_customers_is_said_to_have_none(
    runner: CliRunner, tmp_path: Path, collectors_total: int, said: str
) -> None:
    """Two empty sides read "Both sides had only a handful of customers (selling
    0: p95 wait 0.00 min, pressure 0.00 ...)", where one empty side alone reads
    "had no customers at its counters" (a trial): none has no waits to give."""
    path = tmp_path / "empty.yaml"
    day = scenario_dict(**{"selling.arrivals": {"total": 0}, "collecting.arrivals": {"total": collectors_total}})
    path.write_text(yaml.safe_dump(day), encoding="utf-8")
    result = runner.invoke(app, ["run", str(path)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert said in result.stdout
    assert "selling 0:" not in result.stdout


def test_the_hourly_legend_says_overtime_hours_have_no_point(runner: CliRunner) -> None:
    """Overtime rows leave the point column empty, and the legend said nothing of it."""
    shown = runner.invoke(app, ["run", "tarantino-announced"], env={"COLUMNS": "400"}).stdout
    overtime = [line for line in shown.splitlines() if line.strip().startswith("00:00 +")]
    assert overtime
    assert overtime[0].rstrip().endswith("0")  # the fail column last: no point
    assert (
        "point: the verdict's rule on the customers in line at some moment of that hour, whenever they came;"
        " none after the doors closed (the day's verdict weighs those)"
    ) in shown


_WALK_AFTER_SALE = """\
name: walk after the sale
seed: 5
opens: "18:00"
hours: 8
showtimes:
  - {film: Small Room, starts: "18:00", seats: 20}
  - {film: Hit Film, starts: "20:00", seats: 120}
  - {film: Hit Film, starts: "20:25", seats: 120}
  - {film: Hit Film, starts: "20:50", seats: 120}
linked: {walk_minutes: 8, online_share: 0.3, party_sizes: {1: 0.3, 2: 0.4, 4: 0.3},
  lead_minutes: {distribution: uniform, low: 0, high: 20}}
selling: {counters: 1, arrivals: {rate_per_hour: 90}, service_minutes: {distribution: exponential, mean: 0.8},
  balk_at_line: 10}
collecting: {counters: 1, service_minutes: {distribution: exponential, mean: 0.6},
  patience_minutes: {distribution: exponential, mean: 20}}
"""


def test_holders_who_came_after_their_film_began_have_a_column(runner: CliRunner, tmp_path: Path) -> None:
    """Holders who reach collection after their film began (an 8-minute walk from
    a last-minute sale) are not the collectors' failure, and were in no table
    (a trial); the showings table has them in an "after start" column, as JSON's
    ``arrived_after_start``, wherever a showing has any."""
    path = tmp_path / "walk.yaml"
    path.write_text(_WALK_AFTER_SALE, encoding="utf-8")
    after = {showing["starts"]: showing["arrived_after_start"] for showing in _json(runner, str(path))["showings"]}
    assert after["20:00"] > 0
    shown = runner.invoke(app, ["run", str(path)], env={"COLUMNS": "200"}).stdout
    assert "late   after start   film" in shown
    (row,) = [line for line in shown.splitlines() if line.strip().startswith("20:00") and "Hit Film" in line]
    assert row.split()[-3] == f"{after['20:00']:,}"
    plain = runner.invoke(app, ["run", "opening-weekend"], env={"COLUMNS": "200"}).stdout
    assert "after start" not in plain
    # At 80 columns the extra column left no room for the films, and rich dropped
    # them without a word (a trial): the showings then come as lines, films named.
    narrow = runner.invoke(app, ["run", str(path)], env={"COLUMNS": "80"}).stdout
    assert "  20:00 Hit Film: 120 seats," in narrow
    assert "Small Room" in narrow
    wide_enough = runner.invoke(app, ["run", "opening-weekend"], env={"COLUMNS": "80"}).stdout
    assert "late   film" in wide_enough  # a table still where the films fit
    # Tickets are counted apart from the parties that bought them, and the turned away are of those
    # parties ("569 sold to 588 would-be buyers; 177 turned away" mixed them, a trial).
    tickets = _json(runner, "opening-weekend")["tickets"]
    assert (
        f"to {tickets['buyers']:,} would-be buyers, each buying for a party ({tickets['buyers_online']:,} online);"
        f" {tickets['turned_away']:,} of them turned away" in " ".join(wide_enough.split())
    )


def test_validate_groups_the_thousands_of_big_numbers(runner: CliRunner, tmp_path: Path) -> None:
    """Rates, counter counts and a note's amounts group their thousands as the
    reports do (a trial read 'Poisson 60000/hour', '1500 from 08:00' and
    '6e+04 counters' worth of work')."""
    path = tmp_path / "big.yaml"
    day = scenario_dict(**{"selling.arrivals": {"rate_per_hour": 60_000}, "selling.service_minutes.mean": 120})
    day["selling"]["counters"] = [{"from": "08:00", "count": 1_500}, {"from": "09:00", "count": 2_000}]
    path.write_text(yaml.safe_dump(day), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())
    assert "Poisson 60,000/hour" in shown
    assert "1,500 from 08:00, 2,000 from 09:00" in shown
    assert "and 120,000 counters' worth of work against 2,000" in shown


def test_validate_reports_every_problem_at_once(runner: CliRunner, tmp_path: Path) -> None:
    """Keys left empty, an unreadable trace and each key the model refuses: one
    line each, in one go, so a user fixes the file in one pass."""
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: ''\nhours: 30\ndescription:\n"
        "selling: {counters: 0, arrivals: {trace: nothere.csv}, service_minutes: {distribution: fixed, value: 1}}\n"
        "collecting: {counters: 2, arrivals: {total: 5}, service_minutes: {distribution: fixed, value: -1}, oops: 3}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    expected = [
        "description: has no value",
        "selling.arrivals.trace:",
        "name: String should have at least 1 character",
        "hours: Input should be less than or equal to 24",
        "selling.counters:",
        "collecting.service_minutes.value:",
        "collecting.oops: unknown key",
    ]
    assert len(lines) == len(expected)
    for line, fragment in zip(lines, expected, strict=True):
        assert line.startswith(f"theater-sim: error: {path}: {fragment}"), line
    assert result.stdout == ""


def test_scenarios_lists_bundled(runner: CliRunner) -> None:
    result = runner.invoke(app, ["scenarios"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in result.stdout.splitlines() if "│" in line]
    named = {row[0]: row[1] for row in rows if row[0]}
    # Every bundled scenario is listed under its title: none is "invalid" with an error instead.
    assert named == {name: load_scenario(name)[0].name for name in bundled_scenarios()}


@pytest.mark.parametrize("command", ["run", "validate"])
@pytest.mark.parametrize(("case_id", "text", "fragments", "files"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_file_exits_2_with_message(
    runner: CliRunner,
    tmp_path: Path,
    command: str,
    case_id: str,
    text: str,
    fragments: list[str],
    files: dict[str, str],
) -> None:
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, [command, str(path)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert str(path) in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["run", "no-such-scenario"],
        ["run", "."],
        ["run", "balanced-day", "--sellers", "0"],
        ["run", "balanced-day", "--sellers", "-1"],
        ["run", "balanced-day", "--collectors", "0"],
        ["run", "balanced-day", "--sellers", "10001"],
        ["run", "balanced-day", "--sellers", "two"],
        ["run", "balanced-day", "--seed", "-5"],
        ["run", "balanced-day", "--frobnicate"],
        ["run"],
    ],
)
def test_bad_command_line_exits_2(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_missing_file_message_names_it(runner: CliRunner) -> None:
    result = runner.invoke(app, ["run", "nowhere/day.yaml"])
    assert result.exit_code == 2
    assert "nowhere/day.yaml: no such file" in result.stderr


def test_python_dash_m_runs(tmp_path: Path) -> None:
    """The module entry point works from any folder (bundled names resolve)."""
    done = subprocess.run(
        [sys.executable, "-m", "theater_sim", "run", "balanced-day", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["verdict"] == "Balanced"


def test_hours_both_sides_were_swamped_are_said_not_left_as_no_hour(runner: CliRunner, tmp_path: Path) -> None:
    """Two sides swamped alike: every open hour is Balanced by the rule (neither
    clearly worse), yet both failed most of those in line. The table marked
    those hours 'both' while the line under it said 'selling in no hour;
    collecting in no hour' and JSON's pressure_hours was empty (a trial): read
    as no pressure. Now both say when both were short of counters."""
    path = tmp_path / "both.yaml"
    swamped = {"arrivals": {"total": 2000}, "service_minutes": {"distribution": "exponential", "mean": 1}}
    day = scenario_dict(hours=4, selling=dict(swamped, counters=1), collecting=dict(swamped, counters=1))
    path.write_text(yaml.safe_dump(day), encoding="utf-8")
    data = _json(runner, str(path))
    assert data["verdict"] == "Balanced"
    assert data["pressure_hours"] == {"selling": [], "collecting": [], "both": ["08:00-12:00"]}
    text = " ".join(runner.invoke(app, ["run", str(path)]).stdout.split())
    assert (
        "Pressure point by hour: selling in no hour; collecting in no hour; both short of counters in 08:00-12:00."
        in text
    )
    calm = _json(runner, "balanced-day")
    assert calm["pressure_hours"]["both"] == []


@pytest.mark.parametrize("name", ["announcement-rush", "opening-weekend", "autoscale"])
def test_day_scenarios_run_with_new_sections(runner: CliRunner, name: str) -> None:
    result = runner.invoke(app, ["run", name])
    assert result.exit_code == 0, result.output
    assert "Showings" in result.stdout
    assert "Pressure point by hour" in result.stdout
    data = _json(runner, name)
    assert set(data["sides"]["selling"]) >= CONTRACT_SIDE_KEYS
    assert len(data["hourly_verdicts"]) == 14
    hour_keys = {"counters_on_duty", "balked", "reneged", "pressure", "clock"}
    assert set(data["sides"]["collecting"]["hourly"][0]) >= hour_keys
    for side in data["sides"].values():
        assert side["arrived"] == side["served"] + side["balked"] + side["reneged"] + side["still_in_line"]


def test_autoscale_report_lists_counter_changes_and_saves_counter_hours(runner: CliRunner) -> None:
    result = runner.invoke(app, ["run", "autoscale"])
    assert "Counter changes" in result.stdout
    assert "autoscale: line stayed long" in result.stdout
    scaled = _json(runner, "autoscale")
    fixed = _json(runner, "autoscale", "--sellers", "4", "--collectors", "4")
    cost = sum(side["counter_hours"] for side in scaled["sides"].values())
    fixed_cost = sum(side["counter_hours"] for side in fixed["sides"].values())
    assert cost < fixed_cost


def test_trace_scenario_replays_file(runner: CliRunner, tmp_path: Path) -> None:
    """A trace path is relative to the scenario file; clock times map to minutes after opening."""
    (tmp_path / "arrivals.csv").write_text("at,who\n08:00:30,a\n08:10,b\n08:10,c\n09:59:59,d\n", encoding="utf-8")
    data = scenario_dict(**{"selling.arrivals": {"trace": "arrivals.csv"}})
    path = tmp_path / "trace-day.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    elsewhere = runner.invoke(app, ["run", str(path), "--json"])
    assert elsewhere.exit_code == 0, elsewhere.output
    selling = json.loads(elsewhere.stdout)["sides"]["selling"]
    assert selling["arrived"] == 4
    assert [row["arrived"] for row in selling["hourly"]][:2] == [3, 1]


def test_control_characters_in_names_are_made_visible(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "ansi.yaml"
    path.write_text(yaml.safe_dump(scenario_dict(name="evil \x1b[31mred\u202e")), encoding="utf-8")
    result = runner.invoke(app, ["run", str(path)])
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
    assert "\u202e" not in result.stdout
    assert "\\u001b" in result.stdout


def test_readme_example_is_what_the_tool_prints() -> None:
    """Every line of README.md's example (except the '...' cuts) is in the real output."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("```text\nTarantino announced")
    block = readme[start + len("```text\n") : readme.index("```", start + 8)]
    wide = CliRunner(env={"COLUMNS": "110", "NO_COLOR": "1", "TERM": "dumb"})
    printed = {line.rstrip() for line in wide.invoke(app, ["run", "tarantino-announced"]).stdout.splitlines()}
    shown = [line.rstrip() for line in block.splitlines() if line.strip() and line.strip() != "..."]
    assert [line for line in shown if line not in printed] == []


@pytest.mark.parametrize(
    "args",
    [
        ["opening-weekend", "--sellers", "7", "--collectors", "3"],
    ],
)
def test_a_busier_side_nobody_queued_at_is_not_named(runner: CliRunner, args: list[str]) -> None:
    """Collecting meets the higher pressure here, but its p95 wait is under a minute:
    the day is Balanced, and the report says why (and JSON carries the rule's setting)."""
    data = _json(runner, *args)
    collecting, selling = data["sides"]["collecting"], data["sides"]["selling"]
    assert collecting["pressure"] > 1.2 * selling["pressure"]
    assert collecting["wait_minutes"]["p95"] <= data["calm_wait_minutes"] == 1.0
    assert data["verdict"] == "Balanced"
    text = runner.invoke(app, ["run", *args], env={"COLUMNS": "400"}).stdout
    assert "Collecting met the higher pressure, but 95% of its customers waited at most" in text


@pytest.mark.parametrize("name", ["eventual-consistency", "opening-weekend", "balanced-day"])
def test_readme_json_contract_names_every_key_run_prints(runner: CliRunner, name: str) -> None:
    """Every key `run --json` prints (top level, a side, an hourly row, a showing,
    the tickets) is named in README's JSON contract block, so the block cannot
    fall behind the data again (a new user found five keys missing)."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("`run --json` prints:") : readme.index("Each showing counts tickets")]
    data = _json(runner, name)
    named = set(re.findall(r'"(\w+)"', block))
    printed = set(data)
    for side in data["sides"].values():
        printed |= set(side) | {key for row in side["hourly"] for key in row}
    printed |= {key for showing in data["showings"] for key in showing} | set(data["tickets"] or {})
    projection_rows = {"unlisted_backlog", "stale_reads"}  # the collecting rows of a projection day
    assert printed - named - projection_rows == set()


def test_a_side_with_no_customers_beside_one_named_for_failures_does_not_crash(
    runner: CliRunner, tmp_path: Path
) -> None:
    """No buyers at all (total: 0) while collecting fails many holders: the
    note had divided by the buyers (ZeroDivisionError, exit 1)."""
    path = tmp_path / "empty.yaml"
    path.write_text(
        "name: no buyers\n"
        "selling: {counters: 1, arrivals: {total: 0}, service_minutes: {distribution: fixed, value: 1}}\n"
        "collecting: {counters: 2, arrivals: {rate_per_hour: 130}, service_minutes: {distribution: exponential,"
        " mean: 1}}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["run", str(path)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "Greater demand for collecting tickets"
    assert "against no buyers at the selling counters" in " ".join(result.stdout.split())


def test_a_one_minute_day_runs_with_the_default_window(runner: CliRunner, tmp_path: Path) -> None:
    """README allows a day of one minute; it was refused for the verdict's
    default 15-minute window, a key the user never wrote (a trial). The
    default window on a shorter day is the whole day; a window the user asks
    for that does not fit is still refused."""
    path = tmp_path / "minute.yaml"
    side = "{counters: 1, arrivals: {total: 5}, service_minutes: {distribution: exponential, mean: 0.1}}"
    path.write_text(f"name: one minute\nhours: 0.017\nselling: {side}\ncollecting: {side}\n", encoding="utf-8")
    data = _json(runner, str(path))
    assert data["verdict"] in VERDICTS
    assert len(data["sides"]["selling"]["window_pressure"]) == 1
    path.write_text(path.read_text(encoding="utf-8") + "verdict: {window_minutes: 15}\n", encoding="utf-8")
    result = runner.invoke(app, ["run", str(path)])
    assert result.exit_code == 2
    assert "verdict.window_minutes: 15 is longer than the day (1.02 minutes)" in result.stderr


def test_a_day_shorter_than_the_window_names_its_own_length(runner: CliRunner, tmp_path: Path) -> None:
    """A 6-minute day is one pressure window of 6 minutes: the summary said
    "busiest 15-min window  08:00-08:06" and the rule "each 15-minute window"."""
    path = tmp_path / "six.yaml"
    side = "{counters: 1, arrivals: {total: 20}, service_minutes: {distribution: exponential, mean: 0.2}}"
    path.write_text(f"name: six minutes\nhours: 0.1\nselling: {side}\ncollecting: {side}\n", encoding="utf-8")
    result = runner.invoke(app, ["run", str(path)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.stderr
    assert "busiest 6-min window" in result.stdout
    assert "each 6-minute window" in result.stdout
    assert "15-min" not in result.stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["run", "balanced-day", "--sellers", "0"], "--sellers 0: must lie within 1..10,000"),
        (["run", "balanced-day", "--collectors", "10001"], "--collectors 10001: must lie within 1..10,000"),
        (["watch", "balanced-day", "--sellers", "0"], "--sellers 0: must lie within 1..10,000"),
        (["run", "eventual-consistency", "--projectors", "0"], "--projectors 0: must lie within 1..1,000"),
    ],
)
def test_a_count_out_of_range_gives_its_range_as_sweep_does(runner: CliRunner, args: list[str], said: str) -> None:
    """run said "Input should be greater than or equal to 1 (got 0)" where sweep
    and --replications say the range (a new user's trial)."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr == f"theater-sim: error: {said}\n"


def test_showtimes_nothing_uses_leave_the_day_without_films(runner: CliRunner, tmp_path: Path) -> None:
    """Showtimes listed on a day that neither links sales nor brings holders by
    showtime are unused (a note says so); the report still showed a "missed
    film start" row, a showings table, and counted "parties of holders" (a trial)."""
    path = tmp_path / "unused.yaml"
    side = "counters: 1, arrivals: {rate_per_hour: 30}, service_minutes: {distribution: exponential, mean: 1}"
    path.write_text(
        f"name: unused\nshowtimes: [{{film: A, starts: '20:00', seats: 100}}]\n"
        f"selling: {{{side}}}\ncollecting: {{{side}}}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["run", str(path)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.stderr
    assert "showtimes are listed but unused" in result.stderr
    assert "missed film start" not in result.stdout
    assert "parties of holders" not in result.stdout
    assert _json(runner, str(path))["showings"] == []


_BOTH_FINE = """\
name: Both fine
seed: 5
hours: 4
selling: {counters: 2, arrivals: {rate_per_hour: 60}, service_minutes: {distribution: exponential, mean: 1.5}}
collecting: {counters: 2, arrivals: {rate_per_hour: 60}, service_minutes: {distribution: exponential, mean: 0.5}}
"""


def test_a_side_named_on_a_day_that_failed_nobody_is_not_read_as_short(runner: CliRunner, tmp_path: Path) -> None:
    """Selling is named (its waits and pressure) on a day where nobody on either
    side was failed (the longest wait 6.4 min): a manager read such a verdict as a
    call for counters (a trial). The note says neither side is short; a day whose
    named side failed customers has no such note."""
    path = tmp_path / "fine.yaml"
    path.write_text(_BOTH_FINE, encoding="utf-8")
    data = _json(runner, str(path))
    assert data["verdict"] == "Greater demand for selling tickets"
    assert data["sides"]["selling"]["failed"] == data["sides"]["collecting"]["failed"] == 0
    said = " ".join(runner.invoke(app, ["run", str(path)], env={"COLUMNS": "400"}).stdout.split())
    assert "Neither side is short of counters: nobody was failed" in said
    assert "not that one is needed." in said
    busy = " ".join(runner.invoke(app, ["run", "tarantino-announced"], env={"COLUMNS": "400"}).stdout.split())
    assert "Neither side is short" not in busy


def test_a_bundled_name_beside_a_file_of_that_name_says_which_it_ran(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A manager edited a copy, balanced-day.yaml, and typed `run balanced-day`: the
    bundled day ran without a word (a trial). It still runs (bundled names are
    written bare), and a note on stderr names the file it did not read."""
    (tmp_path / "balanced-day.yaml").write_text(yaml.safe_dump(scenario_dict(name="Mine")), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["run", "balanced-day", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["scenario"] == "Balanced day"
    assert "note: balanced-day is the bundled scenario; balanced-day.yaml in this folder is not read" in result.stderr
    mine = runner.invoke(app, ["run", "balanced-day.yaml", "--json"])
    assert json.loads(mine.stdout)["scenario"] == "Mine"
    assert "bundled" not in mine.stderr


@pytest.mark.parametrize(
    ("opens", "hours", "said"),
    [
        ("10:00", 8, "doors open 10:00 to 18:00"),
        ("08:00", 16, "doors open 08:00 to midnight"),
        ("18:00", 8, "doors open 18:00 to 02:00 next day"),
        ("00:00", 24, "doors open 00:00 to midnight"),
        ("08:00", 24, "doors open 08:00 to 08:00 next day"),
    ],
)
def test_the_opening_hours_say_when_closing_is_past_midnight(opens: str, hours: float, said: str) -> None:
    """A 24-hour day from midnight read 'doors open 00:00 to 00:00' (a trial)."""
    from theater_sim.model.scenario import Scenario
    from theater_sim.views.formatting import doors_open

    assert doors_open(Scenario.model_validate(scenario_dict(opens=opens, hours=hours))) == said


def test_a_run_s_heading_names_the_counts_asked_for(runner: CliRunner) -> None:
    """Under --sellers 5 the scenario's description still speaks of "the one
    selling counter" (as written; a new user read it as stale): the heading
    names the counts the run was given."""
    shown = runner.invoke(app, ["run", "tarantino-announced", "--sellers", "5"], env={"COLUMNS": "200"}).stdout
    assert shown.startswith("Tarantino announced  (tarantino-announced --sellers 5, seed 42,")
    plain = runner.invoke(app, ["run", "tarantino-announced"], env={"COLUMNS": "200"}).stdout
    assert plain.startswith("Tarantino announced  (tarantino-announced, seed 42,")


def test_a_busiest_window_of_one_customer_says_so(runner: CliRunner, tmp_path: Path) -> None:
    """Pressure as met counts the work of the others in a customer's window, so
    a handful of 20-minute services each alone in its window meets 0.00, while
    the busiest window (all its work) reads 3.80: the row says when that is one
    customer's own service (a trial read the two as a slip)."""
    path = tmp_path / "handful.yaml"
    path.write_text(
        "name: Handful\nhours: 8\n"
        "selling: {counters: 1, arrivals: {total: 12}, service_minutes: {distribution: exponential, mean: 20}}\n"
        "collecting: {counters: 1, arrivals: {rate_per_hour: 40},"
        " service_minutes: {distribution: exponential, mean: 1}}\n",
        encoding="utf-8",
    )
    data = _json(runner, str(path))
    assert data["sides"]["selling"]["busiest_window"]["arrived"] == 1
    assert data["sides"]["selling"]["pressure"] == 0.0
    shown = " ".join(runner.invoke(app, ["run", str(path)], env={"COLUMNS": "200"}).stdout.split())
    assert "(one customer's own service)" in shown
    assert shown.count("(one customer's own service)") == 1  # not collecting's, of many
