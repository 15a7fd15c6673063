"""Benchmark tables: per-solver summaries with confidence intervals, pairwise comparisons, CSV.

:func:`summarize` turns the tidy records of :func:`~semopt.bench.run_bench`
into one :class:`Summary` per (sweep value, solver); :func:`compare` turns
those into one :class:`Comparison` per (sweep value, solver, other solver).
:func:`print_summary` and :func:`print_comparison` render them with rich;
:func:`write_csv` writes any of the three as a tidy CSV.

Examples
--------
>>> from semopt.bench.runner import Record
>>> rows = [Record("s", None, None, seed, "a", "converged", True, obj, 0.5, 0.5, 0.1)
...         for seed, obj in enumerate([1.0, 2.0, 3.0])]
>>> (summary,) = summarize(rows)
>>> summary.objective, round(summary.objective_ci, 4)
(2.0, 2.4841)
>>> improvement_pct(110.0, 100.0), delay_reduction_pct(0.25, 0.5)
(10.0, 50.0)
"""

from __future__ import annotations

import csv
import dataclasses
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table
from scipy import stats

from semopt.bench.runner import Record
from semopt.bench.sweep import Scalar

__all__ = [
    "Summary",
    "Comparison",
    "confidence_half_width",
    "geometric_mean",
    "improvement_pct",
    "delay_reduction_pct",
    "summarize",
    "compare",
    "print_summary",
    "print_comparison",
    "write_csv",
]


@dataclass(frozen=True)
class Summary:
    """One solver at one sweep value, over the instances (seeds) it was run on.

    Attributes
    ----------
    scenario, param, value, solver
        What was run (``param`` and ``value`` are ``None`` without a sweep).
    n : int
        Number of instances.
    objective : float
        Mean objective.
    objective_ci : float
        Half-width of the two-sided confidence interval of the mean
        (Student's t with ``n - 1`` degrees of freedom); NaN when ``n < 2``
        or an objective is not finite.
    mean_delay : float
        Mean over instances of each instance's mean delay.
    geomean_delay : float
        Geometric mean over instances of each instance's geometric-mean delay.
    solve_time : float
        Mean solve time in seconds.
    feasible_share : float
        Share of instances whose solution is feasible, in [0, 1].
    """

    scenario: str
    param: str | None
    value: Scalar | None
    solver: str
    n: int
    objective: float
    objective_ci: float
    mean_delay: float
    geomean_delay: float
    solve_time: float
    feasible_share: float


@dataclass(frozen=True)
class Comparison:
    """Solver ``solver`` against solver ``baseline`` at one sweep value.

    Attributes
    ----------
    objective_pct : float
        ``100 (mean_a - mean_b) / |mean_b|`` with ``a = solver``, ``b = baseline``:
        positive means a larger mean objective, which is better for a ``"max"``
        problem and worse for a ``"min"`` one.
    delay_reduction_pct : float
        ``100 (1 - meandelay_a / meandelay_b)``: positive means ``solver`` has the
        lower mean delay.
    """

    scenario: str
    param: str | None
    value: Scalar | None
    solver: str
    baseline: str
    objective_pct: float
    delay_reduction_pct: float


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
    return float(stats.t.ppf((1.0 + confidence) / 2.0, arr.size - 1)) * sem


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


def delay_reduction_pct(delay_a: float, delay_b: float) -> float:
    """``100 (1 - delay_a / delay_b)``; NaN when ``delay_b`` is 0."""
    return _ratio_pct(delay_b - delay_a, delay_b)


def _group_key(scenario: str, param: str | None, value: Scalar | None) -> Hashable:
    # The type keeps a sweep over 1, 1.0 and True from merging its values.
    return (scenario, param, type(value).__name__, value)


def _groups(rows: Iterable[Any]) -> dict[Hashable, dict[str, list[Any]]]:
    """Rows grouped by sweep point, then by solver, both in order of first appearance."""
    out: dict[Hashable, dict[str, list[Any]]] = {}
    for row in rows:
        point = out.setdefault(_group_key(row.scenario, row.param, row.value), {})
        point.setdefault(row.solver, []).append(row)
    return out


