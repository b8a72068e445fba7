"""Service distributions: their means, their samples and their own checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from theater_sim.model.distributions import Exponential, Fixed, Gamma, LogNormal, ServiceDistribution, Uniform

ADAPTER: TypeAdapter[ServiceDistribution] = TypeAdapter(ServiceDistribution)

# (distribution, true mean, true variance)
CASES = [
    (Exponential(mean_minutes=0.5), 0.5, 0.25),
    (Fixed(value=0.75), 0.75, 0.0),
    (Uniform(low=0.2, high=1.0), 0.6, 0.8**2 / 12),
    (LogNormal(mean_minutes=1.0, sd=0.5), 1.0, 0.25),
    (Gamma(mean_minutes=2.0, sd=1.0), 2.0, 1.0),
]


@pytest.mark.parametrize(("dist", "mean", "variance"), CASES, ids=repr)
def test_distribution_sample_mean_within_confidence_interval(
    dist: ServiceDistribution, mean: float, variance: float
) -> None:
    """Sample mean of n draws lies within 4.5 standard errors (sd/sqrt(n)) of the true mean.

    Theory: central limit theorem; 4.5 sigma makes a false failure ~1e-5 for a
    fixed seed, while a wrong parameterisation (e.g. sd read as variance) moves
    the mean or spread by far more.
    """
    n = 200_000
    draws = dist.sample(np.random.default_rng(1), n)
    assert dist.mean == pytest.approx(mean)
    standard_error = math.sqrt(variance / n)
    assert abs(draws.mean() - mean) <= 4.5 * standard_error + 1e-12
    if variance:
        # The sample variance of n draws has relative sd about sqrt(2/n * kurtosis-ish); 5% is > 10 sd here.
        assert draws.var() == pytest.approx(variance, rel=0.05)
    assert (draws >= 0).all()


@pytest.mark.parametrize(
    ("dist", "text"),
    [
        (Exponential(mean_minutes=0.5), "Exponential(mean=0.5)"),
        (Fixed(value=2.0), "Fixed(value=2.0)"),
        (Uniform(low=1.0, high=3.0), "Uniform(low=1.0, high=3.0)"),
        (LogNormal(mean_minutes=1.0, sd=0.5), "LogNormal(mean=1.0, sd=0.5)"),
        (Gamma(mean_minutes=1.0, sd=0.5), "Gamma(mean=1.0, sd=0.5)"),
    ],
)
def test_distribution_repr_names_parameters(dist: ServiceDistribution, text: str) -> None:
    assert repr(dist) == text


def test_distribution_parsed_by_tag() -> None:
    parsed = ADAPTER.validate_python({"distribution": "gamma", "mean": 3, "sd": 1})
    assert isinstance(parsed, Gamma)
    assert parsed.mean == 3.0


@pytest.mark.parametrize(
    "data",
    [
        {"distribution": "exponential", "mean": 0},
        {"distribution": "exponential", "mean": -1},
        {"distribution": "exponential", "mean": float("nan")},
        {"distribution": "exponential", "mean": float("inf")},
        {"distribution": "exponential", "mean": 5000},
        {"distribution": "exponential", "mean": "1"},
        {"distribution": "exponential", "mean": True},
        {"distribution": "exponential"},
        {"distribution": "exponential", "mean": 1, "sd": 1},
        {"distribution": "fixed", "value": 0},
        {"distribution": "uniform", "low": 2, "high": 1},
        {"distribution": "uniform", "low": -1, "high": 1},
        {"distribution": "lognormal", "mean": 1, "sd": 0},
        {"distribution": "lognormal", "mean": 1, "sd": 1e-9},
        {"distribution": "gamma", "mean": 0.001, "sd": 1000},
        {"distribution": "weibull", "mean": 1},
        {"mean": 1},
    ],
)
def test_distribution_rejects_bad_parameters(data: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ADAPTER.validate_python(data)


def test_distribution_sampling_is_reproducible() -> None:
    dist = LogNormal(mean_minutes=1.0, sd=2.0)
    first = dist.sample(np.random.default_rng(3), 10)
    second = dist.sample(np.random.default_rng(3), 10)
    np.testing.assert_array_equal(first, second)


def test_draws_are_capped_at_a_day() -> None:
    """A heavy-tailed lognormal (sd 100 x mean) never draws a service above 1,440 minutes."""
    draws = LogNormal(mean_minutes=10.0, sd=1000.0).sample(np.random.default_rng(0), 100_000)
    assert draws.max() <= 1440.0
    assert (draws == 1440.0).any()
