"""From a file on disk, or the name of a bundled day, to a checked ``Scenario``.

The box office accepts only plain YAML: a safe loader (no Python objects, no
code), a size limit, and a cap on how far aliases may expand so a small file
cannot unfold into billions of nodes. Every problem becomes one
``ScenarioError`` line that names the file, the key path and what is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from theater_sim.input.files import read_user_text
from theater_sim.input.traces import RowProgress, read_trace
from theater_sim.input.yaml_safe import MAX_NODES, DocumentTooLarge, load_yaml
from theater_sim.model.clock import parse_clock_minutes
from theater_sim.model.errors import ScenarioError, format_validation_error, shorten
from theater_sim.model.scenario import (
    DEFAULT_HOURS,
    DEFAULT_OPENS,
    MAX_HOURS,
    MIN_HOURS,
    SIDE_NAMES,
    Scenario,
    arrival_source_problems,
    scenario_keys,
)

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_YAML_NODES",
    "bundled_scenarios",
    "load_scenario",
    "local_namesake",
    "parse_scenario",
]

MAX_FILE_BYTES = 1_000_000
MAX_YAML_NODES = MAX_NODES
_SUFFIXES = (".yaml", ".yml")


def bundled_scenarios() -> dict[str, Path]:
    """Bundled scenario names and their files, sorted by name.

    Found inside the installed package (a wheel carries them as
    ``theater_sim/scenarios``), or beside it in a source checkout.
    """
    for folder in _bundled_folders():
        if folder.is_dir():
            files = sorted(p for p in folder.iterdir() if p.suffix in _SUFFIXES)
            if files:
                return {p.stem: p for p in files}
    return {}


def _bundled_folders() -> Iterator[Path]:
    yield Path(str(resources.files("theater_sim"))) / "scenarios"
    yield Path(__file__).resolve().parent.parent.parent / "scenarios"


def load_scenario(source: str, on_rows: RowProgress | None = None) -> tuple[Scenario, str]:
    """Load a scenario from a path or a bundled name (``on_rows``: see ``traces.read_trace``).

    Returns:
        The scenario and the file it came from (for messages).

    Raises:
        ScenarioError: if the file is missing, unreadable, too large, not YAML,
            or does not describe a valid day.
    """
    path = _resolve(source)
    return parse_scenario(_read_text(path), str(path), base_folder=path.parent, on_rows=on_rows), str(path)


def input_files(scenario: Scenario, origin: str) -> dict[str, Path]:
    """The files a scenario loaded by ``load_scenario`` was read from, by what
    they are: the scenario file itself and each side's trace."""
    files = {"scenario file": Path(origin)}
    for name in SIDE_NAMES:
        arrivals = scenario.side(name).arrivals
        if arrivals is not None and arrivals.trace is not None:
            files[f"{name}.arrivals.trace file"] = Path(origin).parent / arrivals.trace
    return files


def _resolve(source: str) -> Path:
    if not source.strip():
        raise ScenarioError("no scenario given: name a YAML file or a bundled scenario")
    path = Path(source)
    try:
        if path.exists():
            return path
    except OSError as error:  # a name too long, a folder we may not enter
        raise ScenarioError(f"{shorten(source, 200)}: cannot be read ({error.strerror or error})") from None
    bundled = bundled_scenarios()
    if source in bundled:
        return bundled[source]
    names = ", ".join(bundled) or "none found"
    with_suffix = [f"{source}{suffix}" for suffix in (".yaml", ".yml") if _is_file(Path(f"{source}{suffix}"))]
    if with_suffix:  # `run friday` beside friday.yaml (a trial): bundled names go without one, files with
        suggested = shorten(with_suffix[0], 200)
        raise ScenarioError(f"{shorten(source, 200)}: no such file, nor a bundled scenario; did you mean {suggested}?")
    raise ScenarioError(f"{shorten(source, 200)}: no such file, nor a bundled scenario (bundled: {names})")


