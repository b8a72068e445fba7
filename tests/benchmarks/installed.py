"""Whole processes as an installed theater-sim runs them: with bytecode cached.

``pip install .`` compiles every module's bytecode, so a user's commands
start from it. This machine sets ``PYTHONDONTWRITEBYTECODE=1``, and in an
editable checkout theater-sim's own modules are then compiled from source on
every start (about 0.1 s of CPU, more than a tenth of a whole sweep's
coordinating process). The whole-process benchmarks run their commands in
``bytecode_cached()``'s environment instead: Python keeps the bytecode in a
temporary folder of its own (``PYTHONPYCACHEPREFIX``; nothing is written in
the checkout), filled by an untimed first run of each command (``warm``).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["bytecode_cached", "warm"]


@contextmanager
def bytecode_cached() -> Iterator[dict[str, str]]:
    """An environment for whole processes whose bytecode is cached (removed after)."""
    with tempfile.TemporaryDirectory() as folder:
        env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = folder
        yield env


def warm(command: list[str], env: dict[str, str], cwd: Path | str | None = None) -> None:
    """Run ``command`` once, untimed, so the modules it imports are compiled and cached."""
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env, cwd=cwd)
