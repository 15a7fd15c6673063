"""JointDNN-style Lagrangian relaxation: minimum latency under a device energy budget (seed 003 §3.2.1).

Eshratifar, Abrishami, Pedram, *JointDNN: An Efficient Training and
Inference Engine for Intelligent Mobile Cloud Computing Services*.  For user
m, relax the budget ``E(x) <= B`` with a price ``lambda >= 0``:

.. math::

    g(\\lambda) = \\min_x \\; T(x) + \\lambda (E(x) - B),

each inner minimum a minimum cut (``T + lambda E`` is additive).  ``g`` is
concave and piecewise linear, ``g(lambda) <= T*`` for every ``lambda`` (weak
duality), and ``E(x_lambda) - B`` is a supergradient, so bisection on
``lambda`` maximises it.  Every inner solution that meets the budget is a
primal candidate; the best one is returned.  ``metrics`` report the dual
bound, the primal value and the duality gap (never negative).

Notes
-----
The budget is the only relaxed constraint; memory limits and deadlines are
refused (use ``milp``).  The relaxation can leave a gap on the budget's
"staircase"; ``milp`` closes it.
"""

from __future__ import annotations

import numpy as np

from semopt._options import Option
from semopt.problems.split_inference import SplitInference
from semopt.registry import SolverOutput, register_solver
from semopt.result import Status
from semopt.solvers._split import reject_constraints
from semopt.solvers.mincut import min_cut_placement

__all__ = ["dual_search"]


def dual_search(problem: SplitInference, m: int, bandwidth: float, compute: float, *, steps: int):
    """Bisection on the price of energy for user m: ``(placement, primal, dual_bound, feasible)``."""
    graph = problem.graph_for()
    budget = float(problem.energy_budget[m])
    parts = problem.parts(m, bandwidth, compute)

    def inner(price: float):
        row = min_cut_placement(graph, problem.costs(m, bandwidth, compute, energy_price=price))
        send, send_in = problem.sent(row)
        t = problem.total(parts["latency"], row, send, send_in)
        e = problem.total(parts["energy"], row, send, send_in)
        return row, t, e

    best_row, best_t = None, np.inf
    dual = -np.inf

    def visit(price: float) -> float:
        nonlocal best_row, best_t, dual
        row, t, e = inner(price)
        dual = max(dual, t + price * (e - budget) if np.isfinite(budget) else t)
        if e <= budget * (1 + 1e-12) and t < best_t:
            best_row, best_t = row, t
        return e

    if visit(0.0) <= budget or not np.isfinite(budget):
        return best_row, best_t, dual, True
    # Grow the price until the inner solution meets the budget (or energy cannot fall further).
    lo, hi = 0.0, 1.0
    previous = np.inf
    for _ in range(200):
        e = visit(hi)
        if e <= budget or e >= previous:
            break
        previous, lo, hi = e, hi, hi * 4.0
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        if visit(mid) > budget:
            lo = mid
        else:
            hi = mid
    if best_row is None:  # even the most energy-frugal cut misses the budget
        row, _, _ = inner(hi)
        return row, np.inf, dual, False
    return best_row, best_t, dual, True


@register_solver("lagrangian", problems=(SplitInference,), options={
    "steps": Option(60, "int", "Bisection steps on the price of energy.", low=1),
})
def lagrangian(problem: SplitInference, *, rng, time_limit, steps: int) -> SolverOutput:
    """Min latency s.t. device energy budget by Lagrangian relaxation with min-cut inner problems."""
    reject_constraints(problem, "lagrangian", allow=("energy_budget",))
    if problem.objective != "latency":
        from semopt.errors import SolverError

        raise SolverError(f"Solver 'lagrangian' minimises latency under the energy budget; "
                          f"this instance's objective is {problem.objective!r}. Use 'milp' or 'mincut'.")
    sol = problem.empty_solution()
    primal, dual, ok = 0.0, 0.0, True
    for m in range(problem.n_users):
        row, t, d, feasible = dual_search(problem, m, sol.bandwidth[m], sol.compute[m], steps=steps)
        sol.placement[m] = row
        primal, dual, ok = primal + t, dual + d, ok and feasible
    status = Status.CONVERGED if ok else Status.INFEASIBLE
    gap = primal - dual if ok else np.inf
    message = (f"duality gap {gap:.3g} s" if ok else
               "(energy) no device set meets the energy budget, even at an unbounded price")
    return SolverOutput(sol, status, [], message,
                        {"dual_bound": float(dual), "primal": float(primal), "gap": float(max(gap, 0.0))})
