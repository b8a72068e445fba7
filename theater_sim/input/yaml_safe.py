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

__all__ = ["StrictSafeLoader", "load_yaml"]


class StrictSafeLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys."""

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
                        f"the key {key!r} is given twice (first on line {seen[key].start_mark.line + 1})",
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
