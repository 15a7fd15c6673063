"""Run several solvers on the same instances and collect one tidy record per (instance, solver).

An *instance* is one scenario built for one sweep value and one seed
(``scenarios.load(name, **overrides, param=value, seed=seed)``); every solver
is run on that same instance with the same ``seed``.  Instances are the unit
of work of an executor: sequential (in this process) or local worker
processes (``workers > 1``, :mod:`~semopt.bench.pool`).  Records come back in
one deterministic order (sweep value, then seed, then solver, each as given),
whatever the executor, so two runs differ only in their ``solve_time``.

A benchmark goes in two steps: :func:`prepare` checks the whole request and
returns a :class:`Plan` -- an unknown solver or option, a bad override, sweep
value, seed or time limit is refused there, before the first run --, then
:func:`execute` runs what is not done yet, handing each record over as it
finishes (the journal of :mod:`~semopt.bench.journal` writes it down).
:func:`run_bench` does both.  No solver stops a benchmark: a refusal, a crash
or an overrun becomes a record with a failure status
(:data:`~semopt.bench.records.FAILURES`).

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

import itertools
import math
import numbers
import pickle
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence, Sized
from dataclasses import dataclass, field
from typing import Any

from semopt import scenarios
from semopt.bench.dask_pool import require as require_dask
from semopt.bench.dask_pool import run_dask
from semopt.bench.pool import run_processes
from semopt.bench.records import TRAINING, Metric, Panel, Record, report_of
from semopt.bench.stats import point_key
from semopt.bench.sweep import ArgumentError, Scalar, Sweep, SweepError, check_time_limit
from semopt.bench.task import Instance, run_instance
from semopt.errors import ScenarioError, SolverError, closest
from semopt.options import parse_options
from semopt.registry import SolverSpec, get_solver

__all__ = [
    "Instance",
    "Plan",
    "ProgressHook",
    "RunKey",
    "grid_points",
    "sweep_list",
    "prepare",
    "execute",
    "run_bench",
    "run_instance",
    "run_key",
    "instances",
    "resolve_options",
    "check_overrides_type",
    "scenario_report",
]

ProgressHook = Callable[[int, int], None]
"""Called as ``progress(done, total)`` in the calling process, counted in solver runs."""

RunKey = tuple[Hashable, int, str]
"""What identifies a run: (sweep point: value and panel, with their types; seed; solver)."""


def run_key(record: Record) -> RunKey:
    """``record``'s :data:`RunKey`; the values' types keep 1, 1.0 and True apart, as the sweep does."""
    return point_key(record.value, record.panel), record.seed, record.solver


def grid_points(sweep: Sweep | None, panels: Sequence[Sweep] = ()) -> list[tuple[Scalar | None, Panel]]:
    """Every (value, panel) of a grid, the first sweep's value major, then each further sweep in order.

    Examples
    --------
    >>> grid_points(Sweep("users", (5, 10)), [Sweep("exits", (1, 2))])
    [(5, (('exits', 1),)), (5, (('exits', 2),)), (10, (('exits', 1),)), (10, (('exits', 2),))]
    >>> grid_points(None)
    [(None, ())]
    """
    values: Sequence[Scalar | None] = sweep.values if sweep is not None else (None,)
    combos = itertools.product(*[[(s.param, v) for v in s.values] for s in panels])
    panel_list = [tuple(combo) for combo in combos]
    return [(value, panel) for value in values for panel in panel_list]


def sweep_list(sweep: Any) -> tuple[Sweep, ...]:
    """``sweep`` as a tuple of sweeps: None is none, one :class:`Sweep` is one, a list is a grid.

    Raises
    ------
    SweepError
        Not a Sweep, a sequence of Sweeps, or None (the message quotes it).
    """
    if sweep is None:
        return ()
    if isinstance(sweep, Sweep):
        return (sweep,)
    if isinstance(sweep, Sequence) and not isinstance(sweep, str) and all(isinstance(s, Sweep) for s in sweep):
        return tuple(sweep)
    raise SweepError(f"`sweep` must be a Sweep (or its text 'PARAM=lo:hi:step'), or a list of them for a grid; "
                     f"got {sweep!r}."[:300])


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
class Plan:
    """A checked benchmark request: what :func:`execute` runs and the journal's manifest records.

    Attributes
    ----------
    scenario : str
        The scenario's name.
    solvers : tuple of str
    seeds : tuple of int
    sweep : Sweep or None
        The first swept parameter: the figures' x axis.
    overrides : dict
        Fixed scenario overrides.
    options : dict of str to dict
        Each solver's options as given (checked, converted); a solver without any is absent.
    time_limit : float or None
    workers : int
    report : tuple of Metric
        The problem family's report, then :data:`~semopt.bench.records.TRAINING`
        when a solver trains: the records' metric columns.
    modules : tuple of str
        Modules that register the solvers outside semopt, imported by each worker process.
    scheduler, dask_workers
        The Dask executor, if any (:func:`~semopt.bench.dask_pool.run_dask`).
    panels : tuple of Sweep
        A grid's further swept parameters: every value of ``sweep`` is run
        with every combination of theirs (one figure panel per combination).
    history : bool
        Keep each run's ``Result.history`` (objective after each iteration) in its record.
    preset : str or None
        The preset this benchmark runs (:mod:`~semopt.bench.presets`), noted in the manifest.
    """

    scenario: str
    solvers: tuple[str, ...]
    seeds: tuple[int, ...]
    sweep: Sweep | None
    overrides: dict[str, Any]
    options: dict[str, dict[str, Any]]
    time_limit: float | None
    workers: int
    report: tuple[Metric, ...]
    modules: tuple[str, ...] = field(default=())
    scheduler: str | None = None
    dask_workers: int | None = None
    panels: tuple[Sweep, ...] = ()
    history: bool = False
    preset: str | None = None

    @property
    def on_dask(self) -> bool:
        return self.scheduler is not None or self.dask_workers is not None

    @property
    def param(self) -> str | None:
        return self.sweep.param if self.sweep is not None else None

    @property
    def values(self) -> tuple[Scalar | None, ...]:
        return self.sweep.values if self.sweep is not None else (None,)

    def points(self) -> list[tuple[Scalar | None, Panel]]:
        """Every sweep point (value, panel), in the records' order (:func:`grid_points`)."""
        return grid_points(self.sweep, self.panels)

    @property
    def total(self) -> int:
        """Number of runs: sweep points x seeds x solvers."""
        return len(self.points()) * len(self.seeds) * len(self.solvers)

    def keys(self) -> list[RunKey]:
        """Every run's key, in the records' order: sweep point, seed, solver."""
        return [(point_key(v, panel), seed, solver) for v, panel in self.points() for seed in self.seeds
                for solver in self.solvers]


