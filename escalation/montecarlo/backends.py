"""Where chunks run: in this process, in local worker processes, or on a Dask cluster.

Every backend runs the same ``run_chunk`` on the same (seed, start, count), so results are
identical whatever the backend or worker count; only speed differs. Each keeps at most a
few chunks per worker in flight, so a stop (enough precision, Ctrl-C) wastes little work and
memory stays bounded.
"""

from __future__ import annotations

import multiprocessing
import os
import socket
import sys
import threading
from bisect import bisect_right
from collections.abc import Generator, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from typing import Any

from escalation.extras import require
from escalation.montecarlo.chunk import ChunkResult, run_chunk
from escalation.montecarlo.sampling import SamplingPlan
from escalation.scenario.compiled import Scenario

BACKENDS = ("serial", "processes", "dask")
Chunk = tuple[int, int]


START_METHOD_VARIABLE = "ESCALATION_START_METHOD"


def start_method() -> str:
    """How helper processes start: 'fork' on Linux while this process runs no other thread
    (a helper is ready in milliseconds, the compiled scenario already in its memory), else
    'spawn' (a fresh interpreter that imports the package: ~0.5 s, but safe beside threads,
    whose locks a fork could copy held). ``ESCALATION_START_METHOD`` chooses one explicitly.
    Results are the same either way: a chunk depends only on (scenario, seed, runs)."""
    chosen = os.environ.get(START_METHOD_VARIABLE, "")
    if chosen:
        if chosen not in multiprocessing.get_all_start_methods():
            raise ValueError(f"{START_METHOD_VARIABLE}={chosen!r} is not a start method here; use "
                             f"one of {', '.join(multiprocessing.get_all_start_methods())}")
        return chosen
    return "fork" if sys.platform == "linux" and threading.active_count() == 1 else "spawn"


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class Part:
    """One batch of a job: its scenario (``Job.scenarios[slot]``), seed and sampling plan,
    and where its runs sit in the job's numbering (run r is job index r + ``shift``)."""

    slot: int
    seed: int
    plan: SamplingPlan
    shift: int = 0
    end: int = sys.maxsize  # one past its last run's job index


class Job:
    """What every chunk of a job shares: its scenarios, each shipped to a worker once, and
    its batches (``Part``s). Chunks are (start, count) in the job's run numbering, where
    batch b's runs follow batch b - 1's, so several batches share one pool and queue; a
    job of one batch numbers its runs as the batch does."""

    def __init__(self, scenario: Scenario, seed: int, plan: SamplingPlan, keep_events: bool,
                 fail_fast: bool) -> None:
        self.scenarios: tuple[Scenario, ...] = (scenario,)
        self.parts = [Part(0, seed, plan)]
        self.keep_events, self.fail_fast = keep_events, fail_fast

    @classmethod
    def of(cls, scenarios: Sequence[Scenario], parts: Sequence[Part], keep_events: bool,
           fail_fast: bool) -> Job:
        """A job of several batches (``parts``, in the order of their job indices)."""
        job = cls(scenarios[0], parts[0].seed, parts[0].plan, keep_events, fail_fast)
        job.scenarios, job.parts = tuple(scenarios), list(parts)
        return job

    @property
    def scenario(self) -> Scenario:
        return self.scenarios[0]

    def part(self, start: int) -> Part:
        """The batch whose runs include job index ``start``."""
        return self.parts[bisect_right([part.end for part in self.parts], start)]

    def args(self, chunk: Chunk) -> tuple[Any, ...]:
        """``job_chunk``'s arguments for a chunk, its scenario's slot first."""
        part = self.part(chunk[0])
        start = chunk[0] - part.shift
        return (part.slot, part.shift, part.seed, start, chunk[1],
                part.plan.for_chunk(start, chunk[1]), self.keep_events, self.fail_fast)

    def run(self, chunk: Chunk) -> ChunkResult:
        """Runs a chunk here."""
        slot, *args = self.args(chunk)
        return job_chunk(self.scenarios[slot], *args)


def job_chunk(scenario: Scenario, shift: int, seed: int, start: int, count: int,
              plan: SamplingPlan, keep_events: bool, fail_fast: bool) -> ChunkResult:
    """A chunk of a batch's runs, its start given back in the job's numbering."""
    result = run_chunk(scenario, seed, start, count, plan, keep_events, fail_fast)
    result.start += shift
    return result


