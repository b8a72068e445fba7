"""Running many tasks: in this process, on every core, or on a Dask cluster.

Whatever runs them and in whatever order they finish, the results come back
keyed by task, so the output is the same for one worker, for all cores and
for a cluster. Finished tasks go to the store (if any) the moment they
finish, and tasks the store already holds are not run again.

A runner keeps what it has run (for the same scenario), so a staffing search
that asks for a day twice runs it once, and it keeps one process pool for
all its batches (a search sends a dozen), started only when a batch is worth
it. A batch whose customers alone are sure to take ``IN_PROCESS_SECONDS``
(``least_task_seconds``: no day costs less than ``LEAST_SECONDS_PER_CUSTOMER``
a customer) goes straight to the pool, and the workers' own timings size its
chunks: this process runs none of its days (a big sweep's coordinator spent a
tenth of its time running the days that timed it). Otherwise the first tasks
of the scenario's first batch run in this process, timed (the very first one,
which pays for imports and the first draws, only when it is long): if the
rest would take under ``IN_PROCESS_SECONDS`` they run here too (a pool costs
its workers' start-up), else they go to the pool. Either timing places every
later batch of the scenario. The pool takes tasks in chunks of about
``CHUNK_SECONDS`` of work, as each chunk costs this process a round trip,
whatever its size. Close the runner (or use it as a context manager) to end
the pool; Python ends it at exit otherwise.

A caller that needs only a few numbers of each day (a sweep) asks for a
digest of it (``run_digested``): the digest is computed where the day ran,
so a worker sends back those numbers, not the day's 2,500 objects, which
this process would otherwise unpickle and keep (receiving whole days was
the largest part of a big sweep's coordinating work).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import os
import re
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from theater_sim.analysis.contract import DayData
from theater_sim.engine.choice import Engine
from theater_sim.engine.collector import collector_paused
from theater_sim.model.errors import RunError, ScenarioError, shorten
from theater_sim.model.scenario import SIDE_NAMES, Scenario
from theater_sim.planning.store import ResultStore, as_payload
from theater_sim.planning.tasks import Staffing, Task, as_run_task, execution_order, run_task

__all__ = ["CONNECT_SECONDS", "Runner", "check_scheduler_address", "default_workers", "replicated_day", "require_dask"]

Progress = Callable[[int, int], None]
#: What a caller keeps of a day (``Runner.run_digested``): a module-level
#: function, so that it travels to worker processes.
Digest = Callable[[DayData], Any]
Digested = TypeVar("Digested")

#: How long a Dask scheduler has to answer before the run gives up on it.
CONNECT_SECONDS = 10.0
#: A batch whose tasks would take less than this in one process runs in it.
IN_PROCESS_SECONDS = 0.2
#: Tasks go to the pool in chunks of about this much work each: every chunk
#: costs the coordinating process a round trip, a chunk of days one, and a
#: worker draws a replication's customers once per chunk it comes in (0.1 s
#: chunks: 213 round trips for a 2,560-day sweep, and more drawing).
CHUNK_SECONDS = 0.25
#: Tasks in a chunk sent before any worker has reported (a batch sure to be worth the
#: pool): a sixteenth of each worker's share was 337 SimPy days, 6 s of work, all lost
#: to a Ctrl-C in the first seconds (a trial: "0 finished days are kept" after 5 s).
UNTIMED_CHUNK_TASKS = 16
#: How many tasks after the first are timed here before the rest are sent out
#: (at most, and at most this long).
SAMPLE_TASKS, SAMPLE_SECONDS = 8, 0.05
#: Less than any day costs a customer (drawn, simulated, measured). Measured
#: on the bundled days (both engines, one day per replication, best of 15):
#: the cheapest, the exact engine on the busiest days, 0.9-1.0 us a customer,
#: the dearest 4-10 us; a third of the cheapest leaves room for a faster
#: machine and for days whose draws a worker keeps.
LEAST_SECONDS_PER_CUSTOMER = 3e-7


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass
class Runner:
    """How to run tasks.

    Attributes:
        workers: Local worker processes (1: in this process).
        scheduler: A Dask scheduler address (``tcp://host:8786``), or None.
        store: Where finished tasks are kept, or None.
        progress: Called as ``progress(done, total)`` after each task.
        connect_seconds: How long to wait for the Dask scheduler to answer
            (None: ``CONNECT_SECONDS``).
        engine: The engine days run on (``engine.day_plan.play``); every
            engine gives the same days.
    """

    workers: int = 1
    scheduler: str | None = None
    store: ResultStore | None = None
    progress: Progress | None = None
    connect_seconds: float | None = None
    engine: Engine = "auto"
    _pool: ProcessPoolExecutor | None = field(default=None, init=False, repr=False, compare=False)
    _pool_scenario: Scenario | None = field(default=None, init=False, repr=False, compare=False)
    _memo: dict[str, DayData] = field(default_factory=dict, init=False, repr=False, compare=False)
    _memo_scenario: Scenario | None = field(default=None, init=False, repr=False, compare=False)
    #: A task's seconds as timed in this process, for ``_memo_scenario`` (None: not yet timed).
    _task_seconds: float | None = field(default=None, init=False, repr=False, compare=False)
    #: Days this runner has simulated, or was given as ``known`` (not found in the store or kept).
    simulated: int = field(default=0, init=False, compare=False)
    #: Days this runner has read from the store (a whole day once: it keeps it for a later batch).
    read_from_store: int = field(default=0, init=False, compare=False)

    def close(self) -> None:
        """End the worker processes (those still running finish their task first)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool, self._pool_scenario = None, None

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_exc: object) -> None:
        if kind is not None:
            self._stop_workers()
        self.close()

    def _stop_workers(self) -> None:
        """Ask each worker to stop the day it runs (``_interrupted_in_worker``), so a
        command ending on an error or a signal does not wait for its days (a
        Ctrl-C to one worker of a big-day sweep took 4 s to end the command)."""
        if self._pool is None or not hasattr(os, "kill") or sys.platform == "win32":
            return
        # ProcessPoolExecutor names its processes only in a private attribute (3.14 adds terminate_workers,
        # which kills, where a worker must finish sending what it sends).
        for process in list((getattr(self._pool, "_processes", None) or {}).values()):
            with contextlib.suppress(OSError, AttributeError, TypeError):
                os.kill(process.pid, signal.SIGINT)

    def run(
        self, scenario: Scenario, tasks: Iterable[Task], known: Mapping[Task, DayData] | None = None
    ) -> dict[Task, DayData]:
        """Every task's result; each task runs at most once (and not at all if stored).

        ``known``: results the caller already has (computed in this process);
        they are stored like any other and not run again.
        """
        return cast(dict[Task, DayData], self._run(scenario, tasks, known, None))

    def run_digested(
        self, scenario: Scenario, tasks: Iterable[Task], digest: Callable[[DayData], Digested]
    ) -> dict[Task, Digested]:
        """Every task's ``digest`` of its day, computed where the day ran (see
        the module docstring); each task runs at most once, as in ``run``.

        With a store, each day also comes back written as the store keeps
        it; days this runner kept or the store holds are digested here, as
        they are read (one stored day at a time).
        """
        return cast(dict[Task, Digested], self._run(scenario, tasks, None, digest))

    def _run(
        self,
        scenario: Scenario,
        tasks: Iterable[Task],
        known: Mapping[Task, DayData] | None,
        digest: Digest | None,
    ) -> dict[Task, Any]:
        # Each task under one name for its day, whoever asks (see ``as_run_task``).
        asked = {task: as_run_task(task, scenario) for task in tasks}
        known = {as_run_task(task, scenario): day for task, day in (known or {}).items()}
        # A store filled before the naming kept such days under the key as asked: read there too.
        stored_as = {named.key: task.key for task, named in asked.items() if named != task}
        results = self._run_named(scenario, set(asked.values()), known, digest, stored_as)
        return {task: results[named] for task, named in asked.items()}

    def _run_named(
        self,
        scenario: Scenario,
        tasks: set[Task],
        known: Mapping[Task, DayData],
        digest: Digest | None,
        stored_as: Mapping[str, str],
    ) -> dict[Task, Any]:
        wanted = sorted(tasks, key=lambda t: t.key)
        if self._memo_scenario is not scenario:
            self._memo, self._memo_scenario, self._task_seconds = {}, scenario, None
        keep: Digest = digest or _whole
        store = self.store
        done = {task.key: keep(self._memo[task.key]) for task in wanted if task.key in self._memo}
        if store is not None:
            # Digested as it is read: a sweep never holds the store's days. Whole
            # days are kept, as those run here are, for a later batch that asks again.
            missing_keys = [task.key for task in wanted if task.key not in done]
            named_as = {key: key for key in missing_keys} | {
                stored_as[key]: key for key in missing_keys if key in stored_as
            }
            for stored_key, day in store.stored(list(named_as)):
                key = named_as[stored_key]
                if key in done:  # kept under both keys
                    continue
                if digest is None:
                    self._memo[key] = day
                done[key] = keep(day)
                self.read_from_store += 1
        for task, result in known.items():
            if task.key not in done:  # simulated by the caller
                self.simulated += 1
                if store is not None:
                    store.save(task.key, result)
            done[task.key] = keep(result)
        results = {task: done[task.key] for task in wanted if task.key in done}
        missing = sorted((task for task in wanted if task not in results), key=execution_order)
        total = len(wanted)
        self._report(len(results), total)
        # Only a batch of whole days is kept for a later one: a digested batch (a
        # sweep) asks for each day once, and kept whole, 32,000 stored days took 1.2 GB.
        # With a store, a day also comes back written as the store keeps it, by the
        # worker that ran it: this process does not write it out (a sweep with
        # --store was 85% slower than one without), nor receive it whole when a
        # digest is all it keeps.
        remote = digest if store is None else functools.partial(_with_payload, keep)
        # The results pile up (some 2,500 objects a day): the collector would rescan them all, again and again.
        with collector_paused():
            for task, result in self._execute(scenario, missing, remote):
                self.simulated += 1
                if store is not None:
                    result, payload = result
                    store.save_payload(task.key, payload)
                if digest is None:
                    self._memo[task.key] = result
                results[task] = result
                self._report(len(results), total)
        return results

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def _execute(self, scenario: Scenario, tasks: list[Task], digest: Digest | None) -> Iterator[tuple[Task, Any]]:
        """Each task with its day, or the day's ``digest`` (if given)."""
        if not tasks:
            return iter(())
        if self.scheduler is not None:
            return _on_dask(
                self.scheduler, scenario, tasks, self.connect_seconds or CONNECT_SECONDS, self.engine, digest
            )
        if self.workers <= 1 or len(tasks) == 1:
            return ((task, _digested_task(scenario, task, self.engine, digest)) for task in tasks)
        return self._here_or_on_the_pool(scenario, tasks, digest)

    def _here_or_on_the_pool(
        self, scenario: Scenario, tasks: list[Task], digest: Digest | None
    ) -> Iterator[tuple[Task, Any]]:
        """The first tasks here, timed; the rest here too if they are quick, else on the pool.

        The first task pays what only the first does (imports, the first
        draws), so unless it alone was long the next few are timed too, up
        to ``SAMPLE_TASKS`` or ``SAMPLE_SECONDS``, and their mean decides.
        A later batch of the scenario is not timed again: a staffing search
        sends a dozen, and timing each ran 40-90 of its days in this
        process, one after another (up to two thirds of ``staff``'s own CPU time).
        """
        if self._task_seconds is not None:
            yield from self._placed(scenario, tasks, self._task_seconds, digest)
            return
        if least_task_seconds(scenario) * len(tasks) >= IN_PROCESS_SECONDS:
            yield from self._straight_to_the_pool(scenario, tasks, digest)
            return
        import theater_sim.planning.task_days  # noqa: F401  (the engines: not in the first task's time)

        done, timed, seconds = 0, 0, 0.0
        while done < len(tasks):
            started = time.perf_counter()
            result = _digested_task(scenario, tasks[done], self.engine, digest)
            elapsed = time.perf_counter() - started
            if done == 0 and elapsed < IN_PROCESS_SECONDS:
                elapsed = 0.0  # a warm-up: not a measure
            else:
                timed, seconds = timed + 1, seconds + elapsed
            yield tasks[done], result
            done += 1
            if timed >= SAMPLE_TASKS or seconds >= SAMPLE_SECONDS or (timed and seconds >= IN_PROCESS_SECONDS):
                break
        if timed:
            self._task_seconds = seconds / timed
            yield from self._placed(scenario, tasks[done:], self._task_seconds, digest)

    def _placed(
        self, scenario: Scenario, tasks: list[Task], task_seconds: float, digest: Digest | None
    ) -> Iterator[tuple[Task, Any]]:
        """``tasks`` here if they would take under ``IN_PROCESS_SECONDS``, else on the pool."""
        if task_seconds * len(tasks) < IN_PROCESS_SECONDS:
            for task in tasks:
                yield task, _digested_task(scenario, task, self.engine, digest)
            return
        timing = _PoolTiming(task_seconds)
        yield from _on_pool(self._pool_for(scenario), self.workers, tasks, timing, digest)

    def _straight_to_the_pool(
        self, scenario: Scenario, tasks: list[Task], digest: Digest | None
    ) -> Iterator[tuple[Task, Any]]:
        """A batch sure to be worth the pool, none of it run here: its first
        chunks are sized for days as cheap as they can be, later ones by the
        workers' timings, which then place the scenario's later batches."""
        timing = _PoolTiming(None)
        yield from _on_pool(self._pool_for(scenario), self.workers, tasks, timing, digest)
        if timing.tasks:
            self._task_seconds = timing.seconds / timing.tasks

    def _pool_for(self, scenario: Scenario) -> ProcessPoolExecutor:
        """The runner's pool, started for ``scenario`` (a new one for another scenario)."""
        if self._pool is None or self._pool_scenario is not scenario:
            self.close()
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, initializer=_start_worker, initargs=(scenario, self.engine)
            )
            self._pool_scenario = scenario
        return self._pool


