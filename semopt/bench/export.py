"""Tidy CSV files of benchmark rows (records, summaries, comparisons)."""

from __future__ import annotations

import csv
import dataclasses
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["write_csv"]


def _cell(value: Any) -> Any:
    return "" if value is None else value


def write_csv(
    path: str | Path, row_type: type, rows: Iterable[Any], *, metrics: Sequence[str] | None = None
) -> Path:
    """Write dataclass ``rows`` of type ``row_type`` as a tidy CSV (one column per field and per metric).

    Parameters
    ----------
    path : str or Path
        Created or overwritten; its folder must exist.
    row_type : type
        :class:`~semopt.bench.runner.Record`, :class:`Summary` or
        :class:`Comparison` (any dataclass): its fields name the columns, so
        an empty ``rows`` still writes the header.  A ``metrics`` field (a
        dict) is not a column itself: each of its keys is one, after the
        other fields.
    rows : iterable of row_type
    metrics : sequence of str, optional
        The metric columns, in order (e.g. the report's keys); by default the
        rows' metric keys in order of first appearance.  A metric a row lacks
        is written as NaN.

    Returns
    -------
    Path
        ``path``.  ``None`` is written as an empty cell, floats in full precision.

    Raises
    ------
    ValueError
        A metric key is also the name of a field.
    """
    rows = list(rows)
    names = [f.name for f in dataclasses.fields(row_type) if f.name != "metrics"]
    has_metrics = len(names) < len(dataclasses.fields(row_type))
    keys: list[str] = []
    if has_metrics:
        keys = list(metrics) if metrics is not None else list(
            dict.fromkeys(key for row in rows for key in row.metrics)
        )
    clash = sorted(set(keys) & set(names))
    if clash:
        raise ValueError(f"Metric keys {clash} clash with the {row_type.__name__} columns of the same names.")
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(names + keys)
        for row in rows:
            values = [_cell(getattr(row, name)) for name in names]
            writer.writerow(values + [row.metrics.get(key, math.nan) for key in keys])
    return path
