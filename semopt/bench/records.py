"""The rows a benchmark produces and the metrics a problem family reports.

A :class:`Record` is one solver run on one instance; a problem family
declares in its class attribute ``report`` the :class:`Metric` columns that
tables and plots show (:func:`report_of`).

A run that produced no answer to trust is still a record, with one of the
:data:`FAILURES` statuses: ``"refused"`` (the solver does not take this
instance), ``"error"`` (it raised, or its worker process died) or
``"time_limit"`` (it stopped on, ran past, or was killed for the time limit);
the statistics count them apart (:func:`is_failure`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from semopt.bench.sweep import Scalar
from semopt.result import Status

__all__ = ["Metric", "Record", "Panel", "panel_text", "report_of", "REFUSED", "ERROR", "FAILURES", "is_failure",
           "TRAINING", "metric_value"]

REFUSED = "refused"
"""Status of a run the solver refused: ``semopt.solve`` raised :class:`~semopt.errors.SolverError` for it."""

ERROR = "error"
"""Status of a run that raised any other exception, or whose worker process died."""

FAILURES = (REFUSED, ERROR, Status.TIME_LIMIT)
"""Statuses of the runs the summaries leave out of their means (and count in ``failure_share``)."""

_DIRECTIONS = ("min", "max")

Panel = tuple[tuple[str, Scalar], ...]
"""The values of a grid's further swept parameters, ``((param, value), ...)``: one figure panel per panel."""


def panel_text(panel: Panel) -> str:
    """``panel`` as its figure title and table cell read it: ``"bandwidth=1e+06, exits=3"``; ``""`` for none.

    Examples
    --------
    >>> panel_text((("bandwidth", 1e6), ("exits", 3)))
    'bandwidth=1e+06, exits=3'
    """
    return ", ".join(f"{param}={value:g}" if isinstance(value, float) else f"{param}={value}"
                     for param, value in panel)


class Metric(NamedTuple):
    """One entry of a problem family's ``report``: a metric the benchmark tables and plots show.

    Attributes
    ----------
    key : str
        Key in ``Result.metrics``, e.g. ``"mean_delay"``; names the CSV column and the plot file.
    label : str
        Column title and axis label, e.g. ``"mean delay (s)"``.
    better : {"min", "max"}
        Which way is better: ``"min"`` for a delay or an energy, ``"max"`` for a fidelity.
    """

    key: str
    label: str
    better: str


TRAINING = (Metric("train_time", "train (s)", "min"), Metric("decision_time", "decide (s)", "min"))
"""Columns a benchmark adds when one of its solvers trains a policy (registered with ``trains=True``).

They answer "at what cost in training and in decision time": a solver that
does not train reports neither, and counts 0 s of training and its whole
solve time as its decision time (:func:`metric_value`).
"""

_UNTRAINED = {"train_time": lambda result: 0.0, "decision_time": lambda result: float(result.solve_time)}


def metric_value(result: Any, key: str) -> float:
    """The value of metric ``key`` in ``result`` (a :class:`~semopt.Result`), NaN where it reports none.

    The :data:`TRAINING` keys have a value for every solver: one that does
    not report them trained for 0 s and decided in its whole solve time.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> classical = SimpleNamespace(metrics={"rde": 2.0}, solve_time=0.5)
    >>> metric_value(classical, "rde"), metric_value(classical, "train_time"), metric_value(classical, "decision_time")
    (2.0, 0.0, 0.5)
    >>> metric_value(classical, "jain")
    nan
    """
    if key in result.metrics:
        return float(result.metrics[key])
    default = _UNTRAINED.get(key)
    return default(result) if default is not None else math.nan


def report_of(problem: Any) -> tuple[Metric, ...]:
    """The metrics a problem (or problem class) declares in its class attribute ``report``.

    Parameters
    ----------
    problem : Problem or type
        An instance of a problem family, or the family itself.

    Returns
    -------
    tuple of Metric
        In the order declared; empty for a family that declares none.

    Raises
    ------
    ValueError
        An entry is not a ``(key, label, "min" | "max")`` triple, or a key appears twice.

    Examples
    --------
    >>> from semopt.problems import SemanticOffloading
    >>> report_of(SemanticOffloading)[0]
    Metric(key='mean_delay', label='mean delay (s)', better='min')
    """
    family = problem if isinstance(problem, type) else type(problem)
    entries = getattr(family, "report", ())
    metrics = []
    for entry in entries:
        if not (isinstance(entry, tuple) and len(entry) == 3 and all(isinstance(x, str) for x in entry)) or (
            entry[2] not in _DIRECTIONS
        ):
            raise ValueError(
                f"{family.__name__}.report entries must be (key, label, 'min' | 'max') triples of strings; "
                f"got {entry!r}."
            )
        metrics.append(Metric(*entry))
    keys = [m.key for m in metrics]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{family.__name__}.report lists a key twice: {', '.join(keys)}.")
    return tuple(metrics)


@dataclass(frozen=True)
class Record:
    """One solver run on one instance: a row of the tidy results table.

    ``param`` and ``value`` are ``None`` when there is no sweep; they are
    the first swept parameter (the figures' x axis) of a grid, whose further
    swept parameters' values are ``panel`` (empty without a grid).  ``history``
    is the solver's objective after each outer iteration (``Result.history``)
    when the benchmark keeps it (``history=True``), else empty.  ``metrics``
    holds the problem family's report metrics (:func:`report_of`), keyed and
    ordered as declared; a metric absent from the solver's result is NaN.
    ``message`` is one line: the solver's own message, or why the run failed
    (a failed run has ``objective`` and every metric NaN, unless the solver
    returned a solution past its time limit).
    """

    scenario: str
    param: str | None
    value: Scalar | None
    seed: int
    solver: str
    status: str
    feasible: bool
    objective: float
    solve_time: float
    metrics: dict[str, float] = field(default_factory=dict)
    message: str = ""
    panel: Panel = ()
    history: tuple[float, ...] = ()


def is_failure(record: Record) -> bool:
    """Whether ``record``'s status is one of :data:`FAILURES`.

    Examples
    --------
    >>> is_failure(Record("s", None, None, 0, "a", "refused", False, float("nan"), 0.0))
    True
    >>> is_failure(Record("s", None, None, 0, "a", "converged", True, 1.0, 0.1))
    False
    """
    return record.status in FAILURES