def local_namesake(source: str) -> str | None:
    """The file beside the user (``balanced-day.yaml``) that a bundled name
    (``balanced-day``) does not read, if there is one: a user who edited a copy
    of a bundled day and typed its name ran the bundled one without a word."""
    if source not in bundled_scenarios() or _is_file(Path(source)):
        return None
    return next((f"{source}{suffix}" for suffix in (".yaml", ".yml") if _is_file(Path(f"{source}{suffix}"))), None)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def _read_text(path: Path) -> str:
    return read_user_text(path, MAX_FILE_BYTES, "scenario", str(path))


def _raw_arrival_source_problems(document: dict[str, Any]) -> list[str]:
    """``arrival_source_problems`` on the file's keys as written, for a file
    whose other keys failed (the model checks across keys only once all are
    valid); a key of the wrong kind is left to its own message."""

    def arrivals(side: object) -> bool | None:
        found = side.get("arrivals") if isinstance(side, dict) else None
        return None if found is None else isinstance(found, dict) and found.get("showtimes") is not None

    sides, linked = (document.get("selling"), document.get("collecting")), document.get("linked")
    if not all(isinstance(side, dict) for side in sides) or not isinstance(linked, dict | None):
        return []  # a side missing or not a mapping, or linked not one: their own messages say so
    return arrival_source_problems(
        linked=document.get("linked") is not None,
        showtimes=bool(document.get("showtimes")),
        selling=arrivals(document.get("selling")),
        collecting=arrivals(document.get("collecting")),
    )


def parse_scenario(
    text: str, origin: str, base_folder: Path | None = None, on_rows: RowProgress | None = None
) -> Scenario:
    """Turn YAML text into a checked scenario.

    Every problem the file has is reported at once (one line each): keys left
    empty, unreadable traces and every key the scenario's model refuses.
    Only a file that is not YAML at all stops at its first problem. (Checks
    across keys, such as a projection without ``linked``, run once the keys
    themselves are valid: pydantic runs them on valid fields only.)

    Args:
        text: The YAML.
        origin: Names the scenario in messages.
        base_folder: Where relative trace paths start (default: the working folder).

    Raises:
        ScenarioError: with one line per problem.
    """
    document = _parse_yaml(text, origin)
    if document is None:
        raise ScenarioError(f"{origin}: is empty; a scenario needs at least name, selling and collecting")
    if not isinstance(document, dict):
        raise ScenarioError(f"{origin}: the top level must be a mapping of keys, not a {_yaml_kind(document)}")
    empty = _empty_values(document)
    problems = [f"{origin}: {where}: has no value; {_what_to_give(where)}" for where in empty]
    problems += _attach_traces(document, base_folder or Path(), origin, on_rows)
    try:
        scenario = Scenario.model_validate(document)
    except ValidationError as error:
        # A key left empty is said once, not again as "should be a valid ...".
        said = tuple(f"{origin}: {where}: " for where in empty) + tuple(
            f"{origin}: {where.removesuffix('.distribution')}: unknown distribution 'None'"
            for where in empty
            if where.endswith(".distribution")
        )
        found = format_validation_error(error, origin, scenario_keys()).splitlines()
        problems += [line for line in found if not line.startswith(said)]
        problems += [f"{origin}: {problem}" for problem in _raw_arrival_source_problems(document)]
    if problems:
        raise ScenarioError("\n".join(dict.fromkeys(problems)))
    return scenario


def _what_to_give(where: str) -> str:
    if where.endswith(".distribution"):  # the one key of a mapping with no default
        return "give one of exponential, fixed, uniform, lognormal or gamma"
    return "give it one, or leave the key out for its default"


def _empty_values(node: Any, path: str = "") -> list[str]:
    """The key paths written with no value (``linked:``, ``projection: null``).

    Such a key is a mistake, not a request for the default: taken as the
    default, ``linked:`` left empty reads as "not linked" (and the error
    blames ``collecting.arrivals``), and an empty ``projection:`` runs a day
    without one, silently.
    """
    found = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        where = (
            f"{path}[{key}]" if isinstance(node, list) else f"{path}.{shorten(str(key))}" if path else shorten(str(key))
        )
        if value is None:
            found.append(where)
        else:
            found += _empty_values(value, where)
    return found


