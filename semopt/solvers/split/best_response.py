"""``best-response`` for split inference: several users as players of an edge-sharing game.

Gao et al. (the survey's ref [65]) model users sharing one edge as players
of an aggregative game.  Here each user m chooses its device set; the users
that offload (run any layer on the edge) share the uplink and the edge
*equally*.  A user's cost is its own term of the objective, and its best
response the cheaper of running everything on its device and offloading
along the minimum cut for the share it would get
(:func:`~semopt.analysis.equilibrium.split_best_response`).  Rounds visit the
users in order (:func:`~semopt.algorithms.best_response.best_response_dynamics`,
Gauss-Seidel) until a round changes nothing: a pure Nash equilibrium.

``metrics``: ``rounds``, ``nash_gap`` (the largest cost cut any user can
still get by deviating alone, 0 at an equilibrium), and, unless
``reference="none"``, ``optimum`` and ``price_of_anarchy`` = equilibrium
objective / the problem's optimum, where the shares are chosen optimally:
the exhaustive joint optimum when the joint space is small (``"auto"``,
at most 20,000 joint placements), else ``bcd``'s answer, named in
``metrics["optimum_by_exhaustive"]``.  A heuristic reference is capped at
the equilibrium's own objective, so the ratio is never below 1; with
``bcd`` it is an estimate of the price of anarchy, not a bound.

References
----------
.. [1] M. Zhang, M. Abdi, V. R. Dasari, F. Restuccia, "Semantic Edge
   Computing and Semantic Communications in 6G Networks: A Unifying Survey
   and Research Challenges", Computer Networks 270, 111531, 2025, §3.2
   (game-theoretic partitioning).
"""

from __future__ import annotations

import numpy as np

from semopt.algorithms.best_response import best_response_dynamics
from semopt.algorithms.enumeration import count_downsets, downsets
from semopt.analysis.equilibrium import (
    equal_shares,
    price_of_anarchy,
    split_best_response,
    split_nash_gap,
    split_user_cost,
)
from semopt.errors import SolverError
from semopt.loop import Callback, Loop
from semopt.options import CALLBACK, MAX_ITER, Option
from semopt.problems.split import SplitInference, SplitSolution
from semopt.registry import register_solver
from semopt.result import SolverOutput
from semopt.solvers.split.bcd import SPLIT_BCD_OPTIONS, split_bcd
from semopt.solvers.split.exhaustive import MAX_DOWNSETS, joint_optimum
from semopt.solvers.split.per_user import UNCONSTRAINED_ADDITIVE

__all__ = ["best_response_dynamics_split"]

_JOINT_LIMIT = 20_000  # joint placements the "auto" reference enumerates before it falls back to bcd


def _apply_shares(problem: SplitInference, sol: SplitSolution) -> None:
    sol.bandwidth, sol.compute = equal_shares(problem, np.asarray(~sol.placement.all(axis=1)))


@register_solver("best-response", problems=(SplitInference,), options={
    "max_iter": Option(100, "int", "Maximum rounds of best responses. " + MAX_ITER.doc, low=1),
    "reference": Option("auto", "choice", "Optimum for the price of anarchy: 'auto' (exhaustive if small, "
                        "else bcd), 'exhaustive', 'bcd' or 'none'.",
                        choices=("auto", "exhaustive", "bcd", "none")),
    "callback": CALLBACK,
}, capabilities=UNCONSTRAINED_ADDITIVE)
def best_response_dynamics_split(problem: SplitInference, *, rng: np.random.Generator, time_limit: float | None,
                                 max_iter: int, reference: str, callback: Callback | None) -> SolverOutput:
    """Users best-respond in turn until no one moves: a Nash equilibrium of the sharing game."""
    sol = problem.empty_solution(device=True)
    _apply_shares(problem, sol)
    loop = Loop(max_iter=max_iter, time_limit=time_limit, callback=callback)

    def respond(m: int) -> tuple[np.ndarray, float]:
        row, cost = split_best_response(problem, sol, m)
        current = split_user_cost(problem, m, sol.placement[m], sol.bandwidth[m], sol.compute[m])
        # A move must beat the current cost by more than rounding: a pure equilibrium, not a drift.
        return row, (current - cost if cost < current - 1e-12 * max(1.0, abs(current)) else 0.0)

    def move(m: int, row: np.ndarray, gain: float) -> None:
        if gain > 0:
            sol.placement[m] = row
            _apply_shares(problem, sol)

    best_response_dynamics(problem.n_users, respond, move, loop,
                           after_round=lambda: (problem.evaluate(sol).objective, sol),
                           converged="no user moved in round {round}")
    metrics = {"rounds": float(loop.iteration), "nash_gap": split_nash_gap(problem, sol)}
    if reference != "none":
        metrics.update(_reference(problem, problem.evaluate(sol).objective, reference, rng))
    return loop.output(sol, metrics)


def _reference(problem: SplitInference, value: float, reference: str, rng: np.random.Generator) -> dict[str, float]:
    """The optimum with optimal shares, by exhaustive enumeration or ``bcd``, and the price of anarchy."""
    count = count_downsets(problem.graph_for(), MAX_DOWNSETS)
    limit = _JOINT_LIMIT if reference == "auto" else MAX_DOWNSETS
    small = count <= MAX_DOWNSETS and count ** problem.n_users <= limit
    if reference == "exhaustive" and not small:
        raise SolverError(f"reference='exhaustive' refuses this instance: more than max_space={MAX_DOWNSETS} joint "
                          "placements; use reference='bcd'.")
    by_exhaustive = reference == "exhaustive" or (reference == "auto" and small)
    if by_exhaustive:
        out = joint_optimum(problem, downsets(problem.graph_for(), problem.n_layers))
    else:
        defaults = {name: opt.default for name, opt in SPLIT_BCD_OPTIONS.items()}
        out = split_bcd(problem, rng=rng, time_limit=None, **defaults)
    # The equilibrium itself is a solution of the problem: a heuristic reference above it is no optimum.
    optimum = min(problem.evaluate(out.solution).objective, value)
    return {"optimum": float(optimum), "price_of_anarchy": price_of_anarchy(value, optimum, "min"),
            "optimum_by_exhaustive": float(by_exhaustive)}
