"""Enumeration for exact solvers: downsets of a DAG, and assignments of slots to holders with holes.

* :func:`downsets` lists every predecessor-closed set of a DAG whose nodes
  are numbered in a topological order (every valid device set of a layer
  graph: a chain of L layers has L + 1, a DAG with parallel branches many
  more); :func:`count_downsets` counts them up to a limit without keeping
  them.
* :func:`assignments` lists every way to give N slots to a group of holders
  or leave them empty with every holder holding at least one (a BS's
  subcarriers among its users); :func:`count_assignments` counts them by
  inclusion-exclusion, and :func:`compositions` splits a total into ordered
  parts (users per BS), so that an exhaustive search is sized before it runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from math import comb

import networkx as nx
import numpy as np

__all__ = ["downsets", "count_downsets", "assignments", "count_assignments", "compositions"]

_OFF, _ON, _UNDO = 0, 1, 2  # the steps of a node in the walk: try it off, try it on, take it off again


def _walk(graph: nx.DiGraph, size: int, limit: int | None, keep: bool) -> tuple[list[np.ndarray], int]:
    """Depth-first over the nodes in index order, each off then (if its predecessors are on) on.

    An explicit stack, not recursion: a chain of thousands of layers must not exhaust Python's stack.
    """
    order = sorted(graph.nodes)
    preds = [list(graph.predecessors(v)) for v in order]
    found: list[np.ndarray] = []
    count = 0
    row = np.zeros(size, dtype=bool)
    stack = [(0, _OFF)]
    while stack:
        i, step = stack.pop()
        if i == len(order):
            count += 1
            if keep:
                found.append(row.copy())
            if limit is not None and count > limit:
                break
            continue
        v = order[i]
        if step == _OFF:
            row[v] = False
            stack += [(i, _ON), (i + 1, _OFF)]
        elif step == _ON:
            if all(row[p] for p in preds[i]):
                row[v] = True
                stack += [(i, _UNDO), (i + 1, _OFF)]
        else:
            row[v] = False
    return found, count


def count_downsets(graph: nx.DiGraph, limit: int) -> int:
    """Number of downsets of ``graph``, or ``limit + 1`` as soon as there are more than ``limit``.

    Examples
    --------
    >>> count_downsets(nx.DiGraph([(0, 1), (1, 2)]), 100)  # a chain of 3: the 4 prefixes
    4
    >>> count_downsets(nx.DiGraph([(0, 1), (0, 2)]), 100)  # a fork: {}, {0}, {0,1}, {0,2}, {0,1,2}
    5
    """
    return _walk(graph, max(graph.nodes, default=-1) + 1, limit, keep=False)[1]


def downsets(graph: nx.DiGraph, size: int | None = None) -> list[np.ndarray]:
    """Every downset (predecessor-closed set) of the DAG ``graph`` as bool[size], in a fixed order.

    ``graph`` may be a subgraph: rows have ``size`` entries (default: the
    largest node index + 1), False outside it.  Count first
    (:func:`count_downsets`) when the graph may have too many.
    """
    width = size if size is not None else max(graph.nodes, default=-1) + 1
    return _walk(graph, width, None, keep=True)[0]


def count_assignments(holders: int, slots: int) -> int:
    """Ways to give ``slots`` slots to ``holders`` holders or leave them empty, each holder holding >= 1.

    Inclusion-exclusion over the holders left without a slot.

    Examples
    --------
    >>> count_assignments(2, 2), count_assignments(1, 3), count_assignments(3, 2)
    (2, 7, 0)
    """
    return sum((-1) ** j * comb(holders, j) * (holders - j + 1) ** slots for j in range(holders + 1))


def assignments(holders: np.ndarray, slots: int) -> Iterator[tuple[int, ...]]:
    """Every row of ``slots`` entries, each a holder or -1, in which every holder appears.

    Examples
    --------
    >>> list(assignments(np.array([4]), 2))
    [(-1, 4), (4, -1), (4, 4)]
    """
    for row in itertools.product([-1, *holders.tolist()], repeat=slots):
        if all(h in row for h in holders):
            yield row


def compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Every ordered split of ``total`` into ``parts`` non-negative integers.

    Examples
    --------
    >>> list(compositions(2, 2))
    [(0, 2), (1, 1), (2, 0)]
    >>> list(compositions(0, 0)), list(compositions(1, 0))
    ([()], [])
    """
    if parts <= 0:
        if total == 0:
            yield ()
        return
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in compositions(total - first, parts - 1):
            yield (first, *rest)
