"""``lagrangian``: JointDNN-style minimum latency under a device energy budget.

For user m, the energy budget ``E(x) <= B`` is relaxed with a price
(:mod:`semopt.algorithms.lagrangian`): each inner problem ``min T + lambda E``
is additive, hence a minimum cut, and bisection on ``lambda`` maximises the
dual.  Every inner solution that meets the budget is a primal candidate;
the best one is returned, with the dual bound and the duality gap (never
negative) in ``metrics``.

Notes
-----
The budget is the only relaxed constraint; memory limits and deadlines are
refused at the door (``milp`` takes them).  The relaxation can leave a gap
on the budget's "staircase"; ``milp`` closes it.

References
----------
.. [1] A. E. Eshratifar, M. S. Abrishami, M. Pedram, "JointDNN: An
   Efficient Training and Inference Engine for Intelligent Mobile Cloud
   Computing Services", IEEE Transactions on Mobile Computing 20(2), 2021.
.. [2] M. Zhang, M. Abdi, V. R. Dasari, F. Restuccia, "Semantic Edge
   Computing and Semantic Communications in 6G Networks: A Unifying Survey
   and Research Challenges", Computer Networks 270, 111531, 2025, §3.2.1.
"""

from __future__ import annotations

import numpy as np

from semopt.algorithms.lagrangian import DualSearch, bisect_price
from semopt.algorithms.mincut import min_cut_placement
from semopt.capabilities import Capabilities
from semopt.options import Option
from semopt.problems.split import SplitInference
from semopt.registry import register_solver
from semopt.result import SolverOutput, Status

__all__ = ["dual_search"]


def dual_search(problem: SplitInference, m: int, bandwidth: float, compute: float, *, steps: int) -> DualSearch:
    """Bisection on the price of energy for user m (``solution`` is its device set)."""
    graph = problem.graph_for()
    parts = problem.parts(m, bandwidth, compute)

    def inner(price: float) -> tuple[np.ndarray, float, float]:
        row = min_cut_placement(graph, problem.costs(m, bandwidth, compute, energy_price=price))
        send, send_in = problem.sent(row)
        return (row, problem.total(parts["latency"], row, send, send_in),
                problem.total(parts["energy"], row, send, send_in))

    return bisect_price(inner, float(problem.energy_budget[m]), steps=steps)


@register_solver("lagrangian", problems=(SplitInference,), options={
    "steps": Option(60, "int", "Bisection steps on the price of energy.", low=1),
}, capabilities=Capabilities(objectives=("latency",), constraints=("energy_budget",)))
def lagrangian(problem: SplitInference, *, rng: np.random.Generator, time_limit: float | None,
               steps: int) -> SolverOutput:
    """Min latency s.t. device energy budget by Lagrangian relaxation with min-cut inner problems."""
    sol = problem.empty_solution()
    primal, dual, ok = 0.0, 0.0, True
    for m in range(problem.n_users):
        search = dual_search(problem, m, sol.bandwidth[m], sol.compute[m], steps=steps)
        sol.placement[m] = search.solution
        primal, dual, ok = primal + search.primal, dual + search.dual, ok and search.feasible
    status = Status.CONVERGED if ok else Status.INFEASIBLE
    gap = primal - dual if ok else np.inf
    message = (f"duality gap {gap:.3g} s" if ok else
               "(energy) no device set meets the energy budget, even at an unbounded price")
    return SolverOutput(sol, status, [], message,
                        {"dual_bound": float(dual), "primal": float(primal), "gap": float(max(gap, 0.0))})
