"""Benchmark: a day of ten million customers, in linear time and bounded memory.

Run:  python tests/benchmarks/bench_bigday.py [--rounds 2] [--engine exact]

Whole ``theater-sim run --json`` processes (as a user runs them) on an
overloaded day (50 sellers, load 1.3: the line grows all day) of 1,000,000
and of 10,000,000 buyers, written to a temporary folder. Reports each one's
wall time and peak RSS (best of ``--rounds``), and the ratio of the 10M day's
time to ten times the 1M day's. Targets (issue 12): the ratio at most 1.2
(linear time) and the 10M day's peak RSS at most 1 GiB. The exact engine is
the default (``run`` uses SimPy unless told); ``--engine simpy`` measures SimPy.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COUNTERS = 50
LOAD = 1.3
OPEN_MINUTES = 16 * 60


def scenario_text(customers: int) -> str:
    """An overloaded selling side of ``customers`` buyers; a token collecting side."""
    mean = COUNTERS * OPEN_MINUTES * LOAD / customers
    return (
        "name: big day\n"
        f"selling: {{counters: {COUNTERS}, arrivals: {{total: {customers}}},"
        f" service_minutes: {{distribution: exponential, mean: {mean!r}}}}}\n"
        "collecting: {counters: 1, arrivals: {total: 10}, service_minutes: {distribution: fixed, value: 1}}\n"
    )


def measure(path: Path, engine: str) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one whole run."""
    started = time.perf_counter()
    command = ["/usr/bin/time", "-f", "%M", "theater-sim", "run", str(path), "--json", "--quiet", "--engine", engine]
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    seconds = time.perf_counter() - started
    return seconds, int(done.stderr.strip().splitlines()[-1]) * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--engine", choices=("exact", "simpy"), default="exact")
    args = parser.parse_args()
    if shutil.which("theater-sim") is None or not Path("/usr/bin/time").exists():
        sys.exit("needs theater-sim on PATH (pip install .) and /usr/bin/time")
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for customers in (1_000_000, 10_000_000):
            paths[customers] = Path(folder) / f"day-{customers}.yaml"
            paths[customers].write_text(scenario_text(customers), encoding="utf-8")
        best = {customers: (float("inf"), 0) for customers in paths}
        for _ in range(args.rounds):
            for customers, path in paths.items():
                seconds, rss = measure(path, args.engine)
                if seconds < best[customers][0]:
                    best[customers] = (seconds, rss)
    for customers, (seconds, rss) in best.items():
        print(f"{customers:>12,} customers: {seconds:7.2f} s, peak RSS {rss / 2**20:7.0f} MiB")
    ratio = best[10_000_000][0] / (10 * best[1_000_000][0])
    print(f"10M time / (10 x 1M time): {ratio:.2f} (target <= 1.2)")
    print(f"10M peak RSS: {best[10_000_000][1] / 2**30:.2f} GiB (target <= 1 GiB)")


if __name__ == "__main__":
    main()
