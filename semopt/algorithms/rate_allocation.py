"""Sum-rate allocation of bandwidth and power with rate floors: a KKT closed form and its CVXPY twin.

Users ``m`` share a bandwidth budget ``B`` and a power budget ``P``; user m
with bandwidth ``B_m`` and power ``p_m`` gets ``r_m = B_m log2(1 + a_m p_m /
B_m)`` (``a_m = g_m / N0``) and needs ``r_m >= rho_m``:

.. math::

    \\max_{B, p \\ge 0} \\sum_m r_m \\quad \\text{s.t.} \\quad \\sum_m B_m \\le B,\\;
    \\sum_m p_m \\le P,\\; r_m \\ge \\rho_m .

The rate is the perspective of a concave function, hence jointly concave
and homogeneous of degree 1, so it is superadditive: without floors every
resource goes to the strongest user.  KKT with prices ``nu`` (power) and
``omega`` (bandwidth), ``theta = omega / nu``: every user runs at the SNR
``x`` that minimises its cost per bit/s, ``(x / a + theta) / log2(1 + x)``,
i.e. ``h(x) = (1 + x) ln(1 + x) - x = theta a`` (:func:`snr_at_price`, a
Lambert-W equation).  Two users cannot both be above their floors
(``a / (1 + x)`` grows with ``a`` at a common ``theta``), and the one that is
must be the strongest; so every other user sits exactly at its floor with
``B_m = rho_m / log2(1 + x_m)``, ``p_m = x_m B_m / a_m``, and the strongest
takes the rest, which fixes ``theta`` by ``a* P* / B* = x*(theta)``: one
root, found by bisection on ``ln theta`` (:func:`allocate_sum_rate`).  This
is not water-filling: the price ratio, not a water level, is the unknown.

:func:`floor_fraction` solves the companion problem ``max t`` s.t. ``r_m >=
t rho_m`` for all m -- the largest common fraction of every floor that the
budgets can carry -- whose optimum puts everyone at ``t rho_m`` on the
price where bandwidth and power run out together.  ``t >= 1`` exactly when
the floors are feasible; a solver answers an infeasible instance with it.

:func:`allocate_sum_rate_cvxpy` states the same program for CVXPY's
exponential cone (``r = -rel_entr(B, B + a p) / ln 2``), the reference path.

References
----------
.. [1] S. Boyd, L. Vandenberghe, *Convex Optimization*, 2004, exercise 4.62
   (optimal power and bandwidth allocation in a Gaussian broadcast channel).
.. [2] ``../shared/specs/qoe-and-model-selection.md`` B3.1-B3.2.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from semopt.errors import SolverError

__all__ = ["snr_at_price", "allocate_sum_rate", "allocate_sum_rate_from", "floor_fraction", "floor_fraction_from",
           "allocate_sum_rate_cvxpy", "unit_costs", "dual_bound", "price_grid", "FIT", "OTHERS_DO_NOT_FIT",
           "STRONGEST_BELOW_FLOOR"]

FIT, OTHERS_DO_NOT_FIT, STRONGEST_BELOW_FLOOR = 0, 1, 2
"""Outcomes of :func:`allocate_sum_rate`: the floors fit; the other users' floors alone exhaust a budget at
every price; the strongest user cannot reach its own floor with what is left."""

_STEPS = 200  # steps on ln(theta) at most: the bracket is about 80 wide, and bisection alone needs about 60
_C_LOW, _C_HIGH = 1e-14, 1e16  # the range of theta * a the bracket covers
_LN2 = math.log(2.0)
_MARGIN = 1e-3  # outside the feasible prices, aim at this share of the budget below the boundary


@njit(cache=True)
def _excess(y):
    """``e^y (y - 1) + 1`` (= ``h(e^y - 1)``), by its series ``sum_k (k - 1) y^k / k!`` for small ``y``, where
    the closed form cancels to nothing."""
    if y < 0.1:
        return y * y * (1 / 2 + y * (1 / 3 + y * (1 / 8 + y * (1 / 30 + y * (1 / 144 + y * (
            1 / 840 + y * (1 / 5760 + y * (1 / 45360 + y / 403200))))))))
    return math.exp(y) * (y - 1.0) + 1.0


@njit(cache=True)
def _log_snr(c, start):
    """``y = ln(1 + x)`` for the root x of ``(1 + x) ln(1 + x) - x = c``, by Halley's method.

    In ``y`` the equation is ``f(y) = e^y (y - 1) + 1 - c = 0``, convex and
    increasing for ``y > 0`` with ``f' = y e^y``, ``f'' = (1 + y) e^y``.
    ``start`` (a previous root, or <= 0 for none) warm-starts it from either
    side; every iterate is kept below a bound known to lie right of the root,
    so no step can run off to overflow.
    """
    if c <= 0.0:
        return 0.0
    # Right of the root: W0(z) <= ln(1 + z) for z > -1/e, and h(x) >= x^2/3 for x <= 1 (the Taylor series
    # alternates), so x <= sqrt(3c) when that is at most 1.
    upper = 1.0 + math.log1p((c - 1.0) / math.e)
    if 3.0 * c <= 1.0:
        upper = min(upper, math.log1p(math.sqrt(3.0 * c)))
    y = start if 0.0 < start < upper else upper
    for _ in range(100):
        f = _excess(y) - c
        ey = math.exp(y)
        denominator = 2.0 * y * y * ey - f * (1.0 + y)
        step = 2.0 * f * y / denominator if denominator > 0.0 else f / (y * ey)
        new = y - step
        if new <= 0.0:
            new = 0.5 * y
        elif new > upper:
            new = upper
        if abs(new - y) <= 1e-15 * y:
            return new
        y = new
    return y


@njit(cache=True)
def snr_at_price(c):
    """SNR ``x`` solving ``(1 + x) ln(1 + x) - x = c``: the SNR at which a user with ``a = g / N0`` buys rate
    most cheaply when bandwidth costs ``theta = c / a`` units of power per Hz.

    Equals ``exp(1 + W0((c - 1) / e)) - 1`` (Lambert W; ``scipy.special.lambertw``
    gives the same to rounding): ``x = e - 1`` at ``c = 1``.

    Examples
    --------
    >>> round(snr_at_price(1.0), 12) == round(np.e - 1, 12)
    True
    """
    return math.expm1(_log_snr(c, -1.0))


@njit(cache=True)
def _floor_use(theta, a, rho, skip, y):
    """Bandwidth and power the users other than ``skip`` need to sit at their floors at price ``theta``, and
    their derivatives with respect to ``ln theta`` (``y`` holds each user's ``ln(1 + SNR)``, updated in
    place as a warm start).

    With ``c = theta a`` and ``e^y (y - 1) + 1 = c``, ``dy / d ln theta = c / (y e^y)``; a user at SNR
    ``x = e^y - 1`` needs ``rho ln 2 / y`` Hz and ``rho ln 2 x / (y a)`` W.
    """
    band = 0.0
    power = 0.0
    d_band = 0.0
    d_power = 0.0
    for m in range(a.size):
        if m == skip or rho[m] == 0.0:
            continue
        c = theta * a[m]
        y[m] = _log_snr(c, y[m])
        ym = y[m]
        ey = math.exp(ym)
        dy = c / (ym * ey)
        hz = rho[m] * _LN2 / ym
        band += hz
        power += hz * (ey - 1.0) / a[m]
        d_band -= hz / ym * dy
        d_power += rho[m] * _LN2 / a[m] * (ey / ym - (ey - 1.0) / (ym * ym)) * dy
    return band, power, d_band, d_power


@njit(cache=True)
def _bracket(a):
    a_min = a[0]
    a_max = a[0]
    for v in a:
        a_min = min(a_min, v)
        a_max = max(a_max, v)
    return math.log(_C_LOW / a_max), math.log(_C_HIGH / a_min)


@njit(cache=True)
def _next(newton, lo, hi, steady):
    """The next ``ln theta`` of a safeguarded Newton search: the Newton point if it lies inside the bracket
    and the search is ``steady``, the bracket's midpoint otherwise."""
    if steady and lo < newton < hi:
        return newton
    return 0.5 * (lo + hi)


