"""Benchmark statistics, pure: per-solver summaries with confidence intervals, pairwise comparisons.

:func:`summarize` turns the tidy records of :func:`~semopt.bench.run_bench`
into one :class:`Summary` per (sweep value, solver); :func:`compare` turns
those into one :class:`Comparison` per (sweep value, solver, other solver).
Nothing here prints or writes: :mod:`~semopt.bench.render` draws tables,
:mod:`~semopt.bench.export` writes CSV, :mod:`~semopt.bench.plots` figures.

The metric columns are not fixed: they are the problem family's ``report``
(:class:`~semopt.bench.records.Metric`: key, label, which way is better), as
returned by :func:`~semopt.bench.runner.scenario_report`.

Examples
--------
>>> from semopt.bench.records import Metric, Panel, Record, is_failure
>>> rows = [Record("s", None, None, seed, "a", "converged", True, obj, 0.1, {"jain": jain})
...         for seed, (obj, jain) in enumerate([(1.0, 0.8), (2.0, 0.9), (3.0, 1.0)])]
>>> (summary,) = summarize(rows)
>>> summary.objective, round(summary.objective_ci, 4), round(summary.metrics["jain"], 6)
(2.0, 2.4841, 0.9)
>>> improvement_pct(110.0, 100.0), reduction_pct(0.25, 0.5), increase_pct(0.75, 0.5)
(10.0, 50.0, 50.0)
>>> metric_improvement_pct(0.75, 0.5, Metric("jain", "Jain index", "max"))
50.0
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import stdtrit

from semopt.bench.records import Metric, Panel, Record, is_failure
from semopt.bench.sweep import Scalar

__all__ = [
    "Summary",
    "Comparison",
    "confidence_half_width",
    "geometric_mean",
    "improvement_pct",
    "reduction_pct",
    "increase_pct",
    "metric_improvement_pct",
    "aggregate",
    "as_metric",
    "summarize",
    "compare",
    "groups",
    "point_key",
    "metric_half_width",
]


@dataclass(frozen=True)
class Summary:
    """One solver at one sweep value, over the instances (seeds) it was run on.

    Attributes
    ----------
    scenario, param, value, solver
        What was run (``param`` and ``value`` are ``None`` without a sweep).
    n : int
        Number of instances (runs), failed ones included.
    objective : float
        Mean objective over the successful runs (those whose status is not
        one of :data:`~semopt.bench.records.FAILURES`), as is every mean,
        interval and share below but ``failure_share``; NaN when none succeeded.
    objective_ci : float
        Half-width of the two-sided confidence interval of the mean
        (Student's t with ``n - 1`` degrees of freedom); NaN when ``n < 2``
        or an objective is not finite.
    solve_time : float
        Mean solve time in seconds.
    feasible_share : float
        Share of successful runs whose solution is feasible, in [0, 1].
    failure_share : float
        Share of the ``n`` runs that failed (refused, error, time limit), in [0, 1].
    metrics : dict of str to float
        Each report metric of the records (same keys, same order), aggregated
        over instances by :func:`aggregate`: the arithmetic mean, except for a
        key starting with ``"geomean_"`` (a per-instance geometric mean, such as
        ``geomean_delay``), whose instances are combined by a geometric mean.
    metric_ci : dict of str to float
        Half-width of each metric's confidence interval, as ``objective_ci``
        (for a ``geomean_*`` key, the first-order one: the geometric mean
        times the half-width of the mean of the logarithms).  The figures'
        confidence bands.
    panel : tuple of (str, value) pairs
        A grid's further swept parameters and their values (empty without a grid).
    """

    scenario: str
    param: str | None
    value: Scalar | None
    solver: str
    n: int
    objective: float
    objective_ci: float
    solve_time: float
    feasible_share: float
    failure_share: float = 0.0
    metrics: dict[str, float] = field(default_factory=dict)
    metric_ci: dict[str, float] = field(default_factory=dict)
    panel: Panel = ()


@dataclass(frozen=True)
class Comparison:
    """Solver ``solver`` against solver ``baseline`` at one sweep value.

    Attributes
    ----------
    objective_pct : float
        ``100 (mean_a - mean_b) / |mean_b|`` with ``a = solver``, ``b = baseline``:
        positive means a larger mean objective, which is better for a ``"max"``
        problem and worse for a ``"min"`` one.
    metric : str
        Key of the metric compared: the first of the report (``""`` when the
        report is empty).
    improvement_pct : float
        :func:`metric_improvement_pct` of the two summaries' ``metric``:
        ``100 (b - a) / |b|`` for a ``"min"`` metric (a delay reduction),
        ``100 (a - b) / |b|`` for a ``"max"`` one; positive always means
        ``solver`` is better, whatever the sign of ``b``.  NaN without a metric.
    panel : tuple of (str, value) pairs
        A grid's further swept parameters and their values (empty without a grid).
    """

    scenario: str
    param: str | None
    value: Scalar | None
    solver: str
    baseline: str
    objective_pct: float
    metric: str
    improvement_pct: float
    panel: Panel = ()


def confidence_half_width(samples: Sequence[float], confidence: float = 0.95) -> float:
    """Half-width of the t confidence interval of the mean of ``samples``.

    Parameters
    ----------
    samples : sequence of float
    confidence : float, default 0.95
        Two-sided confidence level, in (0, 1).

    Returns
    -------
    float
        ``t_{(1+c)/2, n-1} * s / sqrt(n)`` with ``s`` the sample standard
        deviation; NaN when ``n < 2`` or a sample is not finite.

    Examples
    --------
    >>> round(confidence_half_width([1.0, 2.0, 3.0]), 6)
    2.484138
    >>> confidence_half_width([4.0, 4.0])
    0.0
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"`confidence` must be in (0, 1); got {confidence!r}.")
    arr = np.asarray(samples, dtype=float)
    if arr.size < 2 or not np.all(np.isfinite(arr)):
        return math.nan
    sem = float(np.std(arr, ddof=1)) / math.sqrt(arr.size)
    # stdtrit(df, q) is Student's t quantile (scipy.stats.t.ppf), without importing all of scipy.stats.
    return float(stdtrit(arr.size - 1, (1.0 + confidence) / 2.0)) * sem