def _parse_yaml(text: str, origin: str) -> Any:
    if origin.lower().endswith(".json"):
        return _parse_json(text, origin)
    invalid = "invalid YAML"
    try:
        document = load_yaml(text)
    except DocumentTooLarge as error:
        raise ScenarioError(f"{origin}: {error}; a scenario is a few dozen keys (traces go in CSV files)") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        hint = " (only plain YAML is accepted: no Python !! tags)" if "constructor for" in str(error.problem) else ""
        raise ScenarioError(f"{origin}: {invalid}: {where}{error.problem}{hint}") from None
    except yaml.YAMLError as error:
        raise ScenarioError(f"{origin}: {invalid}: {error}") from None
    except RecursionError:
        raise ScenarioError(f"{origin}: {invalid}: nested too deeply") from None
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        raise ScenarioError(f"{origin}: {invalid}: {shorten(str(error))}") from None
    _check_size(document, origin)
    return document


def _parse_json(text: str, origin: str) -> Any:
    """A ``.json`` scenario, read as JSON: YAML (JSON's superset, in theory) refuses
    tab indentation and decodes an escaped pair of surrogates (Python's json
    writes an emoji as ``\\ud83c\\udfac``) as two broken characters."""
    try:
        document = json.loads(text, object_pairs_hook=_json_mapping)
    except json.JSONDecodeError as error:
        raise ScenarioError(f"{origin}: invalid JSON: line {error.lineno}, column {error.colno}: {error.msg}") from None
    except RecursionError:
        raise ScenarioError(f"{origin}: invalid JSON: nested too deeply") from None
    except ValueError as error:  # a key given twice, an integer of more than 4,300 digits
        raise ScenarioError(f"{origin}: invalid JSON: {shorten(str(error), 200)}") from None
    _check_size(document, origin)
    return document


def _json_mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object; a key given twice is an error, as in YAML (json keeps the last)."""
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise ValueError(f"the key {shorten(repr(key))} is given twice in one object")
        mapping[key] = value
    return mapping


def _attach_traces(
    document: dict[Any, Any], base_folder: Path, origin: str, on_rows: RowProgress | None = None
) -> list[str]:
    """Read each side's ``arrivals.trace`` file into ``arrivals.trace_at_minute``;
    the problems of traces that could not be read (those get no moments, so the
    rest of the scenario is still checked)."""
    problems: list[str] = []
    opens = document.get("opens", DEFAULT_OPENS)
    if not isinstance(opens, str):
        return problems  # validation reports the bad 'opens'
    try:
        parse_clock_minutes(opens)
    except ValueError:
        return problems
    for side_name in SIDE_NAMES:
        side = document.get(side_name)
        arrivals = side.get("arrivals") if isinstance(side, dict) else None
        if isinstance(arrivals, dict) and isinstance(arrivals.get("trace"), str) and arrivals["trace"]:
            path = base_folder / arrivals["trace"]
            # The file as the scenario names it (a path of any length named, not echoed whole).
            where = f"{origin}: {side_name}.arrivals.trace: {shorten(arrivals['trace'])}"
            try:
                arrivals["trace_at_minute"] = read_trace(path, opens, where, on_rows, _open_minutes(document))
            except ScenarioError as error:
                problems.append(str(error))
                arrivals["trace_at_minute"] = ()
    return problems


def _open_minutes(document: dict[Any, Any]) -> float | None:
    """The day's length as written, for a trace's range check by line (None: the
    scenario's check of ``hours`` says what is wrong with it)."""
    hours = document.get("hours", DEFAULT_HOURS)
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not MIN_HOURS <= hours <= MAX_HOURS:
        return None
    return float(hours) * 60.0


def _check_size(document: Any, origin: str) -> None:
    """Refuse documents whose aliases expand past ``MAX_YAML_NODES`` nodes.

    PyYAML shares aliased nodes instead of copying them, so a "billion laughs"
    file loads quickly but would make every later walk over it endless; this
    walk stops as soon as the budget is spent.
    """
    budget = MAX_YAML_NODES
    stack = [document]
    while stack:
        node = stack.pop()
        budget -= 1
        if budget < 0:
            raise ScenarioError(
                f"{origin}: the document expands to more than {MAX_YAML_NODES:,} values"
                " (YAML aliases used to blow it up?)"
            )
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _yaml_kind(document: object) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(document), type(document).__name__
    )
