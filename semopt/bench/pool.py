"""Local worker processes that outlive their solvers: a death or a hang costs one run, not the sweep.

:func:`run_processes` keeps up to ``workers`` processes, each fed one
:class:`~semopt.bench.task.Instance` at a time through its own pipe.  A
worker runs :func:`~semopt.bench.task.run_instance` and sends back a
``("start", solver)`` message before each run and the record after it, so
the parent always knows which run a worker is in:

* a worker that dies (``os._exit``, a signal, a segfault) leaves the records
  it sent; the run it was in is recorded ``error`` ("worker died: ..."), the
  instance's remaining solvers go back to the queue, and a new worker takes
  its place;
* a run still going :func:`hard_limit` seconds after it started (with a time
  limit) has its worker killed and is recorded ``time_limit``;
* on an exception in the parent (Ctrl-C: :class:`KeyboardInterrupt`) every
  worker is stopped, the records already in the pipes are still handed
  over, and the exception goes on.

``concurrent.futures.ProcessPoolExecutor`` cannot do this: one dead worker
breaks the whole pool (``BrokenProcessPool``) and does not say which task it
was running.

Notes
-----
Records cross the pipe with :meth:`multiprocessing.connection.Connection.send`,
which writes before it returns (no feeder thread, unlike
``multiprocessing.Queue``), and one record is one write of less than the
pipe's atomic size (messages are capped by
:data:`~semopt.bench.task.MAX_MESSAGE`): a worker killed right after sending
a record cannot take it, or half of it, down with it.
"""

from __future__ import annotations

import contextlib
import importlib
import math
import multiprocessing
import signal
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from typing import Any

from semopt.bench.records import ERROR, Record
from semopt.bench.task import Instance, RecordHook, failed_record, run_instance
from semopt.result import Status

__all__ = ["run_processes", "hard_limit", "HARD_LIMIT_FACTOR", "HARD_LIMIT_GRACE"]

HARD_LIMIT_FACTOR = 2.0
"""A run is killed :func:`hard_limit` seconds after it started: this many times the time limit..."""

HARD_LIMIT_GRACE = 5.0
"""... plus this many seconds (a solver checks its clock between steps, and one step may be long)."""

_STOP_WAIT = 2.0
"""Seconds a stopped worker has to exit before it is killed."""


def hard_limit(time_limit: float) -> float:
    """Seconds after which a run whose solver ignores ``time_limit`` is killed with its worker."""
    return HARD_LIMIT_FACTOR * time_limit + HARD_LIMIT_GRACE


def _serve(conn: Connection, modules: Sequence[str]) -> None:
    """A worker's life: take instances from ``conn`` until ``None`` (or the parent is gone), report each run."""
    # Ctrl-C reaches the whole process group; stopping the workers is the parent's call, so they ignore it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for module in modules:  # solvers registered by the user's modules, for start methods that do not fork
        importlib.import_module(module)
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        run_instance(task, on_start=lambda solver: conn.send(("start", solver)),
                     on_record=lambda record: conn.send(("record", record)))
        conn.send(("done", None))


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Start a child with SIGINT ignored from its first instruction (it sets its own handler only later)."""
    if threading.current_thread() is not threading.main_thread():  # signal handlers belong to the main thread
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"worker died: killed by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"worker died: killed by signal {-exitcode}"
    return f"worker died: exit code {exitcode}"


class _Worker:
    """One worker process, its pipe, and the instance it is on."""

    def __init__(self, context: Any, modules: Sequence[str]) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, tuple(modules)), name="semopt-bench-worker")
        with _sigint_ignored():
            self.process.start()
        child.close()  # the parent keeps no copy of the child's end, so the child's death reads as EOF
        self.task: Instance | None = None
        self.pending: list[str] = []  # solvers of the task without a record yet
        self.running: str | None = None  # the solver started and not yet recorded
        self.started = math.nan  # time.monotonic() when `running` started
        self.began = False  # whether any solver of the task has started (else a death is the build's)
        self.closed = False  # the pipe reached EOF: the process is gone or going

    def assign(self, task: Instance) -> None:
        self.task, self.pending, self.running, self.began = task, list(task.solvers), None, False
        try:
            self.conn.send(task)
        except OSError:  # it died since it was last seen: the main loop fails the task as a death
            self.closed = True

    def drain(self, on_record: RecordHook) -> None:
        """Read every message already in the pipe (without blocking while the worker lives)."""
        while not self.closed:
            try:
                if not self.conn.poll():
                    return
                kind, payload = self.conn.recv()
            except (EOFError, OSError):
                self.closed = True
                return
            if kind == "start":
                self.running, self.started, self.began = payload, time.monotonic(), True
            elif kind == "record":
                if payload.solver in self.pending:
                    self.pending.remove(payload.solver)
                self.running = None
                on_record(payload)
            else:  # "done"
                self.task, self.pending, self.running = None, [], None

    def give_up(self, victims: Sequence[str], status: str, message: str,
                elapsed: float) -> tuple[list[Record], Instance | None]:
        """Fail ``victims`` with ``status``; the task's other pending solvers are returned, to run elsewhere."""
        task = self.task
        assert task is not None
        records = [failed_record(task, solver, status, message, elapsed) for solver in victims]
        rest = tuple(solver for solver in self.pending if solver not in victims)
        self.task, self.pending, self.running = None, [], None
        return records, (replace(task, solvers=rest) if rest else None)

    def stop(self, *, force: bool) -> None:
        """End the process: ask an idle one to leave, terminate a busy one (or any, with ``force``)."""
        if self.process.is_alive():
            if force or self.task is not None:
                self.process.terminate()
            else:
                with contextlib.suppress(OSError):
                    self.conn.send(None)
        self.process.join(_STOP_WAIT)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()

    def close(self) -> None:
        self.conn.close()
        self.process.close()