def geometric_mean(values: Sequence[float]) -> float:
    """``exp(mean(log(values)))``: ``inf`` if a value is infinite, NaN if one is NaN or negative.

    Examples
    --------
    >>> geometric_mean([1.0, 4.0])
    2.0
    """
    arr = np.asarray(values, dtype=float)
    if arr.size == 0:
        return math.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.exp(np.mean(np.log(arr))))


def _ratio_pct(numerator: float, denominator: float) -> float:
    if denominator == 0 or math.isnan(denominator):
        return math.nan
    return 100.0 * float(numerator) / float(denominator)


def improvement_pct(mean_a: float, mean_b: float) -> float:
    """``100 (mean_a - mean_b) / |mean_b|``; NaN when ``mean_b`` is 0."""
    return _ratio_pct(mean_a - mean_b, abs(mean_b))


def reduction_pct(a: float, b: float) -> float:
    """``100 (b - a) / |b|``: how much lower ``a`` is than ``b`` (e.g. a delay), in % of ``|b|``; NaN if ``b`` is 0.

    For ``b > 0`` this is ``100 (1 - a / b)``; dividing by ``|b|`` keeps the
    sign meaning "lower" when ``b`` is negative (a penalised reward).
    """
    return _ratio_pct(b - a, abs(b))


def increase_pct(a: float, b: float) -> float:
    """``100 (a - b) / |b|``: how much higher ``a`` is than ``b`` (e.g. a fidelity), in % of ``|b|``; NaN if ``b`` is 0.

    For ``b > 0`` this is ``100 (a / b - 1)``; dividing by ``|b|`` keeps the
    sign meaning "higher" when ``b`` is negative: 10 against -100 is +110 %.

    Examples
    --------
    >>> increase_pct(10.0, -100.0), increase_pct(3.0, 2.0)
    (110.0, 50.0)
    """
    return _ratio_pct(a - b, abs(b))


_IMPROVEMENT = {"min": reduction_pct, "max": increase_pct}


def metric_improvement_pct(a: float, b: float, metric: Metric | tuple[str, str, str]) -> float:
    """How much better ``a`` is than ``b`` on ``metric``, in % of ``b``: positive means ``a`` is better.

    :func:`reduction_pct` for a ``"min"`` metric, :func:`increase_pct` for a ``"max"`` one.

    Examples
    --------
    >>> metric_improvement_pct(0.25, 0.5, ("mean_delay", "mean delay (s)", "min"))
    50.0
    >>> metric_improvement_pct(0.25, 0.5, ("jain", "Jain index", "max"))
    -50.0
    """
    return _IMPROVEMENT[as_metric(metric).better](a, b)


def as_metric(entry: Metric | tuple[str, str, str]) -> Metric:
    """``entry`` as a :class:`~semopt.bench.records.Metric`, its direction checked."""
    metric = Metric(*entry)
    if metric.better not in _IMPROVEMENT:
        raise ValueError(f"A metric's direction must be 'min' or 'max'; got {metric.better!r} for {metric.key!r}.")
    return metric


def aggregate(key: str, values: Sequence[float]) -> float:
    """Combine one metric's per-instance values into the summary's value.

    The geometric mean for a key starting with ``"geomean_"`` (each value is
    itself a geometric mean, e.g. ``geomean_delay``, so the result stays one),
    the arithmetic mean otherwise.  NaN if a value is NaN.

    Examples
    --------
    >>> aggregate("mean_delay", [0.1, 0.4]), aggregate("geomean_delay", [0.1, 0.4])
    (0.25, 0.2)
    """
    if key.startswith("geomean_"):
        return geometric_mean(values)
    return float(np.mean(np.asarray(values, dtype=float))) if len(values) else math.nan


