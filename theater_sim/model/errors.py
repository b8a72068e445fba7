"""The two kinds of error a run can end in.

``ScenarioError``: bad input. A manager who hands the box office a scenario
with a typo, a missing file or a queue of ten billion people gets a
one-sentence answer that names the file, the key and the limit; the command
line turns these into exit status 2.

``RunError``: good input, but the run could not be done: a cluster that does
not answer, a disk that fills up while results are written. The command line
turns these into exit status 1.

Neither names command-line options: the command line adds the option a
message is about.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pydantic is only needed when there is an error to format
    from pydantic import ValidationError

__all__ = ["EndlessReturns", "RunError", "ScenarioError", "format_validation_error", "shorten"]


class ScenarioError(Exception):
    """A scenario (file, key or option) that cannot be run, with why.

    Args:
        message: One or a few lines, each naming where and what is wrong.
    """


class EndlessReturns(ScenarioError):
    """A day that stopped because its holders were turned away without end
    (``model.limits.TURNED_AWAY_PER_HOLDER``): a staffing search counts such a
    staffing as missing its target, where one day more would not help."""


class RunError(Exception):
    """A run that failed for a reason outside the input: an unreachable
    cluster, an output that could not be written.

    Args:
        message: One line naming what failed and why.
    """


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to about ``limit`` characters for a message (the middle goes),
    so a 900 kB value is never echoed whole; a character that is not printable
    is written as its escape (a file name with a newline made two error lines)."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    if len(text) <= limit:
        return text
    keep = (limit - 1) // 2
    return f"{text[:keep]}…{text[-keep:]}"


def format_validation_error(error: ValidationError, origin: str, known_keys: Collection[str] = ()) -> str:
    """One ``origin: key.path: message`` line per problem pydantic found.

    Where a key may take one of several forms (``counters``: a number or a
    schedule), only the complaints about the form the user chose are kept.
    An unknown key close to a required one missing beside it is one problem
    ("did you mean"), as is one close to any of ``known_keys``.
    """
    items = _with_suggestions(_chosen_branch(error.errors(include_url=False)), known_keys)
    said: dict[tuple[str, str], list[str]] = {}  # (path with its last item number out, message): the numbers
    for item in items:
        path = _key_path(item["loc"], keep_last=item["type"] == "extra_forbidden")
        trimmed = _LAST_ITEM.match(path)
        where, number = (trimmed.group(1), trimmed.group(2)) if trimmed else (path, "")
        said.setdefault((where, _friendly(item)), []).append(number)
    lines = []
    for (where, message), said_of in said.items():
        # The same complaint about several items of one list (counters: [1, 2, 3]) is said once;
        # the same complaint twice at one key (no item number) once, as it is.
        numbers = list(dict.fromkeys(said_of))
        more = len(numbers) - 1
        items_named = numbers[0] + (f" (and {more} more item{'s' if more > 1 else ''})" if more else "")
        path = where + items_named
        # Whole-scenario checks name their own key path inside the message, a line each.
        lines += [f"{origin}: {path}: {line}" if path else f"{origin}: {line}" for line in message.splitlines()]
    return "\n".join(dict.fromkeys(lines))


def _with_suggestions(items: list[Any], known_keys: Collection[str]) -> list[Any]:
    """``items`` with a suggestion on each misspelt key: ``selling.countres``
    and ``selling.counters`` missing were two lines, the missing one first."""
    missing = [tuple(i["loc"]) for i in items if i["type"] == "missing" and i["loc"]]
    taken: set[tuple[Any, ...]] = set()
    kept = []
    for item in items:
        key = item["loc"][-1] if item["type"] == "extra_forbidden" and item["loc"] else None
        if not isinstance(key, str):
            kept.append(item)
            continue
        beside = [loc[-1] for loc in missing if loc[:-1] == tuple(item["loc"][:-1]) and isinstance(loc[-1], str)]
        close = difflib.get_close_matches(key, beside, n=1, cutoff=0.6)
        if close:
            taken.add((*item["loc"][:-1], close[0]))
            kept.append({**item, "suggest": f"did you mean '{close[0]}', which is required?"})
            continue
        close = [] if key in known_keys else difflib.get_close_matches(key, known_keys, n=1, cutoff=0.8)
        kept.append({**item, "suggest": f"did you mean '{close[0]}'?"} if close else item)
    return [item for item in kept if tuple(item["loc"]) not in taken or item["type"] != "missing"]


#: A key path ending in a list item's number: the path before it, and ``[n]``.
_LAST_ITEM = re.compile(r"^(.*?)(\[\d+\])$")


def _key_path(loc: tuple[Any, ...], keep_last: bool = False) -> str:
    """The key path of a problem (``selling.arrivals.total``); ``keep_last``: the last
    part is the user's own key (an unknown one), shown even if it looks like a union tag."""
    path = ""
    for index, part in enumerate(loc):
        if isinstance(part, int) and loc[index + 1 : index + 2] == ("[key]",):  # a mapping's number key
            path += f".{part}" if path else str(part)
        elif isinstance(part, int):
            path += f"[{part}]"
        elif part == "[key]":
            path += " (key)"
        elif not _is_tag_at(loc, index) or (keep_last and index == len(loc) - 1):
            name = shorten(str(part))
            path += f".{name}" if path else name
    return path


