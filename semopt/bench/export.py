"""Tidy CSV files of benchmark rows (records, summaries, comparisons).

One layout for every writer: a column per dataclass field, in field order,
with the ``metrics`` field (a dict) spread in place into one column per
metric key (:func:`columns`, :func:`cells`).  :func:`write_csv` writes a whole
file; the journal of :mod:`~semopt.bench.journal` appends the same rows one
at a time.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["PANEL_SEPARATOR", "write_csv", "columns", "cells", "cell_text", "csv_line", "replace_atomically"]


PANEL_SEPARATOR = "; "
"""Between the ``param=value`` pairs of a grid's ``panel`` cell: ``"bandwidth=1000000.0; exits=3"``."""


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, tuple) and all(isinstance(item, tuple) for item in value):
        # A grid's panel, ((param, value), ...): each value written as its own cell would be.
        return PANEL_SEPARATOR.join(f"{param}={cell_text(item)}" for param, item in value)
    if isinstance(value, tuple):  # a history: the objective after each iteration, in full precision
        return " ".join(repr(float(item)) for item in value)
    if isinstance(value, str):
        # One row is one line: the journal finds a row cut short by its missing line end.
        return " ".join(value.splitlines()) if value else value
    return value


def cell_text(value: Any) -> str:
    """The text of ``value``'s cell once read back by :mod:`csv`: ``None`` is ``""``, a float its repr.

    Examples
    --------
    >>> cell_text(0.1), cell_text(True), cell_text(None)
    ('0.1', 'True', '')
    >>> cell_text((("bandwidth", 1e6), ("exits", 3)))
    'bandwidth=1000000.0; exits=3'
    >>> cell_text((1.5, 2.0))
    '1.5 2.0'
    """
    return str(_cell(value))


def _names(row_type: type) -> list[str]:
    return [f.name for f in dataclasses.fields(row_type)]


_SPREAD = {"metrics": "{}", "metric_ci": "{}_ci"}
"""Dict fields spread into one column per metric key, and how each column is named from the key."""


def columns(row_type: type, metrics: Sequence[str] = ()) -> list[str]:
    """The CSV header of ``row_type`` rows: its fields, with one column per metric in place of a metrics field.

    A ``metrics`` field becomes the ``metrics`` keys themselves, a
    ``metric_ci`` field (a summary's confidence half-widths) ``<key>_ci``.

    Raises
    ------
    ValueError
        A metric column would have the name of a field.

    Examples
    --------
    >>> from semopt.bench.records import Record
    >>> columns(Record, ["mean_delay"])[-5:]
    ['solve_time', 'mean_delay', 'message', 'panel', 'history']
    """
    names = _names(row_type)
    spread = [pattern.format(key) for name in names if (pattern := _SPREAD.get(name)) for key in metrics]
    clash = sorted(set(spread) & set(names))
    if clash:
        raise ValueError(f"Metric keys {clash} clash with the {row_type.__name__} columns of the same names.")
    out: list[str] = []
    for name in names:
        pattern = _SPREAD.get(name)
        out.extend([pattern.format(key) for key in metrics] if pattern else [name])
    return out


def cells(row: Any, metrics: Sequence[str] = ()) -> list[Any]:
    """The CSV cells of one dataclass ``row``, matching :func:`columns` (a metric it lacks is NaN).

    ``None`` is an empty cell, a string is put on one line, a float keeps its
    full precision (``csv`` writes its repr).
    """
    out: list[Any] = []
    for name in _names(type(row)):
        if name in _SPREAD:
            values = getattr(row, name)
            out.extend(values.get(key, math.nan) for key in metrics)
        else:
            out.append(_cell(getattr(row, name)))
    return out


def csv_line(values: Sequence[Any]) -> str:
    """One CSV line (quoted as needed, ending in ``\\r\\n``), as :func:`write_csv` writes it."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


def replace_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed over it.

    A reader, or a process killed meanwhile, sees the old file or the new
    one, never half of one: the journal of a benchmark is rewritten this way.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_csv(
    path: str | Path, row_type: type, rows: Iterable[Any], *, metrics: Sequence[str] | None = None
) -> Path:
    """Write dataclass ``rows`` of type ``row_type`` as a tidy CSV (one column per field and per metric).

    Parameters
    ----------
    path : str or Path
        Created or replaced (atomically: see :func:`replace_atomically`); its folder must exist.
    row_type : type
        :class:`~semopt.bench.records.Record`, :class:`Summary` or
        :class:`Comparison` (any dataclass): its fields name the columns, so
        an empty ``rows`` still writes the header.  A ``metrics`` field (a
        dict) is not a column itself: each of its keys is one, in its place.
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
    keys: list[str] = []
    if set(_SPREAD) & set(_names(row_type)):
        keys = list(metrics) if metrics is not None else list(
            dict.fromkeys(key for row in rows for key in row.metrics)
        )
    header = columns(row_type, keys)
    path = Path(path)
    replace_atomically(path, "".join(csv_line(line) for line in [header, *(cells(row, keys) for row in rows)]))
    return path
