"""Shared fixtures: a wide CLI runner. Plain helpers live in ``helpers``."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner


@pytest.fixture
def runner() -> CliRunner:
    """A CliRunner with a wide terminal, so tables never wrap."""
    return CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"})