def instances(
    scenario: str,
    solvers: Sequence[str],
    seeds: Sequence[int],
    *,
    sweep: Sweep | None = None,
    overrides: Mapping[str, Any] | None = None,
    panels: Sequence[Sweep] = (),
) -> list[Instance]:
    """The grid of instances, sweep point major, seed minor, each with every solver."""
    param = sweep.param if sweep is not None else None
    grid = [(value, panel, seed) for value, panel in grid_points(sweep, panels) for seed in seeds]
    return [
        Instance(i, scenario, dict(overrides or {}), param, value, seed, tuple(solvers), panel=panel)
        for i, (value, panel, seed) in enumerate(grid)
    ]


def resolve_options(
    specs: Mapping[str, SolverSpec], options: Mapping[str, Any] | None
) -> dict[str, dict[str, Any]]:
    """Each solver's options from ``options``: ``{solver: {key: value}}`` entries, ``{key: value}`` ones, or both.

    Parameters
    ----------
    specs : mapping of str to SolverSpec
        The benchmarked solvers, by name.
    options : mapping, optional
        A value that is a mapping is the options of the solver its key names;
        any other value is an option of every solver that declares its key.
        A solver's own entry wins over a shared one.

    Returns
    -------
    dict of str to dict
        The given options per solver, checked and converted as
        :func:`semopt.solve` would (a solver given none is absent).

    Raises
    ------
    SolverError
        Options for a solver not benchmarked; a shared key no solver declares
        (the message lists each solver's options); an unknown option or a bad
        value for one solver (:func:`~semopt.options.parse_options`' message).
    ArgumentError
        ``seed`` or ``time_limit`` given as an option: the benchmark sets them.
    """
    if options is not None and not isinstance(options, Mapping):
        raise SolverError(f"`options` must be a mapping, {{solver: {{key: value}}}} or {{key: value}}; "
                          f"got {options!r}.")
    own: dict[str, dict[str, Any]] = {}
    shared: dict[str, Any] = {}
    for key, value in (options or {}).items():
        if isinstance(value, Mapping):
            if key not in specs:
                raise SolverError(f"Options are given for solver {key!r}, which is not benchmarked; solvers: "
                                  f"{', '.join(specs)}." + closest(key, specs))
            own[key] = dict(value)
        else:
            shared[key] = value
    for key in [*shared, *(k for given in own.values() for k in given)]:
        if key == "seed":
            raise ArgumentError("Do not give `seed` as a solver option: the benchmark seeds every run from its seeds.")
        if key == "time_limit":
            raise ArgumentError("Give the time limit as `time_limit` (--time-limit), not as a solver option.")
    for key, value in shared.items():
        takers = [name for name, spec in specs.items() if key in spec.options]
        if not takers:
            known = "; ".join(f"{name}: {', '.join(sorted(spec.options)) or '(none)'}" for name, spec in specs.items())
            every = {option for spec in specs.values() for option in spec.options}
            raise SolverError(f"No benchmarked solver declares the option {key!r}; known options: {known}."
                              + closest(key, every))
        for name in takers:
            own.setdefault(name, {}).setdefault(key, value)
    resolved = {}
    for name, given in own.items():
        spec = specs[name]
        checked = parse_options(spec.name, spec.options, given)
        resolved[name] = {key: checked[key] for key in given}
    return {name: resolved[name] for name in specs if name in resolved}


