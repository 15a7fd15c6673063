"""The Dask executor of ``semopt bench``: the same instance tasks, on a Dask distributed cluster.

Each task is :func:`~semopt.bench.task.run_instance` on one
:class:`~semopt.bench.task.Instance` -- the function every executor runs --
submitted to a cluster (``scheduler="tcp://HOST:PORT"``) or to a
``LocalCluster`` of ``local_workers`` processes started for the occasion on
loopback.  Records reach this process as tasks complete, in completion order,
so the journal keeps every finished run; the runner orders them.  A worker
that dies takes its task with it and Dask runs it again elsewhere
(``retries``): a task is deterministic, so its records do not change.  Dask is
the optional extra ``semopt[distributed]``, imported only here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

from semopt.bench.records import Record
from semopt.bench.task import Instance, run_instance
from semopt.errors import SemoptError
from semopt.registry import installed

__all__ = ["available", "run_dask", "RETRIES"]

RETRIES = 2
"""Times Dask runs a task again after the worker running it died."""


def available() -> bool:
    """Whether dask.distributed can be imported (the extra ``semopt[distributed]``), without importing it."""
    return installed("distributed")


def require() -> None:
    """Raise :class:`SemoptError` naming the extra when dask.distributed is missing."""
    if not available():
        raise SemoptError("A Dask executor needs dask.distributed, which is not installed; run: "
                          "pip install 'semopt[distributed]'.")


def _task(instance: Instance, modules: Sequence[str]) -> list[Record]:
    """One instance on a worker: import the modules that register outside solvers, then :func:`run_instance`."""
    for module in modules:
        importlib.import_module(module)
    return run_instance(instance)


def run_dask(work: Sequence[Instance], on_record: Callable[[Record], None], *, scheduler: str | None = None,
             local_workers: int | None = None, modules: Sequence[str] = ()) -> None:
    """Run every instance of ``work`` on Dask; hand each record to ``on_record`` as its task completes.

    Parameters
    ----------
    work : sequence of Instance
    on_record : callable
        Called in this process, in completion order.
    scheduler : str, optional
        Address of a running scheduler, e.g. ``"tcp://10.0.0.5:8786"``.
    local_workers : int, optional
        Without ``scheduler``: start a ``LocalCluster`` of that many one-thread
        worker processes on 127.0.0.1, closed when the work is done.
    modules : sequence of str
        Modules every worker imports first (the solvers registered outside semopt).
    """
    require()
    distributed: Any = importlib.import_module("distributed")
    cluster = None
    if scheduler is None:
        cluster = distributed.LocalCluster(n_workers=local_workers or 1, threads_per_worker=1, processes=True,
                                           host="127.0.0.1", dashboard_address=None)
    try:
        with distributed.Client(scheduler if scheduler is not None else cluster) as client:
            futures = [client.submit(_task, instance, list(modules), key=f"semopt-instance-{instance.index}",
                                     retries=RETRIES, pure=False) for instance in work]
            for future in distributed.as_completed(futures):
                for record in future.result():
                    on_record(record)
    finally:
        if cluster is not None:
            cluster.close()
