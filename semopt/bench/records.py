"""The rows a benchmark produces and the metrics a problem family reports.

A :class:`Record` is one solver run on one instance; a problem family
declares in its class attribute ``report`` the :class:`Metric` columns that
tables and plots show (:func:`report_of`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from semopt.bench.sweep import Scalar

__all__ = ["Metric", "Record", "report_of"]

_DIRECTIONS = ("min", "max")


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

    ``param`` and ``value`` are ``None`` when there is no sweep.  ``metrics``
    holds the problem family's report metrics (:func:`report_of`), keyed and
    ordered as declared; a metric absent from the solver's result is NaN.
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