MAX_SEEDS = 100_000
"""More seeds than this is refused: it is a typo, and a grid that size would not fit in memory anyway."""

MAX_RUNS = 1_000_000
"""More solver runs than this (sweep values x seeds x solvers) is refused before the first: their records
alone would take about a gigabyte, and the sweep days."""


def _seed_list(seeds: Any) -> tuple[int, ...]:
    """``seeds`` as a tuple of ints: ``n`` is ``0..n-1``; a sequence must hold integers."""
    if isinstance(seeds, numbers.Integral) and not isinstance(seeds, bool):
        count = int(seeds)
        if count < 1:
            raise ArgumentError(f"Give at least one seed: `seeds` must be >= 1 (seeds 0..n-1) or a list of seeds; "
                                f"got {count}.")
        if count > MAX_SEEDS:
            raise ArgumentError(f"`seeds` = {count} is more than the {MAX_SEEDS} seeds a benchmark takes.")
        return tuple(range(count))
    if isinstance(seeds, str | bytes) or not isinstance(seeds, Iterable):
        raise ArgumentError(f"`seeds` must be a number of seeds or a list of integer seeds; got {seeds!r}.")
    if isinstance(seeds, Sized) and len(seeds) > MAX_SEEDS:  # before listing them: range(10**9) is no typo to copy
        raise ArgumentError(f"`seeds` lists {len(seeds)} seeds, more than the {MAX_SEEDS} a benchmark takes.")
    listed = list(itertools.islice(seeds, MAX_SEEDS + 1))
    bad = [s for s in listed if not isinstance(s, numbers.Integral) or isinstance(s, bool)]
    if bad:
        raise ArgumentError(f"`seeds` must be integers; got {bad[0]!r} among {listed!r}."[:300])
    if len(listed) > MAX_SEEDS:
        raise ArgumentError(f"`seeds` lists more than the {MAX_SEEDS} seeds a benchmark takes.")
    return tuple(int(s) for s in listed)


def check_overrides_type(overrides: Any) -> None:
    """Refuse ``overrides`` that are not a mapping (of override names to values), naming what was given.

    Raises
    ------
    ScenarioError
    """
    if overrides is not None and not isinstance(overrides, Mapping):
        raise ScenarioError(f"`overrides` must be a mapping of override names to values, e.g. {{'users': 10}}; "
                            f"got {overrides!r}."[:300])


def _check_solvers(solvers: Any) -> None:
    if isinstance(solvers, str):
        raise SolverError(f"`solvers` must be a list of names, not one string; got {solvers!r} "
                          f"(for one solver: [{solvers!r}]).")
    if not isinstance(solvers, Sequence) or not all(isinstance(name, str) for name in solvers):
        raise SolverError(f"`solvers` must be a list of solver names; got {solvers!r}."[:300])