def least_task_seconds(scenario: Scenario) -> float:
    """Less than any of ``scenario``'s days takes to run, from its expected customers."""
    customers = sum(scenario.expected_arrivals(side) * scenario.counter_share(side) for side in SIDE_NAMES)
    return LEAST_SECONDS_PER_CUSTOMER * customers


def _whole(day: DayData) -> DayData:
    """The digest that keeps the whole day."""
    return day


def _with_payload(digest: Digest, day: DayData) -> tuple[Any, str]:
    """The day's ``digest``, and the day as the store keeps it."""
    return digest(day), as_payload(day)


def _digested_task(scenario: Scenario, task: Task, engine: Engine, digest: Digest | None) -> Any:
    """The task's day, or its ``digest``: what runs in this process, a worker or on a Dask cluster."""
    day = run_task(scenario, task, engine)
    return day if digest is None else digest(day)


# The scenario a worker process runs, sent once when the worker starts rather
# than with every task (a process-pool initializer can only leave it here).
_worker_scenario: Scenario | None = None
_worker_engine: Engine = "auto"
_PR_SET_PDEATHSIG = 1


def _start_worker(scenario: Scenario, engine: Engine) -> None:
    global _worker_scenario, _worker_engine
    # The engines, NumPy and SimPy: the coordinating process may not have them
    # to hand down (its days all run here), and the first chunk's timing should not pay for them.
    import theater_sim.planning.task_days  # noqa: F401

    _worker_scenario, _worker_engine = scenario, engine
    # A kill ends a worker as a Ctrl-C does, between results: one killed outright while sending
    # its result left the pool reading half a message for ever (a trial's sweep hung on SIGTERM).
    signal.signal(signal.SIGTERM, _interrupted_in_worker)
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # a command started with Ctrl-C ignored keeps it so
        signal.signal(signal.SIGINT, _interrupted_in_worker)
    sys.unraisablehook = _quiet_about_interrupts
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING_SIGNALS)  # blocked from its start (_submit) until here
    _die_with_parent()


