"""The fidelity-energy-latency Pareto front of the centralised SemanticGame.

The game's paper (abstract and §1; References) calls semantic fidelity, energy and latency an
"intractable triangle": improving two of them costs the third, and its
measurements show the game-theoretic method "approaching the Pareto optimal
boundary" of that triangle.  This module traces that boundary for a
:class:`~semopt.problems.game.SemanticGame` when one planner chooses every
terminal's action, so an equilibrium (or any profile) can be placed against
it with :meth:`ParetoFront.position`.  These are analysis functions, not
registered solvers: they return a :class:`ParetoFront`, not a ``Result``.

* :func:`objectives` -- the objective vector ``(-mean fidelity, mean energy,
  mean latency)``, all three minimised;
* :func:`weighted_sum_front` -- one weighted sum per point of a simplex
  lattice of weights: finds *supported* points only (those on the convex
  hull of the front);
* :func:`epsilon_constraint_front` -- maximise fidelity under caps on energy
  and latency over a grid of caps: also finds *unsupported* points, in the
  non-convex dents of the front that no weighted sum reaches;
* :func:`non_dominated`, :func:`hypervolume` (exact, by slicing) and its
  brute-force twin :func:`hypervolume_reference` (inclusion-exclusion).

Every scalarised subproblem is solved by
:func:`semopt.algorithms.multistart.maximise` (L-BFGS-B, or SLSQP under
constraints, from several starts) over unit coordinates; the problems are
not convex, so the fronts hold the best local optima found.

Symbols (Notes of the functions below)
--------------------------------------
========  ==================================================================
``f``     objective vector ``(-F, E, L)``: F, E, L the means over terminals
          of fidelity, energy per frame (J) and latency per frame (s)
``z*``    ideal point: ``z*_k = min f_k``, the best f_k found alone
``z^n``   nadir estimate: ``z^n_k = max_j f_k(anchor_j)`` (payoff table)
``f~``    normalised objectives ``(f - z*) / (z^n - z*)``
``rho``   augmentation weight ``1e-3`` (keeps solutions properly efficient)
========  ==================================================================

References
----------
.. [1] "Semantic-Driven Conditional Encoding and Distributed Collaborative
   Optimization for Edge Image Processing", Traitement du Signal 42(6),
   2025, doi:10.18280/ts.420612, abstract and §1: the fidelity-energy-latency
   "intractable triangle" and its Pareto optimal boundary.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from semopt._validation import as_float_array, check_positive_int, check_scalar
from semopt._validation import rng as make_rng
from semopt.algorithms.multistart import maximise
from semopt.errors import InvalidProblemError, SolverError
from semopt.problems.game import SemanticGame

__all__ = [
    "ParetoFront",
    "objectives",
    "weighted_sum_front",
    "epsilon_constraint_front",
    "non_dominated",
    "simplex_lattice",
    "hypervolume",
    "hypervolume_reference",
]

_RHO = 1e-3  # augmentation weight of the secondary objectives (see the module's symbol table)
_SLACK = 1e-6  # an anchor may give up this much of its own objective (relative) to improve the other two
_MARGIN = 0.1  # hypervolume reference = nadir + _MARGIN * (nadir - ideal)
_MAX_REFERENCE_POINTS = 12  # inclusion-exclusion sums 2^K terms


# ---------------------------------------------------------------------- the result
@dataclass(repr=False)
class ParetoFront:
    """Non-dominated objective vectors of the centralised SemanticGame and the profiles reaching them.

    Attributes
    ----------
    method : str
        ``"weighted-sum"`` or ``"epsilon-constraint"``.
    points : float[K, 3]
        Objective vectors ``(-mean fidelity, mean energy, mean latency)``
        (all minimised, see :func:`objectives`), mutually non-dominated and
        distinct, sorted by the first column (highest fidelity first).
    actions : float[K, N, 3]
        The profile reaching each point (columns s, r, p).
    parameters : float[K, 3] or float[K, 2]
        The scalarisation behind each point: its weight vector ``w``
        (weighted sum; an anchor carries the unit weight of its objective),
        or its caps ``(eps_E, eps_L)`` (epsilon-constraint; an anchor
        carries its own energy and latency, which it meets with equality).
    ideal, nadir : float[3]
        The ideal point (each objective's best value found alone) and the
        nadir estimate (column maxima of the payoff table of the three
        single-objective optima, the anchors); they normalise the
        objectives in the scalarisations and in :meth:`position`.  Both are
        local estimates: a front point may beat the ideal by a hair
        (anchors give up 1e-6 of their own objective) and exceed the nadir
        (a payoff table can underestimate the nadir of three objectives).
    reference : float[3]
        Reference point of the hypervolume: ``nadir + 0.1 * (nadir -
        ideal)``, unless given.  It depends on the anchors only, so the two
        methods' fronts of one game share it and their hypervolumes compare.
    hypervolume : float
        Volume dominated by ``points`` and bounded by ``reference``, in the
        raw units of the objectives (divide by ``prod(reference - ideal)``
        for a share of the box between the ideal and the reference, in [0, 1]).
    skipped : float[M, 2]
        Caps ``(eps_E, eps_L)`` under which no feasible profile was found
        (epsilon-constraint only; empty for the weighted sum).
    """

    method: str
    points: np.ndarray
    actions: np.ndarray
    parameters: np.ndarray
    ideal: np.ndarray
    nadir: np.ndarray
    reference: np.ndarray
    hypervolume: float
    skipped: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))

    def __repr__(self) -> str:
        return (f"ParetoFront(method={self.method!r}, points={len(self.points)}, "
                f"hypervolume={self.hypervolume:.6g}, skipped={len(self.skipped)})")

    def normalise(self, points: np.ndarray) -> np.ndarray:
        """Objective vectors mapped to ``(f - ideal) / (nadir - ideal)`` (0 at the ideal, 1 at the nadir)."""
        return (np.asarray(points, dtype=float) - self.ideal) / _span(self.ideal, self.nadir)

    def position(self, point: Any, *, tol: float = 1e-6) -> dict[str, Any]:
        """Where an objective vector (e.g. an equilibrium's) stands against the front.

        Parameters
        ----------
        point : float[3]
            An objective vector as returned by :func:`objectives`.
        tol : float, default 1e-6
            Tolerance of the dominance test, in normalised units (>= 0).

        Returns
        -------
        dict
            ``dominated`` (bool): some front point dominates it (no worse in
            every objective by more than ``tol``, better in one by more than
            ``tol``); ``dominated_by`` (int): how many front points do; ``distance`` (float): the additive epsilon
            indicator in normalised objective space, ``min_q max_k (q~_k -
            p~_k)`` over front points q; ``nearest`` (int): the index in
            ``points`` of the q attaining it (-1 for an empty front).

        Raises
        ------
        SolverError
            If ``point`` is not a finite vector of shape (3,) or ``tol < 0``.

        Notes
        -----
        The distance is signed.  ``distance < 0``: front point ``nearest``
        beats the point by at least ``-distance`` (in units of the
        ideal-nadir range) in *every* objective at once -- the point is that
        far inside the front.  ``distance > 0``: no front point is as good
        in every objective; the front must be shifted by ``distance`` in
        every objective to weakly dominate the point (it lies beyond the
        front found, e.g. where the local solver missed).  ``distance = 0``:
        on the front, or weakly dominated.  The additive epsilon indicator
        [1]_ is chosen over the Euclidean distance because its sign says on
        which side of the front the point lies.  The tolerance absorbs the
        solvers' feasibility slack: an epsilon-constraint point solved with
        the caps at an equilibrium's own energy and latency may exceed them
        by ~1e-10 and still dominates it in every sense that matters (it
        has more fidelity).  O(K) operations.

        References
        ----------
        .. [1] E. Zitzler, L. Thiele, M. Laumanns, C. M. Fonseca, V. Grunert
           da Fonseca, "Performance assessment of multiobjective optimizers:
           an analysis and review", IEEE Trans. Evol. Comput. 7(2), 2003.

        Examples
        --------
        >>> import numpy as np
        >>> front = ParetoFront("demo", np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]]), np.zeros((2, 1, 3)),
        ...                     np.zeros((2, 3)), np.zeros(3), np.ones(3), np.full(3, 1.1), 0.0)
        >>> where = front.position([1.0, 1.0, 1.0])
        >>> where["dominated"], where["dominated_by"], where["distance"]
        (True, 2, 0.0)
        >>> round(front.position([0.5, 0.5, 0.5])["distance"], 3)
        0.5
        """
        p = as_float_array("point", point, (3,), error=SolverError)
        tol = check_scalar("tol", tol, low=0.0, error=SolverError)
        if len(self.points) == 0:
            return {"dominated": False, "dominated_by": 0, "distance": float("inf"), "nearest": -1}
        gap = self.normalise(self.points) - self.normalise(p)  # < 0 where the front point is better
        beats = np.all(gap <= tol, axis=1) & np.any(gap < -tol, axis=1)
        eps = np.max(gap, axis=1)
        nearest = int(np.argmin(eps))
        return {"dominated": bool(beats.any()), "dominated_by": int(beats.sum()), "distance": float(eps[nearest]),
                "nearest": nearest}


# ---------------------------------------------------------------------- objectives
def objectives(problem: SemanticGame, actions: Any) -> np.ndarray:
    """The centralised problem's objective vector ``(-mean fidelity, mean energy, mean latency)``, minimised.

    Parameters
    ----------
    problem : SemanticGame
        The game.
    actions : float[N, 3]
        A profile (columns s, r, p), inside ``problem.bounds``.

    Returns
    -------
    float[3]
        ``(-F, E, L)``: F, E and L the means over terminals of
        ``problem.terms(actions)``'s ``fidelity``, ``energy`` (J/frame) and
        ``latency`` (s/frame).  Fidelity is negated so that all three are
        minimised; a smaller vector is better in every component.

    Raises
    ------
    SolverError
        If ``problem`` is not a SemanticGame or ``actions`` has the wrong
        shape or non-finite entries.

    Examples
    --------
    >>> import semopt
    >>> game = semopt.scenarios.load("semantic-game", terminals=2, seed=0)
    >>> low, high = game.bounds
    >>> f = objectives(game, high)
    >>> f.shape, bool(f[0] < 0 < f[1]), bool(f[2] > 0)
    ((3,), True, True)
    """
    _check_problem(problem)
    a = as_float_array("actions", actions, (problem.n_terminals, 3), error=SolverError)
    return _vector(problem, a)


def _vector(problem: SemanticGame, actions: np.ndarray) -> np.ndarray:
    t = problem.terms(actions)
    return np.array([-t["fidelity"].mean(), t["energy"].mean(), t["latency"].mean()])


def _check_problem(problem: Any) -> None:
    if not isinstance(problem, SemanticGame):
        raise SolverError(f"`problem` must be a SemanticGame; got {type(problem).__name__}.")


# ---------------------------------------------------------------------- dominance and hypervolume
def _as_points(name: str, points: Any) -> np.ndarray:
    arr = as_float_array(name, points, error=SolverError)
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise SolverError(f"`{name}` must have shape (K, m) with m >= 1 objectives; got shape {arr.shape}.")
    return arr


def non_dominated(points: Any) -> np.ndarray:
    """Mask of the points that no other point dominates (minimisation).

    Parameters
    ----------
    points : float[K, m]
        Objective vectors, every objective minimised.

    Returns
    -------
    bool[K]
        True for the points ``p`` such that no ``q`` has ``q <= p`` in every
        objective and ``q < p`` in one.  Equal points do not dominate each
        other: duplicates are all kept.

    Raises
    ------
    SolverError
        If ``points`` is not a finite 2-D array.

    Notes
    -----
    All pairs are compared at once: O(K^2 m) time and O(K^2) memory.

    Examples
    --------
    >>> non_dominated([[1, 2], [2, 1], [2, 2], [1, 2]])
    array([ True,  True, False,  True])
    """
    p = _as_points("points", points)
    no_worse = np.all(p[:, None, :] <= p[None, :, :], axis=2)  # [j, i]: p_j <= p_i everywhere
    better = np.any(p[:, None, :] < p[None, :, :], axis=2)
    return ~np.any(no_worse & better, axis=0)


def _check_hypervolume_input(points: Any, reference: Any) -> tuple[np.ndarray, np.ndarray]:
    p = _as_points("points", points)
    r = as_float_array("reference", reference, error=SolverError)
    if r.shape != (p.shape[1],):
        raise SolverError(f"`reference` must have shape ({p.shape[1]},) to match `points`; got shape {r.shape}.")
    return p[np.all(p < r, axis=1)], r


def hypervolume(points: Any, reference: Any) -> float:
    """Exact hypervolume dominated by ``points`` and bounded by ``reference`` (minimisation).

    Parameters
    ----------
    points : float[K, m]
        Objective vectors, every objective minimised (m = 3 for the fronts
        of this module; any m >= 1 works).
    reference : float[m]
        The reference point.  A point contributes only if it is strictly
        below the reference in every objective.

    Returns
    -------
    float
        Lebesgue measure of the union of the boxes ``[p, reference]``.

    Raises
    ------
    SolverError
        If ``points`` is not a finite 2-D array or ``reference`` does not
        have shape ``(m,)``.

    Notes
    -----
    Slicing along the first objective (HSO [1]_): sort by it; between
    consecutive values the slab's cross-section is the (m-1)-dimensional
    volume dominated by the points already passed.  In two dimensions the
    area is one sweep along the second objective keeping the running
    minimum of the third.  For m = 3 this is O(K^2 log K); the brute-force
    twin is :func:`hypervolume_reference`.

    References
    ----------
    .. [1] L. While, P. Hingston, L. Barone, S. Huband, "A faster algorithm
       for calculating hypervolume", IEEE Trans. Evol. Comput. 10(1), 2006.

    Examples
    --------
    >>> hypervolume([[0.0, 0.0, 0.0]], [1.0, 2.0, 3.0])
    6.0
    >>> hypervolume([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], [2.0, 2.0, 1.0])  # two 1x2 boxes sharing a unit square
    3.0
    >>> hypervolume([[3.0, 0.0, 0.0]], [2.0, 2.0, 2.0])  # outside the reference box
    0.0
    """
    p, r = _check_hypervolume_input(points, reference)
    return float(_sliced_volume(p, r)) if len(p) else 0.0


def _sliced_volume(p: np.ndarray, r: np.ndarray) -> float:
    """Volume of the union of ``[p_i, r]``, every p_i strictly below r."""
    if p.shape[1] == 1:
        return float(r[0] - p[:, 0].min())
    if p.shape[1] == 2:
        return _area(p, r)
    p = p[np.argsort(p[:, 0], kind="stable")]
    edges = np.append(p[1:, 0], r[0])
    volume = 0.0
    for i in range(len(p)):
        depth = edges[i] - p[i, 0]
        if depth > 0:
            volume += depth * _sliced_volume(p[: i + 1, 1:], r[1:])
    return volume


def _area(p: np.ndarray, r: np.ndarray) -> float:
    """Area dominated by 2-D points, every one strictly below ``r``: one sweep along the first axis."""
    p = p[np.lexsort((p[:, 1], p[:, 0]))]
    edges = np.append(p[1:, 0], r[0])
    lowest = np.minimum.accumulate(p[:, 1])
    return float(np.sum((edges - p[:, 0]) * (r[1] - lowest)))


def hypervolume_reference(points: Any, reference: Any) -> float:
    """Hypervolume by inclusion-exclusion over subsets of points: the plain twin of :func:`hypervolume`.

    Parameters
    ----------
    points : float[K, m]
        Objective vectors (minimised); at most 12 of them strictly dominate
        the reference.
    reference : float[m]
        The reference point; points not strictly below it are dropped.

    Returns
    -------
    float
        ``sum over non-empty S of (-1)^(|S|+1) prod_k (r_k - max_{i in S} p_ik)``.

    Raises
    ------
    SolverError
        On the inputs :func:`hypervolume` rejects, or when more than 12
        points remain (2^K terms).

    Notes
    -----
    O(2^K K m): for tests only.

    Examples
    --------
    >>> hypervolume_reference([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], [2.0, 2.0, 1.0])
    3.0
    """
    p, r = _check_hypervolume_input(points, reference)
    if len(p) > _MAX_REFERENCE_POINTS:
        raise SolverError(f"`points` may hold at most {_MAX_REFERENCE_POINTS} points dominating the reference "
                          f"for inclusion-exclusion; got {len(p)}.  Use hypervolume().")
    total = 0.0
    for size in range(1, len(p) + 1):
        sign = 1.0 if size % 2 else -1.0
        for subset in itertools.combinations(range(len(p)), size):
            total += sign * float(np.prod(r - p[list(subset)].max(axis=0)))
    return total


# ---------------------------------------------------------------------- shared machinery
def _span(ideal: np.ndarray, nadir: np.ndarray) -> np.ndarray:
    """``nadir - ideal``, with 1 where an objective does not vary between the anchors (nothing to trade)."""
    span = np.asarray(nadir, dtype=float) - np.asarray(ideal, dtype=float)
    return np.where(span > 1e-12 * np.maximum(1.0, np.abs(ideal)), span, 1.0)


def _memo(problem: SemanticGame, size: int = 256) -> Callable[[np.ndarray], np.ndarray]:
    """``z -> f(from_unit(z))``, remembering the last ``size`` calls.

    SLSQP asks for the objective and each constraint at the same points
    (the iterate and its finite-difference neighbours): one model
    evaluation serves them all.
    """
    cache: dict[bytes, np.ndarray] = {}

    def f(z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, dtype=float)
        key = z.tobytes()
        if key not in cache:
            if len(cache) >= size:
                del cache[next(iter(cache))]
            cache[key] = _vector(problem, problem.from_unit(z.reshape(-1, 3)))
        return cache[key]

    return f


def _check_common(problem: Any, seed: Any, starts: Any, reference: Any) -> tuple[np.random.Generator, int, Any]:
    _check_problem(problem)
    starts = check_positive_int("random_starts", starts, low=0, error=SolverError)
    if reference is not None:
        reference = as_float_array("reference", reference, error=SolverError)
        if reference.shape != (3,):
            raise SolverError(f"`reference` must have shape (3,); got shape {reference.shape}.")
    try:
        generator = make_rng(seed)
    except InvalidProblemError as exc:  # the shared helper speaks of problems; here `seed` is an argument
        raise SolverError(str(exc)) from None
    return generator, starts, reference


def _anchors(problem: SemanticGame, f: Callable, rng: np.random.Generator,
             starts: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The three anchors (unit profiles float[3, N, 3]), their payoff table float[3, 3], the ideal and the nadir.

    Anchor k first minimises ``f_k`` from the box centre, its two corners
    and ``random_starts`` random profiles (``z*_k`` is that minimum); then, from
    there, minimises ``sum_{j != k} f_j / m_j`` (``m`` the magnitudes at the
    box centre) while ``f_k / m_k`` stays within ``1e-6`` of its minimum.
    This second, nearly lexicographic stage keeps the anchor efficient and
    well defined where ``f_k`` saturates (fidelity creeps up with power
    long after it stops mattering), which makes the nadir estimate -- the
    column maxima of the table -- reproducible.
    """
    n = problem.n_terminals
    initial = [np.full((n, 3), 0.5), np.zeros((n, 3)), np.ones((n, 3)), *(rng.random((n, 3)) for _ in range(starts))]
    scale = np.maximum(np.abs(f(initial[0])), 1e-12)
    zs, ideal = [], np.empty(3)
    for k in range(3):

        def own(u: np.ndarray, k: int = k) -> float:
            return -float(f(u)[k] / scale[k])

        z, _ = maximise(own, initial)
        ideal[k] = f(z)[k]
        others = np.arange(3) != k
        bound = ideal[k] / scale[k] + _SLACK

        def within(x: np.ndarray, k: int = k, b: float = bound) -> float:
            return b - float(f(x)[k] / scale[k])

        def rest(u: np.ndarray, o: np.ndarray = others) -> float:
            return -float(np.sum(f(u)[o] / scale[o]))

        z, _ = maximise(rest, [z], constraints=[{"type": "ineq", "fun": within}])
        zs.append(z)
    table = np.array([f(z) for z in zs])
    return np.array(zs), table, np.minimum(ideal, table.min(axis=0)), table.max(axis=0)