@njit(cache=True)
def _price_root(a, rho, bandwidth, power, top, y, start):
    """The price ``ln theta`` at which the strongest user's SNR on the leftover budgets equals its priced SNR.

    Safeguarded Newton on ``ln theta`` from ``start`` (a previous root; NaN
    for none), on logarithms, which the budgets' use makes nearly linear:
    where the others' floors leave no bandwidth (or no power), towards the
    price at which their use of it is just below the budget (a step that
    aims at the boundary itself would creep onto it from outside); inside, on ``G = ln(a* P*
    / B*) - ln x*(theta)``, which falls strictly, with the derivatives of
    :func:`_floor_use`.  A Newton point outside the bracket, and a bracket
    that fails to halve in three steps outside, fall back to bisection.
    """
    lo, hi = _bracket(a)
    u = start if lo < start < hi else 0.5 * (lo + hi)
    mark = hi - lo
    for step in range(_STEPS):
        theta = math.exp(u)
        used_band, used_power, d_band, d_power = _floor_use(theta, a, rho, top, y)
        rest_band = bandwidth - used_band
        rest_power = power - used_power
        inside = False
        if rest_band <= 0.0:  # bandwidth too cheap: the others take too much of it
            lo = u
            target = bandwidth * (1.0 - _MARGIN)
            newton = u - math.log(used_band / target) / (d_band / used_band) if d_band < 0.0 else np.nan
        elif rest_power <= 0.0:
            hi = u
            target = power * (1.0 - _MARGIN)
            newton = u - math.log(used_power / target) / (d_power / used_power) if d_power > 0.0 else np.nan
        else:
            inside = True
            c = theta * a[top]
            y[top] = _log_snr(c, y[top])
            x = math.expm1(y[top])
            gap = math.log(a[top] * rest_power / rest_band) - math.log(x)
            if gap == 0.0:
                return u
            if gap > 0.0:  # the strongest would run above its priced SNR: bandwidth is worth more
                lo = u
            else:
                hi = u
            slope = -d_power / rest_power + d_band / rest_band - c / (y[top] * x)
            newton = u - gap / slope
            if abs(gap) <= 1e-13 and lo <= newton <= hi:  # near the root G is steep: trust it, not the step
                return newton
        if hi - lo <= 1e-13 * max(1.0, abs(lo)):
            return 0.5 * (lo + hi)
        if step % 3 == 2:
            steady = inside or hi - lo <= 0.5 * mark
            mark = hi - lo
        else:
            steady = True
        u = _next(newton, lo, hi, steady)
    return u