# A Ctrl-C reaches every process of the terminal's group. A worker waiting
# for work raised it where the pool does not catch it and printed a traceback
# beside the command's one line; a worker left to finish ignored it for as
# long as its queued days took. So a worker stops the days it runs (the pool
# hands the interrupt back to the command as their result), stays quiet while
# it waits, and runs no day after it (the command is ending the pool).
_worker_busy = False
_worker_interrupted = False


def _interrupted_in_worker(_signal: int, _frame: object) -> None:
    global _worker_interrupted
    _worker_interrupted = True
    if _worker_busy:
        raise KeyboardInterrupt


def _quiet_about_interrupts(unraisable: Any) -> None:
    """A worker's ``sys.unraisablehook``: the interrupt raised where Python can
    only report it ("Exception ignored in", a destructor) is not printed; the
    worker stops at its next day instead."""
    if not isinstance(unraisable.exc_value, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)


def _die_with_parent() -> None:
    """Ask Linux to end this worker when the process that started it dies, so a
    sweep killed with SIGKILL leaves no orphans behind."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


def _run_in_worker(tasks: list[Task], digest: Digest | None) -> tuple[list[Any], float]:
    """The chunk's results and the CPU seconds they took (which size later
    chunks: CPU, as a busy machine stretches the clock, not the work)."""
    global _worker_busy
    assert _worker_scenario is not None
    _worker_busy, results = True, []
    started = time.thread_time()
    try:
        for task in tasks:
            # Interrupted before (no day after it), or where Python only reports it (a destructor).
            if _worker_interrupted:
                raise KeyboardInterrupt
            results.append(_digested_task(_worker_scenario, task, _worker_engine, digest))
    finally:
        _worker_busy = False
    return results, time.thread_time() - started


def _chunk_size(task_seconds: float, total: int, workers: int) -> int:
    """Tasks in a chunk of about ``CHUNK_SECONDS`` of work (a task takes
    ``task_seconds``), yet at least four chunks per worker in a batch of
    ``total``, so the workers share the work evenly to the end."""
    return max(1, min(int(CHUNK_SECONDS / max(task_seconds, 1e-6)), total // (4 * workers)))


@dataclass
class _PoolTiming:
    """How long a batch's tasks take, as its workers report it: it sizes the
    chunks not yet sent. Before the first report, ``guess`` (None: the batch
    is only known to be worth the pool, so its first chunks are a fraction
    of their share, which no guess can make too long). Chunks shrink as the
    batch ends, so the workers finish together (a last chunk of 0.13 s left
    one of two workers idle for it, a sixth of a 640-day sweep)."""

    guess: float | None
    tasks: int = 0
    seconds: float = 0.0

    def chunk_size(self, total: int, waiting: int, workers: int) -> int:
        """Tasks in the next chunk of a batch of ``total`` with ``waiting`` not yet sent."""
        if self.tasks:
            size = _chunk_size(self.seconds / self.tasks, total, workers)
        elif self.guess is not None:
            size = _chunk_size(self.guess, total, workers)
        else:  # untimed: small, so the workers report soon and a stopped run keeps what they did
            size = min(total // (16 * workers), UNTIMED_CHUNK_TASKS)
        # Down to an eighth of a full chunk: each costs a round trip.
        return max(1, min(size, max(size // 8, waiting // (2 * workers))))

    def add(self, tasks: int, seconds: float) -> None:
        self.tasks, self.seconds = self.tasks + tasks, self.seconds + seconds


#: The signals that end a command (Ctrl-C, a kill): held back while the pool starts workers and takes work.
_STOPPING_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _submit(pool: ProcessPoolExecutor, chunk: list[Task], digest: Digest | None) -> Future[tuple[list[Any], float]]:
    """``pool.submit`` with Ctrl-C and kills held back in this thread: a worker
    the pool starts meanwhile starts with them blocked, until its initializer
    has set its handlers (a Ctrl-C there printed a traceback), and the
    command's own handlers never run inside the pool's bookkeeping (a kill
    there left it half started: "cannot join thread before it is started",
    or a hang)."""
    if not hasattr(signal, "pthread_sigmask"):  # not on POSIX
        return pool.submit(_run_in_worker, chunk, digest)
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING_SIGNALS)
    try:
        return pool.submit(_run_in_worker, chunk, digest)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _on_pool(
    pool: ProcessPoolExecutor, workers: int, tasks: list[Task], timing: _PoolTiming, digest: Digest | None
) -> Iterator[tuple[Task, Any]]:
    """``tasks`` on the pool, in chunks sized by ``timing`` as the workers report it."""
    # At most two chunks in flight per worker, so an interrupted run has not
    # queued (and lost) the whole grid, and results stream out as they finish.
    waiting = deque(tasks)

    def send() -> None:
        size = timing.chunk_size(len(tasks), len(waiting), workers)
        chunk = [waiting.popleft() for _ in range(min(size, len(waiting)))]
        running[_submit(pool, chunk, digest)] = chunk

    running: dict[Future[tuple[list[Any], float]], list[Task]] = {}
    try:
        while waiting and len(running) < 2 * workers:
            send()
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                chunk = running.pop(future)
                results, seconds = future.result()
                timing.add(len(chunk), seconds)
                yield from zip(chunk, results, strict=True)
                if waiting:
                    send()
    finally:  # stopped early (an error, Ctrl-C): nothing more of this batch runs
        for future in running:
            future.cancel()


# A host name or IPv4 address, or an IPv6 address in brackets (tcp://[::1]:8786).
_SCHEDULER_ADDRESS = re.compile(r"^(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[^\s/:\[\]]+):(\d{1,5})$")


def check_scheduler_address(address: str) -> None:
    """Refuse what cannot be a Dask scheduler address before trying it."""
    match = _SCHEDULER_ADDRESS.match(address)
    if not match:
        raise ScenarioError(
            f"{shorten(repr(address))}: write the scheduler's address as tcp://HOST:PORT (IPv6: tcp://[::1]:PORT)"
        )
    if not 1 <= int(match[3]) <= 65535:
        raise ScenarioError(f"{shorten(repr(address))}: the port must lie within 1..65535")
    if match[1] == "tls":
        raise ScenarioError(
            f"{shorten(repr(address))}: tls:// needs certificates theater-sim cannot be given; use tcp://"
        )


def require_dask() -> None:
    """Refuse a cluster run when Dask is not installed."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ScenarioError(
            "needs Dask: pip install 'theater-sim[distributed]' (in a source checkout: pip install '.[distributed]')"
        ) from None


