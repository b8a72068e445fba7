"""The documented Python API: every public name resolves, README's example runs,
and per-customer records come out as columns (and a DataFrame)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import theater_sim
from theater_sim import customer_columns, customer_frame, load_scenario, simulate_day
from theater_sim.views.exports import CUSTOMER_COLUMNS, customer_csv_chunks

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_public_name_resolves() -> None:
    for name in theater_sim.__all__:
        assert getattr(theater_sim, name) is not None, name
    with pytest.raises(AttributeError):
        theater_sim.no_such_name  # noqa: B018


def test_importing_the_package_stays_light() -> None:
    """``import theater_sim`` loads no simulation, planning or terminal code until asked."""
    heavy = "('simpy', 'rich', 'typer', 'theater_sim.planning')"
    code = f"import sys, theater_sim; print(sorted(m for m in sys.modules if m.startswith({heavy})))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_readme_python_examples_run() -> None:
    """Every ```python block of README.md runs as written."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


#: The per-customer columns only a day with a projection has.
_PROJECTED = ("sold_at_minute", "listed_at_minute", "stale_reads")


def test_customer_columns_match_the_csv_export() -> None:
    """The columns hold the same customers, in the same order and precision, as ``run --csv``."""
    scenario, _ = load_scenario("opening-weekend")
    records = simulate_day(scenario)
    columns = customer_columns(records)
    # The CSV adds a wall clock for people; a day with a projection adds the holders' sales.
    assert list(columns) == [name for name in CUSTOMER_COLUMNS if name not in {"arrival_clock", *_PROJECTED}]
    projected = customer_columns(simulate_day(load_scenario("eventual-consistency")[0]))
    assert list(projected) == [name for name in CUSTOMER_COLUMNS if name != "arrival_clock"]
    assert len({len(values) for values in columns.values()}) == 1
    rows = "".join(customer_csv_chunks(records)).splitlines()[1:]
    assert len(rows) == len(columns["side"])
    for k in (0, 1, len(rows) // 2, len(rows) - 1):
        cells = rows[k].split(",")
        assert cells[0] == columns["side"][k]
        assert float(cells[2]) == columns["arrival_at_minute"][k]
        assert cells[8] == columns["outcome"][k]
        wait = columns["wait_minutes"][k]
        assert (cells[5] == "") == bool(np.isnan(wait))
        assert float(cells[-2]) == columns["service_minutes"][k]
        patience = columns["patience_minutes"][k]
        assert (cells[-1] == "") == bool(np.isnan(patience))
        assert cells[-1] == "" or float(cells[-1]) == patience


def test_customer_frame_is_a_dataframe_when_pandas_is_there() -> None:
    pandas = pytest.importorskip("pandas")
    scenario, _ = load_scenario("balanced-day")
    frame = customer_frame(simulate_day(scenario))
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == [name for name in CUSTOMER_COLUMNS if name not in {"arrival_clock", *_PROJECTED}]
    assert frame.groupby("side").size().to_dict() == {"selling": 1000, "collecting": 1000}
