"""Replications: derived seeds, means with Student-t intervals, and their coverage."""

from __future__ import annotations

import math
import statistics

import pytest
from helpers import scenario_dict

from theater_sim.analysis.contract import DayData, LagTheoryData
from theater_sim.analysis.erlang import mean_wait_minutes
from theater_sim.input.loading import load_scenario
from theater_sim.model.scenario import Scenario
from theater_sim.planning.execution import Runner
from theater_sim.planning.intervals import confidence_interval, interval_shown, t_quantile
from theater_sim.planning.replication import combine_days, replication_seed
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


_ONLINE_LAG = {
    "name": "online sales with a projection lag",
    "seed": 17,
    "opens": "16:00",
    "hours": 6,
    "showtimes": [
        {"film": "Premiere", "starts": "20:00", "seats": 500},
        {"film": "Late show", "starts": "21:45", "seats": 250},
    ],
    "linked": {
        "online_share": 0.7,
        "party_sizes": {1: 0.5, 2: 0.4, 4: 0.1},
        "lead_minutes": {"distribution": "uniform", "low": 5, "high": 30},
        "walk_minutes": 3,
    },
    "projection": {
        "clerks": 1,
        "minutes_per_sale": {"distribution": "exponential", "mean": 0.3},
        "stale_reads": "retry",
        "retry_minutes": 4,
    },
    "selling": {
        "counters": 2,
        "arrivals": {
            "profile": [
                {"from": "16:00", "to": "19:00", "rate_per_hour": 80},
                {"from": "19:00", "to": "20:00", "rate_per_hour": 220},
                {"from": "20:00", "to": "22:00", "rate_per_hour": 30},
            ]
        },
        "service_minutes": {"distribution": "gamma", "mean": 0.8, "sd": 0.4},
    },
    "collecting": {"counters": 2, "service_minutes": {"distribution": "gamma", "mean": 0.3, "sd": 0.1}},
}


def test_the_replicated_lag_theory_is_taken_at_the_mean_rates() -> None:
    """M/M/1 at the mean of the days' rates: one clerk lists 200 sales an hour;
    some days' busiest hour sold more (no steady state: no lag that day), and
    the mean day then had no lag at a mean busiest rate within the clerk (a
    trial read "198.4 sales an hour, more than the clerks can list"). The
    theory is a function of the rate, so the mean day's is taken at its mean
    rates: the busiest hour's lag is Erlang C's W + 1/mu at that rate."""
    from theater_sim.planning.execution import replicated_day

    scenario = Scenario.model_validate(_ONLINE_LAG)
    runner = Runner()
    days = [_theory(day) for day in runner.run(scenario, [Task(None, None, r) for r in range(20)]).values()]
    assert None in [day["busiest_hour_mean_lag_minutes"] for day in days]  # some day's busiest hour outran the clerk
    theory = _theory(replicated_day(runner, scenario, 20))
    rate = theory["busiest_hour_sales_per_hour"]
    assert rate == statistics.fmean(day["busiest_hour_sales_per_hour"] for day in days)
    assert rate < 200
    per_minute = rate / 60
    lag = theory["busiest_hour_mean_lag_minutes"]
    assert lag == pytest.approx(mean_wait_minutes(1, per_minute, 0.3) + 0.3, rel=1e-12)
    assert lag == pytest.approx(0.3 / (1 - per_minute * 0.3), rel=1e-12)  # M/M/1: W + 1/mu = 1 / (mu - lambda)


def _theory(day: DayData) -> LagTheoryData:
    projection = day["projection"]
    assert projection is not None
    assert projection["theory"] is not None
    return projection["theory"]


def test_an_interval_cut_at_zero_is_shown_by_its_ends_not_a_plus_minus_below_zero() -> None:
    """Shares of 0, 0, 0.066 over three days: a t interval of 2.2% ± 8.2% would
    reach below no share at all; its ends are shown [0.0% to 10.4%], as JSON
    has them. An interval clear of the bounds keeps its ±; one day has none."""
    cut = confidence_interval([0.0, 0.0, 0.066], 0.0, 1.0)
    assert cut["low"] == 0.0
    assert interval_shown(cut, "{:.1%}".format) == f"2.2% [0.0% to {cut['high']:.1%}]"
    clear = confidence_interval([4.0, 5.0, 6.0])
    assert interval_shown(clear, "{:.2f}".format) == f"5.00 ± {clear['half_width']:.2f}"
    assert interval_shown(confidence_interval([3.0]), "{:.2f}".format) == "3.00"


def test_cut_ends_that_read_alike_get_the_decimals_that_tell_them_apart() -> None:
    """A failed share of 0.01% over 20 days (one day in twenty lost one of
    some 500 holders) read "0.0% [0.0% to 0.0%]", an interval that says nothing
    (a trial). Given as a spec, its decimals grow until the ends differ, the
    mean's too; a function, or ends apart already, are shown as given."""
    rare = confidence_interval([0.0] * 19 + [0.002], 0.0, 1.0)
    assert interval_shown(rare, ".1%") == f"0.01% [0.00% to {rare['high']:.2%}]"
    assert rare["high"] >= 0.00005  # the case: 0.0% at one decimal, apart at two
    assert interval_shown(rare, "{:.1%}".format) == "0.0% [0.0% to 0.0%]"
    wide = confidence_interval([0.0, 0.0, 0.066], 0.0, 1.0)
    assert interval_shown(wide, ".1%") == interval_shown(wide, "{:.1%}".format)
    tiny = confidence_interval([0.0] * 19 + [1e-9], 0.0, 1.0)
    assert interval_shown(tiny, ".1%") == "0.0% [0.0% to 0.0%]"  # three more decimals would not tell them apart
    apart = confidence_interval([0.0] * 19 + [2e-4], 0.0, 1.0)
    assert interval_shown(apart, ",.2f", show_mean=lambda _: "mean") == f"mean [0.00000 to {apart['high']:,.5f}]"


def test_an_hours_line_wait_is_the_mean_of_the_days_that_had_a_line() -> None:
    """The hourly 'mean wait of those in line' of replicated days is the mean over
    the days on which someone in line reached a counter that hour: a day whose
    overtime ended earlier has no wait in that hour, not a wait of 0 (averaged
    in as 0, a premiere night's 02:00 row read 590 min where each day's holders
    in line had waited about 1,500). Hours every day shares keep the plain mean."""
    scenario, _ = load_scenario("premiere-night")
    tasks = [Task(None, None, r) for r in range(4)]
    results = Runner().run(scenario, tasks)
    days = [results[task] for task in tasks]
    combined = combine_days(days, [replication_seed(scenario.seed, r) for r in range(4)])
    rows = combined["sides"]["collecting"]["hourly"]
    lengths = [len(day["sides"]["collecting"]["hourly"]) for day in days]
    assert min(lengths) < max(lengths), "the days should end at different hours"
    partly = 0
    for hour, row in enumerate(rows):
        waits = [
            day["sides"]["collecting"]["hourly"][hour]["in_line_mean_wait_minutes"]
            for day in days
            if hour < len(day["sides"]["collecting"]["hourly"])
            and day["sides"]["collecting"]["hourly"][hour]["in_line_served"]
        ]
        assert row["in_line_mean_wait_minutes"] == (statistics.fmean(waits) if waits else 0.0)
        partly += 0 < len(waits) < len(days)
    assert partly, "no hour had a line on only some of the days"
    last = rows[max(lengths) - 1]
    assert last["in_line_mean_wait_minutes"] > 1_000  # the last holders of the longest night waited all night
