"""The YAML the box office accepts.

PyYAML's safe loader, made stricter in two ways a scenario author would
expect: a key given twice in one mapping is an error (PyYAML silently keeps
the last), and numbers in exponent form without a dot (``1e-3``, ``2E6``)
are numbers, as in YAML 1.2, not strings. No tag can build Python objects.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from theater_sim.model.errors import shorten

__all__ = ["MAX_NODES", "DocumentTooLarge", "StrictSafeLoader", "load_yaml"]


#: Most values (nodes) one document may hold before it is refused, while parsing.
MAX_NODES = 10_000


class DocumentTooLarge(yaml.YAMLError):
    """More values than ``MAX_NODES``: refused while composing, before building them."""


class StrictSafeLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys and documents of more than ``MAX_NODES`` values."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        # Counted as they are read, so a 1 MB flow list is refused in milliseconds,
        # not after building a million Python objects.
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise DocumentTooLarge(f"the document holds more than {MAX_NODES:,} values")
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, yaml.Node] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                except TypeError:  # an unhashable key; the base class reports it
                    break
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        "while reading a mapping",
                        node.start_mark,
                        f"the key {shorten(repr(key))} is given twice (first on line {seen[key].start_mark.line + 1})",
                        key_node.start_mark,
                    )
                seen[key] = key_node
        return super().construct_mapping(node, deep=deep)  # type: ignore[arg-type]


StrictSafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def load_yaml(text: str) -> Any:
    """Parse one YAML document with ``StrictSafeLoader``."""
    return yaml.load(text, Loader=StrictSafeLoader)
