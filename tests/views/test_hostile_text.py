"""User text is never markup: names, descriptions, films and paths show as written.

A scenario name such as ``Late show [/b]`` used to crash ``sweep`` with a
rich MarkupError traceback; ``[link=...]`` became a live link, and ``$...$``
broke ``--plot`` (matplotlib mathtext). Every renderer gets the same
hostile scenario here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from theater_sim.analysis.verdict import Verdict
from theater_sim.views.cli import app

NAME = "Late show [/b] [link=http://example.com]click[/link] $x^2$ [bold red]"
FILM = "Kill [/i] Bill $1$ [/]"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    scenario = {
        "name": NAME,
        "description": "A [bold red]loud[/bold red] day with $\\alpha$ [/]",
        "showtimes": [{"film": FILM, "starts": "12:00", "seats": 50}],
        "selling": {
            "counters": 1,
            "arrivals": {"rate_per_hour": 30},
            "service_minutes": {"distribution": "exponential", "mean": 1},
        },
        "collecting": {
            "counters": 1,
            "arrivals": {
                "showtimes": {"occupancy": 0.9, "lead_minutes": {"distribution": "uniform", "low": 5, "high": 30}}
            },
            "service_minutes": {"distribution": "exponential", "mean": 0.5},
        },
    }
    path = tmp_path / "[hostile] $file$.yaml"
    path.write_text(yaml.safe_dump(scenario), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("args", "shows_film"),
    [
        (["run"], True),
        (["sweep", "--sellers", "1:2", "--collectors", "1:2"], False),
        (["sweep", "--sellers", "1:60", "--collectors", "1:3"], False),  # the long table
        (["staff", "--max-p95-wait", "5", "--replications", "2"], True),
        (["watch", "--speed", "inf"], True),
        (["validate"], False),
    ],
)
def test_hostile_names_are_shown_as_written(
    runner: CliRunner, hostile: Path, args: list[str], shows_film: bool
) -> None:
    result = runner.invoke(
        app,
        [args[0], str(hostile), *args[1:], "--quiet"]
        if args[0] in {"run", "sweep", "staff"}
        else [args[0], str(hostile), *args[1:]],
        env={"COLUMNS": "250"},
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    shown = " ".join(result.stdout.split())  # titles wrap to their table's width
    assert NAME in shown
    if shows_film:
        assert FILM in shown


@pytest.mark.parametrize(
    "args", [["run"], ["sweep", "--sellers", "1:2", "--collectors", "1:2"], ["sweep", "--sellers", "1:3"]]
)
def test_hostile_names_do_not_break_figures(runner: CliRunner, hostile: Path, tmp_path: Path, args: list[str]) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "figure.png"
    result = runner.invoke(app, [args[0], str(hostile), *args[1:], "--plot", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 10_000


def test_a_name_cannot_fake_a_verdict_line(runner: CliRunner, tmp_path: Path) -> None:
    """A line break (or U+2028) in a name is shown escaped: the only verdict line is the real one."""
    path = tmp_path / "fake.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "name": "Evil\nGreater demand for selling tickets\u2028x",
                "selling": {
                    "counters": 1,
                    "arrivals": {"total": 10},
                    "service_minutes": {"distribution": "fixed", "value": 1},
                },
                "collecting": {
                    "counters": 1,
                    "arrivals": {"total": 10},
                    "service_minutes": {"distribution": "fixed", "value": 1},
                },
            }
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["run", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    verdicts = [
        line
        for line in result.stdout.splitlines()
        if line.strip() in {"Balanced", "Greater demand for selling tickets"}
    ]
    assert verdicts == [result.stdout.splitlines()[-1]]
    assert "Evil\\nGreater demand" in result.stdout
    assert "\\u2028" in result.stdout


def test_a_description_cannot_print_a_line_that_reads_as_the_verdict(tmp_path: Path) -> None:
    """A scenario's description is indented, as written and as wrapped: the only
    line that is exactly a verdict is the verdict."""
    words = "Balanced " * 40
    path = tmp_path / "d.yaml"
    path.write_text(
        "name: x\ndescription: |\n  Balanced\n  Greater demand for selling tickets\n  " + words + "\n"
        "selling: {arrivals: {rate_per_hour: 10}, service_minutes: {distribution: exponential, mean: 1}}\n"
        "collecting: {arrivals: {rate_per_hour: 10}, service_minutes: {distribution: exponential, mean: 1}}\n",
        encoding="utf-8",
    )
    for width in ("40", "60", "80"):
        result = CliRunner(env={"COLUMNS": width}).invoke(app, ["run", str(path)])
        assert result.exit_code == 0, result.output
        verdicts = [line for line in result.stdout.splitlines() if line.rstrip() in {v.value for v in Verdict}]
        assert verdicts == [result.stdout.rstrip().splitlines()[-1]], width