@njit(cache=True)
def allocate_sum_rate_from(a, rho, bandwidth, power, start):
    """:func:`allocate_sum_rate` warm-started at the price ``ln theta = start`` (NaN: none); returns its
    outputs and the optimal ``ln theta`` (a warm start for a similar instance: one user's floor changed)."""
    m = a.size
    band = np.zeros(m)
    pw = np.zeros(m)
    for i in range(m):
        if not rho[i] < np.inf:
            return band, pw, OTHERS_DO_NOT_FIT, start
    if bandwidth <= 0.0 or power <= 0.0:
        return band, pw, OTHERS_DO_NOT_FIT, start
    top = 0
    for i in range(m):
        if a[i] > a[top]:
            top = i
    y = np.full(m, -1.0)
    u = start
    if m > 1:
        u = _price_root(a, rho, bandwidth, power, top, y, start)
        used_band, used_power, _, _ = _floor_use(math.exp(u), a, rho, top, y)
    else:
        used_band, used_power = 0.0, 0.0
    rest_band = bandwidth - used_band
    rest_power = power - used_power
    if rest_band <= 0.0 or rest_power <= 0.0:
        return band, pw, OTHERS_DO_NOT_FIT, u
    for i in range(m):
        if i != top and rho[i] > 0.0:
            band[i] = rho[i] * _LN2 / y[i]
            pw[i] = band[i] * math.expm1(y[i]) / a[i]
    band[top] = rest_band
    pw[top] = rest_power
    if rest_band * math.log2(1.0 + a[top] * rest_power / rest_band) < rho[top] * (1.0 - 1e-12):
        return band, pw, STRONGEST_BELOW_FLOOR, u
    return band, pw, FIT, u


