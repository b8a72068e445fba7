"""Golden outputs: digests of what the command line prints, to prove a refactor changes nothing.

A redesign must leave every output byte-identical. This module lists the
commands whose output is pinned (``run --json`` for every bundled scenario
and seeds 1-20, the text of ``run`` for each, replications, sweeps and
staffing searches), and keeps the SHA-256 of each command's stdout and
stderr in ``digests.json``. ``tests/test_golden.py`` reruns them and compares.

When a change is meant to alter an output, rerun ``python tests/golden/golden.py``
to record the new digests, and say in the commit which outputs changed and why
(``--diff-from OLD_DIGESTS`` lists them).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from typer.testing import CliRunner

DIGESTS = Path(__file__).with_name("digests.json")
SCENARIOS = (
    "announcement-rush",
    "autoscale",
    "balanced-day",
    "eventual-consistency",
    "opening-weekend",
    "premiere-night",
    "tarantino-announced",
)
#: Text output is laid out for this terminal width.
COLUMNS = "120"


def commands() -> list[tuple[str, ...]]:
    """Every pinned command line (without the program name)."""
    pinned: list[tuple[str, ...]] = []
    for name in SCENARIOS:
        pinned += [("run", name, "--seed", str(seed), "--json") for seed in range(1, 21)]
        pinned.append(("run", name))
    pinned += [
        ("run", "opening-weekend", "--replications", "4", "--json", "--quiet"),
        ("run", "announcement-rush", "--replications", "3", "--quiet"),
        ("sweep", "opening-weekend", "--sellers", "1:3", "--collectors", "1:3", "--replications", "2", "--json"),
        ("sweep", "tarantino-announced", "--sellers", "1:6", "--collectors", "1:2", "--json", "--quiet"),
        ("sweep", "opening-weekend", "--sellers", "1:3", "--collectors", "1:2", "--quiet"),
        ("staff", "announcement-rush", "--max-p95-wait", "5", "--replications", "3", "--json", "--quiet"),
        ("staff", "opening-weekend", "--max-p95-wait", "10", "--replications", "2", "--json", "--quiet"),
        ("staff", "balanced-day", "--max-p95-wait", "1", "--replications", "3", "--quiet"),
        ("watch", "premiere-night", "--speed", "inf"),
        ("run", "eventual-consistency", "--projectors", "2"),
        ("--help",),
    ]
    return pinned


def digest(runner: CliRunner, command: tuple[str, ...]) -> str:
    """SHA-256 of the exit status, stdout and stderr of one command."""
    from theater_sim.views.cli import app

    result = runner.invoke(app, list(command), env={"COLUMNS": COLUMNS, "NO_COLOR": "1"})
    blob = f"{result.exit_code}\n{result.stdout}\n--stderr--\n{result.stderr}"
    return hashlib.sha256(blob.encode()).hexdigest()


def key(command: tuple[str, ...]) -> str:
    return " ".join(command)


def record() -> dict[str, str]:
    runner = CliRunner()
    return {key(command): digest(runner, command) for command in commands()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diff-from", type=Path, help="List the commands whose digest differs from this file's.")
    args = parser.parse_args()
    digests = record()
    if args.diff_from is not None:
        old = json.loads(args.diff_from.read_text())
        for command, value in digests.items():
            if old.get(command) != value:
                print(f"changed: {command}")
    DIGESTS.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n")
    print(f"recorded {len(digests)} digests in {DIGESTS}", file=sys.stderr)


if __name__ == "__main__":
    main()
