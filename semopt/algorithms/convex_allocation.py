"""Convex resource allocation: closed forms (fast path) and their CVXPY twins (reference path).

Sum-of-log-delays allocation (eq 26 of Zheng et al., References): given
rates and semantic modes, each BS k solves

.. math::

    \\min_{f} \\sum_{u \\in k} w_u \\ln(a_u + b_u / f_u)
    \\quad \\text{s.t.} \\quad \\sum_{u \\in k} f_u \\le F_k,\\;
    f_u \\ge l_u = b_u / (\\tau_u - a_u),

where ``a_u`` is the part of the delay that does not depend on ``f_u``
(transmission eq 3 plus local extraction), ``b_u`` the edge cycles of eq 7
and ``w_u`` the reward weight (1 for eq 8, whose ``ln M_i`` is a constant).
Each term is convex and strictly decreasing in ``f_u``, so capacity binds
and stationarity ``w_u b_u / (f_u (a_u f_u + b_u)) = lambda`` gives

.. math::

    f_u(\\lambda) = \\max\\Big(l_u, \\frac{-b_u + \\sqrt{b_u^2 + 4 a_u w_u b_u / \\lambda}}{2 a_u}\\Big),

decreasing in ``lambda``; bisection on ``ln lambda`` finds
``sum_u f_u(lambda) = F_k``.  The same problem is a geometric program
(``prod_u (a_u + b_u / f_u)^{w_u}`` is a posynomial product), solved by
CVXPY with ``gp=True`` as the reference path.

Deadlines (9h) enter as the lower bounds ``l_u``.  A user whose deadline no
compute can meet (``tau_u <= a_u``) gets no lower bound, and a BS whose
remaining lower bounds exceed ``F_k`` drops them all: the allocation then
maximises the reward and ``evaluate()`` reports the missed deadlines as (9h).

Sum-of-inverse-shares allocation (:func:`sqrt_shares`): ``min sum_m c_m / x_m``
under ``sum_m x_m = total`` has the square-root closed form; the split family
shares bandwidth and edge compute with it.

References
----------
.. [1] Y. Zheng, T. Zhang, X. Mu, Y. Liu, R. Huang, "Joint Semantic
   Transmission and Resource Allocation for Intelligent Computation Task
   Offloading in MEC Systems", arXiv:2503.08001, 2025, eq 26.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from semopt.errors import SolverError

__all__ = ["deadline_floors", "allocate_kkt", "allocate_cvxpy", "allocate_uniform", "log_cost", "sqrt_shares"]

_BISECTION_STEPS = 200


@njit(cache=True)
def _share(lam, a, b, w):
    """Stationary ``f(lambda)``, the positive root of ``a f^2 + b f - w b / lambda = 0``.

    Written as ``2 w b / lambda / (b + sqrt(b^2 + 4 a w b / lambda))``, which
    avoids the cancellation of the textbook form when ``a f << b`` and gives
    ``w / lambda`` at ``a = 0``.
    """
    c = w * b / lam
    return 2.0 * c / (b + np.sqrt(b * b + 4.0 * a * c))


@njit(cache=True)
def _demand(lam, a, b, w, low):
    total = 0.0
    for u in range(a.shape[0]):
        total += max(low[u], _share(lam, a[u], b[u], w[u]))
    return total


@njit(cache=True)
def _kkt_one_bs(a, b, w, low, capacity):
    """Bisection on ln(lambda) for one BS.

    Users with ``b = 0`` need no compute, and users with ``a = inf`` (no
    rate: an infinite delay whatever they get) are given none.
    """
    n = a.shape[0]
    out = np.zeros(n)
    need = (b > 0.0) & np.isfinite(a)
    if not need.any():
        return out
    a_, b_, w_, l_ = a[need], b[need], w[need], low[need]
    # Bracket ln(lambda): demand decreases from +inf to sum(low) as lambda grows.
    lo, hi = -1.0, 1.0
    while _demand(np.exp(lo), a_, b_, w_, l_) < capacity and lo > -740.0:
        lo -= 8.0
    while _demand(np.exp(hi), a_, b_, w_, l_) > capacity and hi < 700.0:
        hi += 8.0
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        if _demand(np.exp(mid), a_, b_, w_, l_) > capacity:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-15 * max(1.0, abs(mid)):
            break
    lam = np.exp(hi)
    f = np.empty(a_.shape[0])
    for u in range(a_.shape[0]):
        f[u] = max(l_[u], _share(lam, a_[u], b_[u], w_[u]))
    # hi is on the feasible side, so sum(f) <= capacity up to rounding; hand out the rest pro rata.
    f *= capacity / f.sum()
    out[need] = f
    return out


def deadline_floors(assoc, a, b, deadline, capacity):
    """Lower bounds ``l_u`` on ``f_u`` from (9h), dropped where they cannot be met.

    A user whose deadline no compute can meet (``tau_u <= a_u``) gets no
    floor; if the other floors of its BS exceed ``F_k`` they are all dropped.
    Returns ``(low, met)``: ``met[k]`` is False when (9h) cannot hold for
    every user of BS k.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        slack = deadline - a
        reachable = slack > 0
        low = np.where(reachable & (b > 0), b / np.where(reachable, slack, 1.0), 0.0)
    met = np.ones(capacity.shape[0], dtype=bool)
    for k in range(capacity.shape[0]):
        mine = assoc == k
        met[k] = bool(reachable[mine].all())
        if low[mine].sum() > capacity[k]:
            met[k] = False
            low[mine] = 0.0
    return low, met


