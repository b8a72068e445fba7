"""Dataclass results as plain dicts and lists, for JSON and the results store.

``dataclasses.asdict`` deep-copies every leaf it meets; a planning run turns
thousands of days' metrics into dicts, and those copies were a tenth of a
sweep's time. The leaves here are numbers, strings and None, which need no
copy, so ``plain`` builds the same dicts without them, and with JSON's
shapes (tuples as lists), so a day's data is already what it reads as
after a trip through JSON (a worker's result, a stored day).
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

__all__ = ["plain"]

_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_LEAVES = frozenset({int, float, str, bool, type(None)})


def plain(value: Any) -> Any:
    """``dataclasses.asdict(value)`` for values whose leaves are immutable, tuples as lists."""
    kind = type(value)
    if kind in _LEAVES:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[kind] = tuple(field.name for field in fields(value))
    if names is not None:
        return {name: _item(getattr(value, name)) for name in names}
    if kind is list or kind is tuple:
        return [_item(item) for item in value]
    if kind is dict:
        return {_item(key): _item(item) for key, item in value.items()}
    return value


def _item(value: Any) -> Any:
    return value if type(value) in _LEAVES else plain(value)