def _is_tag_at(loc: tuple[Any, ...], index: int) -> bool:
    """Whether ``loc[index]`` is a union member's name: not a user's mapping key
    (``party_sizes: {a-b: 0.5}``: its own problem comes with a ``[key]`` after it)."""
    return _is_union_tag(loc[index]) and loc[index + 1 : index + 2] != ("[key]",)


def _is_union_tag(part: object) -> bool:
    # Unions add the member's name to the location: a distribution's tag
    # ('exponential'), or a type such as 'constrained-int' or 'list[CounterPeriod]'.
    if not isinstance(part, str) or part == "[key]":  # a dict key's own problem, not a union member
        return False
    if part.lstrip("-").isdigit():  # a user's key written as a number ("-1" in JSON), not a tag
        return False
    return part in {"exponential", "fixed", "uniform", "lognormal", "gamma", "int", "float", "str"} or any(
        mark in part for mark in "[-"
    )


def _chosen_branch(items: list[Any]) -> list[Any]:
    """Keep, for each key that takes one of several forms (a union: ``counters``
    is a number or a schedule), the complaints about the form the user chose:
    every one inside a form (a schedule's period with a count below 1, another
    that is not a mapping) rather than the others' top-level mismatch (not an
    integer); else a value a form's own limit refuses (a count of 0). A value no
    form takes at all gets one complaint (``_one_per_key``). Other keys'
    complaints are kept as they are, whatever a union beside them says."""
    groups: dict[tuple[Any, ...] | int, list[Any]] = {}
    for index, item in enumerate(items):
        where = _union_point(item["loc"])
        groups.setdefault(index if where is None else where, []).append(item)
    kept = []
    for key, group in groups.items():
        if isinstance(key, int):
            kept.extend(group)
            continue
        inside = [i for i in group if not i["type"].endswith("_type")]
        deeper = [i for i in group if len(i["loc"]) > len(key) + 1]
        kept.extend(deeper or inside or _one_per_key(group))
    return kept


