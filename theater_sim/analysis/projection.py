"""Between the models: how far the collectors' list lagged behind the ledger.

From a linked day's ticket records with a projection: each sale's projection
lag (listed minus sold), the projector's utilisation and backlog, the stale
reads (holders at a counter before their sale was listed), what they cost
(retries, or extra ledger-check minutes at the counters) and the holders who
missed their film after one. ``kept_up`` is the consistency line's rule: the
read model kept up when at most ``KEPT_UP_STALE_SHARE`` of the holders who
reached a counter found no ticket there.

``theory``: clerks with exponential work fed by a steady Poisson stream of
sales are an M/M/c queue, whose mean time in the system (wait plus work,
Erlang C) plus the fixed delay is the mean projection lag (one clerk with
any other work: M/G/1, by Pollaczek-Khinchine); it is computed
at the day's mean sales rate and at its busiest hour's: a day whose sales
come in rushes lags more than the first says, and the second says whether
the clerks could keep up with the rush at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from theater_sim.analysis.erlang import mean_wait_minutes
from theater_sim.analysis.failures import in_line_as_it_began
from theater_sim.engine.records import film_starts
from theater_sim.engine.theater import TicketRecords
from theater_sim.model.clock import MINUTES_PER_HOUR
from theater_sim.model.distributions import Exponential
from theater_sim.model.projection import Projection

__all__ = [
    "KEPT_UP_STALE_SHARE",
    "LagTheory",
    "ProjectionMetrics",
    "holder_columns",
    "holder_tickets",
    "lag_theory",
    "lag_theory_at",
    "projection_metrics",
    "why_clerks_are_too_late",
]

#: The read model kept up when at most this share of holders met a stale read.
KEPT_UP_STALE_SHARE = 0.01


@dataclass(frozen=True)
class LagTheory:
    """The M/M/c cross-check of the mean projection lag.

    Attributes:
        model: ``"M/M/1"``, ``"M/M/2"``, ...
        sales_per_hour: The day's mean sales rate (sales / hours on sale: to the last showing's
            start, at most the day), the queue's lambda.
        mean_lag_minutes: Erlang C's mean wait plus the mean work plus the
            delay; None when the sales came faster than the clerks list them
            (no steady state).
        busiest_hour_sales_per_hour: The sales of the hour with the most.
        busiest_hour_mean_lag_minutes: The mean lag at that rate (None: no steady state).
    """

    model: str
    sales_per_hour: float
    mean_lag_minutes: float | None
    busiest_hour_sales_per_hour: float
    busiest_hour_mean_lag_minutes: float | None


def lag_theory(
    plan: Projection, sold_at: np.ndarray, open_minutes: float, selling_minutes: float | None = None
) -> LagTheory | None:
    """The mean lag by queueing theory: M/M/c (Erlang C) where the projector is
    clerks with exponential work, M/G/1 (Pollaczek-Khinchine: a mean wait of
    lambda E[S^2] / (2 (1 - rho))) for one clerk with any other work; else None
    (no exact formula for several clerks with non-exponential work).
    ``selling_minutes``: how long tickets were on sale (to the last showing's
    start, at most the day): the mean rate is the sales over it, not over the
    whole day (a day that sells until 21:00 and closes at 22:00 read a twelfth
    low, and theory seemed to disagree with the simulation)."""
    if open_minutes <= 0:
        return None
    window = open_minutes if selling_minutes is None else min(open_minutes, selling_minutes)
    per_minute = len(sold_at) / window if window > 0 else 0.0
    by_hour = np.bincount((sold_at // MINUTES_PER_HOUR).astype(np.int64)) if len(sold_at) else np.zeros(1)
    return _theory(plan, per_minute, per_minute * MINUTES_PER_HOUR, float(by_hour.max()))


def lag_theory_at(plan: Projection, sales_per_hour: float, busiest_hour_sales_per_hour: float) -> LagTheory | None:
    """``lag_theory`` at given rates: over replications, at the mean of the
    days' rates (a day whose busiest hour outran the clerks left the mean day
    without a lag, though the mean rate was within them)."""
    return _theory(plan, sales_per_hour / MINUTES_PER_HOUR, sales_per_hour, busiest_hour_sales_per_hour)


def _theory(plan: Projection, per_minute: float, sales_per_hour: float, busiest: float) -> LagTheory | None:
    """The theory at ``per_minute`` sales (shown as ``sales_per_hour``) and ``busiest`` in the busiest hour."""
    work = plan.minutes_per_sale
    if plan.clerks is None or work is None:
        return None
    exponential = isinstance(work, Exponential)
    if not exponential and plan.clerks > 1:
        return None
    clerks, delay, mean = plan.clerks, plan.delay_minutes, work.mean
    second_moment = work.sd_minutes**2 + mean**2

    def mean_lag(per_minute: float) -> float | None:
        if exponential:
            wait = mean_wait_minutes(clerks, per_minute, mean)
        else:
            load = per_minute * mean
            wait = math.inf if load >= 1 else per_minute * second_moment / (2 * (1 - load))
        return None if math.isinf(wait) else wait + mean + delay

    return LagTheory(
        model=f"M/M/{clerks}" if exponential else "M/D/1" if work.sd_minutes == 0 else "M/G/1",
        sales_per_hour=sales_per_hour,
        mean_lag_minutes=mean_lag(per_minute),
        busiest_hour_sales_per_hour=busiest,
        busiest_hour_mean_lag_minutes=mean_lag(busiest / MINUTES_PER_HOUR),
    )


@dataclass(frozen=True)
class ProjectionMetrics:
    """The projection of one linked day.

    Attributes:
        projector: ``"every 5 min"`` or ``"2 clerks"``, plus any delay.
        policy: ``"retry"`` or ``"read_your_writes"``.
        clerks, every_minutes, delay_minutes: The projection's settings.
        sales: Sales that entered the ledger.
        lag_minutes: Projection lag per sale: mean, p50, p95, max.
        utilisation: Clerk-minutes busy / clerk-minutes on hand until the last
            sale was listed (None for batches).
        max_backlog: The most sales in the ledger not yet listed at once ...
        max_backlog_at_minute: ... and when (minutes after opening).
        backlog_by_hour: The most sales not yet listed at any moment of each hour.
        holders: Holders who reached the collecting side.
        stale_reads: Visits to a counter before the sale was listed.
        stale_holders: Holders with at least one stale read ...
        stale_share: ... as a share of ``holders``.
        stale_reads_by_hour: Stale reads of holders who arrived in each hour.
        retries: Times holders were turned away to come back (retry policy).
        extra_counter_minutes: Ledger-check minutes at the counters (read-your-writes).
        missed_start_after_stale: Holders with a stale read who then missed their film's start.
        failed_after_stale: Holders with a stale read the collectors then failed in any way
            (missed their film, waited over ``long_wait_minutes``, walked away).
        kept_up: At most ``KEPT_UP_STALE_SHARE`` of holders met a stale read.
        theory: The M/M/c mean lag, where it applies (``lag_theory``).
    """

    projector: str
    policy: str
    clerks: int | None
    every_minutes: float | None
    delay_minutes: float
    walk_minutes: float
    sales: int
    lag_minutes: dict[str, float]
    utilisation: float | None
    max_backlog: int
    max_backlog_at_minute: float
    backlog_by_hour: tuple[int, ...]
    holders: int
    stale_reads: int
    stale_holders: int
    stale_share: float
    stale_reads_by_hour: tuple[int, ...]
    retries: int
    extra_counter_minutes: float
    missed_start_after_stale: int
    failed_after_stale: int
    kept_up: bool
    theory: LagTheory | None = None


def why_clerks_are_too_late(delay_minutes: float, walk_minutes: float) -> Literal["no walk", "trip"] | None:
    """Why no number of clerks lists a sale before its holder, straight from buying,
    reaches a counter: no walk at all, or a trip to the list at least the walk;
    None: enough clerks could."""
    if walk_minutes <= 0:
        return "no walk"
    if delay_minutes >= walk_minutes:
        return "trip"
    return None


def holder_tickets(tickets: TicketRecords) -> np.ndarray:
    """The ticket of each collecting record: the records hold the holders who
    came, in the order they came (at one instant, the order they joined the line)."""
    assert tickets.holders_in_order is not None
    return tickets.holders_in_order


def holder_columns(tickets: TicketRecords | None) -> dict[str, np.ndarray] | None:
    """Each collecting record's sale: when it entered the ledger, when it reached
    the collectors' list, and how many stale reads its holder met (None: no
    projection), so an export can be checked against the projection by hand."""
    if tickets is None or tickets.sold_at is None or tickets.holder_arrived_at is None:
        return None
    assert tickets.listed_at is not None
    assert tickets.stale_reads is not None
    order = holder_tickets(tickets)
    return {
        "sold_at_minute": tickets.sold_at[order],
        "listed_at_minute": tickets.listed_at[order],
        "stale_reads": tickets.stale_reads[order],
    }


def _by_ticket(holders_failed: np.ndarray | None, tickets: TicketRecords, late: np.ndarray) -> np.ndarray:
    """The collecting records' failed mask by ticket (without it, the late holders)."""
    if holders_failed is None:
        return late
    failed = np.zeros(len(late), dtype=bool)
    failed[holder_tickets(tickets)] = holders_failed
    return failed


