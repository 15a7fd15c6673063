"""Max-weight assignments of rows (users) to columns (channels), with an outside option and group caps.

Two forms of the same bipartite problem:

* :func:`assign_with_outside` -- every row takes a column or its outside
  option (its own dummy column), the Hungarian method on an ``R x (C + R)``
  matrix (``scipy.optimize.linear_sum_assignment``);
* :func:`capped_assignment` -- rows are grouped and at most ``caps[g]`` rows
  of group g take a column: the LP of a min-cost flow (source -> group,
  capacity ``caps[g]`` -> rows -> columns -> sink), totally unimodular, so
  HiGHS returns an integral vertex.

Weights are gains over the outside option; ``-inf`` forbids a pair.

Examples
--------
>>> import numpy as np
>>> gain = np.array([[3.0, 1.0], [2.0, -np.inf], [0.5, 2.5]])
>>> assign_with_outside(gain).tolist()
[0, -1, 1]
>>> capped_assignment(gain, groups=np.array([0, 0, 1]), caps=np.array([1, 0])).tolist()
[0, -1, -1]
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment, linprog

__all__ = ["assign_with_outside", "capped_assignment"]

_FORBIDDEN = 1e18  # a cost no finite gain reaches: the pair is never chosen when any alternative exists


def assign_with_outside(gain: np.ndarray) -> np.ndarray:
    """Column of each row (-1: its outside option) maximising the summed ``gain[r, c]`` (gain over outside)."""
    gain = np.asarray(gain, dtype=float)
    rows, cols = gain.shape
    cost = np.full((rows, cols + rows), _FORBIDDEN)
    usable = np.isfinite(gain) & (gain > 0)
    cost[:, :cols] = np.where(usable, -gain, _FORBIDDEN)
    cost[np.arange(rows), cols + np.arange(rows)] = 0.0  # each row's own outside option costs nothing
    r, c = linear_sum_assignment(cost)
    out = np.full(rows, -1)
    chosen = (c < cols) & (cost[r, np.minimum(c, cols + rows - 1)] < _FORBIDDEN / 2)
    out[r[chosen]] = c[chosen]
    return out


def capped_assignment(gain: np.ndarray, groups: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """As :func:`assign_with_outside`, with at most ``caps[g]`` assigned rows of each group ``groups[r]``."""
    gain = np.asarray(gain, dtype=float)
    rows, cols = gain.shape
    pairs = np.argwhere(np.isfinite(gain) & (gain > 0))
    out = np.full(rows, -1)
    if pairs.size == 0:
        return out
    n_var = len(pairs)
    r_idx, c_idx = pairs[:, 0], pairs[:, 1]
    blocks = []
    for index, count in ((r_idx, rows), (c_idx, cols), (np.asarray(groups)[r_idx], len(caps))):
        block = np.zeros((count, n_var))
        block[index, np.arange(n_var)] = 1.0
        blocks.append(block)
    bounds = np.concatenate([np.ones(rows), np.ones(cols), np.asarray(caps, dtype=float)])
    res = linprog(-gain[r_idx, c_idx], A_ub=np.vstack(blocks), b_ub=bounds, bounds=(0.0, 1.0), method="highs")
    if res.status != 0:  # a feasible LP (x = 0 always is) that HiGHS could not finish: take nothing
        return out
    take = res.x > 0.5  # the LP is totally unimodular: its vertex is integral
    out[r_idx[take]] = c_idx[take]
    return out
