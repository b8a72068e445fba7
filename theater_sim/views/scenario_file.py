"""A scenario written back out as YAML, with new staffing.

``staff --write-scenario`` hands the planner the day it found, ready for
``theater-sim run``: the scenario as its author wrote it (keys left out stay
left out), with each side's counters replaced by the counts or schedule the
search found (and the projection's clerks, under the key ``projectors``).
Trace files are referred to from where the new file lies. It is written
the way the bundled scenarios are: clock times quoted (``opens: "10:00"``:
unquoted, YAML 1.1 reads 10:00 as the number 600), text of several lines as
a block, whole numbers without ``.0``. The text is checked by parsing it
back before anyone writes it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from theater_sim.input.loading import parse_scenario
from theater_sim.model.scenario import SIDE_NAMES, Scenario, SideName

__all__ = ["staffed_scenario_yaml"]

#: A count all day, a count per schedule period, a whole schedule as
#: ``(clock, count)`` steps (a managed day's), or None (keep the side).
Staffing = int | tuple[int, ...] | list[tuple[str, int]] | None


def staffed_scenario_yaml(
    scenario: Scenario,
    staffing: Mapping[str, Staffing],
    *,
    source_folder: Path,
    target_folder: Path,
    header: list[str],
) -> str:
    """The scenario as YAML text with each side's counters replaced.

    Args:
        scenario: The day as loaded.
        staffing: Per side: a count all day, a count per schedule period, a
            schedule as ``(clock, count)`` steps, or None to keep the side as it is;
            ``projectors``: the projection's clerks.
        source_folder: Where the scenario's trace paths start.
        target_folder: Where the text will be written (trace paths are made
            to start there).
        header: Comment lines for the top of the file.
    """
    document: dict[str, Any] = scenario.model_dump(mode="json", by_alias=True, exclude_unset=True, exclude_none=True)
    if "linked" in document:  # JSON made the party sizes' keys strings; YAML keeps numbers
        sizes = document["linked"].get("party_sizes")
        if isinstance(sizes, dict):
            document["linked"]["party_sizes"] = {int(size): share for size, share in sizes.items()}
    for side_name in SIDE_NAMES:
        side = document[side_name]
        count = staffing.get(side_name)
        if count is not None:
            side.pop("autoscale", None)
            if isinstance(count, list):
                side["counters"] = [{"from": clock, "count": n} for clock, n in count]
            else:
                side["counters"] = count if isinstance(count, int) else _schedule(scenario, side_name, count)
        trace = side.get("arrivals", {}).get("trace")
        if trace is not None:
            side["arrivals"]["trace"] = _trace_path(source_folder / trace, target_folder)
    clerks = staffing.get("projectors")
    if isinstance(clerks, int):
        document["projection"]["clerks"] = clerks
    # What the file is, as its report will say (an empty description was written as ''); the
    # original's story (and hints) were about the staffing this file replaces.
    original = document.get("description")
    document["description"] = "\n".join(header) + (f"\nThe original description:\n{original}" if original else "")
    # Defaults written out say nothing: verdict: {}, and showtimes: [] (a rota's, a trial).
    document = {key: value for key, value in document.items() if value not in ({}, [])}
    comments = "".join(f"# {line}\n" for line in header)
    text = comments + yaml.dump(document, Dumper=_ScenarioDumper, sort_keys=False, allow_unicode=True, width=100)
    parse_scenario(text, "the written scenario", base_folder=target_folder)  # raises if it would not load
    return text


def _schedule(scenario: Scenario, side_name: SideName, counts: tuple[int, ...]) -> list[dict[str, Any]]:
    periods = scenario.side(side_name).counters
    assert isinstance(periods, list)
    assert len(periods) == len(counts)
    return [{"from": period.from_clock, "count": count} for period, count in zip(periods, counts, strict=True)]


def _trace_path(trace: Path, target_folder: Path) -> str:
    """The trace's path as seen from the new file's folder (absolute if no relative path exists)."""
    try:
        return Path(os.path.relpath(trace.resolve(), target_folder.resolve())).as_posix()
    except ValueError:  # another drive (Windows)
        return str(trace.resolve())


_CLOCK = re.compile(r"\d{1,2}:\d{2}")


class _ScenarioDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, writing as people write scenarios (see the module's docstring)."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if _CLOCK.fullmatch(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


def _number(dumper: yaml.SafeDumper, value: float) -> yaml.ScalarNode:
    if value.is_integer() and abs(value) < 2**53:  # 16.0 -> 16: every number field takes a whole number
        return dumper.represent_int(int(value))
    return dumper.represent_float(value)


_ScenarioDumper.add_representer(str, _text)
_ScenarioDumper.add_representer(float, _number)