def _check_sweep(scenario: str, sweep: Sweep, overrides: Mapping[str, Any]) -> None:
    if not isinstance(sweep, Sweep):
        raise SweepError(f"`sweep` must be a Sweep or its text 'PARAM=lo:hi:step'; got {sweep!r}.")
    known = scenarios.describe(scenario)
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
    option = scenarios.spec(scenario).overrides[sweep.param]
    for value in sweep.values:
        try:
            option.check(sweep.param, scenario, value)
        except SolverError:  # every value is checked now: a bad last value must not wait for the end of the sweep
            raise SweepError(
                f"Cannot sweep {sweep.param}={value!r}: the {sweep.param!r} override of scenario {scenario!r} "
                f"must be {option.describe()}."
            ) from None


def _check(
    scenario: str,
    solvers: Sequence[str],
    seeds: Sequence[int],
    sweeps: Sequence[Sweep],
    overrides: Mapping[str, Any],
    workers: int,
) -> None:
    """Refuse a bad request in the calling process, before any work is spread out."""
    known = scenarios.describe(scenario)  # raises ScenarioError for an unknown name
    if "seed" not in known:
        raise ScenarioError(f"Scenario {scenario!r} has no `seed` override, so it cannot be benchmarked.")
    if "seed" in overrides:
        raise ScenarioError("Do not set the scenario's `seed`: the benchmark sets it from its seeds.")
    for sweep in sweeps:
        _check_sweep(scenario, sweep, overrides)
    params = [sweep.param for sweep in sweeps]
    twice = sorted({param for param in params if params.count(param) > 1})
    if twice:
        raise SweepError(f"{', '.join(map(repr, twice))} is swept twice; a grid sweeps each parameter once.")
    if not solvers:
        raise SolverError("Give at least one solver.")
    if len(set(solvers)) != len(solvers):
        raise SolverError(f"A solver is listed twice: {', '.join(solvers)}.")
    if not seeds:
        raise ArgumentError("Give at least one seed.")
    if len(set(seeds)) != len(seeds):
        raise ArgumentError(f"A seed is listed twice: {', '.join(map(str, seeds))}.")
    seed_option = scenarios.spec(scenario).overrides["seed"]
    for seed in seeds:
        try:
            seed_option.check("seed", scenario, seed)
        except SolverError:
            raise ScenarioError(f"Cannot use seed {seed!r}: the 'seed' override of scenario {scenario!r} must be "
                                f"{seed_option.describe()}.") from None
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ArgumentError(f"`workers` must be an integer >= 1; got {workers!r}.")


