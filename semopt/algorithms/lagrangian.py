"""Lagrangian relaxation of one budget constraint, by bisection on its price.

To ``min_x f(x)`` subject to ``g(x) <= B``, relax the budget with a price
``lambda >= 0``:

.. math::

    d(\\lambda) = \\min_x \\; f(x) + \\lambda (g(x) - B).

``d`` is concave and piecewise linear, ``d(lambda) <= f*`` for every ``lambda``
(weak duality), and ``g(x_lambda) - B`` is a supergradient, so bisection on
``lambda`` maximises it.  Every inner minimiser that meets the budget is a
primal candidate; the best is kept, and the duality gap ``f(x) - d`` bounds
its distance from the optimum.  The inner problem must be solvable exactly
for any price (a minimum cut, for an additive cost).

References
----------
.. [1] A. E. Eshratifar, M. S. Abrishami, M. Pedram, "JointDNN: An
   Efficient Training and Inference Engine for Intelligent Mobile Cloud
   Computing Services", IEEE Transactions on Mobile Computing 20(2), 2021.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["DualSearch", "bisect_price"]

_PATIENCE = 40  # quadruplings of the price without a fall in use before the budget is declared out of reach
_MAX_DOUBLINGS = 400


@dataclass(frozen=True)
class DualSearch:
    """Outcome of :func:`bisect_price`.

    ``solution`` is the best inner minimiser meeting the budget (or, if none
    does, the one at the highest price tried); ``primal`` its objective
    (``inf`` if infeasible); ``dual`` the best dual bound; ``feasible``
    whether some minimiser met the budget.
    """

    solution: Any
    primal: float
    dual: float
    feasible: bool


def bisect_price(inner: Callable[[float], tuple[Any, float, float]], budget: float, *,
                 steps: int = 60) -> DualSearch:
    """Maximise the dual of ``min f s.t. g <= budget`` by bisection on the price of ``g``.

    Parameters
    ----------
    inner : callable
        ``inner(price) -> (x, f(x), g(x))`` with ``x`` minimising
        ``f + price g``.
    budget : float
        ``B``; ``inf`` means no budget (one call at price 0).
    steps : int, default 60
        Bisection steps after the price is bracketed.

    Examples
    --------
    Choose x in {0, 1, 2, 3}: cost ``f = 3 - x``, use ``g = x``, budget 1.5:

    >>> def inner(price):
    ...     x = min(range(4), key=lambda x: (3 - x) + price * x)
    ...     return x, 3.0 - x, float(x)
    >>> out = bisect_price(inner, 1.5)
    >>> out.solution, out.primal, out.feasible, round(out.dual, 6)
    (0, 3.0, True, 1.5)

    The optimum is x = 1 (f = 2), which no price makes a minimiser (it is
    not on the lower convex hull of the (g, f) points): the duality gap
    ``3 - 1.5`` says how far the answer may be from it.
    """
    best: Any = None
    best_value = np.inf
    dual = -np.inf

    def visit(price: float) -> float:
        nonlocal best, best_value, dual
        x, value, use = inner(price)
        dual = max(dual, value + price * (use - budget) if np.isfinite(budget) else value)
        if use <= budget * (1 + 1e-12) and value < best_value:
            best, best_value = x, value
        return use

    if visit(0.0) <= budget or not np.isfinite(budget):
        return DualSearch(best, best_value, dual, True)
    # Grow the price until the minimiser meets the budget.  The use may stay flat over several quadruplings
    # before a cheaper-use choice wins (f = [0, 100], g = [10, 0], B = 5 needs a price above 10, past 1 and 4),
    # so only a use that has not fallen over a price range of 4^_PATIENCE (~1e24) means it cannot fall further.
    lo, hi = 0.0, 1.0
    previous, stalled = np.inf, 0
    for _ in range(_MAX_DOUBLINGS):
        use = visit(hi)
        if use <= budget:
            break
        stalled = stalled + 1 if use >= previous else 0
        if stalled >= _PATIENCE:
            break
        previous, lo, hi = min(use, previous), hi, hi * 4.0
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        if visit(mid) > budget:
            lo = mid
        else:
            hi = mid
    if best is None:  # even the most frugal minimiser misses the budget
        return DualSearch(inner(hi)[0], np.inf, dual, False)
    return DualSearch(best, best_value, dual, True)