def _union_point(loc: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The key path up to the first union member's name in ``loc`` (None: no union)."""
    for index in range(len(loc)):
        if _is_tag_at(loc, index):
            return tuple(loc[:index])
    return None


def _one_per_key(items: list[Any]) -> list[Any]:
    """A value of a type no member of its union takes (``counters: "2"``): one
    complaint for the key (naming every form it takes, or its example), not one per member."""
    by_key: dict[str, list[Any]] = {}
    for item in items:
        by_key.setdefault(_key_path(item["loc"]), []).append(item)
    merged = []
    for group in by_key.values():
        if len(group) == 1:
            merged.append(group[0])
            continue
        named = (_FORMS.get(i["type"], i["msg"].removeprefix("Input should be ")) for i in group)
        forms = " or ".join(dict.fromkeys(named))
        merged.append({**group[0], "type": "union_type", "msg": f"must be {forms}"})
    return merged


#: The forms a union member takes, as a user would name them.
_FORMS = {
    "int_type": "a whole number",
    "float_type": "a number",
    "list_type": "a list",
    "dict_type": "a mapping of keys",
    "model_type": "a mapping of keys",
    "string_type": "text",
}


_CLOCK_KEYS = {"from", "to", "starts", "opens"}

#: Keys of earlier versions, refused with what replaced them (as unknown keys, so
#: the file's other mistakes are reported with them).
_RENAMED_KEYS: dict[tuple[Any, ...], str] = {
    ("verdict", "late_share"): (
        "'late_share' is now 'failed_share' (since 0.4 it counts walk-aways and waits longer"
        " than long_wait_minutes as well as missed film starts)"
    ),
}

#: What a key expects, shown when it was given in the wrong shape.
_SHAPE_EXAMPLES = {
    "patience_minutes": "patience_minutes: {distribution: exponential, mean: 15}",
    "service_minutes": "service_minutes: {distribution: exponential, mean: 0.5}",
    "lead_minutes": "lead_minutes: {distribution: uniform, low: 5, high: 35}",
    "party_sizes": "party_sizes: {1: 0.4, 2: 0.4, 4: 0.2} (size: share)",
    "arrivals": "arrivals: {rate_per_hour: 60}",
    "counters": 'counters: 2, or counters: [{from: "08:00", count: 1}, {from: "17:00", count: 3}]',
    "autoscale": "autoscale: {min: 1, max: 6}",
    "showtimes": 'showtimes: [{film: Jackie Brown, starts: "19:30", seats: 200}]',
    "linked": "linked: {online_share: 0.5, party_sizes: {1: 0.5, 2: 0.5}}",
    "verdict": "verdict: {tolerance: 0.2, calm_below: 0.5}",
}


def _friendly_shape(kind: str) -> str:
    if kind == "list_type":
        return "must be a list"
    if kind == "union_tag_not_found":
        return "needs a 'distribution' key"
    return "must be a mapping of keys"


def _friendly(item: Any) -> str:
    kind = item["type"]
    if kind == "extra_forbidden":
        unknown = _RENAMED_KEYS.get(tuple(item["loc"]), "unknown key")
        return f"{unknown}: {item['suggest']}" if "suggest" in item else unknown
    if kind == "missing":
        return "required key is missing"
    example = _SHAPE_EXAMPLES.get(str(_named_key(item["loc"]))) if item["loc"] else None
    if example and kind in {"model_type", "model_attributes_type", "dict_type", "list_type", "union_tag_not_found"}:
        return f"{_friendly_shape(kind)}, e.g. {example}"
    if kind == "union_type":
        given = item.get("input")
        got = f" (got {shorten(repr(given))})" if _is_scalar(given) else ""
        shown = _SHAPE_EXAMPLES.get(_key_path(item["loc"]).rsplit(".", 1)[-1])
        return f"{item['msg']}{got}" + (f", e.g. {shown}" if shown else "")
    if kind == "finite_number":
        return "must be a finite number (not NaN or infinity)"
    if kind == "greater_than_equal" and item["loc"] == ("hours",):
        return f"must be at least one minute, 1/60 of an hour (got {shorten(repr(item['input']))})"
    if kind == "greater_than_equal" and tuple(item["loc"][1:2]) == ("counters",) and item["input"] == 0:
        return (
            f"a side needs at least one counter (got {shorten(repr(item['input']))}); to close it for part of"
            ' the day, give a schedule with a period of count 0, e.g. counters: [{from: "10:00", count: 2},'
            ' {from: "12:00", count: 0}, {from: "13:00", count: 2}]'
        )
    if kind == "union_tag_invalid":
        tag, expected = str(item["ctx"]["tag"]), str(item["ctx"]["expected_tags"])
        close = difflib.get_close_matches(tag, [name.strip(" '") for name in expected.split(",")], n=1, cutoff=0.85)
        guess = f"did you mean '{close[0]}'? " if close else ""
        return f"unknown distribution {shorten(repr(tag))}; {guess}use one of {expected}"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return "must be a mapping of keys (key: value lines)"
    if kind == "list_type":
        return "must be a list (lines starting with '- ')"
    if kind == "union_tag_not_found":
        return "needs a 'distribution' key (exponential, fixed, uniform, lognormal or gamma)"
    if kind == "string_pattern_mismatch":
        if item["ctx"]["pattern"] == r"\S":
            return "must not be blank"
        return f"{shorten(repr(item['input']))} is not a clock time like '19:30' or '19:30:15'"
    if kind == "string_type" and item["loc"] and item["loc"][-1] in _CLOCK_KEYS and isinstance(item["input"], int):
        # YAML 1.1 reads an unquoted 18:00 as 18 * 60 + 0 = 1080: give the user's time back.
        written = f"{item['input'] // 60:02d}:{item['input'] % 60:02d}" if 0 <= item["input"] <= 1440 else "18:00"
        if 0 < item["input"] < 24:  # more likely an hour (opens: 8) than an unquoted 0:08
            hour = f"{item['input']:02d}:00"
            return (
                f'must be a clock time in quotes: write "{hour}" for {item["input"]} o\'clock (or "{written}"'
                f" if you wrote {item['input'] // 60}:{item['input'] % 60:02d} unquoted: YAML reads it as the"
                f" number {item['input']})"
            )
        return (
            f'must be a clock time in quotes: write "{written}" (unquoted, YAML reads {written} as the number'
            f" {item['input']})"
        )
    message: str = item["msg"]
    message = _LONG_DECIMAL.sub(_few_digits, message.removeprefix("Value error, "))
    message = _LONG_WHOLE.sub(lambda match: f"{int(match.group()):,}", message)  # 10,000,000 as the reports write it
    message = "\n".join(shorten(line, 300) for line in message.splitlines())  # a check may say several things
    given = item.get("input")
    # A number in the message is a limit ("greater than 0"), not the value given: only text is looked for.
    said = isinstance(given, str) and repr(given) in message
    if kind not in {"model_type", "model_attributes_type"} and _is_scalar(given) and not said:
        message = f"{message} (got {given!r})"
    return message


#: A limit pydantic prints with all its float digits (hours >= 1/60: 0.016666666666666666).
_LONG_DECIMAL = re.compile(r"\d+\.\d{7,}")
#: A whole number of five digits or more, not part of a decimal or a longer token (pydantic's limits).
_LONG_WHOLE = re.compile(r"(?<![\w.,])\d{5,}(?![\w.,])")


def _few_digits(match: re.Match[str]) -> str:
    return f"{float(match.group()):.6g}"


def _named_key(loc: tuple[Any, ...]) -> object:
    """The last named key of ``loc``: ``counters`` for ``counters[0]``, whose shape
    example then serves its items (a schedule's period is its own mapping)."""
    parts = [part for part in loc if not _is_union_tag(part)]
    if len(parts) >= 2 and isinstance(parts[-1], int) and parts[-2] in _LIST_EXAMPLES:
        return parts[-2]
    return loc[-1]


#: Lists whose items' shape is best shown by the list's own example.
_LIST_EXAMPLES = {"counters", "showtimes"}


def _is_scalar(value: object) -> bool:
    if isinstance(value, float) and not math.isfinite(value):
        return True
    return isinstance(value, str | int | float | bool) and len(repr(value)) <= 60
