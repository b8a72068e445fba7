"""Replications: derived seeds, means with Student-t intervals, and their coverage."""

from __future__ import annotations

import math
import statistics

import pytest
from helpers import scenario_dict

from theater_sim.analysis.erlang import mean_wait_minutes
from theater_sim.input.loading import load_scenario
from theater_sim.model.scenario import Scenario
from theater_sim.planning.execution import Runner
from theater_sim.planning.replication import combine_days, confidence_interval, replication_seed, t_quantile
from theater_sim.planning.tasks import Task


def test_replication_seeds_are_derived_and_distinct() -> None:
    assert replication_seed(42, 0) == 42
    seeds = [replication_seed(42, r) for r in range(200)]
    assert len(set(seeds)) == 200
    assert seeds == [replication_seed(42, r) for r in range(200)]
    assert all(0 <= s < 2**63 for s in seeds)
    assert replication_seed(43, 1) != replication_seed(42, 1)


def test_t_quantile_reference_values() -> None:
    assert t_quantile(0.975, 9) == pytest.approx(2.2622, abs=1e-4)
    assert t_quantile(0.975, 1000) == pytest.approx(1.9623, abs=1e-4)
    assert t_quantile(0.9, 9) == pytest.approx(1.3830, abs=1e-4)  # one-sided 90% (staff --confidence): scipy


def test_the_kept_t_quantiles_are_scipys_to_the_bit() -> None:
    """``t_quantiles.T_975`` holds scipy's 0.975 quantiles for 1 to 999 degrees
    of freedom (regenerate with the expression below if scipy ever changes
    them), so intervals are the same whether or not scipy is imported."""
    from scipy.special import stdtrit

    from theater_sim.planning.t_quantiles import T_975

    assert tuple(float(stdtrit(df, 0.975)) for df in range(1, 1000)) == T_975
    assert t_quantile.__wrapped__(0.975, 999) == T_975[-1]


def test_confidence_interval_by_hand() -> None:
    interval = confidence_interval([1.0, 2.0, 3.0, 4.0])
    half = 3.1824 * statistics.stdev([1.0, 2.0, 3.0, 4.0]) / 2
    assert interval["mean"] == 2.5
    assert interval["half_width"] == pytest.approx(half, rel=1e-4)
    # One observation is no interval: no half-width at all (JSON null), not a zero one.
    assert confidence_interval([5.0]) == {"mean": 5.0, "low": 5.0, "high": 5.0, "half_width": None}


def test_combine_days_means_and_agreement() -> None:
    scenario, _ = load_scenario("balanced-day")
    tasks = [Task(None, None, r) for r in range(4)]
    results = Runner().run(scenario, tasks)
    days = [results[t] for t in tasks]
    combined = combine_days(days, [replication_seed(42, r) for r in range(4)])
    for side in ("selling", "collecting"):
        waits = [d["sides"][side]["wait_minutes"]["p95"] for d in days]
        assert combined["sides"][side]["wait_minutes"]["p95"] == pytest.approx(statistics.fmean(waits))
        assert combined["intervals"][side]["p95_wait"]["mean"] == pytest.approx(statistics.fmean(waits))
    assert combined["replications"] == 4
    assert 0 <= combined["verdict_agreement"] <= 4
    assert combined["verdict"] == "Balanced"


@pytest.mark.slow
def test_confidence_intervals_cover_erlang_c_at_about_their_nominal_rate() -> None:
    """100 independent experiments of 8 days each on an M/M/2 side (load 0.5 a
    counter): the 95% t interval of the mean daily mean wait should cover the
    Erlang C value in about 95 of them. With n = 100 the count of covers is
    Binomial(100, 0.95): P(X <= 85) = 4e-5 and P(X = 100) = 0.006, and the
    day's start-empty bias takes a few covers off. So 86..99 accepts correct
    intervals and rejects too narrow ones (a z instead of t, or sd/n instead
    of sd/sqrt(n), cover far less) and too wide ones (three times as wide
    cover all 100, which the test checks it would catch)."""
    data = scenario_dict(
        hours=8,
        **{
            "selling.counters": 2,
            "selling.arrivals": {"rate_per_hour": 60.0},
            "selling.service_minutes": {"distribution": "exponential", "mean": 1.0},
        },
    )
    scenario = Scenario.model_validate(data)
    theory = mean_wait_minutes(2, 1.0, 1.0)
    covers = wide_covers = 0
    runner = Runner()
    for experiment in range(100):
        base = scenario.overridden(seed=1000 + experiment)
        tasks = [Task(None, None, r) for r in range(8)]
        results = runner.run(base, tasks)
        waits = [results[t]["sides"]["selling"]["wait_minutes"]["mean"] for t in tasks]
        interval = confidence_interval(waits)
        covers += interval["low"] <= theory <= interval["high"]
        half = interval["half_width"]
        assert half is not None
        wide_covers += abs(interval["mean"] - theory) <= 3 * half
    assert 86 <= covers <= 99, covers
    assert wide_covers == 100  # the upper bound can fail
    assert not math.isnan(theory)
