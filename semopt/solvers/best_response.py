"""Best-response dynamics: split inference as a congestion game among users (seed 003 §3.2.1).

Gao et al. (the survey's ref [65]) model users sharing one edge as players
of an aggregative game.  Here each user m chooses its device set; the
users that offload (run any layer on the edge) share the uplink and the
edge *equally*: with ``n`` of them, each gets ``B / n`` and ``E / n``.  A
user's cost is its own term of the objective.  A user either offloads
(then it both sends and computes at the edge) or runs everything on its
device, so its best response compares two candidates: the all-device
placement, and the minimum cut with the shares it would get by joining
(``B / (n_others + 1)``).  Rounds visit the users in order (Gauss-Seidel)
until a round changes nothing: a pure Nash equilibrium of the game.

``metrics``: ``rounds``, ``nash_gap`` (the largest cost cut any user can
still get by deviating alone, 0 at an equilibrium), and, unless
``reference="none"``, ``optimum`` and ``price_of_anarchy`` = equilibrium
objective / the problem's optimum, where the shares are chosen optimally
(``exhaustive`` when the joint space is small, else ``bcd``, named in
``metrics["optimum_by_exhaustive"]``).  A heuristic reference is capped at
the equilibrium's own objective, so the ratio is never below 1; with
``bcd`` it is an estimate of the price of anarchy, not a bound.
"""

from __future__ import annotations

import numpy as np

from semopt._loop import Loop
from semopt._options import CALLBACK, MAX_ITER, Option
from semopt.errors import SolverError
from semopt.problems.split_inference import SplitInference, SplitSolution
from semopt.registry import SolverOutput, register_solver
from semopt.result import Status
from semopt.solvers._split import reject_constraints
from semopt.solvers.mincut import min_cut_placement

__all__ = ["user_cost", "best_response", "nash_gap"]


def _shares(problem: SplitInference, offloading: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = max(int(offloading.sum()), 1)
    return (np.where(offloading, problem.bandwidth / n, 0.0), np.where(offloading, problem.edge_flops / n, 0.0))


def _apply_shares(problem: SplitInference, sol: SplitSolution) -> None:
    sol.bandwidth, sol.compute = _shares(problem, ~sol.placement.all(axis=1))


def user_cost(problem: SplitInference, m: int, row: np.ndarray, bandwidth: float, compute: float) -> float:
    """User m's own term of the objective for device set ``row`` and the given shares."""
    costs = problem.costs(m, bandwidth, compute)
    send, send_in = problem.sent(row)
    return problem.total(costs, row, send, send_in)


def best_response(problem: SplitInference, sol: SplitSolution, m: int) -> tuple[np.ndarray, float]:
    """User m's best device set given the others' choices, and its cost."""
    others = int(np.sum(~sol.placement.all(axis=1))) - int(not sol.placement[m].all())
    bw, cp = problem.bandwidth / (others + 1), problem.edge_flops / (others + 1)
    device = np.ones(problem.n_layers, dtype=bool)
    options = [(user_cost(problem, m, device, 0.0, 0.0), 0, device)]
    joined = min_cut_placement(problem.graph_for(), problem.costs(m, bw, cp))
    if not joined.all():
        options.append((user_cost(problem, m, joined, bw, cp), 1, joined))
    cost, _, row = min(options, key=lambda o: (o[0], o[1]))  # ties: stay on the device
    return row, cost


def nash_gap(problem: SplitInference, sol: SplitSolution) -> float:
    """Largest cost reduction any single user can reach by deviating (0 at a Nash equilibrium)."""
    gap = 0.0
    for m in range(problem.n_users):
        current = user_cost(problem, m, sol.placement[m], sol.bandwidth[m], sol.compute[m])
        _, best = best_response(problem, sol, m)
        gap = max(gap, current - best)
    return gap


@register_solver("best-response", problems=(SplitInference,), options={
    "max_iter": Option(100, "int", "Maximum rounds of best responses. " + MAX_ITER.doc, low=1),
    "reference": Option("auto", "choice", "Optimum for the price of anarchy: 'auto' (exhaustive if small, "
                        "else bcd), 'exhaustive', 'bcd' or 'none'.",
                        choices=("auto", "exhaustive", "bcd", "none")),
    "callback": CALLBACK,
})
def best_response_dynamics(problem: SplitInference, *, rng, time_limit, max_iter: int, reference: str,
                           callback) -> SolverOutput:
    """Users best-respond in turn until no one moves: a Nash equilibrium of the sharing game."""
    reject_constraints(problem, "best-response")
    sol = problem.empty_solution(device=True)
    _apply_shares(problem, sol)
    loop = Loop(max_iter=max_iter, tol=0.0, time_limit=time_limit, callback=callback)
    while loop.running():
        moved = False
        for m in range(problem.n_users):
            row, cost = best_response(problem, sol, m)
            current = user_cost(problem, m, sol.placement[m], sol.bandwidth[m], sol.compute[m])
            if cost < current - 1e-12 * max(1.0, abs(current)):
                sol.placement[m] = row
                _apply_shares(problem, sol)
                moved = True
        loop.record(problem.evaluate(sol).objective, sol, may_stop=False)
        if not moved and loop.status is None:
            loop.status, loop.message = Status.CONVERGED, f"no user moved in round {loop.iteration}"
    metrics = {"rounds": float(loop.iteration), "nash_gap": nash_gap(problem, sol)}
    if reference != "none":
        metrics.update(_price_of_anarchy(problem, loop.history[-1], reference))
    return SolverOutput(sol, loop.status or Status.MAX_ITER, loop.history, loop.message, metrics)


def _price_of_anarchy(problem: SplitInference, value: float, reference: str) -> dict[str, float]:
    from semopt.api import solve

    by_exhaustive = reference == "exhaustive"
    if reference == "auto":
        try:
            optimum = solve(problem, "exhaustive", max_space=20_000).objective
            by_exhaustive = True
        except SolverError:
            optimum = solve(problem, "bcd").objective
    else:
        optimum = solve(problem, reference).objective
    # The equilibrium itself is a solution of the problem: a heuristic reference above it is no optimum.
    optimum = min(optimum, value)
    return {"optimum": float(optimum), "price_of_anarchy": float(value / optimum),
            "optimum_by_exhaustive": float(by_exhaustive)}
