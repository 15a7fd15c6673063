"""Dinkelbach's method for a ratio ``max_x N(x) / D(x)`` with ``D > 0``.

For a price ``q``, let ``F(q) = max_x N(x) - q D(x)``.  ``F`` falls in
``q`` and the optimal ratio is its root; from any ``x_k``, ``q_{k+1} =
N(x_k) / D(x_k)`` and ``x_{k+1}`` maximising ``N - q_{k+1} D`` raise the
ratio at every step, superlinearly near the root.  :func:`dinkelbach_steps`
yields each step so that the caller owns the loop (iteration cap, time,
callback); it stops once ``F(q) <= tol * q * D(x)``, the inner
maximiser no longer beating the current ratio.  With an inexact inner
maximiser (a local search) the steps still never lower the ratio of the
point they return, but the root is no longer certified.

References
----------
.. [1] W. Dinkelbach, "On Nonlinear Fractional Programming", Management
   Science 13(7), 1967.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["DinkelbachStep", "dinkelbach_steps"]


@dataclass(frozen=True)
class DinkelbachStep:
    """One step: the inner maximiser ``x`` at price ``q``, its ``N`` and ``D``, and ``F(q) = N - q D``."""

    x: Any
    numerator: float
    denominator: float
    price: float

    @property
    def ratio(self) -> float:
        return self.numerator / self.denominator

    @property
    def gap(self) -> float:
        return self.numerator - self.price * self.denominator


def dinkelbach_steps(inner: Callable[[float, Any], tuple[Any, float, float]], start: Any, *,
                     price: float = 0.0, tol: float = 1e-9) -> Iterator[DinkelbachStep]:
    """Yield Dinkelbach's steps until ``F(q) <= tol * max(q, 1) * D``.

    ``inner(q, x)`` returns ``(x', N(x'), D(x'))`` maximising ``N - q D``
    (``x``, the previous point, may warm-start it); ``start`` is the first
    warm start and ``price`` the first ``q``.

    Examples
    --------
    >>> points = [(3.0, 2.0), (5.0, 4.0), (1.0, 0.5)]  # N, D: best ratio 2.0
    >>> def inner(q, _):
    ...     n, d = max(points, key=lambda p: p[0] - q * p[1])
    ...     return (n, d), n, d
    >>> [round(s.ratio, 3) for s in dinkelbach_steps(inner, None)]
    [1.25, 1.5, 2.0, 2.0]
    """
    x = start
    while True:
        x, numerator, denominator = inner(price, x)
        step = DinkelbachStep(x, numerator, denominator, price)
        yield step
        if step.gap <= tol * max(price, 1.0) * denominator:
            return
        price = step.ratio
