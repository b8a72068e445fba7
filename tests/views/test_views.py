"""Seeing the day: plots, CSV exports, the live view, sparklines and the schema."""

from __future__ import annotations

import asyncio
import builtins
import csv
import json
import math
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from theater_sim.analysis.day_data import day_data
from theater_sim.analysis.live import play
from theater_sim.analysis.measured_day import run_day, summarise_day
from theater_sim.analysis.verdict import Verdict
from theater_sim.engine.simulation import simulate_side
from theater_sim.input.loading import bundled_scenarios, load_scenario
from theater_sim.model.scenario import scenario_json_schema
from theater_sim.views.cli import app
from theater_sim.views.exports import CUSTOMER_COLUMNS, HOURLY_COLUMNS
from theater_sim.views.formatting import sparkline

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG header (and the file must open as an image)."""
    import matplotlib.image

    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    pixels = matplotlib.image.imread(path)
    height, width = pixels.shape[:2]
    return width, height


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_run_plot_writes_a_plausible_png(runner: CliRunner, tmp_path: Path, name: str) -> None:
    out = tmp_path / f"{name}.png"
    result = runner.invoke(app, ["run", name, "--plot", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    # A day with a projection has a fourth panel (between the models), so a taller figure.
    assert _png_size(out) == ((1100, 1150) if name == "eventual-consistency" else (1100, 900))
    assert out.stat().st_size > 30_000  # three panels of lines and points, not an empty canvas


def test_a_plot_hatches_the_spans_a_side_was_closed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A schedule period of count 0 (lunch-closure's sellers, 12:00-13:00) is
    hatched in the side's colour on the line panel, and labelled: the line
    that grows there waits for the reopening. A side never closed has none."""
    from theater_sim.views import plotting

    hatched: list[tuple[str, float, float]] = []
    real = plotting._mark_closures

    def recording(axes: Any, side: Any, colour: str, name: str) -> None:
        patches, texts = len(axes.patches), len(axes.texts)
        real(axes, side, colour, name)
        drawn = axes.patches[patches:]  # what was drawn, in hours on the clock axis
        assert all(patch.get_hatch() == "//" for patch in drawn)
        hatched.extend((name, patch.get_x() * 60, (patch.get_x() + patch.get_width()) * 60) for patch in drawn)
        assert [text.get_text() for text in axes.texts[texts:]] == [f"{name}\nclosed"] * len(drawn)

    monkeypatch.setattr(plotting, "_mark_closures", recording)
    result = CliRunner().invoke(app, ["run", "lunch-closure", "--plot", str(tmp_path / "day.png"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert hatched == [("selling", 120.0, 180.0)]


_CLOSED_TWO_HOURS = """\
name: closed two hours
seed: 3
opens: "10:00"
hours: 6
selling:
  counters: [{from: "10:00", count: 2}, {from: "12:00", count: 0}, {from: "14:00", count: 2}]
  arrivals: {rate_per_hour: 40}
  service_minutes: {distribution: exponential, mean: 2}
  patience_minutes: {distribution: fixed, value: 1}
collecting: {counters: 1, arrivals: {rate_per_hour: 10}, service_minutes: {distribution: exponential, mean: 1}}
"""


def test_the_hourly_wait_bars_stand_only_over_hours_with_served_arrivals(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The bar of an hour's mean wait averages its served arrivals: an hour whose
    buyers all walked away (the sellers closed, patience of a minute) drew a
    bar at 0, read as "no waiting while closed" (a trial). Bars stand over
    exactly the hours some arrival was served, as over none of the empty ones."""
    from theater_sim.views import plotting

    seen: dict[str, Any] = {}
    real_plot = plotting.plot_day

    def keep_records(records: Any, *args: Any, **kwargs: Any) -> None:
        seen["records"] = records
        real_plot(records, *args, **kwargs)

    monkeypatch.setattr(plotting, "plot_day", keep_records)
    monkeypatch.setattr(plotting, "_save", lambda figure, path, plt: seen.setdefault("figure", figure))
    path = tmp_path / "closed.yaml"
    path.write_text(_CLOSED_TWO_HOURS, encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(path), "--plot", str(tmp_path / "day.png"), "--quiet"])
    assert result.exit_code == 0, result.output
    selling = seen["records"].side("selling")
    hours_of = (selling.arrival_at_minute // 60).astype(int)
    served_hours = set(hours_of[selling.served_mask].tolist())
    assert {2, 3} <= set(hours_of.tolist()) - served_hours  # buyers came while closed; none was served
    (bars,) = [
        c
        for c in seen["figure"].axes[1].collections
        if c.get_label() == "selling: mean wait of each hour's served arrivals"
    ]
    assert {round(segment[0][0]) for segment in bars.get_segments()} == served_hours


_NIGHT_SHOWS = """\
name: night shows
seed: 5
opens: "22:00"
hours: 6
showtimes:
  - {film: A, starts: "23:00", seats: 50}
  - {film: B, starts: "23:20", seats: 50}
  - {film: C, starts: "01:00", seats: 50}
selling: {counters: 1, arrivals: {rate_per_hour: 10}, service_minutes: {distribution: exponential, mean: 1}}
collecting:
  counters: 1
  arrivals: {showtimes: {occupancy: 0.8}}
  service_minutes: {distribution: exponential, mean: 0.5}
"""


def test_showing_labels_name_their_day_and_do_not_overlap(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Labels of showings 30 minutes apart were drawn over each other ("19:00
    129 late218 late"), and one past midnight read as the first day's (a trial).
    A label close to the one before it is raised; past midnight it says +1d."""
    from theater_sim.views import plotting

    figures: list[Any] = []
    monkeypatch.setattr(plotting, "_save", lambda figure, path, plt: figures.append(figure))
    path = tmp_path / "night.yaml"
    path.write_text(_NIGHT_SHOWS, encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(path), "--plot", str(tmp_path / "day.png"), "--quiet"])
    assert result.exit_code == 0, result.output
    labels = [text for text in figures[0].axes[0].texts if text.get_text()[:2].isdigit()]
    assert [text.get_text().split("\n")[0] for text in labels] == ["23:00", "23:20", "01:00"]
    assert [text.get_text().split("\n")[1:2] == ["+1d"] for text in labels] == [False, False, True]
    heights = [text.get_position()[1] for text in labels]
    assert heights[1] > heights[0] == heights[2]  # 20 minutes after the one before: raised


def test_a_replicated_sweep_plot_says_its_values_are_means(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The heat map's title did not say its values were means of several days (a trial)."""
    from theater_sim.views import plotting

    figures: list[Any] = []
    monkeypatch.setattr(plotting, "_save", lambda figure, path, plt: figures.append(figure))
    args = [
        "sweep",
        "tarantino-announced",
        "--sellers",
        "1:2",
        "--collectors",
        "1:2",
        "--plot",
        str(tmp_path / "g.png"),
    ]
    assert runner.invoke(app, [*args, "--replications", "3", "--workers", "1", "--quiet"]).exit_code == 0
    assert runner.invoke(app, [*args, "--workers", "1", "--quiet"]).exit_code == 0
    titles = [" ".join(figure.get_suptitle().split()) for figure in figures]  # folded to the figure's width
    assert "p95_wait per staffing (means of 3 days from seed 42)" in titles[0]
    assert "p95_wait per staffing (seed 42)" in titles[1]


@pytest.mark.parametrize("axes", [["--sellers", "1:6", "--collectors", "1:3"], ["--sellers", "1:8"]])
def test_sweep_plot_writes_a_png(runner: CliRunner, tmp_path: Path, axes: list[str]) -> None:
    out = tmp_path / "grid.png"
    result = runner.invoke(app, ["sweep", "tarantino-announced", *axes, "--plot", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    width, height = _png_size(out)
    assert width >= 600
    assert height >= 400


_STEADY_DAY = """\
name: steady
seed: 7
hours: 8
selling: {counters: 6, arrivals: {rate_per_hour: 100}, service_minutes: {distribution: exponential, mean: 3}}
collecting: {counters: 7, arrivals: {rate_per_hour: 100}, service_minutes: {distribution: exponential, mean: 3}}
"""


def _relative_luminance(colour: Any) -> float:
    """WCAG 2's relative luminance of an sRGB colour."""
    from matplotlib.colors import to_rgb

    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize(
    ("scenario", "axes", "cells"),
    [
        ("steady", ["--sellers", "6,7", "--collectors", "6,7"], 4),
        ("tarantino-announced", ["--sellers", "1:6", "--collectors", "1:3"], 18),
    ],
)
def test_sweep_plot_labels_read_on_their_cells(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scenario: str, axes: list[str], cells: int
) -> None:
    """Each cell's label contrasts with the cell's own colour (WCAG contrast
    ratio of at least 3, large-text level). The labels were white wherever a
    value passed 60% of its panel's largest, which on a panel of close values
    is the palest cell: 2.98 in white on near-white (a trial, on M/M/c days)."""
    from theater_sim.views import plotting

    figures: list[Any] = []
    monkeypatch.setattr(plotting, "_save", lambda figure, path, plt: figures.append(figure))
    path = tmp_path / "steady.yaml"
    path.write_text(_STEADY_DAY, encoding="utf-8")
    source = str(path) if scenario == "steady" else scenario
    result = runner.invoke(app, ["sweep", source, *axes, "--plot", str(tmp_path / "g.png"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    (figure,) = figures
    labels = 0
    for panel in figure.axes:
        if not panel.images:
            continue  # a colour bar
        image = panel.images[0]
        for text in panel.texts:
            column, row = (round(v) for v in text.get_position())
            cell = image.cmap(image.norm(image.get_array()[row, column]))
            lighter, darker = sorted((_relative_luminance(cell), _relative_luminance(text.get_color())))[::-1]
            assert (lighter + 0.05) / (darker + 0.05) >= 3, (text.get_text(), cell, text.get_color())
            labels += 1
    assert labels == 2 * cells  # both panels


def test_sweep_plot_title_names_the_clerks(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A grid of one projectors count said nothing of the clerks its days had."""
    from theater_sim.views import plotting

    titles: list[str] = []
    saved = plotting._save

    def keep_title(figure: Any, path: Path, plt: Any) -> None:
        titles.append(figure.get_suptitle())
        saved(figure, path, plt)

    monkeypatch.setattr(plotting, "_save", keep_title)
    out = tmp_path / "grid.png"
    args = ["sweep", "eventual-consistency", "--collectors", "2:3", "--projectors", "2", "--plot", str(out)]
    result = runner.invoke(app, [*args, "--workers", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    assert [title.splitlines()[0] for title in titles] == [
        "Eventual consistency: p95_wait per staffing (seed 42, sellers: 4, 2 projector clerks)"
    ]


_BOTH_OVERLOADED = """\
name: Both overloaded, a scenario with a name long enough to run off a figure's edges
seed: 2
hours: 6
selling: {counters: 1, arrivals: {rate_per_hour: 90}, service_minutes: {distribution: exponential, mean: 1.5}}
collecting: {counters: 1, arrivals: {rate_per_hour: 80}, service_minutes: {distribution: exponential, mean: 1.5}}
"""


@pytest.mark.parametrize("axes", [["--sellers", "1:3", "--collectors", "1:3"], ["--collectors", "1:4"]])
def test_a_sweep_plot_marks_cells_as_the_table_does_and_its_title_fits(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, axes: list[str]
) -> None:
    """The table's ! (both sides short), * and (k/n) follow each verdict in the
    figure too, and the title says what they mean: a trial's figure showed a
    Balanced! cell (waits of 893 and 814 min) as a plain green B. The title is
    folded to the figure's width (a long name ran off both edges), and a line
    plot's legend sits below its axes (inside, it hid the last point)."""
    import json

    from theater_sim.views import plotting

    figures: list[Any] = []
    monkeypatch.setattr(plotting, "_save", lambda figure, path, plt: figures.append(figure))
    path = tmp_path / "both.yaml"
    path.write_text(_BOTH_OVERLOADED, encoding="utf-8")
    args = ["sweep", str(path), *axes, "--replications", "2", "--workers", "1"]
    cells = json.loads(runner.invoke(app, [*args, "--json"]).stdout)["cells"]
    result = runner.invoke(app, [*args, "--plot", str(tmp_path / "g.png"), "--quiet"])
    assert result.exit_code == 0, result.output
    (figure,) = figures
    short = [cell for cell in cells if cell["both_short"]]
    assert short, cells
    labels = [text.get_text() for axes_ in figure.axes for text in axes_.texts]
    assert sum("!" in label for label in labels) == len(short) * (2 if len(figure.axes) > 2 else 1)
    title = figure.get_suptitle()
    assert "!: both sides short of counters" in " ".join(title.split())
    limit = int(figure.get_figwidth() * 72 / (12 * 0.62))
    assert all(len(line) <= limit for line in title.splitlines()), title
    if len(figure.axes) == 1:
        assert figure.legends
        assert not figure.axes[0].get_legend()


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_customer_csv_carries_each_holder_s_sale_on_a_projection_day(runner: CliRunner, tmp_path: Path) -> None:
    """A trial could not check the stale reads from the export: it had no sale or
    listing time. Each holder's row now has them and its stale reads, which add
    up to the report's, and a holder met one exactly when they arrived before
    their sale was listed; the selling rows leave them empty, and so does a day
    without a projection (the API's columns alike)."""
    from theater_sim.analysis.customers import customer_columns
    from theater_sim.engine.day_plan import simulate_day
    from theater_sim.input.loading import load_scenario

    out = tmp_path / "customers.csv"
    result = runner.invoke(app, ["run", "eventual-consistency", "--csv", str(out), "--json", "--quiet"])
    assert result.exit_code == 0, result.output
    projection = json.loads(result.stdout)["projection"]
    rows = _read_csv(out)
    holders = [row for row in rows if row["side"] == "collecting"]
    assert sum(int(row["stale_reads"]) for row in holders) == projection["stale_reads"]
    assert sum(int(row["stale_reads"]) > 0 for row in holders) == projection["stale_holders"]
    for row in holders:
        before = float(row["arrival_at_minute"]) < float(row["listed_at_minute"])
        assert before == (int(row["stale_reads"]) > 0)
        assert float(row["sold_at_minute"]) <= float(row["listed_at_minute"])
    assert all(row["stale_reads"] == "" for row in rows if row["side"] == "selling")
    scenario, _ = load_scenario("eventual-consistency")
    columns = customer_columns(simulate_day(scenario))
    assert int(columns["stale_reads"][columns["side"] == "collecting"].sum()) == projection["stale_reads"]
    plain = customer_columns(simulate_day(load_scenario("balanced-day")[0]))
    assert "stale_reads" not in plain


def test_the_customer_csv_says_which_showing_each_buyer_bought(runner: CliRunner, tmp_path: Path) -> None:
    """On a linked day a buyer's row had no showing, so an export could not tell
    who bought what (a trial). Each counter buyer's row now has the showing they
    bought tickets for, empty for those who got none: the parties per showing add
    up to the showings table's tickets sold at counters (sold - sold_online),
    nobody who walked away has one, and the API's columns say the same."""
    from theater_sim.analysis.customers import customer_columns
    from theater_sim.engine.day_plan import simulate_day
    from theater_sim.input.loading import load_scenario

    out = tmp_path / "customers.csv"
    result = runner.invoke(app, ["run", "opening-weekend", "--csv", str(out), "--json", "--quiet"])
    assert result.exit_code == 0, result.output
    showings = json.loads(result.stdout)["showings"]
    buyers = [row for row in _read_csv(out) if row["side"] == "selling"]
    bought = [sum(int(row["party_size"]) for row in buyers if row["showing"] == str(k)) for k in range(len(showings))]
    assert bought == [showing["sold"] - showing["sold_online"] for showing in showings]
    assert sum(bought) > 0
    assert all(row["showing"] == "" for row in buyers if row["outcome"] != "served")
    assert any(row["showing"] == "" for row in buyers if row["outcome"] == "served")  # sold out, or turned away
    columns = customer_columns(simulate_day(load_scenario("opening-weekend")[0]))
    selling = columns["side"] == "selling"
    assert [str(k) if k >= 0 else "" for k in columns["showing"][selling].tolist()] == [
        row["showing"] for row in buyers
    ]


def test_customer_csv_matches_the_json(runner: CliRunner, tmp_path: Path) -> None:
    out, hourly = tmp_path / "customers.csv", tmp_path / "hourly.csv"
    result = runner.invoke(
        app, ["run", "opening-weekend", "--csv", str(out), "--hourly-csv", str(hourly), "--json", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rows = _read_csv(out)
    assert list(rows[0]) == CUSTOMER_COLUMNS
    for side in ("selling", "collecting"):
        mine = [row for row in rows if row["side"] == side]
        block = data["sides"][side]
        assert len(mine) == block["arrived"]
        assert sum(row["outcome"] == "served" for row in mine) == block["served"]
        assert sum(row["outcome"] == "balked" for row in mine) == block["balked"]
        assert sum(row["outcome"] == "reneged" for row in mine) == block["reneged"]
        waits = [float(row["wait_minutes"]) for row in mine if row["outcome"] == "served"]
        assert np.mean(waits) == pytest.approx(block["wait_minutes"]["mean"])
        assert max(waits) == block["wait_minutes"]["max"]
        for row in mine:
            if row["outcome"] == "served":
                assert float(row["departure_at_minute"]) >= float(row["service_start_at_minute"])
                assert int(row["counter"]) >= 1
            else:
                assert row["counter"] == ""
    hours = _read_csv(hourly)
    assert list(hours[0]) == HOURLY_COLUMNS
    for side in ("selling", "collecting"):
        mine = [row for row in hours if row["side"] == side]
        assert len(mine) == len(data["sides"][side]["hourly"])
        assert sum(int(row["arrived"]) for row in mine) == data["sides"][side]["arrived"]


@pytest.mark.parametrize("option", ["--csv", "--hourly-csv", "--plot"])
def test_outputs_refuse_to_overwrite_without_force(runner: CliRunner, tmp_path: Path, option: str) -> None:
    out = tmp_path / ("exists.png" if option == "--plot" else "exists.out")
    out.write_text("keep me", encoding="utf-8")
    refused = runner.invoke(app, ["run", "balanced-day", option, str(out)])
    assert refused.exit_code == 2
    assert "already exists; add --force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    suffix = ".png" if option == "--plot" else ".csv"
    target = tmp_path / f"forced{suffix}"
    target.write_text("old", encoding="utf-8")
    assert runner.invoke(app, ["run", "balanced-day", option, str(target), "--force"]).exit_code == 0
    assert target.read_bytes() != b"old"


def test_missing_plot_extra_is_a_clear_message(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_matplotlib(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    result = runner.invoke(app, ["run", "balanced-day", "--plot", str(tmp_path / "x.png")])
    assert result.exit_code == 2
    assert "pip install 'theater-sim[plot]'" in result.stderr


@pytest.mark.parametrize("name", ["premiere-night", "opening-weekend", "autoscale"])
def test_watch_at_infinite_speed_equals_run(name: str) -> None:
    """The live loop processes the same events in the same order: the same day."""
    scenario, _ = load_scenario(name)
    frames: list[Any] = []
    records = asyncio.run(play(scenario, math.inf, frames.append))
    assert day_data(summarise_day(scenario, records)) == day_data(run_day(scenario))
    assert frames[-1].finished


@pytest.mark.parametrize("name", ["announcement-rush", "opening-weekend"])
def test_watch_verdict_so_far_uses_the_run_rule(name: str) -> None:
    """The live verdict is measured like the run's: at the end it is the run's verdict and
    pressures; mid-day it is the rule applied to the customers so far."""
    scenario, _ = load_scenario(name)
    frames: list[Any] = []
    asyncio.run(play(scenario, 30_000.0, frames.append, frame_seconds=0.001))
    result = run_day(scenario)
    assert frames[-1].verdict is result.verdict
    assert frames[-1].selling.pressure == result.selling.pressure
    assert frames[-1].collecting.pressure == result.collecting.pressure
    # Failed customers so far, counted as the day goes, come to the day's count at the end.
    assert (frames[-1].selling.failed, frames[-1].collecting.failed) == (
        result.selling.failed,
        result.collecting.failed,
    )
    failed_so_far = [frame.collecting.failed for frame in frames]
    assert failed_so_far == sorted(failed_so_far)
    if name == "announcement-rush":  # just after the 11:00 rush, buyers are the pressure point so far
        at_noon = next(frame for frame in frames if frame.minute >= 120)
        assert at_noon.verdict is Verdict.SELLING


def test_watch_in_slices_equals_run_and_shows_the_line_growing() -> None:
    """Played in 30-minute slices, premiere night's collecting line grows while the doors are open."""
    scenario, _ = load_scenario("premiere-night")
    frames: list[Any] = []
    records = asyncio.run(play(scenario, 30_000.0, frames.append, frame_seconds=0.001))
    assert day_data(summarise_day(scenario, records)) == day_data(run_day(scenario))
    lines = [f.collecting.line for f in frames if f.doors_open]
    assert len(lines) >= 20
    assert lines[-1] > lines[len(lines) // 2] > lines[2]


def test_watch_command_plain_output_then_the_run_summary(runner: CliRunner) -> None:
    watched = runner.invoke(app, ["watch", "tarantino-announced", "--speed", "inf"])
    assert watched.exit_code == 0, watched.output
    ran = runner.invoke(app, ["run", "tarantino-announced"])
    assert watched.stdout.endswith(ran.stdout)
    assert "so far: Greater demand for selling tickets" in watched.stdout
    data = json.loads(runner.invoke(app, ["run", "tarantino-announced", "--json"]).stdout)["sides"]
    frames = watched.stdout[: -len(ran.stdout)].splitlines()
    # --speed inf draws every simulated hour: 16 open, then the overtime's, then the day's end.
    clocks = [line[:10].strip() for line in frames if not line.startswith(" ")]
    assert clocks[:3] == ["09:00", "10:00", "11:00"]
    assert len(clocks) > 16
    # While a line waits, the third line says how long each side's first in line has waited.
    assert any(re.search(r"; oldest [0-9.]+/(-|[0-9.]+) min;", line) for line in frames)
    last = frames[-3:]
    # The plain lines show the pressures the verdict so far used (here the whole day's), in 80 columns.
    assert f"selling    line 0 busy 0/1 served 5,000 wait 774.94 pressure {data['selling']['pressure']:.2f}" in last[0]
    assert last[1].endswith(f"pressure {data['collecting']['pressure']:.2f}")
    failed = f"failed sell/coll {data['selling']['failed']:,}/{data['collecting']['failed']:,}"
    assert last[2].strip() == f"{failed}; so far: Greater demand for selling tickets"
    assert all(len(line) <= 80 for line in frames)


def test_watch_takes_projection_clerks_like_run(runner: CliRunner) -> None:
    """``--projectors`` (run, sweep and staff take it) sets the clerks of the day
    watched: two clerks keep eventual-consistency's read model up, and the
    summary after the live lines is run's with the same option."""
    watched = runner.invoke(app, ["watch", "eventual-consistency", "--speed", "inf", "--projectors", "2"])
    assert watched.exit_code == 0, watched.output
    ran = runner.invoke(app, ["run", "eventual-consistency", "--projectors", "2"])
    assert watched.stdout.endswith(ran.stdout)
    assert "ledger -> projector, 2 clerks -> collectors' list" in ran.stdout
    refused = runner.invoke(app, ["watch", "balanced-day", "--speed", "inf", "--projectors", "2"])
    assert refused.exit_code == 2
    assert "--projectors 2: the scenario has no projection clerks to set" in refused.stderr


def test_watch_stops_cleanly_on_ctrl_c() -> None:
    """SIGINT mid-day: the summary so far, exit status 130, no traceback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "theater_sim", "watch", "premiere-night", "--speed", "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(3)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert "Stopped at" in out
    assert "Traceback" not in err
    assert err.splitlines() == ["theater-sim: stopped (Ctrl-C)"]  # one line (an "interrupted" came after it)


def test_watch_rejects_a_bad_speed(runner: CliRunner) -> None:
    result = runner.invoke(app, ["watch", "balanced-day", "--speed", "0"])
    assert result.exit_code == 2
    assert "--speed 0" in result.stderr


def test_sparkline_scales_to_the_largest() -> None:
    assert sparkline([0, 1, 2, 4, 8]) == "▁▂▃▅█"
    assert sparkline([0, 0]) == "▁▁"
    assert sparkline([]) == ""
    assert len(sparkline(list(range(100)))) <= 24


def test_the_day_s_sparklines_take_a_step_a_person_up_to_seven(runner: CliRunner, tmp_path: Path) -> None:
    """A quiet day's longest lines of one drew full blocks, as a rush does (a
    trial): up to a line of seven, each block is one person more; beyond, the
    longest line is the top."""
    path = tmp_path / "quiet.yaml"
    path.write_text(
        "name: Quiet\nhours: 12\nseed: 1\n"
        "selling: {counters: 1, arrivals: {rate_per_hour: 3}, service_minutes: {distribution: exponential, mean: 2}}\n"
        "collecting: {counters: 1, arrivals: {total: 4}, service_minutes: {distribution: fixed, value: 0.5}}\n",
        encoding="utf-8",
    )
    data = json.loads(runner.invoke(app, ["run", str(path), "--json"]).stdout)
    longest = [row["max_queue"] for row in data["sides"]["selling"]["hourly"]]
    assert max(longest) == 1
    from theater_sim.views.day_report import _sparklines

    assert _sparklines(data)[0] == "".join("▂" if line else "▁" for line in longest)
    busy = _sparklines(json.loads(runner.invoke(app, ["run", "tarantino-announced", "--json"]).stdout))
    assert "█" in busy[0]


def test_schema_command_matches_the_bundled_file_and_validates_scenarios(runner: CliRunner) -> None:
    printed = runner.invoke(app, ["schema"]).stdout
    assert json.loads(printed) == scenario_json_schema()
    assert json.loads((SCENARIOS / "theater-sim.schema.json").read_text(encoding="utf-8")) == json.loads(printed)
    validator = jsonschema.Draft202012Validator(json.loads(printed))
    for path in sorted(SCENARIOS.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=theater-sim.schema.json")
        assert list(validator.iter_errors(yaml.safe_load(text))) == []
    broken = {"name": "x", "selling": {"counters": 0}, "collecting": {}}
    assert list(validator.iter_errors(broken))


def test_no_counter_serves_two_customers_at_once() -> None:
    rng = np.random.default_rng(3)
    arrivals = np.sort(rng.uniform(0, 60, 300))
    records = simulate_side(4, 60.0, arrivals, rng.exponential(1.0, 300))
    for counter in range(1, 5):
        mine = records.counter == counter
        starts = records.service_start_at_minute[mine]
        ends = starts + records.service_minutes[mine]
        order = np.argsort(starts)
        assert (starts[order][1:] >= ends[order][:-1] - 1e-12).all()
    assert set(records.counter.tolist()) <= {1, 2, 3, 4}


def test_plot_without_suffix_is_checked_as_png(runner: CliRunner, tmp_path: Path) -> None:
    """A name without a suffix becomes NAME.png, and an existing NAME.png is not overwritten."""
    (tmp_path / "day.png").write_text("keep", encoding="utf-8")
    refused = runner.invoke(app, ["run", "balanced-day", "--plot", str(tmp_path / "day")])
    assert refused.exit_code == 2
    assert "day.png: already exists" in refused.stderr
    assert (tmp_path / "day.png").read_text(encoding="utf-8") == "keep"
    bad = runner.invoke(app, ["run", "balanced-day", "--plot", str(tmp_path / "day.txt")])
    assert bad.exit_code == 2
    assert "write a figure as one of" in bad.stderr


def test_two_outputs_may_not_share_a_file(runner: CliRunner, tmp_path: Path) -> None:
    same = str(tmp_path / "same.csv")
    result = runner.invoke(app, ["run", "balanced-day", "--csv", same, "--hourly-csv", same])
    assert result.exit_code == 2
    assert "give each output its own file" in result.stderr
    assert not Path(same).exists()


def test_watch_plain_mode_prints_the_final_line_once(runner: CliRunner) -> None:
    watched = runner.invoke(app, ["watch", "balanced-day", "--speed", "inf"]).stdout
    first_table = watched.index("Balanced day  (")
    ticks = [line for line in watched[:first_table].splitlines() if "| so far:" in line]
    assert len(ticks) == len(set(ticks))


def test_hourly_csv_marks_rows_that_hold_a_long_overtime(runner: CliRunner, tmp_path: Path) -> None:
    scenario = tmp_path / "long.yaml"
    scenario.write_text(
        "name: long\nselling: {arrivals: {total: 400}, service_minutes: {distribution: fixed, value: 600}}\n"
        "collecting: {arrivals: {total: 10}, service_minutes: {distribution: fixed, value: 1}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "hours.csv"
    assert runner.invoke(app, ["run", str(scenario), "--hourly-csv", str(out)]).exit_code == 0
    rows = [row for row in _read_csv(out) if row["side"] == "selling"]
    assert rows[-1]["until_end"] == "true"
    assert all(row["until_end"] == "false" for row in rows[:-1])
    assert {row["overtime"] for row in rows} == {"true", "false"}
    assert any(row["mean_wait_minutes"] == "" for row in rows)  # overtime hours: nobody arrived


def test_a_long_verdict_line_keeps_the_verdict_whole(runner: CliRunner) -> None:
    """'failed sell/coll 0/4,949; so far: Greater demand for collecting tickets'
    is 84 columns: it folded inside the verdict, so 'grep "so far:"' found only
    'Greater demand for collecting' (a trial). The verdict goes on its own line."""
    watched = runner.invoke(app, ["watch", "premiere-night", "--speed", "inf"], env={"COLUMNS": "80"})
    assert watched.exit_code == 0, watched.output
    said = [line.strip() for line in watched.stdout.splitlines() if "so far:" in line]
    assert said
    assert all(line.endswith(("Balanced", "selling tickets", "collecting tickets")) for line in said)
    assert all(len(line) <= 80 for line in watched.stdout.splitlines() if "so far" in line)


def test_the_customer_csv_carries_what_a_re_simulation_needs(runner: CliRunner, tmp_path: Path) -> None:
    """Each row's own service time (served or not) and patience: a trial's
    re-simulation could not check that a served customer should not have
    given up, nor recompute pressure once anyone balked or reneged (their
    service times were not exported). Here every departure is start plus
    service to the bit, every reneging customer left at arrival plus patience
    (opening-weekend's customers have patience; nobody is turned away), no served
    one waited longer than their patience, and the service minutes of every
    customer add up to the JSON's ``service_minutes_demanded``."""
    out = tmp_path / "customers.csv"
    result = runner.invoke(app, ["run", "opening-weekend", "--csv", str(out), "--json", "--quiet"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rows = _read_csv(out)
    for side in ("selling", "collecting"):
        mine = [row for row in rows if row["side"] == side]
        demanded = math.fsum(float(row["service_minutes"]) for row in mine)
        assert demanded == pytest.approx(data["sides"][side]["service_minutes_demanded"], rel=1e-12)
    served = [row for row in rows if row["outcome"] == "served"]
    for row in served:
        begun, service = float(row["service_start_at_minute"]), float(row["service_minutes"])
        assert begun + service == float(row["departure_at_minute"])
    patient = [row for row in rows if row["patience_minutes"]]
    reneged = [row for row in rows if row["outcome"] == "reneged"]
    assert reneged
    assert len(patient) == len(rows)  # both sides' customers have patience here
    for row in reneged:
        assert float(row["arrival_at_minute"]) + float(row["patience_minutes"]) == float(row["left_line_at_minute"])
    assert all(float(row["wait_minutes"]) <= float(row["patience_minutes"]) for row in patient if row in served)