def prepare(
    scenario: str,
    solvers: Sequence[str],
    *,
    seeds: int | Sequence[int] = 10,
    sweep: Sweep | Sequence[Sweep] | None = None,
    overrides: Mapping[str, Any] | None = None,
    workers: int = 1,
    options: Mapping[str, Mapping[str, Any]] | Mapping[str, Any] | None = None,
    time_limit: float | None = None,
    scheduler: str | None = None,
    dask_workers: int | None = None,
    history: bool = False,
    metrics: Sequence[Metric | tuple[str, str, str] | str] = (),
    preset: str | None = None,
) -> Plan:
    """Check a benchmark request and return its :class:`Plan`; nothing runs.

    Parameters are those of :func:`run_bench`.

    Raises
    ------
    SemoptError
        As :func:`run_bench`.
    """
    _check_solvers(solvers)
    check_overrides_type(overrides)
    seed_list = _seed_list(seeds)
    fixed = dict(overrides or {})
    sweeps = sweep_list(sweep)
    _check(scenario, solvers, seed_list, sweeps, fixed, workers)
    points = math.prod(len(s.values) for s in sweeps)
    runs = points * len(seed_list) * len(solvers)
    if runs > MAX_RUNS:
        raise ArgumentError(f"This benchmark would make {runs} solver runs (sweep points x seeds x solvers), more "
                            f"than the {MAX_RUNS} one benchmark takes; split it, or use fewer `seeds`.")
    if isinstance(time_limit, str):  # the command line parses its text; from Python a number is expected
        raise ArgumentError(f"`time_limit` must be a number of seconds, not a string; got {time_limit!r}.")
    limit = check_time_limit(time_limit) if time_limit is not None else None
    # Build the first instance here: a bad override value or an unknown solver fails now, once.
    first = dict(fixed)
    for one in sweeps:
        first[one.param] = one.values[0]
    problem = scenarios.load(scenario, **first, seed=seed_list[0])
    report = report_of(problem)  # a malformed report fails here, not in a worker
    report += _extra_metrics(metrics, report)
    # Whether each solver accepts the instances is not asked: one that refuses one is recorded `refused`.
    specs = {name: get_solver(name, problem) for name in solvers}
    if any(spec.trains for spec in specs.values()):
        known = {metric.key for metric in report}
        report += tuple(metric for metric in TRAINING if metric.key not in known)
    resolved = resolve_options(specs, options)
    if workers > 1:
        try:
            pickle.dumps(resolved)
        except Exception as exc:  # pickle raises many types (PicklingError, TypeError, AttributeError...)
            raise ArgumentError(f"With workers > 1 the options must be picklable; they are not ({exc}).") from None
    modules = tuple(dict.fromkeys(spec.func.__module__ for spec in specs.values()
                                  if not spec.func.__module__.startswith(("semopt.", "__main__"))))
    _check_dask(scheduler, dask_workers, workers)
    return Plan(scenario, tuple(solvers), seed_list, sweeps[0] if sweeps else None, fixed, resolved, limit, workers,
                report, modules, scheduler, dask_workers, sweeps[1:], bool(history), preset)


def _extra_metrics(metrics: Any, report: tuple[Metric, ...]) -> tuple[Metric, ...]:
    """Further ``Result.metrics`` keys to record after the family's report: Metrics, triples or bare keys.

    A bare key is labelled by itself and counted "min"-better (the direction
    matters only to the comparison table, which compares the report's first
    metric).  A key already in the report is not added twice.
    """
    if isinstance(metrics, str) or not isinstance(metrics, Sequence):
        raise ArgumentError(f"`metrics` must be a list of metric keys or (key, label, 'min' | 'max') triples; "
                            f"got {metrics!r}."[:300])
    out: list[Metric] = []
    for entry in metrics:
        metric = Metric(entry, entry, "min") if isinstance(entry, str) else entry
        if not (isinstance(metric, tuple) and len(metric) == 3 and all(isinstance(x, str) for x in metric)
                and metric[2] in ("min", "max") and metric[0]):
            raise ArgumentError(f"`metrics` entries must be metric keys or (key, label, 'min' | 'max') triples; "
                                f"got {entry!r}.")
        if metric[0] not in {m.key for m in (*report, *out)}:
            out.append(Metric(*metric))
    return tuple(out)


def _check_dask(scheduler: Any, dask_workers: Any, workers: int) -> None:
    """A Dask executor: a scheduler address or a LocalCluster size, not both, not with local worker processes."""
    if scheduler is None and dask_workers is None:
        return
    if scheduler is not None and dask_workers is not None:
        raise ArgumentError("Give a scheduler address or a LocalCluster size (dask_workers), not both.")
    if scheduler is not None and (not isinstance(scheduler, str) or "://" not in scheduler):
        raise ArgumentError(f"`scheduler` must be an address such as tcp://HOST:8786; got {scheduler!r}.")
    if dask_workers is not None and (isinstance(dask_workers, bool) or not isinstance(dask_workers, int)
                                     or dask_workers < 1):
        raise ArgumentError(f"`dask_workers` must be an integer >= 1; got {dask_workers!r}.")
    if workers != 1:
        raise ArgumentError(f"`workers` = {workers} starts local processes; with a Dask executor the cluster's "
                            "workers run the tasks: leave `workers` at 1.")
    require_dask()


