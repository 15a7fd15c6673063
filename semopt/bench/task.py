"""The one task every executor runs: build an instance once, run each of its solvers, one record per run.

:func:`run_instance` never lets a solver stop the benchmark: a refusal, an
exception or an overrun of the time limit becomes a :class:`Record` with a
failure status (:data:`~semopt.bench.records.FAILURES`) and a one-line
message, and the next solver runs.  What it cannot catch in its own process
-- the process dying or hanging -- the worker pool of
:mod:`~semopt.bench.pool` turns into records the same way.
"""

from __future__ import annotations

import math
import os
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from semopt import scenarios
from semopt.api import solve
from semopt.bench.records import ERROR, REFUSED, Panel, Record, metric_value
from semopt.bench.sweep import Scalar
from semopt.errors import SolverError
from semopt.result import Status

__all__ = ["Instance", "run_instance", "failed_record", "describe_exception", "one_line", "MAX_MESSAGE"]

MAX_MESSAGE = 400
"""Longest message a record keeps, in characters: a record crosses a pipe in one atomic write (< 4 KiB)."""

RecordHook = Callable[[Record], None]


@dataclass(frozen=True)
class Instance:
    """One unit of work: build the scenario once, run every solver of ``solvers`` on it.

    Attributes
    ----------
    index : int
        The instance's place in the (value, seed) grid.
    scenario, overrides, param, value, seed
        What to build: ``scenarios.load(scenario, **overrides, param=value, **panel, seed=seed)``.
    solvers : tuple of str
        The solvers still to run on it, in order (on a resumed benchmark, those not yet recorded).
    options : mapping of str to mapping
        Each solver's options (absent: its defaults).
    time_limit : float, optional
        Passed to every ``semopt.solve``; a run that takes longer is recorded ``time_limit``.
    metrics : tuple of str
        The report's metric keys: every record carries them (NaN where missing).
    panel : tuple of (str, value) pairs
        A grid's further swept parameters and their values.
    history : bool
        Keep each run's ``Result.history`` in its record.
    """

    index: int
    scenario: str
    overrides: Mapping[str, Any]
    param: str | None
    value: Scalar | None
    seed: int
    solvers: tuple[str, ...]
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    time_limit: float | None = None
    metrics: tuple[str, ...] = ()
    panel: Panel = ()
    history: bool = False


def one_line(text: str) -> str:
    """``text`` on one line, whitespace collapsed, cut to :data:`MAX_MESSAGE` characters."""
    line = " ".join(str(text).split())
    return line if len(line) <= MAX_MESSAGE else line[: MAX_MESSAGE - 1] + "…"


def describe_exception(exc: BaseException) -> str:
    """``"Type: message (at file.py:42 in function)"``: what a crash says, and where, on one line."""
    where = ""
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        last = frames[-1]
        where = f" (at {os.path.basename(last.filename)}:{last.lineno} in {last.name})"
    text = str(exc)
    return one_line(f"{type(exc).__name__}{': ' + text if text else ''}{where}")


def _record(instance: Instance, solver: str, **outcome: Any) -> Record:
    """The row of ``solver`` on ``instance``: where it ran, then ``outcome`` (status, objective...)."""
    return Record(scenario=instance.scenario, param=instance.param, value=instance.value, seed=instance.seed,
                  solver=solver, panel=instance.panel, **outcome)


def failed_record(instance: Instance, solver: str, status: str, message: str, solve_time: float) -> Record:
    """The record of a run that gave no answer: NaN objective and metrics, not feasible."""
    return _record(instance, solver, status=status, feasible=False, objective=math.nan, solve_time=solve_time,
                   metrics=dict.fromkeys(instance.metrics, math.nan), message=one_line(message))


def _run_one(problem: Any, instance: Instance, solver: str) -> Record:
    start = time.perf_counter()
    try:
        result = solve(problem, solver, seed=instance.seed, time_limit=instance.time_limit,
                       **instance.options.get(solver, {}))
        metrics = {key: metric_value(result, key) for key in instance.metrics}
    except SolverError as exc:
        # Names and options were checked before the first run, so this is the solver refusing this instance.
        return failed_record(instance, solver, REFUSED, str(exc), time.perf_counter() - start)
    except (Exception, SystemExit) as exc:  # a solver's crash is a row of the benchmark, not its end
        return failed_record(instance, solver, ERROR, describe_exception(exc), time.perf_counter() - start)
    status, message = result.status, result.message
    limit = instance.time_limit
    if limit is not None and result.solve_time > limit and status != Status.TIME_LIMIT:
        # The solver did not watch the clock: its answer came too late to compare with the others'.
        late = f"took {result.solve_time:.3g} s, past the time limit of {limit:g} s"
        message = f"{late}; {message}" if message else late
        status = Status.TIME_LIMIT
    return _record(instance, solver, status=status, feasible=result.feasible, objective=result.objective,
                   solve_time=result.solve_time, metrics=metrics, message=one_line(message),
                   history=tuple(float(x) for x in result.history) if instance.history else ())


def run_instance(
    instance: Instance,
    *,
    on_start: Callable[[str], None] | None = None,
    on_record: RecordHook | None = None,
) -> list[Record]:
    """Build ``instance``'s problem once and run each of its solvers on it, in order.

    Parameters
    ----------
    instance : Instance
    on_start : callable, optional
        ``on_start(solver)``, called just before each solver runs (a worker
        tells its pool, which then knows whom a death or a hang concerns).
    on_record : callable, optional
        ``on_record(record)``, called as each run finishes.

    Returns
    -------
    list of Record
        One per solver of the instance, in its order; a failed run has a
        failure status (a build that fails fails every solver, ``error``).

    Notes
    -----
    A module-level function of picklable arguments: every executor, in this
    process or in a worker, runs exactly this.
    """
    overrides = dict(instance.overrides)
    if instance.param is not None:
        overrides[instance.param] = instance.value
    overrides.update(instance.panel)
    records = []
    problem, failure = None, ""
    try:
        problem = scenarios.load(instance.scenario, **overrides, seed=instance.seed)
    except (Exception, SystemExit) as exc:  # e.g. a sweep value beyond the memory guard: its runs fail, not the sweep
        failure = f"building the instance failed: {describe_exception(exc)}"
    for solver in instance.solvers:
        if on_start is not None:
            on_start(solver)
        if problem is None:
            record = failed_record(instance, solver, ERROR, failure, 0.0)
        else:
            record = _run_one(problem, instance, solver)
        if on_record is not None:
            on_record(record)
        records.append(record)
    return records
