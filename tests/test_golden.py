"""No change in behaviour: every pinned command prints exactly what was recorded.

The digests in ``tests/golden/digests.json`` were recorded with
``python tests/golden/golden.py``; a change that is meant to alter an output
records them again (see that module). Anything else that changes a byte of
``run``, ``sweep``, ``staff`` or ``watch`` output fails here.
"""

from __future__ import annotations

import json

import pytest
from golden.golden import DIGESTS, commands, digest, key
from typer.testing import CliRunner

RECORDED: dict[str, str] = json.loads(DIGESTS.read_text())


def test_every_pinned_command_is_recorded() -> None:
    assert sorted(RECORDED) == sorted(key(command) for command in commands())


@pytest.mark.parametrize("command", commands(), ids=key)
def test_output_is_byte_identical_to_the_recorded_one(runner: CliRunner, command: tuple[str, ...]) -> None:
    assert digest(runner, command) == RECORDED[key(command)], (
        f"'theater-sim {key(command)}' prints something new; if that is meant, record again with"
        " python tests/golden/golden.py (and say why in the commit)"
    )