def _connect(address: str, connect_seconds: float) -> Any:
    """A Dask client, or a clear error within ``connect_seconds``.

    Dask's own timeout does not cover a port that answers but is no scheduler
    (it can wait forever, or read garbage as a huge message), so the
    connection is made on a daemon thread that is abandoned if it takes too long.
    """
    from distributed import Client

    outcome: dict[str, Any] = {}

    def connect() -> None:
        try:
            outcome["client"] = Client(address, timeout=f"{connect_seconds / 2}s")
        except BaseException as error:  # any failure to connect is the address's fault
            outcome["error"] = error

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(connect_seconds)
    if "client" in outcome:
        return outcome["client"]
    error = outcome.get("error")
    if error is None:
        raise RunError(f"cannot reach the Dask scheduler at {address} (no answer within {connect_seconds:g} s)")
    reason = f"{type(error).__name__}: {shorten(str(error), 200)}"
    if not isinstance(error, OSError | TimeoutError):  # bytes that are not Dask's messages, read as one
        raise RunError(f"{address} answered, but not as a Dask scheduler: check the address and port ({reason})")
    raise RunError(f"cannot reach the Dask scheduler at {address} ({reason})")


def _on_dask(
    address: str, scenario: Scenario, tasks: list[Task], connect_seconds: float, engine: Engine, digest: Digest | None
) -> Iterator[tuple[Task, Any]]:
    require_dask()
    check_scheduler_address(address)
    from distributed import KilledWorker, as_completed
    from distributed.comm.core import CommClosedError

    lost = (KilledWorker, CommClosedError, CancelledError, OSError, TimeoutError)
    # Dask logs its own warnings (lost workers, reconnects) on stderr; the run
    # says what happened in one line instead.
    quiet = _DaskLogsQuiet()
    with quiet:
        client = _connect(address, connect_seconds)
        with client:
            try:
                remote_scenario = client.scatter(scenario, broadcast=True, timeout=connect_seconds)
            except (OSError, TimeoutError) as error:
                raise RunError(f"the Dask cluster at {address} has no workers to run on ({error})") from None
            futures = {
                client.submit(_digested_task, remote_scenario, task, engine, digest, pure=False): task for task in tasks
            }
            try:
                for future in as_completed(futures):
                    yield futures[future], future.result()
            except lost as error:
                raise RunError(
                    f"the Dask cluster at {address} lost its workers or its connection mid-run"
                    f" ({type(error).__name__}); days already finished are kept in the results store, if one"
                    " was given: rerun with it to resume"
                ) from None