@njit(cache=True)
def allocate_sum_rate(a, rho, bandwidth, power):
    """Maximise the sum rate under both budgets and the floors (module docstring): the KKT closed form.

    Parameters
    ----------
    a : float[M]
        ``g_m / N0`` of each user (> 0), Hz/W.
    rho : float[M]
        Rate floor of each user (bit/s, >= 0; ``inf``: out of reach).
    bandwidth, power : float
        The budgets (Hz, W).

    Returns
    -------
    band, pw : float[M]
        The optimal bandwidths and powers (zeros when the floors do not fit).
    outcome : int
        :data:`FIT`, :data:`OTHERS_DO_NOT_FIT` or :data:`STRONGEST_BELOW_FLOOR`.

    Examples
    --------
    >>> band, pw, outcome = allocate_sum_rate(np.array([2e9, 1e9]), np.array([1e6, 1e6]), 1e7, 1.0)
    >>> outcome, bool(band.sum() == 1e7), bool(abs(pw.sum() - 1.0) < 1e-12), bool(band[0] > band[1])
    (0, True, True, True)
    """
    band, pw, outcome, _ = allocate_sum_rate_from(a, rho, bandwidth, power, np.nan)
    return band, pw, outcome


@njit(cache=True)
def floor_fraction_from(a, rho, bandwidth, power, start):
    """:func:`floor_fraction` warm-started at ``ln theta = start`` (NaN: none); also returns the final
    ``ln theta``."""
    m = a.size
    band = np.zeros(m)
    pw = np.zeros(m)
    finite = np.zeros(m)
    hopeless = False
    for i in range(m):
        if rho[i] < np.inf:
            finite[i] = rho[i]
        else:
            hopeless = True
    if bandwidth <= 0.0 or power <= 0.0:
        return 0.0, band, pw, start
    if finite.sum() <= 0.0:
        return (0.0 if hopeless else np.inf), band, pw, start
    y = np.full(m, -1.0)
    # Safeguarded Newton on F(ln theta) = ln(U_B / B) - ln(U_P / P), which falls strictly through 0.
    lo, hi = _bracket(a)
    u = start if lo < start < hi else 0.5 * (lo + hi)
    for _ in range(_STEPS):
        used_band, used_power, d_band, d_power = _floor_use(math.exp(u), a, finite, -1, y)
        gap = math.log(used_band / bandwidth) - math.log(used_power / power)
        if gap == 0.0:
            break
        if gap > 0.0:
            lo = u
        else:
            hi = u
        newton = u - gap / (d_band / used_band - d_power / used_power)
        if abs(newton - u) <= 1e-14 * max(1.0, abs(u)) or hi - lo <= 1e-13 * max(1.0, abs(lo)):
            u = newton if lo <= newton <= hi else 0.5 * (lo + hi)
            break
        u = _next(newton, lo, hi, True)
    used_band, used_power, _, _ = _floor_use(math.exp(u), a, finite, -1, y)
    t = min(bandwidth / used_band, power / used_power)
    for i in range(m):
        if finite[i] > 0.0:
            band[i] = t * finite[i] * _LN2 / y[i]
            pw[i] = band[i] * math.expm1(y[i]) / a[i]
    return (0.0 if hopeless else t), band, pw, u


@njit(cache=True)
def floor_fraction(a, rho, bandwidth, power):
    """``max t`` such that every user reaches ``t rho_m`` within both budgets, and that allocation.

    Users with ``rho_m = 0`` need nothing; with ``rho_m = inf`` they make ``t = 0``
    (they get nothing).  At a price ``theta`` the floors need ``t U_B(theta)``
    bandwidth and ``t U_P(theta)`` power, ``U_B`` falling and ``U_P`` rising in
    ``theta``; the best ``t`` is where ``U_B / B = U_P / P``.

    Examples
    --------
    >>> t, band, pw = floor_fraction(np.array([1e9, 1e9]), np.array([1e6, 1e6]), 1e6, 1e-3)
    >>> round(t, 6), bool(abs(band.sum() - 1e6) < 1e-3), bool(abs(pw.sum() - 1e-3) < 1e-12)
    (0.5, True, True)
    """
    t, band, pw, _ = floor_fraction_from(a, rho, bandwidth, power, np.nan)
    return t, band, pw