def run_processes(
    work: Sequence[Instance],
    workers: int,
    on_record: RecordHook,
    *,
    modules: Sequence[str] = (),
    context: Any = None,
) -> None:
    """Run ``work`` on up to ``workers`` local processes; hand each record to ``on_record`` as it arrives.

    Parameters
    ----------
    work : sequence of Instance
    workers : int
        Processes at most (never more than there are instances).
    on_record : callable
        Called in this process, once per run, in completion order.
    modules : sequence of str
        Modules each worker imports first (those registering the solvers, for
        a start method other than fork).
    context : multiprocessing context, optional
        Default: :func:`multiprocessing.get_context` (fork on Linux).

    Raises
    ------
    BaseException
        Whatever ``on_record`` or this process raises (Ctrl-C); the workers
        are stopped first, and the records already sent are handed over.
    """
    context = context if context is not None else multiprocessing.get_context()
    queue = deque(work)
    pool: list[_Worker] = []

    def retire(worker: _Worker) -> None:
        worker.stop(force=True)
        worker.drain(on_record)  # what it sent before it went is kept
        pool.remove(worker)
        worker.close()

    def give_up(worker: _Worker, victims: Sequence[str], status: str, message: str, elapsed: float) -> None:
        records, rest = worker.give_up(victims, status, message, elapsed)
        for record in records:
            on_record(record)
        if rest is not None:
            queue.appendleft(rest)  # the instance's other solvers, on a fresh worker

    try:
        while queue or any(w.task is not None for w in pool):
            for worker in [w for w in pool if w.task is None and (w.closed or not w.process.is_alive())]:
                retire(worker)  # an idle worker that died: replaced below when needed
            while queue:
                idle = next((w for w in pool if w.task is None), None)
                if idle is None and len(pool) < workers:
                    idle = _Worker(context, modules)
                    pool.append(idle)
                if idle is None:
                    break
                idle.assign(queue.popleft())
            busy = [w for w in pool if w.task is not None]
            wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=_timeout(busy))
            now = time.monotonic()
            for worker in busy:
                worker.drain(on_record)
                if worker.task is None:
                    continue
                if worker.closed or not worker.process.is_alive():
                    worker.process.join(_STOP_WAIT)
                    worker.drain(on_record)  # anything sent between the last read and the exit
                    if worker.task is not None:
                        # The run it was in died with it; dead while building, every run of the instance did.
                        elapsed = now - worker.started if worker.running is not None else 0.0
                        victims = [worker.running or worker.pending[0]] if worker.began else list(worker.pending)
                        give_up(worker, victims, ERROR, _death(worker.process.exitcode), elapsed)
                    retire(worker)
                elif _overdue(worker, now):
                    victim, limit, elapsed = worker.running, worker.task.time_limit, now - worker.started
                    worker.stop(force=True)
                    worker.drain(on_record)  # its record may have come meanwhile: then it was in time
                    if worker.task is not None:
                        assert limit is not None
                        late = [victim] if victim in worker.pending else []  # else an innocent next run: rerun it
                        give_up(worker, late, Status.TIME_LIMIT,
                                f"killed after {elapsed:.3g} s: still running past {hard_limit(limit):g} s "
                                f"({HARD_LIMIT_FACTOR:g} x the time limit of {limit:g} s + {HARD_LIMIT_GRACE:g} s)",
                                elapsed)
                    retire(worker)
    except BaseException:
        # Every process is ended before anything else can fail; then what they sent is handed over, if it still
        # can be (the journal may be what failed): the exception on its way out is the one that counts.
        for worker in pool:
            worker.stop(force=True)
        for worker in pool:
            with contextlib.suppress(Exception):
                worker.drain(on_record)
            worker.close()
        raise
    for worker in list(pool):
        worker.stop(force=False)
        worker.close()


def _overdue(worker: _Worker, now: float) -> bool:
    limit = worker.task.time_limit if worker.task is not None else None
    return limit is not None and worker.running is not None and now - worker.started > hard_limit(limit)


def _timeout(busy: Sequence[_Worker]) -> float | None:
    """How long the parent may sleep: until the first hard limit falls due (until a message, without one).

    A run's start arrives as a message, which wakes the parent, so a run not yet started needs no deadline.
    """
    due = [w.started + hard_limit(w.task.time_limit) for w in busy
           if w.task is not None and w.task.time_limit is not None and w.running is not None]
    return max(0.0, min(due) - time.monotonic()) + 0.01 if due else None