class _DaskLogsQuiet:
    """Silence Dask's loggers below ERROR for a while, then restore them."""

    def __enter__(self) -> None:
        self.saved = {name: logging.getLogger(name).level for name in ("distributed", "tornado", "asyncio")}
        for name in self.saved:
            logging.getLogger(name).setLevel(logging.CRITICAL)

    def __exit__(self, *_exc: object) -> None:
        for name, level in self.saved.items():
            logging.getLogger(name).setLevel(level)


def replicated_day(
    runner: Runner,
    scenario: Scenario,
    replications: int,
    sellers: Staffing = None,
    collectors: Staffing = None,
    known: Mapping[Task, DayData] | None = None,
    projectors: int | None = None,
) -> DayData:
    """The day's data over ``replications`` days at a staffing (and projection
    clerks): the day itself for one, else the means with their intervals
    (``combine_days``). ``known``: days already simulated (see ``Runner.run``)."""
    from theater_sim.planning.replication import combine_days, replication_seed

    tasks = [Task(sellers, collectors, r, projectors) for r in range(replications)]
    results = runner.run(scenario, tasks, known)
    days = [results[task] for task in tasks]
    if replications == 1:
        return days[0]
    seeds = [replication_seed(scenario.seed, r) for r in range(replications)]
    return combine_days(days, seeds, tasks[0].scenario_for(scenario).projection)