@njit(cache=True)
def unit_costs(a, thetas):
    """Cheapest cost of one bit/s for each user at each price ratio, in units of the power price:
    ``cost[t, m] = min_x (x / a_m + theta_t) / log2(1 + x)``, attained at ``x = snr_at_price(theta_t a_m)``.

    It falls as ``a_m`` grows: the strongest user buys rate most cheaply.

    Examples
    --------
    >>> cost = unit_costs(np.array([1e9, 2e9]), np.array([1e-9]))
    >>> bool(cost[0, 1] < cost[0, 0])
    True
    """
    cost = np.empty((thetas.size, a.size))
    for t in range(thetas.size):
        for m in range(a.size):
            y = _log_snr(thetas[t] * a[m], -1.0)
            cost[t, m] = _LN2 * (math.expm1(y) / a[m] + thetas[t]) / y
    return cost


def dual_bound(theta, cost_top, bandwidth, power, floor_excess):
    """Lagrangian upper bound on the optimal sum rate of :func:`allocate_sum_rate` at price ratio ``theta``.

    With prices ``nu`` (power), ``omega = theta nu`` (bandwidth) and ``mu_m``
    (floors), the Lagrangian of a user is homogeneous of degree 1 in ``(B_m,
    p_m)``, so its supremum is finite only when ``(1 + mu_m) <= nu cost_m``;
    ``nu = 1 / cost_top`` (the strongest user's unit cost, the lowest) and
    ``mu_m = cost_m / cost_top - 1`` make every term vanish and leave

    .. math::  d(\theta) = \frac{P + \theta B}{c_{top}(\theta)} - \\sum_{m \ne top} \rho_m
               \\Big(\frac{c_m(\theta)}{c_{top}(\theta)} - 1\\Big),

    ``floor_excess`` being that sum.  Every ``theta`` gives an upper bound
    (weak duality); at the optimal one it is the optimum (the program is
    convex and strictly feasible).  Broadcasts over arrays.
    """
    return (power + theta * bandwidth) / cost_top - floor_excess


def price_grid(a: np.ndarray, points: int = 48) -> np.ndarray:
    """Price ratios ``theta`` at which the strongest user's priced SNR spans about -10 to 60 dB: where the
    optimum's ``theta`` lies for any sensible instance (a grid for :func:`dual_bound`)."""
    return np.logspace(np.log10(0.04 / np.max(a)), np.log10(2e7 / np.max(a)), points)


def allocate_sum_rate_cvxpy(a: np.ndarray, rho: np.ndarray, bandwidth: float, power: float, *,
                            solver: str | None = None) -> tuple[np.ndarray, np.ndarray, bool]:
    """The reference twin of :func:`allocate_sum_rate`: the exponential-cone program solved by CVXPY.

    Variables are shares of the budgets (``B_m = bandwidth u_m``, ``p_m = power
    v_m``) and rates are in units of ``bandwidth`` bit/s, so the data are the
    full-budget SNRs ``a_m power / bandwidth`` and the floors ``rho_m /
    bandwidth``: well scaled whatever the units.  Returns ``(band, pw,
    feasible)``; an infeasible program gives zeros and False.
    """
    import cvxpy as cp

    a = np.asarray(a, dtype=float)
    rho = np.asarray(rho, dtype=float)
    if not np.all(np.isfinite(rho)):
        return np.zeros(a.size), np.zeros(a.size), False
    u = cp.Variable(a.size, nonneg=True)
    v = cp.Variable(a.size, nonneg=True)
    rate = -cp.rel_entr(u, u + cp.multiply(a * power / bandwidth, v)) / np.log(2.0)
    problem = cp.Problem(cp.Maximize(cp.sum(rate)), [cp.sum(u) <= 1, cp.sum(v) <= 1, rate >= rho / bandwidth])
    try:
        problem.solve(solver=solver or "CLARABEL")
    except cp.error.SolverError as exc:
        raise SolverError(f"CVXPY could not solve the rate allocation: {exc}") from exc
    if problem.status in ("infeasible", "infeasible_inaccurate"):
        return np.zeros(a.size), np.zeros(a.size), False
    if problem.status not in ("optimal", "optimal_inaccurate") or u.value is None or v.value is None:
        raise SolverError(f"CVXPY ended the rate allocation with status {problem.status!r}.")
    return bandwidth * np.maximum(u.value, 0.0), power * np.maximum(v.value, 0.0), True
