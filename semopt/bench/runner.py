"""Run several solvers on the same instances and collect one tidy record per (instance, solver).

An *instance* is one scenario built for one sweep value and one seed
(``scenarios.load(name, **overrides, param=value, seed=seed)``); every solver
is run on that same instance with the same ``seed``.  Instances are the unit
of work of an executor: sequential (in this process) or a pool of local
processes (``workers > 1``).  Records come back in one deterministic order
(sweep value, then seed, then solver, each as given), whatever the executor,
so two runs differ only in their ``solve_time``.

Each record carries the metrics its problem family declares in its class
attribute ``report`` (see :class:`Metric` and :func:`report_of`): mean delay
for semantic offloading, Jain index and fidelity for the semantic game, and
so on; the tables and plots are drawn from the same declaration.

Examples
--------
>>> from semopt.bench import run_bench
>>> records = run_bench("semantic-mec", ["bcd"], seeds=2, overrides={"users": 4})
>>> [(r.seed, r.solver, r.feasible) for r in records]
[(0, 'bcd', True), (1, 'bcd', True)]
>>> list(records[0].metrics)
['mean_delay', 'geomean_delay']
>>> [m.label for m in scenario_report("semantic-game")]
['Jain index', 'fidelity', 'energy (J)', 'latency (s)', 'Nash gap (rel.)']
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from semopt import scenarios
from semopt.api import solve
from semopt.bench.records import Metric, Record, report_of
from semopt.bench.sweep import ArgumentError, Scalar, Sweep, SweepError
from semopt.errors import ScenarioError, SolverError, closest
from semopt.options import parse_options
from semopt.registry import check_accepts, get_solver

__all__ = [
    "Instance",
    "ProgressHook",
    "run_bench",
    "run_instance",
    "instances",
    "scenario_report",
]

ProgressHook = Callable[[int, int], None]
"""Called as ``progress(done, total)`` in the calling process, counted in solver runs."""


def scenario_report(scenario: str, overrides: Mapping[str, Any] | None = None) -> tuple[Metric, ...]:
    """The :func:`report_of` the problem that ``scenario`` builds (with ``overrides``).

    Builds one instance (cheap next to solving it) to learn the problem family.

    Raises
    ------
    ScenarioError
        Unknown scenario, unknown or bad override.
    """
    return report_of(scenarios.load(scenario, **dict(overrides or {})))


@dataclass(frozen=True)
class Instance:
    """One unit of work: build the scenario once, run every solver on it.

    ``index`` is the instance's place in the (value, seed) grid, used to order
    the records whatever the executor.
    """

    index: int
    scenario: str
    overrides: Mapping[str, Any]
    param: str | None
    value: Scalar | None
    seed: int
    solvers: tuple[str, ...]


def run_instance(instance: Instance) -> list[Record]:
    """Build ``instance``'s problem once and run each of its solvers on it, in order.

    A module-level function, so that a process pool can pickle it.
    """
    overrides = dict(instance.overrides)
    if instance.param is not None:
        overrides[instance.param] = instance.value
    problem = scenarios.load(instance.scenario, **overrides, seed=instance.seed)
    keys = [metric.key for metric in report_of(problem)]
    records = []
    for solver in instance.solvers:
        result = solve(problem, solver, seed=instance.seed)
        records.append(
            Record(
                scenario=instance.scenario,
                param=instance.param,
                value=instance.value,
                seed=instance.seed,
                solver=solver,
                status=result.status,
                feasible=result.feasible,
                objective=result.objective,
                solve_time=result.solve_time,
                metrics={key: float(result.metrics.get(key, math.nan)) for key in keys},
            )
        )
    return records


def instances(
    scenario: str,
    solvers: Sequence[str],
    seeds: Sequence[int],
    *,
    sweep: Sweep | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> list[Instance]:
    """The grid of instances, sweep value major, seed minor."""
    values: Sequence[Scalar | None] = sweep.values if sweep is not None else (None,)
    param = sweep.param if sweep is not None else None
    grid = [(value, seed) for value in values for seed in seeds]
    return [
        Instance(i, scenario, dict(overrides or {}), param, value, seed, tuple(solvers))
        for i, (value, seed) in enumerate(grid)
    ]


def _check(
    scenario: str,
    solvers: Sequence[str],
    seeds: Sequence[int],
    sweep: Sweep | None,
    overrides: Mapping[str, Any],
    workers: int,
) -> None:
    """Refuse a bad request in the calling process, before any work is spread out."""
    known = scenarios.describe(scenario)  # raises ScenarioError for an unknown name
    if "seed" not in known:
        raise ScenarioError(f"Scenario {scenario!r} has no `seed` override, so it cannot be benchmarked.")
    if "seed" in overrides:
        raise ScenarioError("Do not set the scenario's `seed`: the benchmark sets it from its seeds.")
    if sweep is not None:
        if sweep.param == "seed":
            raise SweepError("Cannot sweep `seed`: the benchmark sets it from its seeds.")
        if sweep.param not in known:
            raise SweepError(
                f"Cannot sweep {sweep.param!r}: it is not an override of scenario {scenario!r}; "
                f"known overrides: {', '.join(sorted(known))}." + closest(sweep.param, known)
            )
        if sweep.param in overrides:
            raise SweepError(f"{sweep.param!r} is both swept and set; give it once.")
        if not sweep.values:
            raise SweepError(f"The sweep of {sweep.param!r} has no values.")
    if not solvers:
        raise SolverError("Give at least one solver.")
    if len(set(solvers)) != len(solvers):
        raise SolverError(f"A solver is listed twice: {', '.join(solvers)}.")
    if not seeds:
        raise ArgumentError("Give at least one seed.")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ArgumentError(f"`workers` must be an integer >= 1; got {workers!r}.")
    # Build the first instance here: a bad override value or an unknown solver fails now, once.
    first = dict(overrides)
    if sweep is not None:
        first[sweep.param] = sweep.values[0]
    problem = scenarios.load(scenario, **first, seed=seeds[0])
    report_of(problem)  # a malformed report fails here, not in a worker
    for name in solvers:
        spec = get_solver(name, problem)
        check_accepts(spec, problem, parse_options(spec.name, spec.options, {}))


def _sequential(work: Sequence[Instance], workers: int) -> Iterator[tuple[int, list[Record]]]:
    for instance in work:
        yield instance.index, run_instance(instance)


def _processes(work: Sequence[Instance], workers: int) -> Iterator[tuple[int, list[Record]]]:
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        futures = {pool.submit(run_instance, instance): instance.index for instance in work}
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        # On an error or Ctrl-C, drop the instances not started rather than running them all.
        pool.shutdown(wait=True, cancel_futures=True)


def run_bench(
    scenario: str,
    solvers: Sequence[str],
    *,
    seeds: int | Sequence[int] = 10,
    sweep: Sweep | None = None,
    overrides: Mapping[str, Any] | None = None,
    workers: int = 1,
    progress: ProgressHook | None = None,
) -> list[Record]:
    """Run every solver in ``solvers`` on the same instances of ``scenario``.

    Parameters
    ----------
    scenario : str
        A name from :func:`scenarios.names`.
    solvers : sequence of str
        Solver names, e.g. ``["bcd", "linear", "fa"]``; each must apply to the scenario.
    seeds : int or sequence of int, default 10
        ``n`` means seeds ``0, ..., n-1``.  Each seed seeds both the instance
        (the scenario's ``seed`` override) and every solver run on it.
    sweep : Sweep, optional
        An override and its values (see :func:`semopt.bench.parse_sweep`);
        every value is run with every seed.
    overrides : mapping, optional
        Fixed scenario overrides, e.g. ``{"users": 10}``; not ``seed``.
    workers : int, default 1
        1 runs in this process; more runs a pool of that many local processes.
    progress : callable, optional
        ``progress(done, total)``, called in this process after each instance,
        counted in solver runs.

    Returns
    -------
    list of Record
        Ordered by sweep value, seed, then solver, each in the order given,
        whatever the executor.  Each record's ``metrics`` are the scenario's
        report metrics (:func:`scenario_report` gives their labels and
        directions).

    Raises
    ------
    ScenarioError
        Unknown scenario, unknown or bad override, ``seed`` overridden.
    SweepError
        The swept parameter is not an override of the scenario, is also set,
        or has no values.
    SolverError
        No solver, a solver listed twice, an unknown solver or one that does
        not apply.
    ArgumentError
        No seeds, or ``workers`` not an integer >= 1.

    Notes
    -----
    Any exception raised while solving (in a worker too) stops the run and
    propagates: a benchmark does not hide a crashing solver.
    """
    seed_list = list(range(seeds)) if isinstance(seeds, int) else [int(s) for s in seeds]
    fixed = dict(overrides or {})
    _check(scenario, solvers, seed_list, sweep, fixed, workers)
    work = instances(scenario, solvers, seed_list, sweep=sweep, overrides=fixed)
    total = len(work) * len(solvers)
    execute = _sequential if workers == 1 else _processes
    done = 0
    by_index: dict[int, list[Record]] = {}
    if progress is not None:
        progress(0, total)
    for index, records in execute(work, workers):
        by_index[index] = records
        done += len(records)
        if progress is not None:
            progress(done, total)
    return [record for index in sorted(by_index) for record in by_index[index]]
