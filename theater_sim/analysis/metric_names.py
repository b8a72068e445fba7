"""The per-side metrics that sweeps, searches and confidence intervals talk about.

A module of plain names (no NumPy), so the command line can list them in its
help and complete them without loading the simulation.
"""

from __future__ import annotations

import math

__all__ = ["SIDE_METRICS", "metric_bounds"]

#: Short metric names -> their path inside a side's data.
SIDE_METRICS: dict[str, str] = {
    "arrived": "arrived",
    "served": "served",
    "balked": "balked",
    "reneged": "reneged",
    "abandon_rate": "abandon_rate",
    "mean_wait": "wait_minutes.mean",
    "p50_wait": "wait_minutes.p50",
    "p95_wait": "wait_minutes.p95",
    "weighed_wait": "wait_minutes.weighed",
    "p99_wait": "wait_minutes.p99",
    "max_wait": "wait_minutes.max",
    "mean_line": "queue_length.mean",
    "max_line": "queue_length.max",
    "in_line_at_close": "in_line_at_close",
    "utilisation": "utilisation",
    "demand_ratio": "demand_ratio",
    "pressure": "pressure",
    "busiest_pressure": "busiest_window.pressure",
    "overtime_minutes": "overtime_minutes",
    "counter_hours": "counter_hours",
    "missed_starts": "missed_showtime_start",
    "failed": "failed",
    "failed_share": "failed_share",
    "lost": "lost",
    "stale_share": "stale_share",
}


def metric_bounds(metric: str) -> tuple[float, float]:
    """The range a metric can take: shares lie in [0, 1], everything else is at least 0."""
    return (0.0, 1.0) if metric in {"abandon_rate", "utilisation", "stale_share", "failed_share"} else (0.0, math.inf)
