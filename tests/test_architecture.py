"""The package's layers hold: data flows one way, and only the views touch the terminal.

The contracts live in pyproject.toml ([tool.importlinter]); this runs them,
so the README's test command (and CI) fails the moment a lower layer imports
a higher one.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import theater_sim

ROOT = Path(__file__).resolve().parent.parent
SUBPACKAGES = ("model", "input", "engine", "analysis", "planning", "views")


def test_import_contracts_are_kept() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    if not lint.exists():  # pragma: no cover - the test extra installs it
        pytest.fail("lint-imports is missing: pip install '.[test]'")
    result = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml")], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_every_module_lives_in_a_layer() -> None:
    """No module sits loose at the top: each belongs to one of the six layers."""
    top = Path(theater_sim.__file__).parent
    loose = sorted(p.name for p in top.glob("*.py") if p.name not in {"__init__.py", "__main__.py"})
    assert loose == []
    assert sorted(p.name for p in top.iterdir() if (p / "__init__.py").exists()) == sorted(SUBPACKAGES)
