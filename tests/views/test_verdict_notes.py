"""The notes beside the verdict: numbers printed so they say what the words say."""

from __future__ import annotations

import pytest

from theater_sim.views.verdict_notes import _told_apart


@pytest.mark.parametrize(
    ("waits", "shown"),
    [
        # "waited longer (p95 2.74 min against 2.74)" was printed of these (a trial).
        ((2.7445, 2.7441), ("2.7445", "2.7441")),
        ((9.78, 3.33), ("9.78", "3.33")),
        ((2.0, 2.0), ("2.00", "2.00")),
        ((0.304, 0.296), ("0.304", "0.296")),
    ],
)
def test_two_waits_are_printed_with_enough_decimals_to_tell_them_apart(
    waits: tuple[float, float], shown: tuple[str, str]
) -> None:
    assert _told_apart(*waits) == shown


def test_a_replicated_days_failed_share_reads_the_same_in_the_summary_and_the_note() -> None:
    """Over replications the summary gives the mean of each day's failed share;
    the verdict's note gave the share of the mean counts (38.6% beside the
    summary's 38.5%, a trial). Both now print the summary's."""
    import re

    from typer.testing import CliRunner

    from theater_sim.views.cli import app

    shown = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["run", "lunch-closure", "--replications", "10"])
    assert shown.exit_code == 0, shown.output
    summary = re.search(r"failed customers\s+│\s+[\d.]+ ± [\d.]+ \(([\d.]+%)\)", shown.stdout)
    note = re.search(r"named for the customers it failed: [\d.]+ of [\d.]+ buyers \(([\d.]+%)\)", shown.stdout)
    assert summary is not None, shown.stdout
    assert note is not None, shown.stdout
    assert summary[1] == note[1]


@pytest.mark.parametrize(
    ("first", "second", "shown"),
    [(0.03, 0.0, ("3.0%", "0.0%")), (0.0496, 0.0, ("4.96%", "0.00%")), (0.1249, 0.075, ("12.49%", "7.50%"))],
)
def test_a_failed_share_gap_that_falls_short_reads_short(first: float, second: float, shown: tuple[str, str]) -> None:
    """'5.0% of its customers against 0.0%, where 5% more are needed' was printed of
    4.96% (a trial): the shares get the decimals that show the gap under 5%."""
    from theater_sim.views.verdict_notes import _short_gap

    assert _short_gap(first, second, 0.05) == shown


def test_a_pressure_span_that_ends_at_midnight_says_so() -> None:
    """JSON's spans end at "00:00"; the report's line read "08:00-00:00" where its
    doors' line says "to midnight". Other spans, across midnight too, stay."""
    from theater_sim.views.verdict_notes import _spans_text

    assert _spans_text(["08:00-00:00", "23:00-02:00", "all day"]) == "08:00-midnight, 23:00-02:00, all day"


def test_a_p95_that_fewer_than_five_met_is_said_to_be_weighed_as_the_fifth_longest(tmp_path: object) -> None:
    """The table's p95 (3.66 min) is not what the verdict weighed: the note says
    which wait it weighed and why, so the Balanced verdict beside a clearly
    longer p95 reads right."""
    import json
    from pathlib import Path

    from typer.testing import CliRunner

    from theater_sim.views.cli import app

    day = Path(str(tmp_path)) / "quiet.yaml"
    day.write_text(
        "name: Quiet Tuesday\nhours: 12\nopens: '10:00'\nseed: 3130223299332140221\n"
        "selling: {counters: 1, arrivals: {rate_per_hour: 3}, service_minutes: {distribution: exponential, mean: 2}}\n"
        "collecting: {counters: 1, arrivals: {total: 4}, service_minutes: {distribution: fixed, value: 0.5}}\n"
    )
    runner = CliRunner(env={"COLUMNS": "200"})
    shown = runner.invoke(app, ["run", str(day)])
    assert shown.exit_code == 0, shown.output
    said = " ".join(shown.stdout.split())
    waits = json.loads(runner.invoke(app, ["run", str(day), "--json"]).stdout)["sides"]["selling"]["wait_minutes"]
    assert (
        f"Selling's p95 wait, {waits['p95']:.2f} min, is a wait fewer than 5 of its customers met (served or not):"
        f" the verdict weighs the fifth-longest time in line, {waits['weighed']:.2f} min" in said
    )
    assert said.endswith("Balanced")
    # Said only where the weighing changed the verdict or its rule (a review: it was said, and labels
    # switched, over 9.82 against 9.83): a busy day's notes speak of p95s.
    busy = " ".join(runner.invoke(app, ["run", "announcement-rush"]).stdout.split())
    assert "fifth-longest time in line," not in busy
    assert "weighed wait" not in busy