def run_serial(job: Job, chunks: Iterable[Chunk]) -> Generator[ChunkResult, None, None]:
    for chunk in chunks:
        yield job.run(chunk)


_WORKER_SCENARIOS: list[Scenario] = []  # set once in each worker process by _init_worker


def _init_worker(scenarios: tuple[Scenario, ...]) -> None:
    _WORKER_SCENARIOS[:] = scenarios


def _worker_chunk(slot: int, *args: Any) -> ChunkResult:
    return job_chunk(_WORKER_SCENARIOS[slot], *args)


def run_processes(job: Job, chunks: Iterable[Chunk], workers: int) -> Generator[ChunkResult, None, None]:
    """Chunks on ``workers`` helper processes; each scenario reaches each once, not per chunk
    (inherited when forked, pickled when spawned). While spawned helpers start (~0.5 s: an
    interpreter, NumPy, SciPy), this process runs chunks itself, and stops at the first helper
    result: working on for the whole batch would fragment its heap among the tables it keeps
    (+1 GiB at a million runs). Forked helpers start at once and need no such stand-in.

    The start method is chosen per batch (``start_method``), never set for the process."""
    method = start_method()
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                             initargs=(job.scenarios,)) as pool:
        try:
            yield from _shared(job, iter(chunks), 2 * workers, workers > 1 and method != "fork",
                               lambda chunk: pool.submit(_worker_chunk, *job.args(chunk)))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


class HelpersNeverStarted(RuntimeError):
    """The worker processes died before finishing any chunk."""


def _collect(future: Future[ChunkResult], helpers_done: int) -> ChunkResult:
    try:
        return future.result()
    except BrokenProcessPool as error:
        if helpers_done:
            raise
        raise HelpersNeverStarted(
            "the worker processes died before finishing any chunk (out of memory, killed, or "
            "a script whose main module 'spawn' workers cannot import: put the batch under "
            "`if __name__ == \"__main__\":`); try --backend serial to see the error") from error


def _shared(job: Job, queue: Iterator[Chunk], limit: int, local: bool, submit: Any
            ) -> Generator[ChunkResult, None, None]:
    """At most ``limit`` chunks queued on the helpers; with ``local``, this process runs a
    chunk itself whenever none of theirs is ready, until the first of theirs is."""
    helpers_done = 0
    pending: set[Future[ChunkResult]] = {submit(chunk) for chunk in islice(queue, limit)}
    while True:
        done = {future for future in pending if future.done()}
        if not done and local and not helpers_done:
            chunk = next(queue, None)
            if chunk is not None:
                yield job.run(chunk)
                continue
        if not done and not pending:
            return
        if not done:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            pending.discard(future)
            result = _collect(future, helpers_done)
            helpers_done += 1
            yield result
            nxt = next(queue, None)
            if nxt is not None:
                pending.add(submit(nxt))


CONNECT_TIMEOUT_VARIABLE = "ESCALATION_DASK_CONNECT_TIMEOUT"
DEFAULT_CONNECT_TIMEOUT = 5.0  # seconds: a scheduler that is up answers in milliseconds


class SchedulerUnreachable(RuntimeError):
    """No Dask scheduler answered at the address given: says which, and what to do."""


def connect_timeout() -> float:
    """Seconds to wait for a Dask scheduler: ``ESCALATION_DASK_CONNECT_TIMEOUT``, else 5.
    Dask's own default (30 s) leaves a mistyped address looking like a hung command."""
    text = os.environ.get(CONNECT_TIMEOUT_VARIABLE, "")
    if not text:
        return DEFAULT_CONNECT_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds < float("inf"):
        raise ValueError(f"{CONNECT_TIMEOUT_VARIABLE}={text!r} is not a number of seconds above "
                         f"0; set it to, say, 10 (unset, it is {DEFAULT_CONNECT_TIMEOUT:g})")
    return seconds


def _unreachable(address: str, seconds: float, error: OSError) -> SchedulerUnreachable:
    return SchedulerUnreachable(
        f"no Dask scheduler answered at {address} within {seconds:g} s ({error}): start one "
        "there with `dask scheduler` (docs/dask.md), or check the address; "
        f"{CONNECT_TIMEOUT_VARIABLE} sets how many seconds to wait")


