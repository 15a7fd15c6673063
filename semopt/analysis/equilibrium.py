"""Equilibrium certificates and the price of anarchy: how far a profile is from a Nash equilibrium.

A certificate answers, independently of the solver that produced a profile,
"can any single player gain by deviating alone, and by how much?".

* The game family (``SemanticGame``): :func:`deviation_gains` finds each
  terminal's best unilateral deviation by a dense scan of its action box and
  a quasi-Newton polish of the scan's best basins, on the numpy model --
  another method than the best-response solver's, on purpose.
  :func:`nash_gap` is its maximum; :func:`certify` gives both figures as
  ``semopt.solve`` reports them.
* The split family's sharing game (``SplitInference`` with several users):
  users that offload share the uplink and the edge equally; a user either
  runs everything on its device or offloads along the minimum cut for the
  share it would get (:func:`split_best_response`).  :func:`split_nash_gap`
  is the largest cost cut any user can still get by deviating alone.
* :func:`price_of_anarchy` compares an equilibrium with a reference optimum
  that the caller computes (by an exact solver on small instances).

References
----------
.. [1] "Semantic-Driven Conditional Encoding and Distributed Collaborative
   Optimization for Edge Image Processing", Traitement du Signal 42(6),
   2025, doi:10.18280/ts.420612, §2.4 (the game).
.. [2] M. Zhang, M. Abdi, V. R. Dasari, F. Restuccia, "Semantic Edge
   Computing and Semantic Communications in 6G Networks: A Unifying Survey
   and Research Challenges", Computer Networks 270, 111531, 2025, §3.2
   (game-theoretic partitioning of a shared edge).
.. [3] E. Koutsoupias, C. Papadimitriou, "Worst-case equilibria", STACS 1999
   (the price of anarchy).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from scipy.optimize import minimize

from semopt.algorithms.convex_allocation import sqrt_shares
from semopt.algorithms.mincut import min_cut_placement
from semopt.algorithms.multistart import grid_peaks, unit_cube
from semopt.errors import SolverError
from semopt.problems.game import GameSolution, SemanticGame
from semopt.problems.split import SplitInference, SplitSolution

__all__ = [
    "deviation_gains",
    "nash_gap",
    "certify",
    "equal_shares",
    "optimal_shares",
    "split_user_cost",
    "split_best_response",
    "split_nash_gap",
    "price_of_anarchy",
]


# ---------------------------------------------------------------------------------------------- the game
def deviation_gains(game: SemanticGame, actions: Any, *, grid: int = 17, peaks: int = 4) -> np.ndarray:
    """For each terminal, the largest utility gain it can reach by deviating alone (float[N], >= 0).

    Parameters
    ----------
    game : SemanticGame
    actions : float[N, 3]
        The profile to certify (inside the game's bounds).
    grid : int, default 17
        Points per axis of the scan of each terminal's box (unit coordinates).
    peaks : int, default 4
        Local maxima of the scan polished by L-BFGS-B, besides the current action.

    Notes
    -----
    Exact up to the grid's resolution of the basins; the polish makes the
    in-basin error second order.  Cost: ``N grid^3`` utility evaluations on
    the numpy model (the game is aggregative: O(1) each) plus ``N (peaks + 1)``
    L-BFGS-B runs; about 0.1 s at 5 terminals.

    Examples
    --------
    >>> import semopt
    >>> game = semopt.scenarios.load("semantic-game", terminals=2, seed=0)
    >>> low, high = game.bounds
    >>> gains = deviation_gains(game, high)  # everyone at full quality and power: far from an equilibrium
    >>> gains.shape, bool(gains.max() > 0)
    ((2,), True)
    """
    a = game.profile(actions)
    n = game.n_terminals
    cube = unit_cube(grid)
    current = game.utilities(a)
    unit = game.to_unit(a)
    gains = np.zeros(n)
    chunk = max(1, 200_000 // cube.shape[0])
    for lo in range(0, n, chunk):
        players = np.arange(lo, min(n, lo + chunk))
        values = game.response_utilities(players, game.from_unit(cube[None, :, :], players[:, None]), a)
        for k, i in enumerate(players):

            def negative(z: np.ndarray, i: int = int(i)) -> float:
                return -float(game.response_utilities(np.array([i]), game.from_unit(z[None, None, :], [[i]]),
                                                      a)[0, 0])

            best = float(values[k].max())
            for start in [unit[i], *cube[grid_peaks(values[k].reshape((grid,) * 3), peaks)]]:
                res = minimize(negative, start, method="L-BFGS-B", bounds=[(0.0, 1.0)] * 3,
                               options={"ftol": 1e-15, "gtol": 1e-12})
                best = max(best, -float(res.fun))
            gains[i] = max(0.0, best - float(current[i]))
    return gains


def nash_gap(game: SemanticGame, actions: Any) -> float:
    """The largest gain any single terminal can reach by deviating (0 at a Nash equilibrium)."""
    return float(deviation_gains(game, actions).max())


@functools.singledispatch
def certify(problem: Any, solution: Any) -> dict[str, float]:
    """The certificate metrics of ``solution``, for families that have one (``{}`` otherwise).

    ``semopt.solve`` merges them into every feasible result's metrics.  For a
    ``SemanticGame`` with ``certify=True``: ``nash_gap`` (:func:`nash_gap`)
    and ``nash_gap_relative`` (divided by the mean ``|U_i|``).
    """
    return {}


@certify.register
def _(problem: SemanticGame, solution: GameSolution) -> dict[str, float]:
    if not problem.certify:
        return {}
    gap = float(deviation_gains(problem, solution.actions).max())
    scale = max(float(np.mean(np.abs(problem.utilities(solution.actions)))), 1e-12)
    return {"nash_gap": gap, "nash_gap_relative": gap / scale}


# ---------------------------------------------------------------------------------------------- split inference
def equal_shares(problem: SplitInference, offloading: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sharing game's rule: the offloading users split the uplink and the edge equally."""
    n = max(int(np.sum(offloading)), 1)
    return (np.where(offloading, problem.bandwidth / n, 0.0), np.where(offloading, problem.edge_flops / n, 0.0))


def optimal_shares(problem: SplitInference, placement: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The bandwidth and edge-compute shares that minimise the objective for fixed placements.

    The objective's share-dependent part is ``sum_m A_m / b_m + C_m / c_m``
    (:meth:`SplitInference.share_coefficients`), so both shares follow the
    square-root rule (:func:`~semopt.algorithms.convex_allocation.sqrt_shares`).
    What a planner would give a profile's device sets: the gap between an
    equilibrium and the same device sets with these shares is what equal
    sharing costs.
    """
    a, c = problem.share_coefficients(placement)
    return sqrt_shares(a, problem.bandwidth), sqrt_shares(c, problem.edge_flops)


def split_user_cost(problem: SplitInference, m: int, row: np.ndarray, bandwidth: float, compute: float) -> float:
    """User m's own term of the objective for device set ``row`` and the given shares."""
    costs = problem.costs(m, bandwidth, compute)
    send, send_in = problem.sent(row)
    return problem.total(costs, row, send, send_in)


def split_best_response(problem: SplitInference, solution: SplitSolution, m: int) -> tuple[np.ndarray, float]:
    """User m's best device set given the others' choices under equal sharing, and its cost.

    A user either runs everything on its device or offloads, and an
    offloading user gets ``1 / (n_others + 1)`` of the uplink and the edge;
    so its best response is the cheaper of the all-device placement and the
    minimum cut at that share (ties: stay on the device).
    """
    others = int(np.sum(~solution.placement.all(axis=1))) - int(not solution.placement[m].all())
    bw, cp = problem.bandwidth / (others + 1), problem.edge_flops / (others + 1)
    device = np.ones(problem.n_layers, dtype=bool)
    options = [(split_user_cost(problem, m, device, 0.0, 0.0), 0, device)]
    joined = min_cut_placement(problem.graph_for(), problem.costs(m, bw, cp))
    if not joined.all():
        options.append((split_user_cost(problem, m, joined, bw, cp), 1, joined))
    cost, _, row = min(options, key=lambda o: (o[0], o[1]))
    return row, cost


def split_nash_gap(problem: SplitInference, solution: SplitSolution) -> float:
    """Largest cost reduction any single user can reach by deviating (0 at a Nash equilibrium of the sharing game).

    ``solution`` must carry the game's shares (:func:`equal_shares` of its offloading users).

    Examples
    --------
    >>> import semopt
    >>> prob = semopt.scenarios.load("split-alexnet", users=3, bandwidth=300e6)
    >>> sol = prob.empty_solution(device=True)  # everyone on the device
    >>> sol.bandwidth, sol.compute = equal_shares(prob, ~sol.placement.all(axis=1))
    >>> bool(split_nash_gap(prob, sol) > 0)  # at 300 MHz offloading pays: not an equilibrium
    True
    """
    gap = 0.0
    for m in range(problem.n_users):
        current = split_user_cost(problem, m, solution.placement[m], solution.bandwidth[m], solution.compute[m])
        _, best = split_best_response(problem, solution, m)
        gap = max(gap, current - best)
    return gap


# ---------------------------------------------------------------------------------------------- price of anarchy
def price_of_anarchy(equilibrium: float, optimum: float, sense: str) -> float:
    """``equilibrium / optimum`` for a cost (``sense="min"``), ``optimum / equilibrium`` for a welfare (``"max"``).

    At least 1 when ``optimum`` is no worse than the equilibrium; NaN when
    the denominator is not positive (no meaningful ratio).  The optimum is an
    argument: compute it with an exact solver where the instance is small,
    and say so when it is only the best known.

    Examples
    --------
    >>> price_of_anarchy(12.0, 10.0, "min"), price_of_anarchy(8.0, 10.0, "max")
    (1.2, 1.25)
    >>> price_of_anarchy(-1.0, 2.0, "max")
    nan
    """
    if sense not in ("min", "max"):
        raise SolverError(f"`sense` must be 'min' or 'max'; got {sense!r}.")
    numerator, denominator = (equilibrium, optimum) if sense == "min" else (optimum, equilibrium)
    return float(numerator / denominator) if denominator > 0 else float("nan")
