"""Runs that would not fit the machine are refused before they start."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from theater_sim.input.loading import load_scenario
from theater_sim.model.errors import ScenarioError
from theater_sim.planning.resources import (
    BASE_BYTES,
    BYTES_PER_CUSTOMER,
    BYTES_PER_LINKED_CUSTOMER,
    BYTES_PER_PATIENT_CUSTOMER,
    day_bytes,
    parse_bytes,
)
from theater_sim.views.cli import app


@pytest.mark.parametrize(
    ("text", "size"),
    [("2GiB", 2 * 2**30), ("500MB", 500 * 10**6), ("4g", 4 * 10**9), ("1024", 1024), (" 1.5 GiB ", 3 * 2**29)],
)
def test_sizes(text: str, size: int) -> None:
    assert parse_bytes(text) == size


@pytest.mark.parametrize("text", ["lots", "", "-1GB", "0", "2XB", "nan"])
def test_bad_sizes(text: str) -> None:
    with pytest.raises(ScenarioError):
        parse_bytes(text)


def test_the_estimate_counts_both_sides_customers() -> None:
    scenario, _ = load_scenario("balanced-day")  # 1,000 customers a side
    assert day_bytes(scenario) == BASE_BYTES + BYTES_PER_CUSTOMER * 2000
    linked, _ = load_scenario("opening-weekend")  # sales, seats and holders weigh more a customer
    customers = 2 * linked.expected_arrivals("selling")  # both sides patient: a timer each while in line
    expected = BASE_BYTES + (BYTES_PER_LINKED_CUSTOMER + BYTES_PER_PATIENT_CUSTOMER) * customers
    assert day_bytes(linked) == int(expected)


def test_patience_adds_a_timer_a_customer() -> None:
    """2 million customers in line at once at one counter peaked at 283 MiB, and
    854 MiB when they could give up (SimPy keeps a timer for each): the
    estimate adds BYTES_PER_PATIENT_CUSTOMER for each customer of a patient
    side, and stays above what was measured."""
    from theater_sim.model.scenario import Scenario

    scenario, _ = load_scenario("balanced-day")
    data = scenario.model_dump(by_alias=True, exclude_unset=True)
    data["selling"].update(counters=1, arrivals={"total": 2_000_000})
    data["collecting"].update(arrivals={"total": 10})
    plain = Scenario.model_validate(data)
    data["selling"]["patience_minutes"] = {"distribution": "exponential", "mean": 1440}
    patient = Scenario.model_validate(data)
    assert day_bytes(patient) - day_bytes(plain) == BYTES_PER_PATIENT_CUSTOMER * 2_000_000
    assert day_bytes(plain) > 283 * 2**20
    assert day_bytes(patient) > 854 * 2**20


def test_the_estimate_counts_the_turns_away_a_retry_day_may_make() -> None:
    """A projector that turns holders away adds the most turns the day may make
    before it stops (1,000 a holder on average, 5 million in all), at 64 bytes
    a turn; checking the ledger instead adds none (the trial's 650 MB day had
    been estimated at 208 MiB)."""
    from theater_sim.model.limits import MAX_TURNED_AWAY, TURNED_AWAY_PER_HOLDER
    from theater_sim.model.scenario import Scenario
    from theater_sim.planning.resources import BYTES_PER_TURN_AWAY

    scenario, _ = load_scenario("eventual-consistency")
    data = scenario.model_dump(mode="python", by_alias=True, exclude_unset=True)
    data["projection"]["stale_reads"] = "read_your_writes"
    checked = Scenario.model_validate(data)
    holders = scenario.expected_arrivals("selling")
    turns = min(MAX_TURNED_AWAY, TURNED_AWAY_PER_HOLDER * holders)
    assert abs(day_bytes(scenario) - day_bytes(checked) - BYTES_PER_TURN_AWAY * turns) <= 1  # int() rounding


def test_a_ten_million_customer_day_is_refused_under_a_small_limit(runner: CliRunner, tmp_path: Path) -> None:
    """10M arrivals at one counter peak at about 1.1 GiB (measured), estimated
    1.6 GiB: under --max-memory 1GiB the run is refused at once (it used to
    spin for minutes under a small cap and die)."""
    path = tmp_path / "big.yaml"
    path.write_text(
        "name: big\n"
        "selling: {counters: 1, arrivals: {total: 10000000}, service_minutes: {distribution: exponential, mean: 1}}\n"
        "collecting: {counters: 1, arrivals: {total: 10}, service_minutes: {distribution: fixed, value: 1}}\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    result = runner.invoke(app, ["run", str(path), "--max-memory", "1GiB"])
    assert time.monotonic() - started < 2
    assert result.exit_code == 2
    assert "may need about 1.6 GiB of memory, over the limit of 1.0 GiB" in result.stderr
    assert "--max-memory" in result.stderr


def test_workers_running_at_once_add_up(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["sweep", "balanced-day", "--sellers", "1:4", "--workers", "4", "--max-memory", "400MiB", "--quiet"]
    )
    assert result.exit_code == 2
    assert "(4 days at once)" in result.stderr