def _reach(address: str, seconds: float) -> None:
    """Checks that something listens at a host:port address before Dask's client connects:
    a client that fails to connect leaves its event-loop thread running in this process
    (which would then spawn its local workers instead of forking them)."""
    get_address_host_port = require("distributed.comm.addressing").get_address_host_port
    try:
        host, port = get_address_host_port(address)
    except ValueError:  # no host and port to try (inproc://, ucx://): the client will say
        return
    try:
        socket.create_connection((host, port), timeout=seconds).close()
    except OSError as error:
        raise _unreachable(address, seconds, error) from error


def _client(scheduler: str | None, cluster: Any) -> Any:
    """A Dask client of the scheduler at ``scheduler``, or of the local ``cluster``."""
    Client = require("dask.distributed").Client
    if scheduler is None:
        return Client(cluster)
    seconds = connect_timeout()
    _reach(scheduler, seconds)
    try:
        return Client(scheduler, timeout=seconds)
    except OSError as error:  # it listens, but no scheduler answered in time
        raise _unreachable(scheduler, seconds, error) from error


class WorkersLost(RuntimeError):
    """The Dask cluster lost the workers (or the scheduler) running the batch's chunks."""


class WorkerVersionMismatch(RuntimeError):
    """A Dask worker runs another version of escalation than the machine running the batch."""


def _worker_version() -> str:
    """Run on each Dask worker: the escalation version it imports."""
    from escalation._version import __version__ as version

    return version


def check_worker_versions(client: Any, expected: str) -> None:
    """Refuses a cluster whose workers run another escalation version than ``expected``:
    results are identical on every backend only if every worker runs the same code, and a
    worker that cannot import escalation at all would fail every task it is given."""
    try:
        found = client.run(_worker_version)
    except (ImportError, AttributeError) as error:
        raise WorkerVersionMismatch(
            f"a Dask worker cannot run escalation ({error}): install escalation {expected} in "
            "the environment of every `dask worker` (docs/dask.md)") from error
    wrong = {worker: version for worker, version in found.items() if version != expected}
    if wrong:
        listed = ", ".join(f"{worker} has {version}" for worker, version in sorted(wrong.items()))
        raise WorkerVersionMismatch(
            f"Dask workers run another escalation version than this machine ({expected}): "
            f"{listed}; install escalation {expected} on every worker (docs/dask.md)")


def _chunk_of(future: Any) -> ChunkResult:
    """A Dask task's chunk, or ``WorkersLost`` when the cluster cancelled it (every worker or
    the scheduler gone) or killed the workers that ran it: the batch then keeps what finished
    and says how to resume, as when local worker processes die."""
    from concurrent.futures import CancelledError

    killed = require("distributed").KilledWorker
    try:
        return future.result()
    except (CancelledError, killed, OSError) as error:
        raise WorkersLost(f"the Dask cluster lost the workers running the batch "
                          f"({type(error).__name__}: {error})") from error


def run_dask(job: Job, chunks: Iterable[Chunk], workers: int, scheduler: str | None
             ) -> Generator[ChunkResult, None, None]:
    """Chunks as Dask tasks: on the cluster at ``scheduler``, or on a local cluster started
    (and stopped) here. Each scenario is scattered to every worker once, after checking that
    every worker runs this version of escalation."""
    from escalation._version import __version__

    distributed = require("dask.distributed")
    cluster = None if scheduler else distributed.LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = None
    try:
        client = _client(scheduler, cluster)
        check_worker_versions(client, __version__)
        scenarios = [client.scatter(scenario, broadcast=True) for scenario in job.scenarios]
        queue = iter(chunks)

        def submit(chunk: Chunk) -> Any:
            slot, *args = job.args(chunk)
            return client.submit(job_chunk, scenarios[slot], *args, pure=False)

        futures = [submit(chunk) for chunk in islice(queue, 2 * workers)]
        running = distributed.as_completed(futures)
        for future in running:
            result = _chunk_of(future)
            nxt = next(queue, None)
            if nxt is not None:
                running.add(submit(nxt))
            yield result
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
