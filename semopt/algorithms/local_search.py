"""First-improvement local search over label vectors: flip one entry, or swap two.

A label vector gives each of n items one of k labels (a model per user, a
channel per task).  The neighbourhood of a vector is every single-entry
change (a *flip*, ``n (k - 1)`` of them) and every exchange of the labels of
two items that differ (a *swap*, which keeps the label counts, so it can
cross a plateau that budget-bound flips cannot).  :func:`improve` makes one
pass over the neighbourhood in a random order and takes every move that
improves the score, so a pass ends at a vector no single move improves only
when it took no move.  Scores are anything totally ordered (a float, or a
tuple such as ``(feasible, value)``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["improve"]


def improve(labels: np.ndarray, n_labels: int, score: Callable[[np.ndarray], Any], rng: np.random.Generator, *,
            swaps: bool = True) -> tuple[np.ndarray, Any, int]:
    """One first-improvement pass over flips (then swaps) of ``labels``; returns ``(labels, score, moves)``.

    ``moves`` is the number of improving moves taken: 0 means ``labels`` is a
    local optimum of the neighbourhood.  ``labels`` is not modified.

    Examples
    --------
    >>> target = np.array([2, 0, 1])
    >>> def score(x): return -int(np.sum(x != target))
    >>> x, s, moves = improve(np.zeros(3, dtype=np.int64), 3, score, np.random.default_rng(0))
    >>> x.tolist(), s, moves
    ([2, 0, 1], 0, 2)
    """
    current = np.array(labels, dtype=np.int64, copy=True)
    best = score(current)
    moves = 0
    n = current.size
    for item in rng.permutation(n):
        for label in rng.permutation(n_labels):
            if label == current[item]:
                continue
            trial = current.copy()
            trial[item] = label
            value = score(trial)
            if value > best:
                current, best, moves = trial, value, moves + 1
    if swaps:
        for i, j in _pairs(n, rng):
            if current[i] == current[j]:
                continue
            trial = current.copy()
            trial[i], trial[j] = current[j], current[i]
            value = score(trial)
            if value > best:
                current, best, moves = trial, value, moves + 1
    return current, best, moves


def _pairs(n: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    first, second = np.triu_indices(n, k=1)
    order = rng.permutation(first.size)
    return list(zip(first[order].tolist(), second[order].tolist(), strict=True))
