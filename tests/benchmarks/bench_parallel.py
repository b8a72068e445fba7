"""Benchmark: a 64-cell sweep on one worker and on two.

Run:  python tests/benchmarks/bench_parallel.py [--replications 10] [--rounds 2] [--share-replications 40]

In one process, alternately: the bundled linked ``opening-weekend`` day
(linked, so every cell is its own day) swept over sellers 1:8 x collectors
1:8, with ``--replications`` days per cell, on ``Runner(workers=1)`` and
``Runner(workers=2)``. Prints the wall time of each and their ratio, and
checks that both give the same cells. Target on a 2-core machine: >= 1.7x.

(Ten replications are now about 1.2 s of work on the exact engine, and the
pool's start-up and the last chunk's wait weigh: ``--replications 40``
shows the scaling of a larger sweep.)

Then the coordinator's share: a whole ``theater-sim sweep opening-weekend
--sellers 1:8 --collectors 1:8 --replications 40 --workers 2`` process
(with its bytecode cached, as after ``pip install .``: ``installed.py``)
(2,560 days, the sweep issue 12 timed on 16 cores), its own CPU time
(start-up, handing out days, receiving and combining results) against
the CPU time of all its processes. Only the workers' part divides among
cores, so the share bounds what many cores can give (Amdahl): with share s, N cores give at most 1 / (s + (1 - s) / N).
Target: s <= 5%.

The coordinator's own CPU is about the same whatever the days cost, so the
share depends on the engine: the sweep issue 12 timed ran on SimPy (about
30 s of work here), and the exact engine now does that work in about 6 s.
Both are shown: the same sweep with ``--engine simpy`` as well (once).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from installed import bytecode_cached, warm

from theater_sim import load_scenario
from theater_sim.planning.execution import Runner
from theater_sim.planning.sweep import run_sweep

COUNTS = tuple(range(1, 9))


def timed_sweep(workers: int, replications: int) -> tuple[float, list[object]]:
    scenario, _ = load_scenario("opening-weekend")
    started = time.perf_counter()
    cells = run_sweep(scenario, COUNTS, COUNTS, replications, Runner(workers=workers))
    return time.perf_counter() - started, list(cells)


# Runs the command line in this process and reports, at exit, its own CPU
# seconds and those of the worker processes it started (reaped by then).
_MEASURED = """
import atexit, resource, sys
def report():
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(own.ru_utime + own.ru_stime, workers.ru_utime + workers.ru_stime, file=sys.stderr)
atexit.register(report)
from theater_sim.views.cli import main
sys.argv = ["theater-sim", *sys.argv[1:]]
main()
"""


def coordinator_share(rounds: int, replications: int, engine: str = "auto") -> None:
    """The coordinating process's share of a whole sweep's CPU time (each
    process's best of ``rounds``)."""
    sweep = ["sweep", "opening-weekend", "--sellers", "1:8", "--collectors", "1:8", "--replications", str(replications)]
    if engine != "auto":
        sweep += ["--engine", engine]
    owns, workers_cpu = [], []
    command = [sys.executable, "-c", _MEASURED, *sweep, "--workers", "2", "--json", "--quiet"]
    with bytecode_cached() as env:
        warm(command, env)
        for _ in range(rounds):
            done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
            own_cpu, their_cpu = (float(value) for value in done.stderr.split()[-2:])
            owns.append(own_cpu)
            workers_cpu.append(their_cpu)
    # Each process's best round: other work on the machine only adds CPU time
    # (the best ratio would favour a round whose workers were slowed).
    own, workers = min(owns), min(workers_cpu)
    share = own / (own + workers)
    print(f"theater-sim {' '.join(sweep)} --workers 2:")
    print(f"  coordinator {own:.2f} s CPU, workers {workers:.2f} s CPU: coordinator share {share:.1%} (target <= 5%)")
    for cores in (2, 8, 16):
        print(f"  at most {1 / (share + (1 - share) / cores):.1f}x on {cores} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--share-replications", type=int, default=40)
    parser.add_argument("--skip-simpy-share", action="store_true", help="skip the SimPy-engine share (30 s of CPU)")
    args = parser.parse_args()
    # Best of the rounds for each (other work on a shared machine only slows a
    # run down), in mirrored order so drift favours neither.
    best_one = best_two = float("inf")
    for round_index in range(args.rounds):
        one, cells_one = timed_sweep(1, args.replications)
        two, cells_two = timed_sweep(2, args.replications)
        two_again, _ = timed_sweep(2, args.replications)
        one_again, _ = timed_sweep(1, args.replications)
        assert cells_one == cells_two, "worker count changed the results"
        best_one, best_two = min(best_one, one, one_again), min(best_two, two, two_again)
        print(f"  after round {round_index + 1}: best 1 worker {best_one:.2f} s, best 2 workers {best_two:.2f} s")
    ratio = best_one / best_two
    print(f"64-cell sweep ({64 * args.replications} days): 2 workers are {ratio:.2f}x faster than 1 (target >= 1.7x)")
    print("target met" if ratio >= 1.7 else "TARGET MISSED")
    coordinator_share(args.rounds, args.share_replications)
    if not args.skip_simpy_share:
        coordinator_share(1, args.share_replications, engine="simpy")


if __name__ == "__main__":
    main()