def allocate_kkt(assoc, a, b, w, low, capacity):
    """Optimal ``f`` of eq 26 by the KKT closed form, every BS independently."""
    f = np.zeros(a.shape[0])
    for k in range(capacity.shape[0]):
        mine = np.flatnonzero(assoc == k)
        if mine.size:
            f[mine] = _kkt_one_bs(a[mine], b[mine], w[mine], low[mine], float(capacity[k]))
    return f


def allocate_cvxpy(assoc, a, b, w, low, capacity, *, solver: str | None = None):
    """Optimal ``f`` of eq 26 as a CVXPY geometric program (the reference path).

    Variables are scaled to ``f / F_k`` so that the GP is well conditioned
    whatever the units.
    """
    import cvxpy as cp

    f = np.zeros(a.shape[0])
    for k in range(capacity.shape[0]):
        mine = np.flatnonzero((assoc == k) & (b > 0))
        if not mine.size:
            continue
        scale = float(capacity[k])
        x = cp.Variable(mine.size, pos=True)
        # (a + b/f) = unit * (a/unit + (b/(unit F)) / x): a constant factor, so the same argmin.
        unit = a[mine].max() if a[mine].max() > 0 else 1.0
        a_k = a[mine] / unit
        b_k = b[mine] / (unit * scale)
        terms = [(a_k[j] + b_k[j] / x[j]) ** float(w[mine][j]) if a_k[j] > 0
                 else (b_k[j] / x[j]) ** float(w[mine][j]) for j in range(mine.size)]
        constraints = [cp.sum(x) <= 1.0]
        for j, u in enumerate(mine):
            if low[u] > 0:
                constraints.append(x[j] >= low[u] / scale)
        prob = cp.Problem(cp.Minimize(cp.prod(cp.hstack(terms))), constraints)
        kwargs = {}
        if solver is None and "CLARABEL" in cp.installed_solvers():
            solver = "CLARABEL"
            kwargs = {"tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10}
        prob.solve(gp=True, solver=solver, **kwargs)
        if x.value is None:
            raise SolverError(f"CVXPY could not solve the compute allocation at BS {k}: status {prob.status!r}.")
        f[mine] = np.asarray(x.value) * scale
    return f


def allocate_uniform(assoc, capacity):
    """The UC baseline: every BS splits ``F_k`` equally among its users."""
    counts = np.bincount(assoc, minlength=capacity.shape[0])
    return capacity[assoc] / counts[assoc]


def log_cost(a, b, w, f):
    """``sum_u w_u ln(a_u + b_u / f_u)``: the objective of eq 26."""
    with np.errstate(divide="ignore"):
        return float(np.sum(w * np.log(a + np.where(b > 0, b / f, 0.0))))


def sqrt_shares(coeff: np.ndarray, total: float) -> np.ndarray:
    """``argmin sum_m coeff_m / x_m`` s.t. ``sum_m x_m = total``: ``x_m = total sqrt(c_m) / sum sqrt(c)``.

    Stationarity ``coeff_m / x_m^2 = lambda`` gives the square-root rule
    (used for bandwidth and edge compute shares in split inference).  Users
    with ``coeff_m = 0`` need nothing and get 0; if nobody needs anything
    the total is split equally.
    """
    coeff = np.asarray(coeff, dtype=float)
    root = np.sqrt(np.maximum(coeff, 0.0))
    if root.sum() == 0:
        return np.full(coeff.shape, total / coeff.size)
    return total * root / root.sum()