def _front(problem: SemanticGame, method: str, candidates: Sequence[tuple[np.ndarray, np.ndarray]],
           ideal: np.ndarray, nadir: np.ndarray, reference: np.ndarray | None,
           skipped: Sequence[tuple[float, float]] = ()) -> ParetoFront:
    """Keep the distinct non-dominated candidates ``(unit profile, parameters)``; sort; measure."""
    zs = np.array([z for z, _ in candidates])
    points = np.array([_vector(problem, problem.from_unit(z)) for z in zs])
    params = np.array([par for _, par in candidates], dtype=float)
    keep = non_dominated(points)
    keep &= _first_of_duplicates(points / _span(ideal, nadir))
    order = np.flatnonzero(keep)[np.lexsort(points[keep].T[::-1])]
    if reference is None:
        reference = nadir + _MARGIN * _span(ideal, nadir)
    return ParetoFront(method=method, points=points[order], actions=problem.from_unit(zs[order]),
                       parameters=params[order], ideal=ideal, nadir=nadir, reference=reference,
                       hypervolume=hypervolume(points[order], reference),
                       skipped=np.array(skipped, dtype=float).reshape(-1, 2))


def _first_of_duplicates(scaled: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Mask keeping the first of every group of points closer than ``tol`` (max norm) to an earlier kept one."""
    keep = np.ones(len(scaled), dtype=bool)
    for i in range(len(scaled)):
        earlier = np.flatnonzero(keep[:i])
        if earlier.size and np.min(np.max(np.abs(scaled[earlier] - scaled[i]), axis=1)) < tol:
            keep[i] = False
    return keep


# ---------------------------------------------------------------------- weighted sums
def simplex_lattice(points: int) -> np.ndarray:
    """The regular simplex lattice of weight vectors: ``points`` values per objective, summing to 1.

    Parameters
    ----------
    points : int
        Number of lattice points along each edge of the simplex (>= 2):
        every weight is one of ``0, 1/(points-1), ..., 1``.

    Returns
    -------
    float[points * (points + 1) / 2, 3]
        Rows ``(i, j, k) / (points - 1)`` with ``i + j + k = points - 1``,
        ordered so that every row after the first is one lattice step from
        an earlier one (the order warm starts follow).

    Examples
    --------
    >>> simplex_lattice(2)
    array([[1., 0., 0.],
           [0., 1., 0.],
           [0., 0., 1.]])
    >>> len(simplex_lattice(5))
    15
    """
    h = check_positive_int("points", points, low=2, error=SolverError) - 1
    rows = [(i, j, h - i - j) for i in range(h, -1, -1) for j in range(h - i, -1, -1)]
    return np.array(rows, dtype=float) / h


def weighted_sum_front(problem: SemanticGame, *, points: int = 5, seed: Any = 0, random_starts: int = 1,
                       reference: Any = None) -> ParetoFront:
    """The supported part of the fidelity-energy-latency front, by weighted sums over a simplex lattice.

    Parameters
    ----------
    problem : SemanticGame
        The game; not modified.
    points : int, default 5
        Lattice points per edge of the weight simplex (>= 2): the sweep
        solves ``points * (points + 1) / 2`` weighted sums (15 by default),
        see :func:`simplex_lattice`.
    seed : int, numpy.random.Generator or None, default 0
        Seeds the random starts.
    random_starts : int, default 1
        Uniform random unit profiles added to the deterministic starts of
        every subproblem (>= 0).
    reference : float[3] or None, default None
        Hypervolume reference point; None for ``nadir + 0.1 * (nadir -
        ideal)``.

    Returns
    -------
    ParetoFront
        ``method="weighted-sum"``; ``parameters`` holds the weights.

    Raises
    ------
    SolverError
        If ``problem`` is not a SemanticGame, ``points < 2``, ``random_starts < 0``
        or ``reference`` does not have shape (3,).

    Notes
    -----
    1. Anchors: the three single-objective optima, from the box centre,
       its two corners and the random starts, each then improved in the
       other two objectives while giving up at most ``1e-6`` (relative) of
       its own (nearly lexicographic, so that a saturating objective does
       not leave the anchor weakly efficient).  Their minima give the ideal
       ``z*``; the column maxima of their payoff table the nadir estimate
       ``z^n``.
    2. For each weight ``w`` of the lattice maximise
       ``-sum_k w~_k (f_k - z*_k) / (z^n_k - z*_k)``, i.e.
       ``w0 F / F_ref - w1 E / E_ref - w2 L / L_ref`` up to a constant, with
       references ``X_ref = z^n_X - z*_X`` (the objectives' ranges over the
       anchors), and ``w~ = (w + rho) / (1 + 3 rho)``: strictly positive
       weights make every exact optimum Pareto optimal, not only weakly.
       Starts: the solutions of the lattice neighbours already solved (warm
       starts), the anchor of the largest weight, and ``random_starts`` random
       profiles.
    3. The anchors and the solutions are filtered by :func:`non_dominated`.

    A weighted sum reaches only *supported* efficient points -- those on
    the convex hull of the front; points in non-convex parts of the front
    are missed whatever the weights [1]_ (see
    :func:`epsilon_constraint_front`).  Cost: ``points (points + 1) / 2``
    L-BFGS-B runs per start, each O(3N) evaluations of the model per
    gradient (finite differences).

    References
    ----------
    .. [1] I. Das, J. E. Dennis, "A closer look at drawbacks of minimizing
       weighted sums of objectives for Pareto set generation in
       multicriteria optimization problems", Struct. Optim. 14, 1997.

    Examples
    --------
    >>> import semopt
    >>> game = semopt.scenarios.load("semantic-game", terminals=2, seed=0)
    >>> front = weighted_sum_front(game, points=2, random_starts=0)
    >>> front.method, len(front.points) >= 2, bool(front.hypervolume > 0)
    ('weighted-sum', True, True)
    >>> bool(non_dominated(front.points).all())
    True
    """
    rng, starts, reference = _check_common(problem, seed, random_starts, reference)
    weights = simplex_lattice(points)
    f = _memo(problem)
    anchors, _, ideal, nadir = _anchors(problem, f, rng, starts)
    span = _span(ideal, nadir)
    n = problem.n_terminals
    solved: dict[int, np.ndarray] = {}
    for i, w in enumerate(weights):
        near = [solved[j] for j in solved if np.isclose(np.abs(weights[j] - w).sum(), 2 / (points - 1))]
        initial = [*near, anchors[int(np.argmax(w))], *(rng.random((n, 3)) for _ in range(starts))]
        tilted = (w + _RHO) / (1 + 3 * _RHO)

        def scalarised(u: np.ndarray, t: np.ndarray = tilted) -> float:
            return -float(np.dot(t, (f(u) - ideal) / span))

        solved[i], _ = maximise(scalarised, initial)
    candidates = [(z, np.eye(3)[k]) for k, z in enumerate(anchors)]
    candidates += [(solved[i], w) for i, w in enumerate(weights)]
    return _front(problem, "weighted-sum", candidates, ideal, nadir, reference)


# ---------------------------------------------------------------------- epsilon constraints
def _check_levels(name: str, value: Any) -> int | np.ndarray:
    """A count of caps (>= 2) or the caps themselves, sorted tight to loose."""
    if np.ndim(value) == 0:
        return check_positive_int(name, value, low=2, error=SolverError)
    levels = as_float_array(name, value, error=SolverError)
    if levels.ndim != 1 or levels.size == 0:
        raise SolverError(f"`{name}` must be an integer >= 2 or a non-empty 1-D array of caps; "
                          f"got shape {levels.shape}.")
    return np.sort(levels)


def _spaced(levels: int | np.ndarray, low: float, high: float) -> np.ndarray:
    return np.linspace(low, high, levels) if isinstance(levels, int) else levels


def epsilon_constraint_front(problem: SemanticGame, *, energy_levels: Any = 4, latency_levels: Any = 4,
                             seed: Any = 0, random_starts: int = 1, reference: Any = None) -> ParetoFront:
    """The fidelity-energy-latency front by maximising fidelity under energy and latency caps.

    Parameters
    ----------
    problem : SemanticGame
        The game; not modified.
    energy_levels, latency_levels : int or float[M], default 4
        Caps ``eps_E`` on the mean energy (J/frame) and ``eps_L`` on the mean
        latency (s/frame): a count (>= 2) of caps evenly spaced from the
        ideal to the nadir estimate (both included), or the caps themselves.
        Every pair of the grid is one subproblem.
    seed : int, numpy.random.Generator or None, default 0
        Seeds the random starts.
    random_starts : int, default 1
        Uniform random unit profiles added to the deterministic starts of
        every subproblem (>= 0).
    reference : float[3] or None, default None
        Hypervolume reference point; None for ``nadir + 0.1 * (nadir -
        ideal)``.

    Returns
    -------
    ParetoFront
        ``method="epsilon-constraint"``; ``parameters`` holds the caps
        ``(eps_E, eps_L)`` of each point, ``skipped`` the pairs under which
        no feasible profile was found.

    Raises
    ------
    SolverError
        If ``problem`` is not a SemanticGame, a level count is < 2, explicit
        levels are not a non-empty finite 1-D array, ``random_starts < 0`` or
        ``reference`` does not have shape (3,).

    Notes
    -----
    Anchors, ideal ``z*`` and nadir estimate ``z^n`` as in
    :func:`weighted_sum_front`.  For each pair of caps (SLSQP through
    :func:`~semopt.algorithms.multistart.maximise`) maximise
    ``F~ - rho (E~ + L~)`` subject to ``(eps_E - E) / (z^n_E - z*_E) >= 0``
    and ``(eps_L - L) / (z^n_L - z*_L) >= 0``, in normalised units ``~``.
    The ``rho = 1e-3`` augmentation (as in AUGMECON [1]_) avoids weakly
    efficient points where a cap is slack.  Pairs are solved from tight to
    loose caps, each warm-started from the solutions of its tighter
    neighbours (feasible for it, so a looser cap never ends worse), the
    anchors and ``random_starts`` random profiles.  A pair with no feasible start
    and no feasible SLSQP outcome is skipped and listed in ``skipped``
    (the tightest pair, both caps at the ideal, usually is).

    Unlike weighted sums, the epsilon-constraint method also reaches
    *unsupported* efficient points, in non-convex parts of the front.  Cost:
    one SLSQP run per start and pair, ``len(energy) * len(latency)`` pairs.

    References
    ----------
    .. [1] G. Mavrotas, "Effective implementation of the epsilon-constraint
       method in multi-objective mathematical programming problems",
       Appl. Math. Comput. 213(2), 2009.

    Examples
    --------
    >>> import semopt
    >>> game = semopt.scenarios.load("semantic-game", terminals=2, seed=0)
    >>> front = epsilon_constraint_front(game, energy_levels=2, latency_levels=2, random_starts=0)
    >>> front.method, len(front.points) >= 2
    ('epsilon-constraint', True)
    >>> caps = front.parameters
    >>> bool(np.all(front.points[:, 1:] <= caps + 1e-6))
    True
    """
    rng, starts, reference = _check_common(problem, seed, random_starts, reference)
    energy_levels = _check_levels("energy_levels", energy_levels)
    latency_levels = _check_levels("latency_levels", latency_levels)
    f = _memo(problem)
    anchors, table, ideal, nadir = _anchors(problem, f, rng, starts)
    energy = _spaced(energy_levels, ideal[1], nadir[1])
    latency = _spaced(latency_levels, ideal[2], nadir[2])
    span = _span(ideal, nadir)
    n = problem.n_terminals

    def objective(u: np.ndarray) -> float:
        g = (f(u) - ideal) / span
        return -float(g[0]) - _RHO * float(g[1] + g[2])

    solved: dict[tuple[int, int], np.ndarray] = {}
    skipped: list[tuple[float, float]] = []
    for i, j in itertools.product(range(len(energy)), range(len(latency))):
        caps = np.array([energy[i], latency[j]])
        constraints = [{"type": "ineq", "fun": lambda x, k=k, c=caps: float((c[k] - f(x)[k + 1]) / span[k + 1])}
                       for k in range(2)]
        near = [solved[key] for key in ((i - 1, j), (i, j - 1)) if key in solved]
        initial = [*(near or anchors[1:]), anchors[0], *(rng.random((n, 3)) for _ in range(starts))]
        z, value = maximise(objective, initial, constraints=constraints)
        if np.isfinite(value):
            solved[i, j] = z
        else:
            skipped.append((float(energy[i]), float(latency[j])))
    candidates = [(z, table[k, 1:]) for k, z in enumerate(anchors)]
    candidates += [(z, np.array([energy[i], latency[j]])) for (i, j), z in solved.items()]
    return _front(problem, "epsilon-constraint", candidates, ideal, nadir, reference, skipped)
