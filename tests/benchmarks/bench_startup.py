"""Benchmark: how long a user waits for the command line to start.

Run:  python tests/benchmarks/bench_startup.py [--rounds 7]

Each command runs as a whole new process (as a user runs it), measured in
CPU seconds (user + system, from the children's resource usage), best of
``--rounds``, beside ``python -c pass`` measured in the same run. Targets
(issue 11): ``--version`` and ``--help`` under 0.15 s, ``run balanced-day
--json`` under 0.3 s. The command line imports per command what that
command needs: help and version load Typer and nothing of the simulation.
Each is measured as this environment runs it (this machine sets
``PYTHONDONTWRITEBYTECODE=1``: an editable checkout compiles theater-sim's
modules on every start) and with its bytecode cached, as after ``pip
install .`` (``installed.py``).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys

from installed import bytecode_cached, warm

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "theater-sim --version": ["theater-sim", "--version"],
    "theater-sim --help": ["theater-sim", "--help"],
    "theater-sim run balanced-day --json": ["theater-sim", "run", "balanced-day", "--json"],
}


def cpu_seconds(command: list[str], env: dict[str, str] | None = None) -> float:
    """CPU time of one whole process running ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    if shutil.which("theater-sim") is None:
        sys.exit("theater-sim is not on PATH: pip install . first")
    best = dict.fromkeys(COMMANDS, float("inf"))
    cached = dict.fromkeys(COMMANDS, float("inf"))
    with bytecode_cached() as env:
        for command in COMMANDS.values():
            warm(command, env)
        for _ in range(args.rounds):
            for name, command in COMMANDS.items():  # interleaved, so drift hits all alike
                best[name] = min(best[name], cpu_seconds(command))
                cached[name] = min(cached[name], cpu_seconds(command, env))
    base = best["python -c pass"]
    print("CPU seconds as this environment runs them, and with bytecode cached (as after pip install .):")
    for name, seconds in best.items():
        print(
            f"{name:40s} {seconds:6.3f} s CPU   ({seconds - base:+.3f} s over python -c pass)"
            f"   cached: {cached[name]:6.3f} s"
        )


if __name__ == "__main__":
    main()