def execute(
    plan: Plan,
    *,
    done: Iterable[Record] = (),
    on_record: Callable[[Record], None] | None = None,
    progress: ProgressHook | None = None,
) -> list[Record]:
    """Run every run of ``plan`` not in ``done``; return all of them, ``done`` ones included, in order.

    Parameters
    ----------
    plan : Plan
        From :func:`prepare`.
    done : iterable of Record
        Runs already recorded (a resumed benchmark): not run again.  Records
        outside the plan are ignored.
    on_record : callable, optional
        ``on_record(record)`` in this process as each new run finishes
        (completion order): the journal writes it down there.
    progress : callable, optional
        ``progress(done, total)`` in this process: first with the runs
        already done, then after each run.

    Returns
    -------
    list of Record
        One per run of the plan, ordered by sweep value, seed, then solver.

    Raises
    ------
    KeyboardInterrupt
        On Ctrl-C, after the worker processes are stopped; the records handed
        to ``on_record`` so far are all that finished.
    """
    order = plan.keys()
    wanted = set(order)
    have = {key: record for record in done if (key := run_key(record)) in wanted}
    keys = tuple(m.key for m in plan.report)
    work = []
    grid = [(value, panel, seed) for value, panel in plan.points() for seed in plan.seeds]
    for index, (value, panel, seed) in enumerate(grid):
        todo = tuple(s for s in plan.solvers if (point_key(value, panel), seed, s) not in have)
        if todo:
            work.append(Instance(index, plan.scenario, plan.overrides, plan.param, value, seed, todo,
                                 options=plan.options, time_limit=plan.time_limit, metrics=keys, panel=panel,
                                 history=plan.history))
    total = plan.total
    if progress is not None:
        progress(len(have), total)

    def collect(record: Record) -> None:
        have[run_key(record)] = record
        if on_record is not None:
            on_record(record)
        if progress is not None:
            progress(len(have), total)

    if plan.on_dask and work:
        run_dask(work, collect, scheduler=plan.scheduler, local_workers=plan.dask_workers, modules=plan.modules)
    elif plan.workers == 1:
        for instance in work:
            run_instance(instance, on_record=collect)
    elif work:
        run_processes(work, min(plan.workers, len(work)), collect, modules=plan.modules)
    return [have[key] for key in order if key in have]


def run_bench(
    scenario: str,
    solvers: Sequence[str],
    *,
    seeds: int | Sequence[int] = 10,
    sweep: Sweep | Sequence[Sweep] | None = None,
    overrides: Mapping[str, Any] | None = None,
    workers: int = 1,
    options: Mapping[str, Mapping[str, Any]] | Mapping[str, Any] | None = None,
    time_limit: float | None = None,
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
    sweep : Sweep or sequence of Sweep, optional
        An override and its values (see :func:`semopt.bench.parse_sweep`);
        every value is run with every seed.  Several make a grid: every
        combination of their values; the first is the records' ``param`` and
        ``value`` (the figures' x axis), the others their ``panel``.
    overrides : mapping, optional
        Fixed scenario overrides, e.g. ``{"users": 10}``; not ``seed``.
    workers : int, default 1
        1 runs in this process; more runs that many local worker processes.
    options : mapping, optional
        Solver options: ``{"bcd": {"max_iter": 20}}`` for one solver,
        ``{"tol": 1e-3}`` for every solver that declares ``tol``, or both
        (see :func:`resolve_options`).
    time_limit : float, optional
        Seconds, passed to every ``semopt.solve``.  A run that takes longer
        is recorded ``time_limit``; with ``workers > 1`` a run still going
        after :func:`~semopt.bench.pool.hard_limit` seconds is killed.
    progress : callable, optional
        ``progress(done, total)``, called in this process after each run.

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
        Unknown scenario, unknown or bad override or seed, ``seed`` overridden.
    SweepError
        A swept parameter is not an override of the scenario, is also set,
        is swept twice, has no values or a value out of its range.
    SolverError
        No solver, a solver listed twice, an unknown solver or one that does
        not apply to the scenario's problems; an unknown option or a bad value.
    ArgumentError
        No seeds or one twice, ``workers`` not an integer >= 1, a time limit
        that is not a finite number > 0.

    Notes
    -----
    Every misuse is refused before the first run.  After that, nothing a
    solver does stops the benchmark: a solver that refuses an instance, raises,
    overruns the time limit or (with ``workers > 1``) takes its process down
    is recorded with status ``refused``, ``error`` or ``time_limit`` and a
    one-line ``message``, and the other runs go on.
    """
    plan = prepare(scenario, solvers, seeds=seeds, sweep=sweep, overrides=overrides, workers=workers,
                   options=options, time_limit=time_limit)
    return execute(plan, progress=progress)
