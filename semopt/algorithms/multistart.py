"""Multi-start local search over boxes of unit coordinates.

Utilities and welfares here are smooth but not concave: two basins are
common (high compression at full power against low compression at lower
power, say), so one local search is not enough.  Two mechanisms, each used
by solvers and by analyses:

* :func:`maximise` -- scipy's L-BFGS-B (SLSQP under constraints) from several
  starts over ``[0, 1]^d``, keeping the best;
* :func:`unit_cube` and :func:`grid_peaks` -- a dense scan of ``[0, 1]^3`` and
  its best discrete local maxima, the starts of a polish that cannot miss a
  basin the grid resolves (a compiled kernel, so best responses can call it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numba import njit
from scipy.optimize import minimize

__all__ = ["maximise", "unit_cube", "grid_peaks"]


def maximise(objective: Callable[[np.ndarray], float], starts: Sequence[np.ndarray], *,
             constraints: Sequence[dict[str, Any]] = ()) -> tuple[np.ndarray, float]:
    """Maximise ``objective(z)`` over unit arrays ``z`` (any shape, entries in [0, 1]) from each start.

    L-BFGS-B without constraints, SLSQP with them (scipy's dict format,
    ``fun(z_flat) >= 0``).  A start that violates a constraint only counts
    if the local solver makes it feasible.  Returns the best ``(z, value)``;
    ``value`` is ``-inf`` (and ``z`` the first start) when no start and no
    local solution is feasible.

    Examples
    --------
    >>> z, value = maximise(lambda z: -float(np.sum((z - 0.3) ** 2)), [np.zeros(2), np.ones(2)])
    >>> np.round(z, 4), abs(value) < 1e-12
    (array([0.3, 0.3]), True)
    """
    shape = np.shape(starts[0])
    best_z, best_value = None, -np.inf

    def negative(flat: np.ndarray) -> float:
        return -float(objective(flat.reshape(shape)))

    def feasible(flat: np.ndarray) -> bool:
        return all(c["fun"](flat) >= -1e-7 for c in constraints)

    bounds = [(0.0, 1.0)] * int(np.prod(shape))
    for start in starts:
        flat = np.clip(np.asarray(start, dtype=float).ravel(), 0.0, 1.0)
        if constraints:
            res = minimize(negative, flat, method="SLSQP", bounds=bounds, constraints=list(constraints),
                           options={"ftol": 1e-12, "maxiter": 500})
        else:
            res = minimize(negative, flat, method="L-BFGS-B", bounds=bounds,
                           options={"ftol": 1e-14, "gtol": 1e-10, "maxiter": 2000})
        for z in (np.clip(res.x, 0.0, 1.0), flat):
            if feasible(z):
                value = -negative(z)
                if value > best_value:
                    best_z, best_value = z.reshape(shape), value
    if best_z is None:
        return np.asarray(starts[0], dtype=float), -np.inf
    return best_z, best_value


def unit_cube(grid: int) -> np.ndarray:
    """The ``grid^3`` points of a regular grid of ``[0, 1]^3``, float[grid^3, 3], in C order.

    Point ``(a, b, c) / (grid - 1)`` sits at flat index ``(a grid + b) grid + c``,
    the order :func:`grid_peaks` returns.

    Examples
    --------
    >>> unit_cube(2)[[0, 1, 7]]
    array([[0., 0., 0.],
           [0., 0., 1.],
           [1., 1., 1.]])
    """
    axis = np.linspace(0.0, 1.0, grid)
    return np.stack(np.meshgrid(axis, axis, axis, indexing="ij"), axis=-1).reshape(-1, 3)


@njit(cache=True)
def grid_peaks(values, k):
    """Flat indices of the (at most) ``k`` best discrete local maxima of a cubic grid of values.

    A point is a local maximum when no axis neighbour is strictly higher.
    Polishing only the best grid point can miss a better basin whose peak
    falls between grid points; polishing the ``k`` best local maxima does not.

    Examples
    --------
    >>> values = np.zeros((3, 3, 3)); values[0, 0, 0] = 1.0; values[2, 2, 2] = 2.0
    >>> grid_peaks(values, 2)
    array([26,  0])
    """
    g = values.shape[0]
    peaks = np.empty(g * g * g, dtype=np.int64)
    heights = np.empty(g * g * g)
    count = 0
    for a in range(g):
        for b in range(g):
            for c in range(g):
                v = values[a, b, c]
                if ((a > 0 and values[a - 1, b, c] > v) or (a < g - 1 and values[a + 1, b, c] > v)
                        or (b > 0 and values[a, b - 1, c] > v) or (b < g - 1 and values[a, b + 1, c] > v)
                        or (c > 0 and values[a, b, c - 1] > v) or (c < g - 1 and values[a, b, c + 1] > v)):
                    continue
                peaks[count] = (a * g + b) * g + c
                heights[count] = v
                count += 1
    order = np.argsort(-heights[:count])
    return peaks[:count][order[:k]]