def point_key(value: Scalar | None, panel: Panel = ()) -> Hashable:
    """What tells two sweep points apart: each value with its type (a sweep over 1, 1.0 and True has three)."""
    return (type(value).__name__, value), tuple((param, type(v).__name__, v) for param, v in panel)


def groups(rows: Iterable[Any]) -> dict[Hashable, dict[str, list[Any]]]:
    """Rows grouped by sweep point (value and panel), then by solver, both in order of first appearance."""
    out: dict[Hashable, dict[str, list[Any]]] = {}
    for row in rows:
        point = out.setdefault((row.scenario, row.param, point_key(row.value, row.panel)), {})
        point.setdefault(row.solver, []).append(row)
    return out


def summarize(records: Iterable[Record], confidence: float = 0.95) -> list[Summary]:
    """One :class:`Summary` per (sweep value, solver), in the order the records give them.

    Parameters
    ----------
    records : iterable of Record
    confidence : float, default 0.95
        Level of the confidence interval of the mean objective.

    Notes
    -----
    Each metric is aggregated by :func:`aggregate` (mean; geometric mean for
    ``geomean_*`` keys); a metric missing from some records counts as NaN there.
    Failed runs (:func:`~semopt.bench.records.is_failure`) count in ``n`` and
    ``failure_share`` only: a refused or crashed run has no objective to
    average, and a run stopped by the time limit is not comparable to the others.
    """
    out = []
    for by_solver in groups(records).values():
        for solver, rows in by_solver.items():
            first = rows[0]
            keys = dict.fromkeys(key for row in rows for key in row.metrics)
            kept = [row for row in rows if not is_failure(row)]
            out.append(
                Summary(
                    scenario=first.scenario,
                    param=first.param,
                    value=first.value,
                    solver=solver,
                    n=len(rows),
                    objective=_mean([r.objective for r in kept]),
                    objective_ci=confidence_half_width([r.objective for r in kept], confidence),
                    solve_time=_mean([r.solve_time for r in kept]),
                    feasible_share=_mean([float(r.feasible) for r in kept]),
                    failure_share=(len(rows) - len(kept)) / len(rows),
                    metrics={key: aggregate(key, [r.metrics.get(key, math.nan) for r in kept]) for key in keys},
                    metric_ci={key: metric_half_width(key, [r.metrics.get(key, math.nan) for r in kept], confidence)
                               for key in keys},
                    panel=first.panel,
                )
            )
    return out


def metric_half_width(key: str, values: Sequence[float], confidence: float = 0.95) -> float:
    """The confidence half-width of :func:`aggregate` ``(key, values)``: first-order for a geometric mean.

    Examples
    --------
    >>> round(metric_half_width("delay", [1.0, 2.0, 3.0]), 4)
    2.4841
    >>> round(metric_half_width("geomean_delay", [1.0, 1.0, 1.0]), 4)
    0.0
    """
    if not key.startswith("geomean_"):
        return confidence_half_width(values, confidence)
    arr = np.asarray(values, dtype=float)
    if arr.size < 2 or not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        return math.nan
    return geometric_mean(arr.tolist()) * confidence_half_width(np.log(arr).tolist(), confidence)


def _mean(values: Sequence[float]) -> float:
    """The mean, NaN for no values (numpy would warn)."""
    return float(np.mean(values)) if values else math.nan


def compare(
    summaries: Iterable[Summary], report: Sequence[Metric | tuple[str, str, str]]
) -> list[Comparison]:
    """Every solver against every other solver at each sweep value (ordered pairs, no self-pairs).

    Parameters
    ----------
    summaries : iterable of Summary
    report : sequence of Metric or (key, label, better) triples
        The problem family's report (:func:`~semopt.bench.runner.scenario_report`);
        its first metric is compared, in the direction it declares.  May be empty.

    Returns
    -------
    list of Comparison
    """
    metrics = [as_metric(entry) for entry in report]
    first = metrics[0] if metrics else None
    out = []
    for by_solver in groups(summaries).values():
        for a, (sa,) in by_solver.items():
            for b, (sb,) in by_solver.items():
                if a != b:
                    out.append(
                        Comparison(
                            scenario=sa.scenario,
                            param=sa.param,
                            value=sa.value,
                            solver=a,
                            baseline=b,
                            objective_pct=improvement_pct(sa.objective, sb.objective),
                            metric=first.key if first else "",
                            improvement_pct=math.nan if first is None else metric_improvement_pct(
                                sa.metrics.get(first.key, math.nan), sb.metrics.get(first.key, math.nan), first
                            ),
                            panel=sa.panel,
                        )
                    )
    return out
