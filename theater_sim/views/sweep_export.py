"""A sweep as data: ``sweep --json`` and ``--csv``.

Apart from the report (``plan_report``), so that a sweep that prints JSON
loads no rich (a fifth of its coordinating process's start-up): rich is
loaded only to show a table.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from theater_sim.analysis.metric_names import SIDE_METRICS
from theater_sim.analysis.plain import plain
from theater_sim.model.scenario import SIDE_NAMES, Scenario, SideName
from theater_sim.planning.sweep import SweepCell
from theater_sim.planning.tasks import Staffing, as_run, plain_staffing

__all__ = ["as_run_text", "sweep_csv", "sweep_data"]


def sweep_data(cells: list[SweepCell], scenario: Scenario, replications: int, metric: str) -> dict[str, Any]:
    """The sweep as plain data (``sweep --json``)."""
    return {
        "scenario": scenario.name,
        "seed": scenario.seed,
        "replications": replications,
        "metric": metric,
        "metrics": list(SIDE_METRICS),
        "cells": [
            {
                "sellers": plain_staffing(cell.sellers),
                "collectors": plain_staffing(cell.collectors),
                **{k: v for k, v in plain(cell).items() if k not in {"sellers", "collectors"}},
            }
            for cell in cells
        ],
    }


def sweep_csv(grids: list[tuple[int | None, Scenario, list[SweepCell]]]) -> str:
    """One row per cell: staffing, verdict (how many days gave it, the side it
    names not for its pressure, both sides short: the table's ``(k/n)``, ``*``
    and ``!``, which a trial missed in the CSV), then mean and half-width of
    every metric per side.

    ``grids``: each grid's projector clerks (None: the scenario's, and no
    ``projectors`` column), its scenario and its cells; a sweep of one grid
    passes ``[(None, scenario, cells)]``. A side not swept shows the scenario's
    count when it is one fixed number, so the column stays numeric.
    """
    with_projectors = any(clerks is not None for clerks, _, _ in grids)
    columns = [*(["projectors"] if with_projectors else []), "sellers", "collectors", "verdict", "verdict_agreement"]
    for side in SIDE_NAMES:
        for metric in SIDE_METRICS:
            columns += [f"{side}_{metric}", f"{side}_{metric}_half_width"]
    columns += ["named_for_waits", "both_short"]  # last, so the metrics keep their places
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for clerks, scenario, cells in grids:
        for cell in cells:
            writer.writerow([*([clerks] if with_projectors else []), *_cell_row(cell, scenario)])
    return out.getvalue()


def _cell_row(cell: SweepCell, scenario: Scenario) -> list[Any]:
    row: list[Any] = [
        as_run_text(cell.sellers, scenario, "selling", grouped=False),
        as_run_text(cell.collectors, scenario, "collecting", grouped=False),
        cell.verdict,
        cell.verdict_agreement,
    ]
    for side in SIDE_NAMES:
        for metric in SIDE_METRICS:
            interval = cell.sides[side][metric]
            half = interval["half_width"]
            row += [repr(interval["mean"]), "" if half is None else repr(half)]
    return [*row, cell.named_for_waits or "", "true" if cell.both_short else "false"]


def as_run_text(staffing: Staffing, scenario: Scenario, side: SideName, grouped: bool = True) -> str:
    """A sweep's count on ``side`` as shown: a side not swept as the scenario runs it
    (``grouped``: see ``staffing_text``)."""
    from theater_sim.views.formatting import staffing_text  # it brings rich: not for JSON

    return staffing_text(as_run(staffing, scenario, side), grouped)