def projection_metrics(
    tickets: TicketRecords,
    plan: Projection,
    starts_at_minute: tuple[float, ...],
    open_minutes: float,
    holders_failed: np.ndarray | None = None,
    walk_minutes: float = 0.0,
) -> ProjectionMetrics:
    """The day's projection measures.

    Args:
        tickets: The linked day's tickets, with the projector's arrays.
        plan: The projection the day ran with.
        starts_at_minute: Each showing's start.
        open_minutes: How long the doors were open.
        holders_failed: Which holders the collectors failed, in the collecting
            records' order (``holder_tickets``); None: only the
            missed film starts are known.
        walk_minutes: The holders' walk from buying to the counters (``linked.walk_minutes``).
    """
    assert tickets.sold_at is not None
    assert tickets.listed_at is not None
    assert tickets.stale_reads is not None
    assert tickets.holder_left_line_at is not None
    assert tickets.holder_arrived_at is not None
    holder_arrivals = tickets.holder_arrived_at
    sold = ~np.isnan(tickets.sold_at)
    sold_at, listed_at = tickets.sold_at[sold], tickets.listed_at[sold]
    lags = listed_at - sold_at
    hours = max(1, math.ceil(open_minutes / MINUTES_PER_HOUR))
    came = ~np.isnan(holder_arrivals)
    stale = tickets.stale_reads
    stale_count = int(stale.sum())
    holders = int(came.sum())
    stale_holders = int((stale > 0).sum())
    backlog_at, backlog_moment, by_hour = _backlog(sold_at, listed_at, hours)
    arrival_hour = np.minimum(holder_arrivals[came] // MINUTES_PER_HOUR, hours - 1).astype(np.int64)
    begun = film_starts(starts_at_minute, tickets.sold_showing)
    late = in_line_as_it_began(holder_arrivals, tickets.holder_left_line_at, begun)
    return ProjectionMetrics(
        projector=_describe(plan),
        policy=plan.stale_reads,
        clerks=plan.clerks,
        every_minutes=plan.every_minutes,
        delay_minutes=plan.delay_minutes,
        walk_minutes=walk_minutes,
        sales=int(sold.sum()),
        lag_minutes=_lag_stats(lags),
        utilisation=_utilisation(plan, listed_at, tickets.projector_busy_minutes, open_minutes),
        max_backlog=backlog_at,
        max_backlog_at_minute=backlog_moment,
        backlog_by_hour=by_hour,
        holders=holders,
        stale_reads=stale_count,
        stale_holders=stale_holders,
        stale_share=stale_holders / holders if holders else 0.0,
        stale_reads_by_hour=tuple(np.bincount(arrival_hour, weights=stale[came], minlength=hours).astype(int).tolist()),
        retries=stale_count if plan.stale_reads == "retry" else 0,
        extra_counter_minutes=0.0 if plan.stale_reads == "retry" else stale_count * plan.ledger_check_minutes,
        missed_start_after_stale=int((late & (stale > 0)).sum()),
        failed_after_stale=int((_by_ticket(holders_failed, tickets, late) & (stale > 0)).sum()),
        kept_up=(stale_holders / holders if holders else 0.0) <= KEPT_UP_STALE_SHARE,
        theory=lag_theory(plan, sold_at, open_minutes, max(starts_at_minute, default=open_minutes)),
    )


def _describe(plan: Projection) -> str:
    if plan.clerks is not None:
        text = f"{plan.clerks} clerk{'s' if plan.clerks != 1 else ''}"
    else:
        text = f"every {plan.every_minutes:g} min"
    return text + (f", +{plan.delay_minutes:g} min" if plan.delay_minutes else "")


def _lag_stats(lags: np.ndarray) -> dict[str, float]:
    if len(lags) == 0:
        return {"mean": 0.0, "p50": 0.0, "p95": 0.0, "max": 0.0}
    p50, p95 = np.quantile(lags, [0.5, 0.95])
    return {"mean": float(lags.mean()), "p50": float(p50), "p95": float(p95), "max": float(lags.max())}


def _utilisation(
    plan: Projection, listed_at: np.ndarray, busy_minutes: float | None, open_minutes: float
) -> float | None:
    if plan.clerks is None or busy_minutes is None:
        return None
    span = max(open_minutes, float(listed_at.max()) if len(listed_at) else 0.0)
    return busy_minutes / (plan.clerks * span) if span else 0.0


def _backlog(sold_at: np.ndarray, listed_at: np.ndarray, hours: int) -> tuple[int, float, tuple[int, ...]]:
    """The largest backlog, when, and per hour. It grows only at sales, so its
    most in any stretch of time is just after one of them or at the start: an
    hour without a sale still has the backlog it began with."""
    if len(sold_at) == 0:
        return 0, 0.0, (0,) * hours
    order = np.sort(sold_at)
    listed = np.sort(listed_at)
    after_each_sale = np.arange(1, len(order) + 1) - np.searchsorted(listed, order, side="right")
    peak = int(np.argmax(after_each_sale))
    by_hour = np.zeros(hours, dtype=np.int64)
    sale_hour = np.minimum(order // MINUTES_PER_HOUR, hours - 1).astype(np.int64)
    np.maximum.at(by_hour, sale_hour, after_each_sale)
    hour_starts = np.arange(hours) * MINUTES_PER_HOUR
    at_start = np.searchsorted(order, hour_starts, side="right") - np.searchsorted(listed, hour_starts, side="right")
    np.maximum(by_hour, at_start, out=by_hour)
    return int(after_each_sale[peak]), float(order[peak]), tuple(by_hour.tolist())