def summarize(records: Iterable[Record], confidence: float = 0.95) -> list[Summary]:
    """One :class:`Summary` per (sweep value, solver), in the order the records give them.

    Parameters
    ----------
    records : iterable of Record
    confidence : float, default 0.95
        Level of the confidence interval of the mean objective.
    """
    out = []
    for by_solver in _groups(records).values():
        for solver, rows in by_solver.items():
            first = rows[0]
            out.append(
                Summary(
                    scenario=first.scenario,
                    param=first.param,
                    value=first.value,
                    solver=solver,
                    n=len(rows),
                    objective=float(np.mean([r.objective for r in rows])),
                    objective_ci=confidence_half_width([r.objective for r in rows], confidence),
                    mean_delay=float(np.mean([r.mean_delay for r in rows])),
                    geomean_delay=geometric_mean([r.geomean_delay for r in rows]),
                    solve_time=float(np.mean([r.solve_time for r in rows])),
                    feasible_share=float(np.mean([r.feasible for r in rows])),
                )
            )
    return out


def compare(summaries: Iterable[Summary]) -> list[Comparison]:
    """Every solver against every other solver at each sweep value (ordered pairs, no self-pairs)."""
    out = []
    for by_solver in _groups(summaries).values():
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
                            delay_reduction_pct=delay_reduction_pct(sa.mean_delay, sb.mean_delay),
                        )
                    )
    return out


def _num(x: float, digits: int = 4) -> str:
    return f"{x:.{digits}g}"


def _pct(x: float) -> str:
    return f"{x:+.1f}%" if math.isfinite(x) else "n/a"


def _console(console: Console | None) -> Console:
    return console if console is not None else Console()


def print_summary(
    summaries: Sequence[Summary], *, confidence: float = 0.95, console: Console | None = None
) -> None:
    """Print the summaries as one rich table (one row per sweep value and solver).

    Parameters
    ----------
    summaries : sequence of Summary
    confidence : float, default 0.95
        Only for the column title: the level the summaries were computed at.
    console : rich.console.Console, optional
        Defaults to a new console on standard output.
    """
    param = next((s.param for s in summaries if s.param is not None), None)
    scenario = summaries[0].scenario if summaries else ""
    table = Table(title=f"{scenario}: mean over instances")
    if param is not None:
        table.add_column(param, justify="right")
    table.add_column("solver")
    table.add_column("n", justify="right")
    table.add_column(f"objective ± {confidence:.0%} CI", justify="right")
    table.add_column("mean delay (s)", justify="right")
    table.add_column("geomean delay (s)", justify="right")
    table.add_column("time (s)", justify="right")
    table.add_column("feasible", justify="right")
    for s in summaries:
        ci = "" if math.isnan(s.objective_ci) else f" ± {_num(s.objective_ci, 3)}"
        cells = [s.solver, str(s.n), _num(s.objective) + ci, _num(s.mean_delay), _num(s.geomean_delay),
                 _num(s.solve_time, 3), f"{s.feasible_share:.0%}"]
        table.add_row(*([str(s.value)] if param is not None else []), *cells)
    _console(console).print(table)


def print_comparison(comparisons: Sequence[Comparison], *, console: Console | None = None) -> None:
    """Print each solver's objective change and delay reduction against each other solver, per sweep value.

    A cell reads ``objective % / delay reduction %`` (see :class:`Comparison`).
    Nothing is printed with fewer than two solvers.
    """
    if not comparisons:
        return
    param = next((c.param for c in comparisons if c.param is not None), None)
    baselines = list(dict.fromkeys([c.solver for c in comparisons] + [c.baseline for c in comparisons]))
    table = Table(title="Against each other solver", caption="objective change % / mean-delay reduction %")
    if param is not None:
        table.add_column(param, justify="right")
    table.add_column("solver")
    for b in baselines:
        table.add_column(f"vs {b}", justify="right")
    for by_solver in _groups(comparisons).values():
        for solver, rows in by_solver.items():
            cells = {c.baseline: f"{_pct(c.objective_pct)} / {_pct(c.delay_reduction_pct)}" for c in rows}
            value = [str(rows[0].value)] if param is not None else []
            table.add_row(*value, solver, *(cells.get(b, "—") for b in baselines))
    _console(console).print(table)


def _cell(value: Any) -> Any:
    return "" if value is None else value


def write_csv(path: str | Path, row_type: type, rows: Iterable[Any]) -> Path:
    """Write dataclass ``rows`` of type ``row_type`` as a tidy CSV (one column per field).

    Parameters
    ----------
    path : str or Path
        Created or overwritten; its folder must exist.
    row_type : type
        :class:`~semopt.bench.runner.Record`, :class:`Summary` or
        :class:`Comparison` (any dataclass): its fields name the columns, so
        an empty ``rows`` still writes the header.
    rows : iterable of row_type

    Returns
    -------
    Path
        ``path``.  ``None`` is written as an empty cell, floats in full precision.
    """
    names = [f.name for f in dataclasses.fields(row_type)]
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(names)
        for row in rows:
            writer.writerow([_cell(getattr(row, name)) for name in names])
    return path
