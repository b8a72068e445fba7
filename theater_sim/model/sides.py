"""The theater's two sides, by name: selling (commands) and collecting (queries)."""

from __future__ import annotations

from typing import Literal

__all__ = ["SIDE_NAMES", "SideName"]

SideName = Literal["selling", "collecting"]
SIDE_NAMES: tuple[SideName, SideName] = ("selling", "collecting")
